"""The clock of one sandbox: read, advance, freeze, run. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mockplatform.control.errors import ClockCannotGoBackwards
from mockplatform.engine import clock as clocks
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.durations import format_duration
from mockplatform.errors import InvalidRequest

NEXT_TIMER = "next_timer"


@dataclass
class ClockState:
    now: datetime
    mode: str
    speed: float
    next_timer_at: datetime | None
    timers_pending: int


@dataclass
class AdvanceResult:
    previous_now: datetime
    clock: ClockState
    timers_fired: int
    events: list
    events_total: int
    last_event_seq: int = 0  # the last event the advance recorded (0: none)


def state(ctx: SandboxContext) -> ClockState:
    return ClockState(now=ctx.now, mode=ctx.clock.mode, speed=ctx.clock.speed,
                      next_timer_at=ctx.timers.next_due_at(),
                      timers_pending=ctx.timers.pending_count())


def advance(ctx: SandboxContext, *, by: timedelta | None = None,
            to: datetime | str | None = None) -> AdvanceResult:
    """Move the clock forward, firing every timer due on the way, each at its own instant."""
    previous = ctx.now
    if (by is None) == (to is None):
        raise InvalidRequest("give exactly one of 'by' (a duration) or 'to' (a timestamp or "
                             "'next_timer')", code="validation_failed",
                             details=[{"field": "by", "location": "body",
                                       "message": "give exactly one of 'by' or 'to'"}])
    field = "by" if by is not None else "to"
    if by is not None and by < timedelta(0):
        try:
            target = previous + by
        except OverflowError:  # before year 1
            raise _backwards(previous, field, f"'by' is negative ({format_duration(by)})",
                             requested=None) from None
    elif by is not None:
        target = clocks.later(previous, by, field="by", what="would move the clock to")
    elif to == NEXT_TIMER:
        target = ctx.timers.next_due_at() or previous
    else:
        target = to
    if target > clocks.LATEST:  # a 'to' given in-process; the API's schema refuses it already
        raise clocks.BeyondLatest("to", f"would move the clock to {target.isoformat()}")
    if target < previous:
        raise _backwards(previous, field, f"{target.isoformat()} is "
                         f"{format_duration(previous - target)} earlier",
                         requested=target.isoformat())
    mark = ctx.events.mark()
    fired = ctx.timers.advance_to(target, ctx.settings.max_timers_per_advance)
    ctx.clock.set(target)
    ctx.save_clock()
    events, total = ctx.events.since(mark)
    return AdvanceResult(previous_now=previous, clock=state(ctx), timers_fired=fired,
                         events=events, events_total=total,
                         last_event_seq=ctx.events.last_seq if total else 0)


def _backwards(previous: datetime, field: str, why: str, **detail) -> ClockCannotGoBackwards:
    return ClockCannotGoBackwards(
        f"the clock only moves forward: it is {previous.isoformat()} and {why}; "
        "restore a snapshot to go back in time",
        details=[{"field": field, "location": "body", "message": "is before the sandbox's now",
                  "now": previous.isoformat(), **detail}])


def freeze(ctx: SandboxContext) -> ClockState:
    ctx.clock.freeze(at=ctx.now)
    ctx.save_clock()
    return state(ctx)


def run(ctx: SandboxContext, speed: float) -> ClockState:
    ctx.clock.run(speed, at=ctx.now)
    ctx.save_clock()
    return state(ctx)
