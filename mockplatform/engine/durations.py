"""ISO 8601 durations (``PT49H``, ``P7D``) and plain seconds, as ``timedelta``.

Years and months are refused: their length depends on the date they start from, and every policy
of the platform is stated in hours or days.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

import isodate

from mockplatform.errors import ValidationFailed

EXPECTED = "an ISO 8601 duration such as PT49H or P7D, or a number of seconds"


def parse_duration(value: object, *, field: str = "duration", location: str = "body") -> timedelta:
    """Parse ``value`` or raise ``ValidationFailed`` naming ``field``."""
    if isinstance(value, bool):
        raise ValidationFailed.field(field, f"expected {EXPECTED}", location=location)
    if isinstance(value, int | float | Decimal):
        return _seconds(value, field, location)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed.field(field, f"expected {EXPECTED}", location=location)
    text = value.strip()
    if text[0].isdigit() or text[0] in "+-" and text[1:2].isdigit():
        try:
            return _seconds(Decimal(text), field, location)
        except InvalidOperation:
            raise ValidationFailed.field(
                field, f"{value!r} is not {EXPECTED}", location=location) from None
    if not any(ch.isdigit() for ch in text):  # "P" or "PT" alone names no length at all
        raise ValidationFailed.field(field, f"{value!r} is not {EXPECTED}", location=location)
    try:
        parsed = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError):
        raise ValidationFailed.field(field, f"{value!r} is not {EXPECTED}",
                                     location=location) from None
    if isinstance(parsed, isodate.Duration):
        raise ValidationFailed.field(
            field, f"{value!r} uses years or months, whose length varies; use days (P30D)",
            location=location)
    return parsed


def _seconds(value: int | float | Decimal, field: str, location: str) -> timedelta:
    try:
        micro = int(Decimal(str(value)) * 1_000_000)
    except InvalidOperation:
        raise ValidationFailed.field(field, f"expected {EXPECTED}", location=location) from None
    if abs(micro) > 10**17:  # about 3,000 years: beyond any sandbox's needs, and beyond datetime
        raise ValidationFailed.field(field, "duration is too long", location=location)
    return timedelta(microseconds=micro)


def format_duration(delta: timedelta) -> str:
    """``PT49H`` rather than ``P2DT1H``: hours read better for the platform's deadlines."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    micro = abs(delta).microseconds
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days and not (hours or minutes or seconds or micro):
        return f"{sign}P{days}D"
    hours += days * 24
    out = f"{sign}PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if seconds or micro or out.endswith("T"):
        out += (f"{seconds}.{micro:06d}".rstrip("0") if micro else str(seconds)) + "S"
    return out
