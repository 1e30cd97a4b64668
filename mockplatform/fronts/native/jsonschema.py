"""The JSON Schema of the native front's own field types and cross-field rules, for the OpenAPI
document: the document says what the server takes, no more and no less.

- A field type of the front (a timestamp, a duration, an amount) describes itself with a
  ``json_schema()`` method; ``field_schema`` (an apispec attribute function) uses it.
- A schema whose fields depend on each other ("give exactly one of by or to") states the rule
  in a class attribute ``JSON_SCHEMA`` (``oneOf``, ``anyOf``, ``not`` over ``required``), merged
  into its component by ``Converter``.
- Path parameters are described by name (``PATH_PARAMETERS``).

JSON Schema compares no dates and no two fields' values: a range of ``from`` and ``to`` or a
timestamp's latest instant is said in words (descriptions) and the server answers a 400 naming
the field. Text anywhere (bodies, queries, paths) must not contain NUL or an unpaired surrogate,
which no database can store: the document's description says so once.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError, fields, validate

from mockplatform.engine import clock
from mockplatform.engine.ids import MAX_DIGITS

if TYPE_CHECKING:
    from apispec.ext.marshmallow import MarshmallowPlugin
    from apispec.ext.marshmallow.openapi import OpenAPIConverter

NUMERIC_ID = {"type": "string", "pattern": f"^[0-9]{{1,{MAX_DIGITS}}}$",
              "description": f"a numeric id of 1 to {MAX_DIGITS} digits"}
PATH_PARAMETERS = {
    "order_id": NUMERIC_ID, "item_id": NUMERIC_ID, "sku_id": NUMERIC_ID, "buyer_id": NUMERIC_ID,
    "order_item_id": NUMERIC_ID, "resale_item_id": NUMERIC_ID,
    "sandbox_id": {"type": "string", "pattern": "^sbx_[0-9a-f]{20}$"},
}
TEXT = {"type": "string"}


def _years(first: int, last: int) -> str:
    """A regular expression of the four-digit years ``first`` to ``last`` (1000 <= first)."""
    parts = []
    year = first
    while year <= last:
        # the widest block of years starting at ``year`` that is whole and inside the range
        for width in (1000, 100, 10, 1):
            if year % width == 0 and year + width - 1 <= last:
                break
        prefix = str(year)[: 4 - len(str(width - 1)) if width > 1 else 4]
        parts.append(prefix + "[0-9]" * (len(str(width)) - 1))
        year += width
    return "(?:" + "|".join(parts) + ")"


# The last year whose every instant, at any offset, is before the clock's latest instant.
_LAST_YEAR = clock.LATEST.year - 2
_MAX_DAYS = clock.MAX_DURATION.days


def duration(max_days: int = _MAX_DAYS) -> dict:
    """A duration of at most ``max_days`` the document promises: days (P7D), hours, minutes or
    seconds (PT49H), days and one of those (P1DT12H), or a number of seconds. The server takes
    more forms (weeks, fractions, every designator together)."""
    def digits(units_per_day: int) -> int:  # as many digits as keep the number in range
        return len(str(max_days * units_per_day)) - 1
    days, hours, minutes, seconds = digits(1), digits(24), digits(1440), digits(86_400)
    time = f"(?:[0-9]{{1,{hours}}}H|[0-9]{{1,{minutes}}}M|[0-9]{{1,{seconds}}}S)"
    half_days = f"[0-9]{{1,{len(str(max_days // 2)) - 1}}}"  # days and a time stay in range
    return {"anyOf": [{"type": "string",
                       "pattern": f"^P(?:[0-9]{{1,{days}}}D|T{time}|{half_days}DT"
                                  f"(?:[0-9]{{1,{digits(12)}}}H|[0-9]{{1,{digits(720)}}}M"
                                  f"|[0-9]{{1,{digits(43_200)}}}S))$"},
                      {"type": "integer", "minimum": 0, "maximum": max_days * 86_400}],
            "description": "an ISO 8601 duration such as PT49H or P7D, or a number of seconds; "
                           f"at most {max_days} days"}


def decimal(places: int | None, digits: int, *, signed: bool = False) -> dict:
    """An amount as a string of at most ``digits`` whole digits and ``places`` decimals (any
    number of them if None), or as a JSON integer; above zero unless ``signed``."""
    fraction = f"(?:\\.[0-9]{{1,{places or ''}}})?" if places != 0 else ""
    if signed:
        text = f"^-?[0-9]{{1,{digits}}}{fraction}$"
    else:  # a whole part above zero, or 0.x with a digit other than 0 among the decimals
        small = "|".join(f"0\\.{'0' * k}[1-9][0-9]{{0,{places - 1 - k}}}"
                         for k in range(places))
        text = f"^(?:[1-9][0-9]{{0,{digits - 1}}}{fraction}" + (f"|{small}" if places else "") + ")$"
    largest = 10 ** digits - 1
    return {"anyOf": [{"type": "string", "pattern": text},
                      {"type": "integer", "minimum": -largest if signed else 1,
                       "maximum": largest}]}


def timestamp(first_year: int = 1000, last_year: int = _LAST_YEAR) -> dict:
    """An RFC 3339 date-time with its offset, in ``first_year`` to ``last_year``."""
    return {"type": "string", "format": "date-time",
            "pattern": f"^{_years(first_year, last_year)}-",
            "description": f"ISO 8601 with a UTC offset (Z or +08:00), in the years {first_year} "
                           f"to {last_year}; in a query string send + as %2B"}


# What str.isspace() calls a space, spelled out: \s differs between Python's and ECMAScript's
# regular expressions (the document's), so a pattern of both never uses it.
SPACES = ("\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029"
          "\\u202f\\u205f\\u3000")


class Pattern(validate.Regexp):
    """``validate.Regexp`` that must match the whole value, written with ``^...$`` as the
    document shows it. Python's ``$`` also matches before a final newline: matching in full
    keeps "ABC123\\n" out, as ECMAScript's ``$`` (the document's) does."""

    def __call__(self, value):
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def field_schema(self: OpenAPIConverter, field: Any, **kwargs: Any) -> dict:
    """apispec attribute function: a field type of the front that describes itself, and the
    ``json_schema`` of a field's metadata (merged last: it has the last word)."""
    describe = getattr(field, "json_schema", None)
    own = dict(describe()) if callable(describe) else {}
    if isinstance(field, fields.Date):
        own["pattern"] = f"^{_years(1000, _LAST_YEAR)}-"
    own.update(field.metadata.get("json_schema", {}))
    said = kwargs.get("ret", {}).get("description")
    if said and "description" in own:  # the field's own words first, then the type's
        own["description"] = f"{said}; {own['description']}"
    return own


