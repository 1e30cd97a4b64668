"""ISO 8601 durations and seconds, and the errors for everything else."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mockplatform.engine.clock import LATEST, MAX_DURATION, BeyondLatest, later
from mockplatform.engine.durations import format_duration, parse_duration
from mockplatform.errors import ValidationFailed


@pytest.mark.parametrize(("given", "expected"), [
    ("PT49H", timedelta(hours=49)), ("P7D", timedelta(days=7)), (3600, timedelta(hours=1)),
    ("1.5", timedelta(seconds=1.5)), ("P1DT2H30M", timedelta(hours=26, minutes=30)),
    ("-PT1H", timedelta(hours=-1)),
])
def test_durations_parse(given, expected):
    assert parse_duration(given) == expected


@pytest.mark.parametrize("given", ["P1M", "P1Y", "PT", "P", "abc", "", None, True, "12x", [1]])
def test_anything_else_is_refused_naming_the_field(given):
    with pytest.raises(ValidationFailed) as raised:
        parse_duration(given, field="by")
    assert raised.value.details[0]["field"] == "by"


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(hours=49), "PT49H"), (timedelta(days=7), "P7D"),
    (timedelta(seconds=1.5), "PT1.5S"), (timedelta(0), "PT0S"), (timedelta(hours=-1), "-PT1H"),
    (timedelta(minutes=90), "PT1H30M"),
])
def test_durations_format_back(delta, text):
    assert format_duration(delta) == text
    assert parse_duration(text) == delta


# -- too long for any sandbox clock -----------------------------------------------------------------

@pytest.mark.parametrize("given", [
    "P3000000D", "P999999999D", "PT100000000000000S", "P1000001D", "-P1000001D", "P200000W",
    "P" + "9" * 10_000 + "D", "PT" + "9" * 10_000 + ".5S", "9" * 10_000, "1e999999", 1e30,
    10**40, Decimal("1e999999"),
])
def test_a_duration_too_long_is_beyond_latest_naming_the_field(given):
    with pytest.raises(BeyondLatest) as raised:
        parse_duration(given, field="by", location="query")
    error = raised.value
    assert (error.field_name, error.latest) == ("by", LATEST)
    assert error.details == [{"field": "by", "location": "query", "message": error.details[0][
        "message"], "latest": "6000-01-01T00:00:00+00:00"}]
    assert "P1000000D" in error.message and "6000-01-01T00:00:00+00:00" in error.message
    assert len(error.message) < 300


@pytest.mark.parametrize(("given", "expected"), [
    ("P1000000D", MAX_DURATION), (MAX_DURATION.total_seconds(), MAX_DURATION),
    ("P" + "0" * 10_000 + "1D", timedelta(days=1)), ("P1,5D", timedelta(hours=36)),
    ("P1.5W", timedelta(days=10, hours=12)), ("+P1D", timedelta(days=1)),
    ("PT0.0000001S", timedelta(0)), ("P0Y1D", timedelta(days=1)),
])
def test_the_longest_duration_and_odd_spellings_still_parse(given, expected):
    assert parse_duration(given) == expected


@pytest.mark.parametrize("given", ["NaN", "Infinity", float("inf"), float("nan"),
                                   Decimal("NaN"), "1e", "P1DT1", "PT1.S"])
def test_numbers_that_are_not_lengths_are_refused(given):
    with pytest.raises(ValidationFailed) as raised:
        parse_duration(given, field="by")
    assert not isinstance(raised.value, BeyondLatest)
    assert raised.value.details[0]["field"] == "by"


def test_later_adds_within_the_latest_instant_and_refuses_beyond_it():
    start = datetime(5999, 12, 31, tzinfo=UTC)
    assert later(start, timedelta(days=1), field="delay") == LATEST
    with pytest.raises(BeyondLatest) as raised:
        later(start, timedelta(days=1, seconds=1), field="delay", what="would be due at")
    assert raised.value.field_name == "delay"
    assert raised.value.message.startswith("delay: would be due at 6000-01-01T00:00:01+00:00;")
    # past datetime's own range: still the typed error, never an OverflowError
    with pytest.raises(BeyondLatest, match="past year 9999"):
        later(start, MAX_DURATION, times=10**6, field="repeat_every")
    with pytest.raises(BeyondLatest, match="past year 9999"):
        later(start, timedelta(days=999_999_999), field="by")
