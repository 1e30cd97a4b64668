"""ISO 8601 durations (``PT49H``, ``P7D``) and plain seconds, as ``timedelta``.

Years and months are refused: their length depends on the date they start from, and every policy
of the platform is stated in hours or days.

A duration is at most ``MAX_DURATION`` long: past that no sandbox clock could ever reach its end
(see ``clock.LATEST``), and the numbers are checked before any arithmetic, so that a duration of
ten thousand digits is a ``BeyondLatest`` naming its field, never an ``OverflowError``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from mockplatform.engine.clock import MAX_DURATION, BeyondLatest
from mockplatform.errors import ValidationFailed

EXPECTED = "an ISO 8601 duration such as PT49H or P7D, or a number of seconds"

_NUMBER = r"[0-9]+(?:[,.][0-9]+)?"
# The designator form of ISO 8601 (the form isodate reads; its alternative form,
# P0000-00-02T01:00:00, names year 0 and never parsed to a length).
_ISO = re.compile(
    rf"(?P<sign>[+-])?P(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?"
    rf"(?:(?P<weeks>{_NUMBER})W)?(?:(?P<days>{_NUMBER})D)?"
    rf"(?:T(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?(?:(?P<seconds>{_NUMBER})S)?)?")
_SECONDS_IN = {"weeks": 604_800, "days": 86_400, "hours": 3_600, "minutes": 60, "seconds": 1}
_MAX_SECONDS = Decimal(int(MAX_DURATION.total_seconds()))


def parse_duration(value: object, *, field: str = "duration", location: str = "body") -> timedelta:
    """Parse ``value`` or raise ``ValidationFailed`` naming ``field`` (``BeyondLatest`` when it is
    longer than ``MAX_DURATION``)."""
    if isinstance(value, bool):
        raise ValidationFailed.field(field, f"expected {EXPECTED}", location=location)
    if isinstance(value, int | float | Decimal):
        return _from_seconds(_decimal(value, value, field, location), value, field, location)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed.field(field, f"expected {EXPECTED}", location=location)
    text = value.strip()
    if text[0].isdigit() or text[0] in "+-" and text[1:2].isdigit():
        return _from_seconds(_decimal(text, value, field, location), value, field, location)
    match = _ISO.fullmatch(text)
    # "P" or "PT" alone names no length at all
    if match is None or not any(ch.isdigit() for ch in text):
        raise ValidationFailed.field(field, f"{_shown(value)} is not {EXPECTED}",
                                     location=location)
    parts = {name: Decimal(number.replace(",", "."))
             for name, number in match.groupdict().items() if name != "sign" and number}
    if parts.get("years") or parts.get("months"):
        raise ValidationFailed.field(
            field, f"{_shown(value)} uses years or months, whose length varies; use days (P30D)",
            location=location)
    seconds = Decimal(0)
    for name, amount in parts.items():
        # Checked before multiplying: a number of ten thousand digits must not reach the
        # arithmetic (Decimal would trap, float would be infinite).
        if name in _SECONDS_IN:
            if amount > _MAX_SECONDS:
                raise _too_long(value, field, location)
            seconds += amount * _SECONDS_IN[name]
    if match["sign"] == "-":
        seconds = -seconds
    return _from_seconds(seconds, value, field, location)


def _decimal(number: object, value: object, field: str, location: str) -> Decimal:
    try:  # str() first: a float's shortest repr (0.5), not its binary value
        amount = number if isinstance(number, Decimal) else Decimal(str(number))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field, f"{_shown(value)} is not {EXPECTED}",
                                     location=location) from None
    if not amount.is_finite():
        raise ValidationFailed.field(field, f"{_shown(value)} is not {EXPECTED}",
                                     location=location)
    return amount


def _from_seconds(seconds: Decimal, value: object, field: str, location: str) -> timedelta:
    if abs(seconds) > _MAX_SECONDS:
        raise _too_long(value, field, location)
    return timedelta(microseconds=int(seconds.scaleb(6)))


def _too_long(value: object, field: str, location: str) -> BeyondLatest:
    return BeyondLatest(field, f"{_shown(value)} is longer than a sandbox clock can ever move "
                        f"(at most {format_duration(MAX_DURATION)})", location=location)


def _shown(value: object) -> str:
    """``value`` as an error message quotes it: a ten-thousand-digit value cut to its ends."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}…{text[-12:]} ({len(text)} characters)"


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
