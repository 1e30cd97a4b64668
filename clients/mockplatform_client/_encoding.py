"""Turning Python values into what the API reads: timestamps, durations, JSON bodies, queries.

Timestamps are ISO 8601 with an offset; a naive ``datetime`` is refused because the sandbox clock
cannot guess which zone it meant. Durations are ISO 8601 (``PT49H``, ``P7D``); the API also takes
a plain number of seconds, which passes through unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

Timestamp = datetime | str
Duration = timedelta | int | float | str


def format_timestamp(value: datetime) -> str:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"naive datetime {value.isoformat()!r}: pass a timezone-aware datetime "
            "(for example datetime(..., tzinfo=timezone.utc))")
    return value.isoformat()


def format_duration(delta: timedelta) -> str:
    """``PT49H`` rather than ``P2DT1H``, and ``P7D`` for whole days, as the server writes them."""
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    total_seconds = delta.days * 86400 + delta.seconds
    micro = delta.microseconds
    days, rest = divmod(total_seconds, 86400)
    if days and not rest and not micro:
        return f"{sign}P{days}D"
    hours, rest = divmod(total_seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    out = f"{sign}PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if seconds or micro or out.endswith("T"):
        out += (f"{seconds}.{micro:06d}".rstrip("0") if micro else str(seconds)) + "S"
    return out


def to_wire(value: Any) -> Any:
    """One value as JSON sees it; raise ``TypeError`` for what JSON cannot carry."""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    to_dict = getattr(type(value), "to_dict", None)
    if to_dict is not None:
        return to_dict(value)
    raise TypeError(f"cannot send a {type(value).__name__} as JSON: {value!r}")


def encode_json(body: Any) -> bytes:
    return json.dumps(body, default=to_wire, separators=(",", ":")).encode("utf-8")


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str | list[str]]:
    """Query parameters as strings (a list: the parameter repeated); ``None`` means "not
    given" and is left out."""
    encoded: dict[str, str | list[str]] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            encoded[name] = str(value)
        elif isinstance(value, list | tuple):
            encoded[name] = [str(item) for item in value]
        else:
            encoded[name] = to_wire(value)
    return encoded


def without_none(**fields: Any) -> dict[str, Any]:
    """A request body of the given fields, leaving out those not given."""
    return {name: value for name, value in fields.items() if value is not None}
