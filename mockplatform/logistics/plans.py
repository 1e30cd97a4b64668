"""A package's plan: ``Package.journey``, every step it will take with the instant it is due
and the instant it was done, ``{step: {"due_at": iso, "done_at": iso | None}}``.

The steps of ``logistics.journey`` come first; a failed delivery attempt adds the next one
(``out_for_delivery_2``, ``delivery_attempt_2`` ...), the last failed attempt the return leg
(``shipped_back``, ``shipped_back_success``). One step is on the clock at a time: the earliest
not yet done, whose timer schedules the next when it fires. A package that ends early (delivered
by the carrier's helper, lost, damaged, canceled) keeps only the steps it took.

PostgreSQL's JSONB keeps no key order, so the order is always computed: by due instant, then
by the step's place in the journey.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from mockplatform.orders.models import (
    FORWARD_STEPS,
    REPEATED,
    RETURN_STEPS,
    Package,
)

_RETURNING = frozenset(RETURN_STEPS)


def numbered(step: str, attempt: int) -> str:
    return step if attempt == 1 else f"{step}_{attempt}"


@cache  # a handful of step names, split at every step of every package
def split(step: str) -> tuple[str, int]:
    """``delivery_attempt_2`` -> ``("delivery_attempt", 2)``; an unnumbered step is attempt 1."""
    base, _, suffix = step.rpartition("_")
    if suffix.isdigit() and base in REPEATED:
        return base, int(suffix)
    return step, 1


def is_return_step(step: str) -> bool:
    return step in _RETURNING


@cache
def _rank(step: str) -> tuple[int, int, int]:
    base, attempt = split(step)
    if base in RETURN_STEPS:
        return 1, 0, RETURN_STEPS.index(base)
    return 0, attempt, FORWARD_STEPS.index(base) if base in FORWARD_STEPS else len(FORWARD_STEPS)


def due_at(entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(entry["due_at"])


def _taken_order(pair: tuple[str, dict[str, Any]]) -> tuple[datetime, tuple[int, int, int]]:
    step, entry = pair
    return due_at(entry), _rank(step)


def ordered(journey: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The steps of a plan in the order they are taken."""
    return sorted(journey.items(), key=_taken_order)


def add(package: Package, steps: dict[str, datetime]) -> None:
    """Plan ``steps`` (their due instants). The column is replaced, not mutated in place, so the
    change is seen by the ORM."""
    package.journey = {**package.journey, **{
        step: {"due_at": at.isoformat(), "done_at": None} for step, at in steps.items()}}


def mark_done(package: Package, step: str, at: str) -> None:
    """``step`` was taken at ``at`` (an instant in ISO 8601)."""
    journey = package.journey
    package.journey = {**journey, step: {**journey[step], "done_at": at}}
    package.journey_step = step


def drop_pending(package: Package) -> None:
    """The package's story is over: the steps it did not take leave the plan."""
    if any(entry["done_at"] is None for entry in package.journey.values()):
        package.journey = {step: entry for step, entry in package.journey.items()
                           if entry["done_at"] is not None}


def next_pending(package: Package) -> tuple[str, datetime] | None:
    """The earliest step not yet done, among the return leg once the package is going back."""
    journey = package.journey
    going_back = not _RETURNING.isdisjoint(journey)
    # The first in the order steps are taken (``ordered``): no need to sort them all at every
    # step, nor to build the list of pending ones.
    best = None
    for pair in journey.items():
        step, entry = pair
        if entry["done_at"] is None and (step in _RETURNING) == going_back:
            key = _taken_order(pair)
            if best is None or key < best[0]:
                best = key, step
    return None if best is None else (best[1], best[0][0])
