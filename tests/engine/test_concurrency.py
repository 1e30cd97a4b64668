"""Two clients advancing one sandbox at once never fire a timer twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from mockplatform.control import clock as clock_service
from mockplatform.control import sandboxes, test_timers
from mockplatform.engine.context import SandboxContext
from mockplatform.store.models import Event

START = datetime(2026, 3, 2, tzinfo=UTC)
TIMERS = 200
THREADS = 6


def _in_unit(store, settings, sandbox_id, work):
    with store.transaction() as session:
        ctx = SandboxContext(session, sandboxes.get(session, sandbox_id), settings)
        ctx.catch_up()
        result = work(ctx)
        ctx.finish()
        return result


def test_concurrent_advances_fire_every_timer_exactly_once(store, settings):
    with store.transaction() as session:
        ctx = sandboxes.create(session, settings, {"platform": "lazada", "market": "MY",
                                                   "seed": 9, "start_at": START})
        for i in range(TIMERS):
            ctx.timers.schedule(test_timers.KIND, START + timedelta(minutes=i + 1),
                                subject=f"t{i}", payload={"label": f"t{i}", "iteration": 0,
                                                          "repeat_every": None,
                                                          "repeat_times": 0})
        ctx.finish()
        sandbox_id = ctx.sandbox.id

    barrier = threading.Barrier(THREADS)
    fired: list[int] = []
    errors: list[BaseException] = []

    def advance(step: int):
        try:
            barrier.wait()
            for _ in range(5):
                fired.append(_in_unit(store, settings, sandbox_id, lambda ctx: clock_service
                                      .advance(ctx, by=timedelta(minutes=step)).timers_fired))
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=advance, args=(7 + i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(fired) == TIMERS
    with store.transaction() as session:
        count = session.scalar(select(func.count()).select_from(Event).where(
            Event.sandbox_id == sandbox_id, Event.type == "test_timer.fired"))
        labels = session.scalars(select(Event.subject).where(
            Event.sandbox_id == sandbox_id, Event.type == "test_timer.fired")).all()
    assert count == TIMERS
    assert len(set(labels)) == TIMERS
