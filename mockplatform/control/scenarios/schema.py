"""The small schema a scenario document is checked with on load: field types that name the
bad value by its path (``steps[3].advance.by``), unknown names answered with the closest valid
one (difflib), every problem collected before anything runs.

Control code knows no marshmallow (the import contracts of pyproject.toml): these few types
are all a scenario needs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mockplatform.control.errors import InvalidScenario
from mockplatform.engine.durations import parse_duration
from mockplatform.errors import ValidationFailed

LOCATION = "scenario"
MAX_PROBLEMS = 20  # reported at once; the rest would only repeat the same mistake


def closest(name: str, valid: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(str(name), sorted(valid), n=1, cutoff=0.5)
    return found[0] if found else None


class Problems:
    """Everything wrong with one document, each named by its path."""

    def __init__(self) -> None:
        self.details: list[dict[str, Any]] = []

    def add(self, path: str, message: str, **extra: Any) -> None:
        if len(self.details) < MAX_PROBLEMS:
            self.details.append({"field": path, "location": LOCATION, "message": message,
                                 **extra})

    def unknown(self, path: str, what: str, name: str, valid: Iterable[str]) -> None:
        valid = list(valid)
        guess = closest(name, valid)
        hint = f"; did you mean {guess!r}?" if guess else f"; expected one of {', '.join(valid)}"
        self.add(path, f"unknown {what} {name!r}{hint}", closest=guess)

    def raise_if_any(self, what: str = "the scenario") -> None:
        if self.details:
            first = self.details[0]
            more = f" (and {len(self.details) - 1} more)" if len(self.details) > 1 else ""
            raise InvalidScenario(f"{what} does not load: {first['field']}: "
                                  f"{first['message']}{more}", details=self.details)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# -- types -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Type:
    """Checks one value: the value to use, or ``None`` with the problem added."""

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        raise NotImplementedError

    def wrong(self, value: Any, path: str, problems: Problems, expected: str) -> None:
        problems.add(path, f"expected {expected}, got {type_name(value)} {value!r}"[:300],
                     expected=expected)


def type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a mapping", type(None): "null"}.get(type(value), "a value")


@dataclass(frozen=True)
class Text(Type):
    max_length: int = 255
    choices: tuple[str, ...] = ()
    pattern: str | None = None

    def check(self, value, path, problems):
        if not isinstance(value, str):
            return self.wrong(value, path, problems, "a string")
        if self.choices and value not in self.choices:
            return problems.unknown(path, "value", value, self.choices)
        if not value or len(value) > self.max_length:
            return problems.add(path, f"expected 1 to {self.max_length} characters")
        if self.pattern and not re.fullmatch(self.pattern, value):
            return problems.add(path, f"expected text matching {self.pattern}")
        return value


@dataclass(frozen=True)
class Integer(Type):
    minimum: int = 0
    maximum: int = 1_000_000

    def check(self, value, path, problems):
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong(value, path, problems, "an integer")
        if not self.minimum <= value <= self.maximum:
            return problems.add(path, f"expected an integer from {self.minimum} to "
                                      f"{self.maximum}")
        return value


@dataclass(frozen=True)
class Ratio(Type):
    """A number from 0 to 1 (a probability)."""

    def check(self, value, path, problems):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.wrong(value, path, problems, "a number from 0 to 1")
        if not 0 <= value <= 1:
            return problems.add(path, "expected a number from 0 to 1")
        return value


@dataclass(frozen=True)
class Boolean(Type):
    def check(self, value, path, problems):
        if not isinstance(value, bool):
            return self.wrong(value, path, problems, "true or false")
        return value


@dataclass(frozen=True)
class Amount(Type):
    """A decimal amount, written as a string ("89.00") or a number; kept as its string."""

    signed: bool = False

    def check(self, value, path, problems):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return self.wrong(value, path, problems, "a decimal amount such as \"89.00\"")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return self.wrong(value, path, problems, "a decimal amount such as \"89.00\"")
        if not amount.is_finite() or (amount < 0 and not self.signed) or abs(amount) >= 10**12:
            return problems.add(path, "expected a finite amount"
                                + ("" if self.signed else " of at least 0")
                                + " below 1,000,000,000,000")
        return str(value)


@dataclass(frozen=True)
class Duration(Type):
    def check(self, value, path, problems) -> timedelta | None:
        try:
            duration = parse_duration(value, field=path, location=LOCATION)
        except ValidationFailed as exc:
            problems.add(path, exc.details[0]["message"] if exc.details else exc.message)
            return None
        if duration < timedelta(0):
            return problems.add(path, "expected a duration of at least zero")
        return duration


@dataclass(frozen=True)
class Instant(Type):
    """Where ``advance.to`` goes: an ISO 8601 timestamp with its offset, ``next_timer``, or a
    deadline of something an earlier step named, ``<name>.<deadline>`` (``r1.deadline_at``,
    ``o1.rts_deadline``, ``o1.resale.relist_at``), optionally ``+`` or ``-`` a duration."""

    def check(self, value, path, problems):
        if isinstance(value, datetime):  # YAML reads an unquoted timestamp as one
            value = value.isoformat()
        if not isinstance(value, str) or not value:
            return self.wrong(value, path, problems, "a timestamp, next_timer or "
                                                      "<name>.<deadline>")
        if value == "next_timer":
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return parse_reference(value, path, problems)
        if moment.tzinfo is None:
            return problems.add(path, "expected a timestamp with its offset (Z or +07:00)")
        return moment


REFERENCE = re.compile(r"(?P<name>[A-Za-z_][\w-]*)\.(?P<attr>(?:resale\.)?\w+)"
                       r"(?:\s*(?P<sign>[+-])\s*(?P<offset>\S+))?")


@dataclass(frozen=True)
class Reference:
    """``name.attr ± offset``, resolved when the step runs."""

    name: str
    attr: str
    offset: timedelta = timedelta(0)


def parse_reference(value: str, path: str, problems: Problems) -> Reference | None:
    match = REFERENCE.fullmatch(value.strip())
    if not match:
        return problems.add(path, f"expected a timestamp, next_timer or <name>.<deadline> "
                                  f"(such as r1.deadline_at - PT1S), got {value!r}")
    offset = timedelta(0)
    if match["offset"]:
        offset = Duration().check(match["offset"], path, problems)
        if offset is None:
            return None
        offset = -offset if match["sign"] == "-" else offset
    return Reference(match["name"], match["attr"], offset)


@dataclass(frozen=True)
class Mapping(Type):
    """A mapping of known fields (an unknown one is named with the closest)."""

    fields: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    def check(self, value, path, problems):
        if not isinstance(value, dict):
            return self.wrong(value, path, problems, "a mapping")
        return check_fields(value, self.fields, self.required, path, problems, "field")


@dataclass(frozen=True)
class ListOf(Type):
    item: Type
    min_items: int = 1
    max_items: int = 50

    def check(self, value, path, problems):
        if not isinstance(value, list):
            return self.wrong(value, path, problems, "a list")
        if not self.min_items <= len(value) <= self.max_items:
            return problems.add(path, f"expected {self.min_items} to {self.max_items} entries")
        return [self.item.check(v, join(path, i), problems) for i, v in enumerate(value)]


@dataclass(frozen=True)
class MapOf(Type):
    """A mapping of names the author picks (1 to ``max_items`` of them) to values of one type."""

    name: Text
    value: Type
    max_items: int = 20

    def check(self, value, path, problems):
        if not isinstance(value, dict):
            return self.wrong(value, path, problems, "a mapping")
        if not 1 <= len(value) <= self.max_items:
            return problems.add(path, f"expected 1 to {self.max_items} entries")
        checked = {}
        for key, item in value.items():
            if self.name.check(key, join(path, str(key)), problems) is not None:
                checked[key] = self.value.check(item, join(path, key), problems)
        return checked


@dataclass(frozen=True)
class Anything(Type):
    """Handed to the domain as it is (a policy override): the domain checks it."""

    def check(self, value, path, problems):
        return value


def check_fields(value: dict, fields: dict[str, Type], required: Iterable[str], path: str,
                 problems: Problems, what: str) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, item in value.items():
        if key not in fields:
            problems.unknown(join(path, str(key)), what, str(key), fields)
            continue
        checked[key] = fields[key].check(item, join(path, key), problems)
    for key in required:
        if key not in value:
            problems.add(join(path, key), "is required")
    return checked