def plugin() -> MarshmallowPlugin:
    """A new apispec plugin for one document. apispec is imported only when a document is
    built, not when the server starts: no request but the document's needs it."""
    return _plugin_class()()


@cache
def _plugin_class() -> type[MarshmallowPlugin]:
    from apispec.ext.marshmallow import MarshmallowPlugin  # noqa: PLC0415 - see plugin()
    from apispec.ext.marshmallow.common import resolve_schema_cls  # noqa: PLC0415
    from apispec.ext.marshmallow.openapi import OpenAPIConverter  # noqa: PLC0415

    class MergingConverter(OpenAPIConverter):
        """Merges a schema's ``JSON_SCHEMA`` (its cross-field rules) into its JSON Schema."""

        def schema2jsonschema(self, schema):
            result = super().schema2jsonschema(schema)
            extra = getattr(resolve_schema_cls(schema), "JSON_SCHEMA", None)
            return {**result, **extra} if extra else result

    class Plugin(MarshmallowPlugin):
        Converter = MergingConverter

        def init_spec(self, spec) -> None:
            super().init_spec(spec)
            self.converter.add_attribute_function(field_schema)

    return Plugin


def exactly_one(*names: str) -> dict:
    """``JSON_SCHEMA`` of "give exactly one of these fields"."""
    return {"oneOf": [{"required": [name]} for name in names]}


def together(*names: str) -> dict:
    """``JSON_SCHEMA`` of "these fields go together": all of them or none."""
    return {"anyOf": [{"required": list(names)},
                      {"not": {"anyOf": [{"required": [name]} for name in names]}}]}


def not_both(first: str, second: str) -> dict:
    return {"not": {"required": [first, second]}}


def at_least_one_above_zero(*names: str) -> dict:
    """``JSON_SCHEMA`` of "one of these counts, at least, is above 0"."""
    return {"anyOf": [{"required": [name], "properties": {name: {"minimum": 1}}}
                      for name in names]}


def only_with_count(count: str, *names: str) -> dict:
    """``JSON_SCHEMA`` of "these fields only with ``count`` above 0"."""
    return {"anyOf": [{"required": [count], "properties": {count: {"minimum": 1}}},
                      {"not": {"anyOf": [{"required": [name]} for name in names]}}]}


def only_when(field: str, value: str, *names: str) -> dict:
    """``JSON_SCHEMA`` of "these fields only when ``field`` is ``value``"."""
    return {"anyOf": [{"required": [field], "properties": {field: {"enum": [value]}}},
                      {"not": {"anyOf": [{"required": [name]} for name in names]}}]}


def weights(names, largest: float) -> dict:
    """Shares by name: numbers from 0 to ``largest`` under known names, one of them above 0."""
    share = {"type": "number", "minimum": 0, "maximum": largest}
    return {"properties": {name: share for name in names}, "additionalProperties": False,
            "anyOf": [{"required": [name],
                       "properties": {name: {"minimum": 0, "exclusiveMinimum": True}}}
                      for name in names]}


def all_of(*rules: dict) -> dict:
    return {"allOf": list(rules)}


def prefixed_id(prefix: str) -> dict:
    """A query parameter naming an id such as ``evt_00000001``."""
    return {"pattern": f"^{prefix}[0-9]{{1,{MAX_DIGITS}}}$"}


# Printable ASCII: a header's value is Latin-1 on the wire and the key must be printable.
IDEMPOTENCY_KEY = {"type": "string", "maxLength": 255, "pattern": "^[ -~]*$"}
