"""A running clock follows wall time at its speed; every request first fires what is due by it
(catch-up), so no explicit advance is needed. Freeze stops it, run restarts it.

Real time only ever gives "at least": a slow machine lets more virtual time pass, never less.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
SPEED = 360_000  # 100 virtual hours per real second: an hour passes in 10 ms
NAP = 0.1  # seconds of real time; at SPEED, 10 virtual hours
AT_LEAST_A_NAP = timedelta(seconds=NAP * SPEED) - timedelta(seconds=1)  # 1 s for rounding

running = pytest.mark.mockplatform_sandbox(start_at=START, clock_mode="running",
                                           clock_speed=SPEED)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@running
def test_a_sandbox_can_be_created_with_a_running_clock(sandbox):
    assert sandbox.clock.mode == "running"
    assert sandbox.clock.speed == SPEED
    assert instant(sandbox.clock.now) >= START


@running
def test_a_running_clock_moves_at_least_at_its_speed(client):
    before = instant(client.clock.get().now)
    time.sleep(NAP)
    after = instant(client.clock.get().now)

    assert after - before >= AT_LEAST_A_NAP


@running
def test_a_due_timer_fires_on_the_next_request_without_an_advance(client):
    timer = client.test_helpers.schedule_timer("an_hour_on", delay=timedelta(hours=1))
    time.sleep(NAP)

    [event] = client.events.list(type="test_timer.fired")

    assert event.data.timer_id == timer.id
    assert instant(event.occurred_at) == instant(timer.due_at)  # its own instant, not "now"
    assert list(client.timers.list()) == []


@running
def test_freeze_stops_the_clock(client):
    frozen = client.clock.freeze()
    client.test_helpers.schedule_timer("an_hour_on", delay=timedelta(hours=1))
    time.sleep(NAP)

    clock = client.clock.get()
    assert frozen.mode == clock.mode == "frozen"
    assert clock.now == frozen.now
    assert clock.timers_pending == 1
    assert list(client.events.list(type="test_timer.fired")) == []


@pytest.mark.mockplatform_sandbox(start_at=START)
def test_run_restarts_a_frozen_clock_at_the_given_speed(client):
    timer = client.test_helpers.schedule_timer("an_hour_on", delay=timedelta(hours=1))

    started = client.clock.run(speed=SPEED)
    time.sleep(NAP)

    assert (started.mode, started.speed) == ("running", SPEED)
    assert instant(client.clock.get().now) - instant(started.now) >= AT_LEAST_A_NAP
    [event] = client.events.list(type="test_timer.fired")
    assert instant(event.occurred_at) == instant(timer.due_at)
