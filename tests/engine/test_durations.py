"""ISO 8601 durations and seconds, and the errors for everything else."""

from datetime import timedelta

import pytest

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
