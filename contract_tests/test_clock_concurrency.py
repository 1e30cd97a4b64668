"""Several clients advancing one sandbox at the same time: every timer fires exactly once and no
advance is lost (mutations of one sandbox are serialised)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from mockplatform_client import Client

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
THREADS = 6
STEPS = 8
STEP = timedelta(minutes=20)  # 6 threads x 8 steps x 20 min = 16 h, past every timer
SINGLE_TIMERS = 24  # every 30 min from +10 min
REPEATS = 10  # a cascade every 45 min: 11 firings

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START)


def schedule_timers(client) -> int:
    for i in range(SINGLE_TIMERS):
        client.test_helpers.schedule_timer(f"t{i:02d}", delay=timedelta(minutes=10 + 30 * i))
    client.test_helpers.schedule_timer("cascade", delay=timedelta(minutes=45),
                                       repeat_every=timedelta(minutes=45), repeat_times=REPEATS)
    return SINGLE_TIMERS + 1 + REPEATS


def advance_from_threads(mockplatform_url: str, sandbox) -> list[int]:
    """Each thread its own SDK client (a client's HTTP session is not shared across threads)."""
    barrier = threading.Barrier(THREADS)
    fired: list[int] = []
    errors: list[BaseException] = []

    def advance() -> None:
        with Client(mockplatform_url, api_key=sandbox.credentials.api_key,
                    sandbox_id=sandbox.id) as own_client:
            try:
                barrier.wait(timeout=30)
                for _ in range(STEPS):
                    fired.append(own_client.clock.advance(by=STEP).timers_fired)
            except BaseException as exc:  # re-raised below: a thread's failure fails the test
                errors.append(exc)

    threads = [threading.Thread(target=advance) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(fired) == THREADS * STEPS
    return fired


def test_concurrent_advances_fire_every_timer_exactly_once(client, sandbox, mockplatform_url,
                                                           fired_events):
    expected = schedule_timers(client)

    fired = advance_from_threads(mockplatform_url, sandbox)

    events = fired_events(client)
    assert sum(fired) == len(events) == expected
    assert len({(e.data.timer_id, e.data.iteration) for e in events}) == expected
    occurred = [datetime.fromisoformat(e.occurred_at) for e in events]
    assert occurred == sorted(occurred)


def test_concurrent_advances_lose_no_update(client, sandbox, mockplatform_url):
    schedule_timers(client)

    advance_from_threads(mockplatform_url, sandbox)

    clock = client.clock.get()
    assert datetime.fromisoformat(clock.now) == START + THREADS * STEPS * STEP
    assert clock.timers_pending == 0
