"""Every state change records an event at its virtual instant; the feed pages through them.

Domains react to each other's events through subscriptions (declared in each domain's
``Domain``, installed by ``engine/registry.py``): recording an event calls its subscribers at
once, in the same transaction and in the registry's fixed order, so the same calls always
produce the same effects and events in the same order.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from mockplatform.engine import ids
from mockplatform.store.models import Event

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext

# (pattern, subscriber) in the order they run: installed once, at start-up, by the registry.
_SUBSCRIPTIONS: list[tuple[str, Callable]] = []
# The subscribers of each event type recorded so far (found once per type, not per event).
_BY_TYPE: dict[str, tuple[Callable, ...]] = {}
# What sees every event row as it is recorded, before its subscribers (which may record more), in the same
# transaction:
# the webhook outbox (control/webhooks/outbox.py), installed by control, which the engine
# cannot import.
_OBSERVERS: list[Callable] = []


def install_observer(observer: Callable) -> None:
    """``observer(ctx, row)`` for every event recorded from now on (once per observer)."""
    if observer not in _OBSERVERS:
        _OBSERVERS.append(observer)


def install_subscriptions(subscriptions: list[tuple[str, Callable]]) -> None:
    _SUBSCRIPTIONS[:] = subscriptions
    _BY_TYPE.clear()


def matches(pattern: str, type_: str) -> bool:
    """An exact type, or a prefix ``order.*`` (which matches ``order.delivered``)."""
    return type_.startswith(pattern[:-1]) if pattern.endswith(".*") else type_ == pattern


def subscribers_of(type_: str) -> tuple[Callable, ...]:
    found = _BY_TYPE.get(type_)
    if found is None:
        found = _BY_TYPE[type_] = tuple(handler for pattern, handler in _SUBSCRIPTIONS
                                        if matches(pattern, type_))
    return found

# How many of the events one call produced are kept in memory to be returned with its answer.
KEPT_FOR_RESPONSE = 100
EVENTS = Event.__table__


class EventRecorder:
    def __init__(self, ctx: SandboxContext):
        self.ctx = ctx
        self.recorded_count = 0
        self.last_seq = 0  # the seq of the last event recorded: where an answer's events end
        # The first KEPT_FOR_RESPONSE events recorded since the last ``mark``, to answer with.
        self._kept: list[Event] = []

    def record(self, type_: str, *, subject: str = "", data: dict[str, Any] | None = None) -> None:
        ctx = self.ctx
        row = {"sandbox_id": ctx.id, "seq": ids.next_value(ctx.counters, "event"),
               "type": type_, "occurred_at": ctx.now, "subject": subject, "data": data or {}}
        ctx.inserts.add(EVENTS, row)
        self.recorded_count += 1
        self.last_seq = row["seq"]
        if len(self._kept) < KEPT_FOR_RESPONSE:
            self._kept.append(Event(**row))
        for observer in _OBSERVERS:
            observer(ctx, row)
        for subscriber in subscribers_of(type_):
            subscriber(ctx, type_, row["data"])

    def mark(self) -> int:
        """Start measuring what a piece of work records (see ``since``).

        What was recorded before the mark (a catch-up that fired a hundred timers first, say)
        must not use up the events kept for the answer of the work that follows it.
        """
        self._kept = []
        return self.recorded_count

    def since(self, mark: int) -> tuple[list[Event], int]:
        """Events recorded since ``mark`` (at most KEPT_FOR_RESPONSE) and how many in all."""
        return list(self._kept), self.recorded_count - mark


def event_id(seq: int) -> str:
    return ids.format_id(ids.EVENT_PREFIX, seq)


@dataclass(frozen=True)
class EventFilter:
    """What the feed is asked for. ``types`` holds exact names or prefixes ``order.*``;
    ``subjects`` exact subjects (``order:42``, ``package:FP01``); ``occurred_from`` is inclusive
    and ``occurred_to`` exclusive (sandbox time); ``after_seq`` and ``until_seq`` bound the
    sequence numbers (exclusive and inclusive), so a page can continue after a cursor and stop
    where a piece of work's events ended."""

    types: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    after_seq: int = 0
    until_seq: int | None = None


def list_events(ctx: SandboxContext, query: EventFilter | None = None, *,
                types: list[str] | None = None, after_seq: int = 0,
                limit: int = 100) -> tuple[list[Event], bool]:
    """Events in the order they happened: those ``query`` selects, or (without one) of
    ``types`` after ``after_seq``.

    Subjects are read one by one from ``ix_events_subject``, each already in order, and merged:
    asked for several at once, a database without statistics (SQLite) would rather walk every
    event of the sandbox in order than sort what the index finds. A type filter is served by
    ``ix_events_type``; a time range alone walks the sandbox's events in order from the cursor
    (an event's instant is not indexed: an index on it would cost every event recorded, the
    hottest insert there is).
    """
    if query is None:
        query = EventFilter(types=tuple(types or ()), after_seq=after_seq)
    ctx.inserts.write()
    stmt = select(Event).where(Event.sandbox_id == ctx.sandbox.id, Event.seq > query.after_seq)
    if query.until_seq is not None:
        stmt = stmt.where(Event.seq <= query.until_seq)
    if query.types:
        exact = [t for t in query.types if not t.endswith(".*")]
        prefixes = [t[:-1] for t in query.types if t.endswith(".*")]
        conditions = [Event.type.in_(exact)] if exact else []
        conditions += [Event.type.startswith(p, autoescape=True) for p in prefixes]
        stmt = stmt.where(or_(*conditions))
    if query.occurred_from is not None:
        stmt = stmt.where(Event.occurred_at >= query.occurred_from)
    if query.occurred_to is not None:
        stmt = stmt.where(Event.occurred_at < query.occurred_to)
    stmt = stmt.order_by(Event.seq).limit(limit + 1)
    if query.subjects:
        rows = heapq.merge(*(ctx.session.scalars(stmt.where(Event.subject == subject)).all()
                             for subject in dict.fromkeys(query.subjects)),
                           key=lambda event: event.seq)
        rows = list(itertools.islice(rows, limit + 1))
    else:
        rows = list(ctx.session.scalars(stmt))
    return rows[:limit], len(rows) > limit
