"""Declared shapes of the JSON values that code stores and later reads back: every timer kind's
payload (``PayloadSpec``), and the columns whose contents a handler or a view parses (a
package's plan and its queued failures, an order's address).

The code that writes these values writes them right; a document from outside may not. A
snapshot is kept, edited and damaged by its users, so restore checks each value against its
shape: a bad one is a 400 naming it, never a handler or a view failing on it, at every advance,
forever. Plain Python on purpose: the engine and the domains take no wire library.

A check returns problems as ``(path, message)`` pairs, the path relative to the value checked
(``order_id``, ``0.reason``, ``pickup.due_at``; ``""`` for the value itself), for the caller to
prefix with where the value came from. A value naming a row of another table declares it
(``refers_to="orders.order_id"``, and with ``having`` what that row must be); ``references``
lists those names, for the caller to look up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple, Self

from mockplatform.engine.durations import parse_duration
from mockplatform.errors import ValidationFailed

BIGINT_MAX = 2**63 - 1
# Ids written as a prefix and a counter (``stm_00000001``): at most 18 digits (engine/ids.py).
ID_DIGITS = 18

Problem = tuple[str, str]


class Reference(NamedTuple):
    """The value at ``path`` names the row of a table (``target``: "table.column") whose column
    is ``key``; that row must have the values ``where`` (column -> value) too."""

    path: str
    target: str
    key: Any
    where: Mapping[str, Any] | None = None


def join(path: str, part: str | int) -> str:
    return f"{path}.{part}" if path else str(part)


@dataclass(frozen=True, kw_only=True)
class Shape:
    """What one JSON value must be. ``optional``: a field of an object that may be left out;
    ``nullable``: a value that may be null."""

    optional: bool = False
    nullable: bool = False

    def problems(self, value: Any, path: str = "") -> list[Problem]:
        if value is None:
            return [] if self.nullable else [(path, "must not be null")]
        return self._problems(value, path)

    def references(self, value: Any, path: str = "") -> Iterator[Reference]:
        """The rows ``value`` names (only meaningful for a value without problems)."""
        return iter(())

    def _problems(self, value: Any, path: str) -> list[Problem]:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Anything(Shape):
    """Any JSON value: for what no code parses (an event's data, say)."""

    def _problems(self, value: Any, path: str) -> list[Problem]:
        return []


@dataclass(frozen=True, kw_only=True)
class Key(Shape):
    """A value that may name a row of another table (``refers_to="orders.order_id"``), and what
    that row must be (``where``): a semi-hosted order's deadline names a semi-hosted order."""

    refers_to: str | None = None
    where: Mapping[str, Any] | None = None

    def having(self, **where: Any) -> Self:
        """The same value, naming only a row with these column values."""
        return replace(self, where=where)

    def references(self, value: Any, path: str = "") -> Iterator[Reference]:
        if self.refers_to is not None and value is not None:
            yield Reference(path, self.refers_to, self._key(value), self.where)

    def _key(self, value: Any) -> Any:
        return value


@dataclass(frozen=True, kw_only=True)
class Integer(Key):
    minimum: int = 0
    maximum: int = BIGINT_MAX

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if isinstance(value, bool) or not isinstance(value, int) \
                or not self.minimum <= value <= self.maximum:
            return [(path, f"expected a whole number from {self.minimum} to {self.maximum}")]
        return []


@dataclass(frozen=True, kw_only=True)
class Boolean(Shape):
    def _problems(self, value: Any, path: str) -> list[Problem]:
        return [] if isinstance(value, bool) else [(path, "expected true or false")]


@dataclass(frozen=True, kw_only=True)
class Text(Key):
    """A string: at most ``max_length`` characters, one of ``choices``, or matching
    ``pattern`` (the whole string), as given; ``expected`` says what a pattern stands for."""

    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    expected: str | None = None

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if self.choices is not None:
            return [] if value in self.choices else [
                (path, f"expected one of {', '.join(self.choices)}")]
        if not isinstance(value, str) or (self.max_length is not None
                                          and len(value) > self.max_length):
            return [(path, "expected a string" + (f" of at most {self.max_length} characters"
                                                  if self.max_length is not None else ""))]
        if self.pattern is not None and re.fullmatch(self.pattern, value) is None:
            return [(path, f"expected {self.expected or 'a string matching ' + self.pattern}")]
        return []


@dataclass(frozen=True)
class PrefixedId(Key):
    """An id written as a prefix and a counter (``stm_00000001``), naming the row whose key is
    that counter."""

    prefix: str

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if self._key(value) is None:
            return [(path, f"expected an id like {self.prefix}00000001")]
        return []

    def _key(self, value: Any) -> int | None:
        if not isinstance(value, str) or not value.startswith(self.prefix):
            return None
        digits = value[len(self.prefix):]
        if re.fullmatch(f"[0-9]{{1,{ID_DIGITS}}}", digits) is None:
            return None
        return int(digits)


@dataclass(frozen=True, kw_only=True)
class Instant(Shape):
    """An ISO 8601 timestamp with a UTC offset, as ``datetime.isoformat`` writes it."""

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if parse_instant(value) is None:
            return [(path, INSTANT_EXPECTED)]
        return []


INSTANT_EXPECTED = "expected an ISO 8601 timestamp with a UTC offset, in years 1 to 9999 in UTC"


def parse_instant(value: Any) -> datetime | None:
    """``value`` as an aware datetime, or None unless it is an ISO 8601 timestamp with an offset
    that UTC can express (the store writes every instant in UTC: 9999-12-31T23:00-05:00 is
    beyond the last day ``datetime`` has)."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            return None
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed


@dataclass(frozen=True, kw_only=True)
class Duration(Shape):
    """An ISO 8601 duration (``PT6H``), above zero."""

    def _problems(self, value: Any, path: str) -> list[Problem]:
        try:
            positive = parse_duration(value).total_seconds() > 0 if isinstance(value, str) \
                else False
        except ValidationFailed:
            positive = False
        return [] if positive else [(path, "expected an ISO 8601 duration above zero, "
                                           "such as PT6H")]


@dataclass(frozen=True)
class ListOf(Shape):
    item: Shape
    _: KW_ONLY
    max_items: int | None = None

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if not isinstance(value, list):
            return [(path, "expected a list")]
        if self.max_items is not None and len(value) > self.max_items:
            return [(path, f"expected at most {self.max_items} items")]
        return [problem for index, item in enumerate(value)
                for problem in self.item.problems(item, join(path, index))]

    def references(self, value: Any, path: str = "") -> Iterator[Reference]:
        for index, item in enumerate(value or ()):
            yield from self.item.references(item, join(path, index))


@dataclass(frozen=True)
class MapOf(Shape):
    """An object whose keys are data (a plan's step names), each value of one shape."""

    key: Text
    value: Shape

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if not isinstance(value, dict):
            return [(path, "expected an object")]
        problems = []
        for key, item in value.items():
            key_problems = self.key.problems(key, join(path, key))
            problems += [(where, f"not an expected key: {message}")
                         for where, message in key_problems]
            problems += self.value.problems(item, join(path, key))
        return problems

    def references(self, value: Any, path: str = "") -> Iterator[Reference]:
        for key, item in (value or {}).items():
            yield from self.key.references(key, join(path, key))
            yield from self.value.references(item, join(path, key))


@dataclass(frozen=True)
class Object(Shape):
    """An object with named fields; a field not declared is refused unless ``extra``."""

    fields: Mapping[str, Shape]
    _: KW_ONLY
    extra: bool = False

    def _problems(self, value: Any, path: str) -> list[Problem]:
        if not isinstance(value, dict):
            return [(path, "expected an object")]
        problems = [(join(path, name), "missing") for name, shape in self.fields.items()
                    if name not in value and not shape.optional]
        if not self.extra:
            problems += [(join(path, name), f"not a field; expected some of "
                                            f"{sorted(self.fields)}")
                         for name in value if name not in self.fields]
        for name, shape in self.fields.items():
            if name in value:
                problems += shape.problems(value[name], join(path, name))
        return problems

    def references(self, value: Any, path: str = "") -> Iterator[Reference]:
        for name, shape in self.fields.items():
            if isinstance(value, dict) and name in value:
                yield from shape.references(value[name], join(path, name))


@dataclass(frozen=True, kw_only=True)
class PayloadSpec(Object):
    """The payload of a timer kind: its fields, and the subject its timers carry, as a template
    filled from the payload (``"order:{order_id}"``): cancels find timers by subject, so a
    timer whose subject does not match its payload could never be cancelled."""

    subject: str | None = None

    def check(self, payload: Any) -> list[Problem]:
        return self.problems(payload)

    def subject_of(self, payload: dict[str, Any]) -> str | None:
        """The subject a timer with this (valid) payload carries; None if any will do."""
        return None if self.subject is None else self.subject.format(**payload)
