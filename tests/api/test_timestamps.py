"""Timestamps in: a UTC offset is required, and a '+' sent unencoded in a query string (which
arrives as a space) is named as such rather than refused as any other bad timestamp."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from mockplatform.fronts.native.schemas import Timestamp, TimestampOrKeyword
from tests.api.support import assert_error

PLUS_HINT = "send + as %2B"


def _message(field, value) -> str:
    with pytest.raises(ValidationError) as raised:
        field.deserialize(value)
    [message] = raised.value.messages
    return message


@pytest.mark.parametrize("value", [
    "2026-01-09T09:00:00 08:00", "2026-01-09T09:00 0800", "2026-01-09T09:00:00.250 08",
    "2026-01-09 09:00:00 05:30", " 2026-01-09T09:00:00 08:00 "])
def test_a_space_where_the_offset_sign_should_be_is_named(value):
    message = _message(Timestamp(), value)

    assert "a space where the offset's sign should be" in message
    assert PLUS_HINT in message and "decodes to a space" in message
    assert PLUS_HINT in _message(TimestampOrKeyword("next_timer"), value)


@pytest.mark.parametrize("value", [
    "2026-01-09T09:00:00 PST", "2026-01-09T09:00:00 8:00", "2026-01-09T09:00:00 08:00 Z",
    "yesterday", "2026-01-09T09:00:00 08:00x"])
def test_other_bad_timestamps_get_the_general_message(value):
    message = _message(Timestamp(), value)

    assert message.startswith("expected an ISO 8601 timestamp with a UTC offset, such as ")
    assert PLUS_HINT not in message
    assert "or 'next_timer'" in _message(TimestampOrKeyword("next_timer"), value)


def test_the_offsets_still_parse():
    field = Timestamp()

    assert field.deserialize("2026-01-09T09:00:00+08:00").isoformat() == (
        "2026-01-09T01:00:00+00:00")
    assert field.deserialize("2026-01-09T09:00:00-03:00").isoformat() == (
        "2026-01-09T12:00:00+00:00")


def test_an_unencoded_plus_in_a_query_string_gets_the_hint(sbx):
    response = sbx.get("/api/v1/calendar/deadline?from=2026-01-09T09:00:00+08:00"
                       "&duration=PT48H&kind=hours")

    error = assert_error(response, 400, "validation_failed", field="from", location="query")
    [detail] = [d for d in error["details"] if d["field"] == "from"]
    assert PLUS_HINT in detail["message"], detail
    assert sbx.get("/api/v1/calendar/deadline?from=2026-01-09T09:00:00%2B08:00"
                   "&duration=PT48H&kind=hours").status_code == 200
