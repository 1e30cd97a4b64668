"""A scenario's expectations: what the sandbox should show once its steps have run.

- ``summary``: a part of the sandbox summary (control/summary.py), nested as it is there, each
  leaf a count: ``items: {by_status: {resold: 1}}``, ``timers: {by_kind: {resale.relist: 0}}``.
  A state the summary does not list is a count of 0.
- ``events``: how many events of a type (or a prefix ``resale.*``) the run recorded.
- ``ledger``: the total of each entry kind, in the market currency (``fine: "-22.35"``).

A count is a number (exactly that) or ``{at_least: n}``, ``{at_most: n}`` or both. Each
expectation reports what was expected, what was found and, when they differ, why it failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mockplatform.aftersales import states as aftersales_states
from mockplatform.control import summary as summaries
from mockplatform.control.scenarios.schema import Amount, Integer, Problems, join
from mockplatform.engine import scheduler
from mockplatform.finance import service as finance
from mockplatform.orders import states as order_states
from mockplatform.resale import states as resale_states

SECTIONS = ("summary", "events", "ledger")
# The names each open-ended part of the summary may hold (None: any name).
KEYS: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("orders", "by_status"): order_states.ALL_STATUSES,
    ("items", "by_status"): order_states.ALL_STATUSES,
    ("items", "ever_failed_delivery_by_status"): order_states.ALL_STATUSES,
    ("resale_items", "by_state"): resale_states.STATES,
    ("resale_items", "by_exit_reason"): resale_states.EXIT_REASONS,
    ("aftersales_requests", "by_state"): aftersales_states.STATES,
    ("aftersales_requests", "by_type"): aftersales_states.TYPES,
    ("events", "by_type"): None,
}
# Figures of the summary that are not counts (an expectation names them in vain).
NOT_COUNTS = {("timers", "next_due_at"), ("ledger", "currency"), ("ledger", "total"),
              ("ledger", "by_kind")}
EVENT_TYPE = re.compile(r"[a-z_]+(\.[a-z_0-9]+)*(\.\*)?")
COUNT = Integer(maximum=10**9)


@dataclass(frozen=True)
class Count:
    at_least: int | None = None
    at_most: int | None = None

    def holds(self, actual: int) -> bool:
        return ((self.at_least is None or actual >= self.at_least)
                and (self.at_most is None or actual <= self.at_most))

    def shown(self) -> Any:
        if self.at_least == self.at_most:
            return self.at_least
        return {k: v for k, v in (("at_least", self.at_least), ("at_most", self.at_most))
                if v is not None}

    def why(self, actual: int) -> str:
        if self.at_least == self.at_most:
            return f"expected {self.at_least}, found {actual}"
        bounds = " and ".join(f"{k.replace('_', ' ')} {v}" for k, v in
                              (("at_least", self.at_least), ("at_most", self.at_most))
                              if v is not None)
        return f"expected {bounds}, found {actual}"


def _count(value: Any, path: str, problems: Problems) -> Count | None:
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"at_least", "at_most"})
        for key in unknown:
            problems.unknown(join(path, str(key)), "bound", str(key), ("at_least", "at_most"))
        if not value or unknown:
            if not value:
                problems.add(path, "expected at_least, at_most or both")
            return None
        low = COUNT.check(value["at_least"], join(path, "at_least"), problems) \
            if "at_least" in value else None
        high = COUNT.check(value["at_most"], join(path, "at_most"), problems) \
            if "at_most" in value else None
        return Count(low, high)
    exact = COUNT.check(value, path, problems)
    return None if exact is None else Count(exact, exact)


def check(document: Any, path: str, problems: Problems) -> list[tuple[str, str, Any]]:
    """The expectations of ``document`` (the ``expect`` mapping) as ``(section, key, want)``."""
    if not isinstance(document, dict):
        problems.add(path, "expected a mapping of summary, events and ledger")
        return []
    found: list[tuple[str, str, Any]] = []
    for section, value in document.items():
        where = join(path, str(section))
        if section not in SECTIONS:
            problems.unknown(where, "expectation", str(section), SECTIONS)
        elif not isinstance(value, dict):
            problems.add(where, "expected a mapping")
        elif section == "summary":
            _summary(value, where, (), problems, found)
        elif section == "events":
            for type_, want in value.items():
                if not isinstance(type_, str) or not EVENT_TYPE.fullmatch(type_):
                    problems.add(join(where, str(type_)), "expected an event type such as "
                                 "order.delivered, or a prefix such as resale.*")
                elif (count := _count(want, join(where, type_), problems)) is not None:
                    found.append(("events", type_, count))
        else:
            for kind, want in value.items():
                if kind not in finance.KINDS:
                    problems.unknown(join(where, str(kind)), "ledger kind", str(kind),
                                     finance.KINDS)
                elif (amount := Amount(signed=True).check(
                        want, join(where, kind), problems)) is not None:
                    found.append(("ledger", kind, Decimal(amount)))
    return found


def _summary(value: dict, path: str, trail: tuple[str, ...], problems: Problems,
             found: list) -> None:
    for key, want in value.items():
        key, where = str(key), join(path, str(key))
        valid = _valid_keys(trail)
        if valid is not None and key not in valid:
            problems.unknown(where, "summary figure", key, valid)
            continue
        at = (*trail, key)
        if at[:2] in NOT_COUNTS:
            problems.add(where, "is not a count (expect ledger totals under expect.ledger)")
            continue
        if isinstance(want, dict) and not set(want) <= {"at_least", "at_most"}:
            _summary(want, where, at, problems, found)
        elif at in KEYS or at == ("timers", "by_kind"):
            problems.add(where, "expected a mapping of names to counts")
        elif (count := _count(want, where, problems)) is not None:
            # A timer kind holds dots itself: its path is kept apart with NUL.
            found.append(("summary", ("\x00" if at[0] == "timers" else ".").join(at), count))


def _valid_keys(trail: tuple[str, ...]) -> tuple[str, ...] | None:
    if not trail:
        return tuple(summaries.SHAPE)
    if len(trail) == 1:
        return summaries.SHAPE[trail[0]] or None
    if trail == ("timers", "by_kind"):
        return tuple(scheduler.registered_kinds())
    if len(trail) == 2:
        return KEYS.get(trail, ())
    return ()


# -- evaluation -------------------------------------------------------------------------------

def evaluate(found: list[tuple[str, str, Any]], summary: dict[str, Any],
             events: dict[str, int], currency: str) -> list[dict[str, Any]]:
    return [_one(section, key, want, summary, events, currency)
            for section, key, want in found]


def _one(section: str, key: str, want: Any, summary: dict, events: dict[str, int],
         currency: str) -> dict[str, Any]:
    if section == "ledger":
        entry = summary["ledger"]["by_kind"].get(key)
        actual = Decimal(entry["total"]) if entry else Decimal(0)
        passed = actual == want
        shown = finance.format_money(want, currency)
        return _result(section, key, shown, finance.format_money(actual, currency), passed,
                       f"expected a {key} total of {shown} {currency}, found "
                       f"{finance.format_money(actual, currency)}")
    if section == "events":
        prefix = key[:-1] if key.endswith(".*") else None
        actual = sum(n for t, n in events.items() if (t.startswith(prefix) if prefix
                                                      else t == key))
        return _result(section, key, want.shown(), actual, want.holds(actual),
                       f"{key} events: " + want.why(actual))
    parts = key.split("\x00") if "\x00" in key else key.split(".")
    if parts[:2] == ["timers", "by_kind"]:
        actual = summary["timers"]["by_kind"].get(parts[2], {}).get("count", 0)
    else:
        actual = _leaf(summary, parts)
    key = ".".join(parts)
    return _result(section, key, want.shown(), actual, want.holds(actual),
                   f"{key}: " + want.why(actual))


def _leaf(summary: dict, parts: list[str]) -> int:
    value: Any = summary
    for part in parts:
        value = value.get(part, 0) if isinstance(value, dict) else 0
    return value if isinstance(value, int) else 0


def _result(section: str, key: str, expected: Any, actual: Any, passed: bool,
            why: str) -> dict[str, Any]:
    return {"section": section, "name": key, "expected": expected, "actual": actual,
            "passed": passed, "why": "as expected" if passed else why}
