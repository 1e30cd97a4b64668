"""Test timers: scheduled by a test helper, they record an event when they fire, and may repeat.

They prove the engine without any business domain (ordering, cascades, exactly-once, catch-up),
and let a user check that their own integration sees events at the instant they are due.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mockplatform.engine import clock as clocks
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.durations import format_duration, parse_duration
from mockplatform.engine.payloads import Duration, Integer, PayloadSpec, Text
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.errors import ValidationFailed

KIND = "test_helpers.timer"
MAX_LABEL = 100
MAX_REPEATS = 100_000
# The label is the timers' subject; ``iteration`` counts the firings so far, up to
# ``repeat_times`` (0 for a timer that fires once).
PAYLOAD = PayloadSpec({"label": Text(max_length=MAX_LABEL),
                       "iteration": Integer(maximum=MAX_REPEATS),
                       "repeat_every": Duration(nullable=True),
                       "repeat_times": Integer(maximum=MAX_REPEATS)}, subject="{label}")


def _describe(subject: str, payload: dict) -> str:
    text = f"test timer {payload['label']!r}: record test_timer.fired"
    if payload.get("repeat_every"):
        remaining = payload["repeat_times"] - payload["iteration"]
        text += f", then repeat every {payload['repeat_every']} ({remaining} more)"
    return text


def schedule(ctx: SandboxContext, *, label: str, at: datetime | None, delay: timedelta | None,
             repeat_every: timedelta | None, repeat_times: int | None) -> DueTimer:
    if (at is None) == (delay is None):
        raise ValidationFailed.field("at", "give exactly one of 'at' (a timestamp) or 'delay' "
                                     "(a duration)")
    if delay is not None and delay < timedelta(0):
        raise ValidationFailed.field("delay", "must not be negative")
    if at is not None:
        due_at = clocks.later(at, timedelta(0), field="at", what="would be due at")
    else:
        due_at = clocks.later(ctx.now, delay, field="delay", what="would be due at")
    if due_at < ctx.now:
        raise ValidationFailed.field("at", f"is before the sandbox's now ({ctx.now.isoformat()})")
    if (repeat_every is None) != (repeat_times is None):
        raise ValidationFailed.field("repeat_every",
                                     "'repeat_every' and 'repeat_times' go together")
    if repeat_every is not None and repeat_every <= timedelta(0):
        raise ValidationFailed.field("repeat_every", "must be a positive duration")
    if repeat_every is not None:
        # Every repetition must be able to fire: the last one, too, is due by LATEST.
        clocks.later(due_at, repeat_every, times=repeat_times, field="repeat_every",
                     what=f"would make repetition {repeat_times} due at")
    payload = {"label": label, "iteration": 0,
               "repeat_every": format_duration(repeat_every) if repeat_every else None,
               "repeat_times": repeat_times or 0}
    ctx.record("test_timer.scheduled", subject=label,
               data={"label": label, "due_at": due_at.isoformat()})
    return ctx.timers.schedule(KIND, due_at, subject=label, payload=payload)


@timer_kind(KIND, payload=PAYLOAD, describe=_describe)
def _fire(ctx: SandboxContext, timer: DueTimer) -> None:
    payload = timer.payload
    ctx.record("test_timer.fired", subject=timer.subject, data={
        "label": payload["label"], "timer_id": timer.id, "due_at": timer.due_at.isoformat(),
        "iteration": payload["iteration"]})
    if payload.get("repeat_every") and payload["iteration"] < payload["repeat_times"]:
        every = parse_duration(payload["repeat_every"])
        ctx.timers.schedule(KIND, ctx.now + every, subject=timer.subject,
                            payload={**payload, "iteration": payload["iteration"] + 1})
