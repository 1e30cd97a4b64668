"""Reading a snapshot document back. No Flask here.

A snapshot is a JSON document a user may keep, edit or damage, so every value is checked against
the column it goes into (type, size, range, null) and against the rules the engine relies on
(unique row keys, counters ahead of the rows they number and far from overflowing, rows that
hang together: ``integrity.py``) before anything is written: a bad document is a 400 naming the
bad field, never a 500, and never a sandbox that fails later.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Integer, Table

from mockplatform.control import integrity
from mockplatform.engine import clock as clocks
from mockplatform.engine.ids import MAX_COUNTER
from mockplatform.engine.payloads import INSTANT_EXPECTED, parse_instant
from mockplatform.engine.policies import MARKETS, PLATFORMS
from mockplatform.errors import ValidationFailed
from mockplatform.store import jsoncodec
from mockplatform.store.models import Sandbox, snapshot_tables

FORMAT = 1
# The sandbox's own columns that a snapshot carries.
SANDBOX_STATE = ("name", "platform", "market", "seed", "start_at", "creation", "clock_mode",
                 "clock_speed", "clock_anchor_virtual", "next_timer_at", "policy_overrides",
                 "calendar_overrides", "counters")
_CREATION_FIELDS = ("name", "platform", "market", "seed", "start_at", "clock_mode",
                    "clock_speed", "policy_overrides", "calendar_overrides")
# The counter that numbers each table's ``seq``: it must be ahead of every restored row, or the
# next event or timer would reuse a number.
SEQ_COUNTERS = {"events": "event", "timers": "timer"}
MAX_CLOCK_SPEED = 1e7
_BIGINT = 2**63
_INT = 2**31


@dataclass
class CheckedSnapshot:
    creation: dict[str, Any]  # a spec for ``sandboxes.create``
    state: dict[str, Any]  # sandbox column -> value, ready to set
    rows: dict[Table, list[dict[str, Any]]]  # without sandbox_id


def check(document: Any) -> CheckedSnapshot:
    if not isinstance(document, dict) or document.get("object") != "sandbox_snapshot":
        raise ValidationFailed.field("snapshot", "expected a document made by POST "
                                     "/api/v1/sandboxes/{id}/snapshot")
    if document.get("format") != FORMAT:
        raise ValidationFailed.field("snapshot.format",
                                     f"unsupported snapshot format; expected {FORMAT}")
    state, tables = document.get("sandbox"), document.get("tables")
    if not isinstance(state, dict):
        raise ValidationFailed.field("snapshot.sandbox", "expected the sandbox's state (an object)")
    if not isinstance(tables, dict):
        raise ValidationFailed.field("snapshot.tables", "expected an object of table name to rows")
    _no_missing("snapshot.sandbox", state, SANDBOX_STATE)
    known = {table.name: table for table in snapshot_tables()}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise ValidationFailed.field("snapshot.tables", f"unknown tables: {unknown}; expected "
                                     f"some of {sorted(known)}")
    checked_state = _state(state)
    rows = {known[name]: _rows(known[name], raw_rows, f"snapshot.tables.{name}")
            for name, raw_rows in tables.items()}
    _counters_ahead(checked_state["counters"], rows)
    _drawn_ids_behind(checked_state["counters"], checked_state["seed"], rows)
    integrity.check(rows)
    return CheckedSnapshot(creation=_creation(state["creation"]), state=checked_state, rows=rows)


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.field(field, f"snapshot is damaged: {message}")


def _no_missing(field: str, value: dict, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in value]
    if missing:
        raise _bad(field, f"missing fields: {missing}")


def _creation(raw: Any) -> dict[str, Any]:
    """The creation settings, as the spec ``sandboxes.create`` takes; its own rules (platform,
    market, overrides) are checked there, with the field names prefixed by the caller."""
    field = "snapshot.sandbox.creation"
    if not isinstance(raw, dict):
        raise _bad(field, "expected an object")
    _no_missing(field, raw, _CREATION_FIELDS)
    spec = {name: raw[name] for name in _CREATION_FIELDS}
    if spec["market"] not in MARKETS:
        raise _bad(f"{field}.market", f"expected one of {', '.join(MARKETS)}")
    spec["seed"] = _integer(raw["seed"], f"{field}.seed", minimum=0)
    spec["start_at"] = _timestamp(raw["start_at"], f"{field}.start_at")
    spec["clock_mode"] = _clock_mode(raw["clock_mode"], f"{field}.clock_mode")
    spec["clock_speed"] = _clock_speed(raw["clock_speed"], f"{field}.clock_speed")
    spec["name"] = _string(raw["name"], f"{field}.name", Sandbox.__table__.c.name)
    spec["calendar_overrides"] = _calendar_overrides(raw["calendar_overrides"],
                                                     f"{field}.calendar_overrides")
    return spec


def _state(state: dict[str, Any]) -> dict[str, Any]:
    columns = Sandbox.__table__.c
    values = {name: column_value(columns[name], state[name], f"snapshot.sandbox.{name}")
              for name in SANDBOX_STATE}
    if values["platform"] not in PLATFORMS:
        raise _bad("snapshot.sandbox.platform", f"expected one of {', '.join(PLATFORMS)}")
    if values["market"] not in MARKETS:
        raise _bad("snapshot.sandbox.market", f"expected one of {', '.join(MARKETS)}")
    if values["seed"] < 0:
        raise _bad("snapshot.sandbox.seed", "must not be negative")
    _clock_mode(values["clock_mode"], "snapshot.sandbox.clock_mode")
    _clock_speed(values["clock_speed"], "snapshot.sandbox.clock_speed")
    if values["clock_anchor_virtual"] > clocks.LATEST:
        raise _bad("snapshot.sandbox.clock_anchor_virtual",
                   f"must not be after {clocks.LATEST.isoformat()}")
    counters = values["counters"]
    if not isinstance(counters, dict):
        raise _bad("snapshot.sandbox.counters", "expected an object of name to whole number")
    for name, value in counters.items():
        _integer(value, f"snapshot.sandbox.counters.{name}", minimum=0, maximum=MAX_COUNTER)
    if not isinstance(values["policy_overrides"], dict):
        raise _bad("snapshot.sandbox.policy_overrides", "expected an object")
    # Kept as stored (ISO dates); each item checked as at creation.
    _calendar_overrides(values["calendar_overrides"], "snapshot.sandbox.calendar_overrides")
    return values


def _calendar_overrides(raw: Any, field: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise _bad(field, "expected a list")
    overrides = []
    for index, item in enumerate(raw):
        where = f"{field}.{index}"
        if not isinstance(item, dict) or set(item) - {"date", "working", "name"}:
            raise _bad(where, "expected {date, working, name}")
        _no_missing(where, item, ("date", "working"))
        try:
            day = date.fromisoformat(item["date"]) if isinstance(item["date"], str) else None
        except ValueError:
            day = None
        if day is None:
            raise _bad(f"{where}.date", "expected a date such as 2026-01-06")
        if not isinstance(item["working"], bool):
            raise _bad(f"{where}.working", "expected true or false")
        name = item.get("name", "")
        if not isinstance(name, str) or len(name) > 200:
            raise _bad(f"{where}.name", "expected a string of at most 200 characters")
        overrides.append({"date": day, "working": item["working"], "name": name})
    return overrides


def _rows(table: Table, raw_rows: Any, field: str) -> list[dict[str, Any]]:
    if not isinstance(raw_rows, list):
        raise _bad(field, "expected a list of rows")
    columns = {column.name: column for column in table.c if column.name != "sandbox_id"}
    required = [name for name, column in columns.items()
                if (column.primary_key or not column.nullable) and column.default is None]
    convert = {name: _converter(column) for name, column in columns.items()}
    unique = _unique_columns(table)
    rows, seen = [], {names: {} for names in unique}
    for index, raw in enumerate(raw_rows):
        try:
            row = _row(convert, required, raw, f"{field}.{index}")
            for names, first_rows in seen.items():
                key = tuple(row.get(name) for name in names)
                if None in key:  # a unique index allows any number of nulls
                    continue
                if key in first_rows:
                    named_key = dict(zip(names, key, strict=True))
                    raise _bad(f"{field}.{index}", f"a second row with {named_key} (the first "
                                                   f"is row {first_rows[key]}); {table.name} "
                                                   f"holds one row for each")
                first_rows[key] = index
        except ValidationFailed as exc:  # named by table and row too, as integrity.py does
            for detail in exc.details:
                detail.update(table=table.name, row=index)
            raise
        rows.append(row)
    return rows


def _row(convert: dict[str, Callable[[Any], Any]], required: list[str], raw: Any,
         where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _bad(where, "expected an object of column to value")
    unknown = sorted(set(raw) - set(convert))
    if unknown:
        raise _bad(where, f"unknown columns {unknown}; expected some of {sorted(convert)}")
    if not all(name in raw for name in required):
        _no_missing(where, raw, tuple(required))
    row = {}
    for name, value in raw.items():
        try:
            row[name] = convert[name](value)
        except ValidationFailed as exc:  # raised without the field: named here
            raise ValidationFailed.field(f"{where}.{name}", exc.details[0]["message"]) from None
    return row


def _unique_columns(table: Table) -> list[tuple[str, ...]]:
    """The key and every unique index of the table, within the sandbox: two rows sharing one
    would fail the insert."""
    keys = [table.primary_key.columns, *(index.columns for index in table.indexes
                                         if index.unique)]
    return [tuple(column.name for column in columns if column.name != "sandbox_id")
            for columns in keys]


def _counters_ahead(counters: dict[str, int], rows: dict[Table, list[dict]]) -> None:
    for table, table_rows in rows.items():
        # A domain table numbered from a counter names it in ``info={"seq_counter": ...}``.
        counter = SEQ_COUNTERS.get(table.name) or table.info.get("seq_counter")
        if counter is None or not table_rows:
            continue
        highest = max(row["seq"] for row in table_rows)
        if counters.get(counter, 0) < highest:
            raise _bad(f"snapshot.sandbox.counters.{counter}",
                       f"is {counters.get(counter, 0)}, but {table.name} are numbered up to "
                       f"{highest}")


def _drawn_ids_behind(counters: dict[str, int], seed: int,
                      rows: dict[Table, list[dict]]) -> None:
    """Each id drawn from a counter (a column declaring ``info={"drawn_from": SeededIds}``)
    must be one the counter has passed: else the next id drawn repeats it."""
    for table, table_rows in rows.items():
        for column in table.c:
            drawn = column.info.get("drawn_from")
            if drawn is None:
                continue
            base, counter = drawn.base(seed), counters.get(drawn.counter, 0)
            for index, row in enumerate(table_rows):
                number = drawn.number(row.get(column.name))
                if number is not None and number > base + counter:
                    raise _bad(f"snapshot.sandbox.counters.{drawn.counter}",
                               f"is {counter}, but {table.name} row {index} holds the "
                               f"{column.name} {row[column.name]!r}, drawn at {number - base}: "
                               f"the ids drawn next would repeat it")


# -- one value ---------------------------------------------------------------------------------

def column_value(column: Column, value: Any, field: str) -> Any:
    """``value`` from the JSON document, checked and converted for ``column``."""
    try:
        return _converter(column)(value)
    except ValidationFailed as exc:
        raise ValidationFailed.field(field, exc.details[0]["message"]) from None


def _converter(column: Column) -> Callable[[Any], Any]:
    """What checks and converts a value for ``column``, chosen once per column (a snapshot of
    10,000 orders has a million values); its errors name no field yet."""
    nullable = not (column.primary_key or not column.nullable)
    if isinstance(column.type, JSON):
        def convert(value: Any) -> Any:
            if not isinstance(value, dict | list):
                raise _bad("", "expected a JSON object or list")
            # A deep copy, through the codec the column writes with: what it reads back.
            return jsoncodec.loads(jsoncodec.dumps(value))
    else:
        python_type = _python_type(column)
        if python_type is datetime:
            def convert(value: Any) -> Any:
                return _timestamp(value, "")
        elif python_type is bool:
            def convert(value: Any) -> Any:
                if not isinstance(value, bool):
                    raise _bad("", "expected true or false")
                return value
        elif python_type is int:
            # Every whole number a table holds (ids, counts, stock) is non-negative.
            maximum = _integer_max(column)

            def convert(value: Any) -> Any:
                return _integer(value, "", minimum=0, maximum=maximum)
        elif python_type is float:
            def convert(value: Any) -> Any:
                return _number(value, "")
        elif python_type is str:
            def convert(value: Any) -> Any:
                return _string(value, "", column)
        elif python_type is Decimal:
            def convert(value: Any) -> Any:
                return _decimal(value, "", column)
        elif python_type is bytes:
            def convert(value: Any) -> Any:
                return _base64(value, "")
        else:
            def convert(value: Any) -> Any:
                return value

    def checked(value: Any) -> Any:
        if value is None:
            if not nullable:
                raise _bad("", "must not be null")
            return None
        return convert(value)

    return checked


def _decimal(value: Any, field: str, column: Column) -> Decimal:
    try:  # written as a string by the snapshot, so that no digit is lost
        parsed = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        parsed = None
    if parsed is None or not parsed.is_finite():
        raise _bad(field, "expected a decimal number as a string, such as \"5.00\"")
    precision, scale = getattr(column.type, "precision", None), getattr(column.type, "scale", None)
    if precision is not None and scale is not None and (
            abs(parsed) >= Decimal(10) ** (precision - scale)
            or parsed != parsed.quantize(Decimal(1).scaleb(-scale))):
        raise _bad(field, f"expected at most {precision - scale} digits before the point and "
                          f"{scale} after")
    return parsed


def _base64(value: Any, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        pass
    raise _bad(field, "expected base64 text")


def _timestamp(value: Any, field: str) -> datetime:
    parsed = parse_instant(value)
    if parsed is None:
        raise _bad(field, INSTANT_EXPECTED)
    return parsed


def _integer(value: Any, field: str, minimum: int = -_BIGINT,
             maximum: int = _BIGINT - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (
            minimum <= value <= maximum):
        raise _bad(field, f"expected a whole number from {minimum} to {maximum}")
    return value


def _integer_max(column: Column) -> int:
    if isinstance(column.type, BigInteger):
        return _BIGINT - 1
    if isinstance(column.type, Integer):
        return _INT - 1
    return _BIGINT - 1


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(field, "expected a finite number")
    return float(value)


def _string(value: Any, field: str, column: Column) -> str:
    length = getattr(column.type, "length", None)
    if not isinstance(value, str) or (length is not None and len(value) > length):
        raise _bad(field, "expected a string" + (f" of at most {length} characters"
                                                 if length else ""))
    return value


def _clock_mode(value: Any, field: str) -> str:
    if value not in clocks.MODES:
        raise _bad(field, f"expected one of {', '.join(clocks.MODES)}")
    return value


def _clock_speed(value: Any, field: str) -> float:
    speed = _number(value, field)
    if not 0 < speed <= MAX_CLOCK_SPEED:
        raise _bad(field, f"expected a speed above 0 and at most {MAX_CLOCK_SPEED:g}")
    return speed


def _python_type(column: Column) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        impl = getattr(column.type, "impl", None)
        try:
            return impl.python_type if impl is not None else None
        except NotImplementedError:
            return None
