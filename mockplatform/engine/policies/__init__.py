"""The policy tables: one YAML file per platform profile, loaded once, overridable per sandbox.

A row of ``<platform>.yaml`` has ``key``, ``type``, ``value`` (the default), ``calendar``,
``effect``, ``description`` and ``source``; what its type needs (``choices``, ``min``, ``max``,
``fields``); and, where the rule differs by market or shipping, the data of :class:`Policy`'s
last four fields. Overrides are a flat ``{key: value}``; a partial mapping or schedule changes
only the fields it names.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from mockplatform.engine.calendar import MAX_COUNTED
from mockplatform.engine.durations import format_duration, parse_duration
from mockplatform.errors import ValidationFailed

PLATFORMS = ("lazada", "tiktok_shop", "aliexpress")
MARKETS = ("MY", "SG", "TH", "VN", "PH", "ID")
CURRENCIES = ("MYR", "SGD", "PHP", "THB", "VND", "IDR", "USD")
SHIPPING_KINDS = ("cross_border", "local")
TYPES = ("duration", "duration_range", "money", "integer", "ratio", "choice", "string_list",
         "boolean", "schedule", "mapping", "rule")
# calendar.add_duration counts these in whole days, so a fraction of a day could never be honoured.
_WHOLE_DAY_CALENDARS = frozenset({"calendar_days", "working_days", "end_of_working_day_n"})
Row = Mapping[str, Any]


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class DurationRange:
    min: timedelta
    max: timedelta


@dataclass(frozen=True)
class Policy:
    key: str
    type: str
    value: Any
    default: Any  # the documented default in the table's market (``by_market`` applied)
    calendar: str | None  # for a rule that differs by shipping, the cross-border calendar
    effect: str
    description: str
    source: str
    overridden: bool
    by_market: Mapping[str, Any]  # market -> its documented default, where it differs
    calendar_by_shipping: Mapping[str, str]  # shipping kind -> calendar, where not ``calendar``
    calendar_market: str | None  # whose local time and calendar count, if not the sandbox's
    end_of_day: bool  # the deadline moves to 23:59:59 local time of the day it falls on

    def calendar_for(self, shipping: str = "cross_border") -> str | None:
        if shipping not in SHIPPING_KINDS:
            raise ValueError(f"unknown shipping kind {shipping!r}; expected one of "
                             f"{', '.join(SHIPPING_KINDS)}")
        return self.calendar_by_shipping.get(shipping, self.calendar)

    def to_json(self) -> dict[str, Any]:
        return {item.name: to_jsonable(getattr(self, item.name)) for item in fields(self)}


@dataclass(frozen=True)
class PolicyTable:
    platform: str
    market: str
    policies: tuple[Policy, ...]
    _index: Mapping[str, Policy] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType(
            {policy.key: policy for policy in self.policies}))

    def get(self, key: str) -> Policy:
        try:
            return self._index[key]
        except KeyError:
            raise KeyError(f"{key!r} is not a policy of the {self.platform} profile") from None

    def value(self, key: str) -> Any:
        return self.get(key).value

    def duration(self, key: str) -> timedelta:
        policy = self.get(key)
        if policy.type != "duration":
            raise TypeError(f"policy {key!r} is a {policy.type}, not a duration")
        return policy.value

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def to_json(self) -> list[dict[str, Any]]:
        return [policy.to_json() for policy in self.policies]


def to_jsonable(value: Any) -> Any:
    """A normalised policy value as JSON: durations in ISO 8601, Decimals as strings."""
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value):  # Money, DurationRange
        value = vars(value)
    if isinstance(value, Mapping):
        return {name: to_jsonable(item) for name, item in value.items()}
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    return value


# Value types: a parser takes (raw, row, base) and returns the normalised value; ``base`` is the
# default an override applies to (a mapping or schedule override may then be partial) or None.

class _Invalid(Exception):
    """Bad value; ``errors`` pairs a path below the policy key ("" or ".field") with a message."""

    def __init__(self, message: str = "", errors: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.errors = errors if errors is not None else [("", message)]


def _expect(valid: bool, expected: str, raw: Any) -> None:
    if not valid:
        raise _Invalid(f"expected {expected}, got {raw!r}")


def _duration(raw: Any, row: Row, base: Any = None) -> timedelta:
    try:
        value = parse_duration(raw)
    except ValidationFailed as exc:
        raise _Invalid(exc.details[0]["message"]) from None
    _expect(value >= timedelta(0), "a duration of zero or more", raw)
    # Deadlines are counted on calendars, day by day for working days: no policy is longer
    # than what the deadline query counts, and none can carry a deadline past datetime's range.
    _expect(value <= MAX_COUNTED, f"a duration of at most {format_duration(MAX_COUNTED)}", raw)
    if row.get("calendar") in _WHOLE_DAY_CALENDARS:
        _expect(not value % timedelta(days=1),
                f"a whole number of days such as P2D ({row['calendar']} counts days)", raw)
    return value


def _duration_range(raw: Any, row: Row, base: Any = None) -> DurationRange:
    _expect(isinstance(raw, Mapping) and set(raw) == {"min", "max"}, "{min: P5D, max: P8D}", raw)
    low, high = _duration(raw["min"], row), _duration(raw["max"], row)
    _expect(low <= high, "min no later than max", raw)
    return DurationRange(low, high)


def _decimal(raw: Any, expected: str) -> Decimal:
    try:  # str() first: a float's shortest repr (0.9), not its binary value; str(True) fails
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    _expect(value.is_finite(), expected, raw)
    return value


def _money(raw: Any, row: Row, base: Any = None) -> Money:
    _expect(isinstance(raw, Mapping) and set(raw) == {"amount", "currency"},
            '{amount: "5.00", currency: USD}', raw)
    amount = _decimal(raw["amount"], 'a decimal amount such as "5.00"')
    _expect(amount >= 0, "an amount of zero or more", raw["amount"])
    currency = raw["currency"]
    _expect(isinstance(currency, str) and currency.upper() in CURRENCIES,
            f"a currency code, one of {', '.join(CURRENCIES)}", currency)
    return Money(amount, currency.upper())


def _integer(raw: Any, row: Row, base: Any = None) -> int:
    _expect(isinstance(raw, int) and not isinstance(raw, bool), "a whole number", raw)
    _expect(raw >= row.get("min", raw), f"a whole number of at least {row.get('min')}", raw)
    _expect(raw <= row.get("max", raw), f"a whole number of at most {row.get('max')}", raw)
    return raw


def _ratio(raw: Any, row: Row, base: Any = None) -> Decimal:
    expected = "a ratio from 0 to 1 such as 0.9 (for 90%)"
    value = _decimal(raw, expected)
    _expect(0 <= value <= 1, expected, raw)
    return value


def _choice(raw: Any, row: Row, base: Any = None) -> str:
    _expect(isinstance(raw, str) and raw in row["choices"],
            f"one of {', '.join(row['choices'])}", raw)
    return raw


def _string_list(raw: Any, row: Row, base: Any = None) -> tuple[str, ...]:
    _expect(isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw),
            "a list of strings", raw)
    if "choices" in row:
        _expect(set(raw) <= set(row["choices"]),
                f"a list whose items are among {', '.join(row['choices'])}", raw)
    return tuple(dict.fromkeys(raw))


def _boolean(raw: Any, row: Row, base: Any = None) -> bool:
    _expect(isinstance(raw, bool), "true or false", raw)
    return raw


def _fields(raw: Mapping[str, Any], rows: Row, base: Any) -> Mapping[str, Any]:
    """Each field of ``raw`` parsed by its row in ``rows``; every bad field reported at once."""
    errors = [(f".{name}", f"unknown field; expected one of {', '.join(rows)}")
              for name in raw if name not in rows]
    if base is None:  # a default, unlike an override, gives every field
        errors += [(f".{name}", "missing") for name in rows if name not in raw]
    values = {}
    for name in rows:
        if name in raw:
            # A nested mapping overrides like a top-level one: only the fields it names.
            nested = base.get(name) if isinstance(base, Mapping) else None
            try:
                values[name] = _parse(raw[name], rows[name], nested)
                if isinstance(nested, Mapping):
                    values[name] = _merge(nested, values[name])
            except _Invalid as exc:
                errors += [(f".{name}{path}", message) for path, message in exc.errors]
    if errors:
        raise _Invalid(errors=errors)
    return MappingProxyType(values)


def _schedule(raw: Any, row: Row, base: Any = None) -> Mapping[str, timedelta]:
    _expect(isinstance(raw, Mapping) and bool(raw), "steps with offsets such as {pickup: PT12H}",
            raw)
    steps = dict.fromkeys(base if base is not None else raw, {"type": "duration"})
    parsed = _fields(raw, steps, base)
    merged = list({**(base or {}), **parsed}.items())
    for (before, early), (after, late) in zip(merged, merged[1:], strict=False):
        if late < early:
            raise _Invalid(f"offsets must never decrease, but {after} ({format_duration(late)}) "
                           f"is earlier than {before} ({format_duration(early)})")
    return parsed


def _mapping(raw: Any, row: Row, base: Any = None) -> Mapping[str, Any]:
    _expect(isinstance(raw, Mapping), f"an object with fields {', '.join(row['fields'])}", raw)
    return _fields(raw, row["fields"], base)


def _rule(raw: Any, row: Row, base: Any = None) -> None:
    _expect(raw is None, "null: a rule has no value", raw)


_PARSERS = {"duration": _duration, "duration_range": _duration_range, "money": _money,
            "integer": _integer, "ratio": _ratio, "choice": _choice,
            "string_list": _string_list, "boolean": _boolean, "schedule": _schedule,
            "mapping": _mapping, "rule": _rule}


def _parse(raw: Any, row: Row, base: Any = None) -> Any:
    return _PARSERS[row["type"]](raw, row, base)


def _merge(base: Any, value: Any) -> Any:
    if isinstance(base, Mapping):  # schedules and mappings: a partial value changes what it names
        return MappingProxyType({**base, **value})
    return value


@dataclass(frozen=True)
class _Spec:
    row: Row
    default: Any
    by_market: Mapping[str, Any]

    def policy(self, market: str, override: Any, overridden: bool) -> Policy:
        row, default = self.row, self.default
        if market in self.by_market:
            default = _merge(default, self.by_market[market])
        return Policy(
            key=row["key"], type=row["type"], default=default,
            value=_merge(default, override) if overridden else default,
            calendar=row["calendar"], effect=row["effect"], description=row["description"],
            source=row["source"], overridden=overridden, by_market=self.by_market,
            calendar_by_shipping=MappingProxyType(row.get("calendar_by_shipping") or {}),
            calendar_market=row.get("calendar_market"), end_of_day=row.get("end_of_day", False))


@lru_cache(maxsize=len(PLATFORMS))
def _profile(platform: str) -> Mapping[str, _Spec]:
    text = resources.files(__name__).joinpath(f"{platform}.yaml").read_text(encoding="utf-8")
    specs: dict[str, _Spec] = {}
    for row in yaml.safe_load(text)["policies"]:
        # The rows' shape (fields, calendars, markets) is checked by tests/engine/test_policies.py;
        # their values go through the same parsers as a sandbox's overrides.
        try:
            default = _parse(row["value"], row)
            by_market = {market: _parse(raw, row, default)
                         for market, raw in (row.get("by_market") or {}).items()}
        except _Invalid as exc:
            raise ValueError(f"{platform}.yaml, {row['key']}: {exc.errors}") from None
        specs[row["key"]] = _Spec(MappingProxyType(row), default, MappingProxyType(by_market))
    return MappingProxyType(specs)


def _detail(field_name: str, message: str) -> dict[str, str]:
    return {"field": field_name, "location": "body", "message": message}


def _raise_if_any(details: list[dict[str, str]]) -> None:
    if details:
        raise ValidationFailed("; ".join(f"{d['field']}: {d['message']}" for d in details),
                               details=details)


def _check_platform_market(platform: str, market: str | None) -> None:
    details = []
    if platform not in PLATFORMS:
        details.append(_detail("platform", f"unknown platform {platform!r}; expected one of "
                                           f"{', '.join(PLATFORMS)}"))
    if market is not None and market not in MARKETS:
        details.append(_detail("market", f"unknown market {market!r}; expected one of "
                                         f"{', '.join(MARKETS)}"))
    _raise_if_any(details)


def _unknown_key_message(platform: str, key: Any) -> str:
    message = f"{key!r} is unknown to the {platform} profile"
    others = [name for name in PLATFORMS if name != platform and key in _profile(name)]
    if others:
        message += f" (it is a {' and '.join(others)} policy)"
    close = difflib.get_close_matches(str(key), list(_profile(platform)), n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    return message


def _parse_overrides(platform: str, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise ValidationFailed.field("policy_overrides", "expected an object of policy key to "
                                     'value, such as {"order.rts_deadline": "PT72H"}')
    profile = _profile(platform)
    details, parsed = [], {}
    for key, raw in overrides.items():
        name = f"policy_overrides.{key}"
        if key not in profile:
            details.append(_detail(name, _unknown_key_message(platform, key)))
            continue
        try:
            if profile[key].row["type"] == "rule":
                raise _Invalid("this rule states how the platform behaves; it has no value to "
                               "override")
            parsed[key] = _parse(raw, profile[key].row, profile[key].default)
        except _Invalid as exc:
            details += [_detail(name + path, message) for path, message in exc.errors]
    _raise_if_any(details)
    return parsed


def load_table(platform: str, market: str,
               overrides: Mapping[str, Any] | None = None) -> PolicyTable:
    """The policy table of ``platform`` in ``market`` with a sandbox's ``overrides`` applied."""
    _check_platform_market(platform, market)
    parsed = _parse_overrides(platform, overrides)
    return PolicyTable(platform, market, tuple(
        spec.policy(market, parsed.get(key), overridden=key in parsed)
        for key, spec in _profile(platform).items()))


def table_for(platform: str, market: str,
              overrides: Mapping[str, Any] | None = None) -> PolicyTable:
    """``load_table``, kept: a sandbox's table is the same in every unit of work until its
    overrides change, and a table is immutable (frozen policies; tuples, read-only mappings,
    durations and decimals as values). Building one parsed and merged its 40-odd policies on
    every write. Overrides that are not JSON (never so as stored) are not kept."""
    try:
        key = json.dumps(overrides, sort_keys=True, separators=(",", ":")) if overrides else ""
    except (TypeError, ValueError):
        return load_table(platform, market, overrides)
    return _kept_table(platform, market, key)


@lru_cache(maxsize=256)
def _kept_table(platform: str, market: str, overrides_json: str) -> PolicyTable:
    return load_table(platform, market, json.loads(overrides_json) if overrides_json else None)


def validate_overrides(platform: str, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """``overrides`` checked and normalised as JSON, to store and rebuild the table from later."""
    _check_platform_market(platform, None)
    return {key: to_jsonable(value) for key, value in _parse_overrides(platform, overrides).items()}
