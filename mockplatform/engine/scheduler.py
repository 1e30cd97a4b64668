"""Timers are rows, fired in ``(due_at, seq)`` order on the sandbox clock.

Advancing to T fires every timer with ``due_at <= T``: the sandbox's ``now`` is set to each timer's
due instant before its handler runs (so every timestamp it writes is exact), handlers may schedule
new timers, and those fire in the same advance when they fall at or before T. A fired timer's row
is deleted in the same transaction as its handler's effects, so each timer fires exactly once.
Handlers re-check state: a deadline for something already done is a no-op, which makes cancelling
timers an optimisation, never a requirement.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, and_, delete, or_, select

from mockplatform.engine import collector, ids
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.errors import AdvanceLimitReached
from mockplatform.store import bulk
from mockplatform.store.models import Timer

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext

# Timers loaded and fired per query. Large, because a batch is also the unit of writing: what its
# timers changed is flushed once, a row changed by several of them is written once, and a timer
# scheduled and fired within the batch is never written at all. 10,000 journeys fire 1.3x faster
# than with batches of 1,000 (bench/orders.py).
BATCH = 20000
# At most this many deferred cancels (subjects) in one delete statement.
CANCEL_CHUNK = 1000
# Timer rows are written and deleted by plain statements on the table, never as objects: an
# ORM statement would flush the session and search its identity map (thousands of rows in an
# advance) for timers to synchronise.
TIMERS = Timer.__table__


class DueTimer(NamedTuple):
    """A timer about to fire, or just scheduled. A tuple: one advance makes tens of thousands."""
    due_at: datetime
    seq: int
    kind: str
    subject: str
    payload: dict

    @property
    def id(self) -> str:
        return ids.format_id(ids.TIMER_PREFIX, self.seq)


Handler = Callable[["SandboxContext", DueTimer], None]
Describer = Callable[[str, dict], str]
Prefetcher = Callable[["SandboxContext", list[DueTimer]], None]


@dataclass(frozen=True)
class TimerKind:
    name: str
    handler: Handler
    describe: Describer
    payload: PayloadSpec
    prefetch: Prefetcher | None = None


_KINDS: dict[str, TimerKind] = {}


def timer_kind(name: str, *, payload: PayloadSpec, describe: Describer | str,
               prefetch: Prefetcher | None = None) -> Callable[[Handler], Handler]:
    """Register the handler of a timer kind; ``payload`` declares the payload its timers carry
    (checked wherever a timer comes from outside the code, as in a restored snapshot);
    ``describe`` gives the human-readable line shown in the timers list ("order 1001:
    auto-cancel if not ready to ship"). ``prefetch``, if given, is called with each batch of the
    kind's timers about to fire, so that it can load the rows they touch in a few queries
    instead of a few per timer."""
    if not isinstance(payload, PayloadSpec):
        raise TypeError(f"timer kind {name!r}: payload must be a PayloadSpec, not {payload!r}")
    describer = describe if callable(describe) else (
        lambda subject, payload, _t=describe: _t.format(subject=subject, **payload))

    def register(handler: Handler) -> Handler:
        _KINDS[name] = TimerKind(name, handler, describer, payload, prefetch)
        return handler

    return register


def kinds() -> dict[str, TimerKind]:
    """Every registered kind, by name."""
    return dict(_KINDS)


def kind(name: str) -> TimerKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no handler is registered for timer kind {name!r}; its domain must "
                          f"declare it (engine/registry.py), which the store checks at "
                          f"start-up") from None


def registered_kinds() -> list[str]:
    """The names of every timer kind with a handler."""
    return list(_KINDS)


@timer_kind("noop", payload=PayloadSpec({}), describe="no-op timer {subject}")
def _noop(ctx: SandboxContext, timer: DueTimer) -> None:
    """Does nothing; used by benchmarks and engine tests that only count firings."""


def _after(key: tuple[datetime, int]):
    due_at, seq = key
    return or_(TIMERS.c.due_at > due_at, and_(TIMERS.c.due_at == due_at, TIMERS.c.seq > seq))


class Scheduler:
    """The timers of one sandbox within one unit of work."""

    def __init__(self, ctx: SandboxContext):
        self.ctx = ctx
        self.sandbox_id = ctx.sandbox.id
        # Scheduled but not yet written, by subject then seq (a cancel names a subject):
        # inserted in one statement before the next timer query.
        self._pending: dict[str, dict[int, dict[str, Any]]] = {}
        # While an advance runs: timers scheduled by handlers, to be merged into the firing order.
        self._captured: list[DueTimer] | None = None
        # While an advance runs: timers scheduled since the pending count was last written.
        # It is written once a batch (nothing reads it while one fires), and the earliest due
        # instant is worked out again when the advance ends.
        self._scheduled = 0
        # While an advance runs: the batch of timers loaded to fire, by subject, and the seqs of
        # timers cancelled since the advance started (each counted once). A cancelled timer still
        # in the heap is skipped when it comes up, which is cheaper than rebuilding the heap.
        self._loaded: dict[str, list[DueTimer]] = {}
        self._cancelled: set[int] = set()
        # Cancels, as (subject, kind or None), whose written rows are still to delete: with the
        # next ``flush``, in one statement per kind rather than one for every cancel (a seeded
        # fill cancels two timers of each of thousands of orders; an advance, thousands).
        self._deferred: set[tuple[str, str | None]] = set()
        # Outside an advance: a cancel may have dropped the timer the sandbox's earliest due
        # instant came from, which is worked out again with the next ``flush``. Until then
        # ``next_due_at`` and ``pending_count`` flush first.
        self._next_stale = False
        # While an advance runs: the key of the timer firing now. It and every timer before it
        # have fired, though their rows are only deleted at the end of the batch, so a cancel
        # must not count them (or the pending count would drop twice for one timer).
        self._fired_through: tuple[datetime, int] | None = None

    def _db(self) -> Connection:
        """The unit of work's connection, for the statements on the timers table: through it
        they do not flush the session first (timers are never ORM objects in it), so the rows a
        batch of handlers changed are written once, when something reads them, not at every
        timer statement."""
        return self.ctx.session.connection()

    # -- scheduling -------------------------------------------------------------------------

    def schedule(self, kind_name: str, due_at: datetime, *, subject: str = "",
                 payload: dict | None = None, description: str | None = None) -> DueTimer:
        kind(kind_name)  # an unknown kind fails here, not when its timer comes up
        payload = payload or {}
        # A timer can never be due before the instant that scheduled it: time only moves forward.
        due_at = max(due_at, self.ctx.now)
        seq = ids.next_value(self.ctx.counters, "timer")
        # The description is written out only for a timer whose row is written (``flush``):
        # most of an advance's timers fire in the batch that scheduled them, and never are.
        self._pending.setdefault(subject, {})[seq] = {
            "sandbox_id": self.sandbox_id, "seq": seq, "due_at": due_at, "kind": kind_name,
            "subject": subject, "payload": payload, "description": description}
        timer = DueTimer(due_at, seq, kind_name, subject, payload)
        if self._captured is not None:
            self._captured.append(timer)
            self._scheduled += 1
            return timer
        sandbox = self.ctx.sandbox
        sandbox.timers_pending += 1
        if sandbox.next_timer_at is None or due_at < sandbox.next_timer_at:
            sandbox.next_timer_at = due_at
        return timer

    def cancel(self, *, subject: str, kind_name: str | None = None) -> int:
        """Drop pending timers of ``subject`` (optionally of one kind). Returns how many were
        dropped at once: those not yet written (and, inside an advance, those of the batch firing
        now); the written rows are deleted, and counted, with the next ``flush``, before any
        timer scheduled after the cancel is written."""
        fired_through = self._fired_through

        def cancellable(kind_: str, due_at: datetime, seq: int) -> bool:
            return (kind_name is None or kind_ == kind_name) and (
                fired_through is None or (due_at, seq) > fired_through)

        # Timers not yet written are dropped in memory: no insert, and no delete, for them.
        unwritten = self._pending.get(subject, {})
        dropped = [(seq, timer["due_at"]) for seq, timer in unwritten.items()
                   if cancellable(timer["kind"], timer["due_at"], seq)]
        for seq, _ in dropped:
            del unwritten[seq]
        self._deferred.add((subject, kind_name))
        sandbox = self.ctx.sandbox
        if self._captured is not None:
            dropped += [(timer.seq, timer.due_at) for timer in self._loaded.get(subject, ())
                        if cancellable(timer.kind, timer.due_at, timer.seq)
                        and timer.seq not in self._cancelled]
            self._cancelled.update(seq for seq, _ in dropped)
            sandbox.timers_pending -= len(dropped)
            return len(dropped)
        sandbox.timers_pending -= len(dropped)
        # The earliest pending instant moves only when a timer due at it went; the written rows
        # the deferred delete takes are looked at when it runs.
        if dropped and not self._next_stale:
            next_at = sandbox.next_timer_at
            self._next_stale = next_at is None or any(due_at <= next_at for _, due_at in dropped)
        return len(dropped)

    def flush(self) -> None:
        """Write what is buffered: the deferred cancels first, as the timers scheduled since
        they were made must survive them."""
        if self._deferred:
            self._delete_deferred()
        rows = [row for timers in self._pending.values() for row in timers.values()]
        for row in rows:
            if not row["description"]:
                row["description"] = kind(row["kind"]).describe(row["subject"], row["payload"])
        bulk.insert_rows(self._db(), TIMERS, rows)
        self._pending.clear()
        if self._next_stale:
            self._next_stale = False
            self._refresh_next()

    def _delete_deferred(self) -> None:
        # One statement per kind named (and one for whole subjects), so that each is an indexed
        # search on (subject, kind): a list of (subject, kind) pairs is not, on SQLite.
        by_kind: dict[str | None, list[str]] = {}
        for subject, kind_name in sorted(self._deferred, key=lambda c: (c[1] or "", c[0])):
            by_kind.setdefault(kind_name, []).append(subject)
        self._deferred.clear()
        for kind_name, subjects in by_kind.items():
            for start in range(0, len(subjects), CANCEL_CHUNK):
                condition = TIMERS.c.subject.in_(subjects[start:start + CANCEL_CHUNK])
                if kind_name is not None:
                    condition = and_(condition, TIMERS.c.kind == kind_name)
                self._delete_cancelled(condition)

    def _delete_cancelled(self, condition) -> None:
        # Rows of timers that already fired may go too: they are deleted with their batch
        # anyway. Leaving them out in SQL ("after the timer firing now") would make SQLite search
        # by due instant instead of by subject; they are left out of the count instead.
        fired_through = self._fired_through
        rows = self._db().execute(delete(TIMERS).where(
            TIMERS.c.sandbox_id == self.sandbox_id, condition)
            .returning(TIMERS.c.seq, TIMERS.c.due_at)).all()
        # Timers of the batch were counted when they were cancelled.
        sandbox = self.ctx.sandbox
        sandbox.timers_pending -= sum(
            seq not in self._cancelled and (fired_through is None
                                            or (due_at, seq) > fired_through)
            for seq, due_at in rows)
        self._cancelled.update(seq for seq, _ in rows)
        # Outside an advance, the earliest due instant is worked out again if one of them was
        # due at it (an advance works it out when it ends).
        if self._captured is None and rows and (sandbox.next_timer_at is None or any(
                due_at <= sandbox.next_timer_at for _, due_at in rows)):
            self._next_stale = True

    # -- reading ----------------------------------------------------------------------------

    def next_due_at(self) -> datetime | None:
        self._settle()
        return self.ctx.sandbox.next_timer_at

    def pending_count(self) -> int:
        self._settle()
        return self.ctx.sandbox.timers_pending

    def _settle(self) -> None:
        """Bring the sandbox's count and earliest due instant up to date with the cancels
        deferred so far."""
        if self._deferred or self._next_stale:
            self.flush()

    def list(self, *, kind_name: str | None = None, after_seq: int = 0,
             limit: int = 100) -> tuple[list[Timer], bool]:
        """Pending timers in firing order; ``after_seq`` is a cursor in that order."""
        self.flush()
        stmt = select(Timer).where(Timer.sandbox_id == self.sandbox_id)
        if kind_name:
            stmt = stmt.where(Timer.kind == kind_name)
        if after_seq:
            anchor = self.ctx.session.get(Timer, (self.sandbox_id, after_seq))
            # A cursor whose timer has fired since means every timer before it fired too
            # (they fire in order): what remains starts at the head.
            if anchor is not None:
                stmt = stmt.where(_after((anchor.due_at, anchor.seq)))
        rows = list(self.ctx.session.scalars(
            stmt.order_by(Timer.due_at, Timer.seq).limit(limit + 1)))
        return rows[:limit], len(rows) > limit

    # -- firing -----------------------------------------------------------------------------

    def advance_to(self, target: datetime, limit: int) -> int:
        """Fire every timer due at or before ``target``, in order; return how many fired.

        Stops with ``AdvanceLimitReached`` (changes kept, clock at the last fired timer) when
        ``limit`` timers have fired and more are due.
        """
        ctx = self.ctx
        try:
            with collector.paused_for(ctx.session):
                fired = self._fire_due(target, limit)
        finally:
            self._count_pending(0)
            self._captured = None
            self._loaded = {}
            self._cancelled = set()
            self._deferred.clear()  # written by now, unless the advance failed
            self._fired_through = None
        ctx.now = target
        self._refresh_next()
        return fired

    def _fire_due(self, target: datetime, limit: int) -> int:
        ctx = self.ctx
        fired = 0
        last: tuple[datetime, int] | None = None
        while True:
            self.flush()
            ctx.inserts.write()  # what a batch recorded, rather than a whole advance's
            batch = self._due_batch(target, last)
            if not batch:
                break
            # Timers scheduled during this batch join the firing order when they sort before
            # the batch's last row; later ones are picked up by the next query. A new timer
            # always sorts after the one firing (it is due no earlier, and its seq is newer).
            boundary = (batch[-1].due_at, batch[-1].seq) if len(batch) == BATCH else None
            self._prefetch(batch)
            self._loaded = {}
            for timer in batch:
                self._loaded.setdefault(timer.subject, []).append(timer)
            heap = [(t.due_at, t.seq, t) for t in batch]  # sorted: a heap
            self._captured = captured = []
            pending, cancelled = self._pending, self._cancelled
            fired_before = fired
            while heap:
                timer = heapq.heappop(heap)[2]
                if timer.seq in cancelled:
                    continue
                if fired >= limit:
                    self._count_pending(fired - fired_before)
                    self._delete_through(last)
                    self._stop_at_limit(limit, target)
                ctx.now = timer.due_at
                last = self._fired_through = (timer.due_at, timer.seq)
                (_KINDS.get(timer.kind) or kind(timer.kind)).handler(ctx, timer)
                fired += 1
                if timer.subject in pending:  # fired before its row was written
                    pending[timer.subject].pop(timer.seq, None)
                for new in captured:
                    if new.due_at <= target and (
                            boundary is None or (new.due_at, new.seq) < boundary):
                        heapq.heappush(heap, (new.due_at, new.seq, new))
                captured.clear()
            # Counted down once a batch rather than at every timer (nothing reads the count
            # while a batch fires).
            self._count_pending(fired - fired_before)
            self._delete_through(last)
        return fired

    def _count_pending(self, fired: int) -> None:
        """Bring the pending count up to date: the timers scheduled since it was, less
        ``fired``."""
        self.ctx.sandbox.timers_pending += self._scheduled - fired
        self._scheduled = 0

    def _prefetch(self, batch: list[DueTimer]) -> None:
        by_kind: dict[str, list[DueTimer]] = {}
        for timer in batch:
            by_kind.setdefault(timer.kind, []).append(timer)
        for kind_name, timers in by_kind.items():
            # An unknown kind is left to fail when its timer comes up, after those before it.
            registered = _KINDS.get(kind_name)
            if registered is not None and registered.prefetch is not None:
                registered.prefetch(self.ctx, timers)

    def _due_batch(self, target: datetime, last: tuple[datetime, int] | None) -> list[DueTimer]:
        # Starting after the last fired timer keeps each query narrow: it never walks back over
        # rows this transaction already deleted.
        stmt = (select(Timer.due_at, Timer.seq, Timer.kind, Timer.subject, Timer.payload)
                .where(Timer.sandbox_id == self.sandbox_id, Timer.due_at <= target))
        if last is not None:
            stmt = stmt.where(_after(last))
        return [DueTimer(*row) for row in self._db().execute(
            stmt.order_by(Timer.due_at, Timer.seq).limit(BATCH))]

    def _delete_through(self, last: tuple[datetime, int]) -> None:
        """Delete every timer up to and including ``last``: all of them have fired (timers
        fire in order) or were cancelled. One statement per batch, whatever its size."""
        self.flush()
        due_at, seq = last
        self._db().execute(delete(TIMERS).where(
            TIMERS.c.sandbox_id == self.sandbox_id,
            or_(TIMERS.c.due_at < due_at, and_(TIMERS.c.due_at == due_at, TIMERS.c.seq <= seq))))

    def _stop_at_limit(self, limit: int, target: datetime) -> None:
        ctx = self.ctx
        stopped_at = ctx.now
        ctx.clock.set(stopped_at)
        ctx.save_clock()
        self._refresh_next()
        # The stop is committed, not rolled back: what the fired timers buffered is written too.
        ctx.finish()
        raise AdvanceLimitReached(
            f"stopped at {stopped_at.isoformat()} after firing {limit} timers, the most one "
            f"advance may fire (setting max_timers_per_advance); timers due by "
            f"{target.isoformat()} remain: advance again to continue",
            details=[{"field": "max_timers_per_advance", "location": "settings",
                      "message": f"at most {limit} timers fire in one advance", "limit": limit,
                      "stopped_at": stopped_at.isoformat(), "target": target.isoformat()}])

    def _refresh_next(self) -> None:
        self.flush()
        self.ctx.sandbox.next_timer_at = self._db().scalar(
            select(Timer.due_at).where(Timer.sandbox_id == self.sandbox_id)
            .order_by(Timer.due_at, Timer.seq).limit(1))
