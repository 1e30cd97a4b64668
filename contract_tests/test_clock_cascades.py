"""A timer that schedules the next one (a repeating test timer): every iteration due by the target
fires within the same advance; the later ones wait, visible in the timers list and the clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from mockplatform_client import NEXT_TIMER

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
HOUR = timedelta(hours=1)

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def schedule_heartbeat(client, repeat_times: int = 5):
    """Due at +1 h, then every hour ``repeat_times`` more times."""
    return client.test_helpers.schedule_timer("heartbeat", delay=HOUR, repeat_every=HOUR,
                                              repeat_times=repeat_times)


def test_every_iteration_due_by_the_target_fires_within_one_advance(client):
    schedule_heartbeat(client)

    result = client.clock.advance(by=3.5 * HOUR)

    assert result.timers_fired == 3
    assert [(event.data.iteration, instant(event.occurred_at)) for event in result.events] == [
        (0, START + HOUR), (1, START + 2 * HOUR), (2, START + 3 * HOUR)]


def test_iterations_due_after_the_target_stay_pending(client):
    schedule_heartbeat(client)

    client.clock.advance(by=3.5 * HOUR)

    [pending] = client.timers.list()
    assert pending.subject == "heartbeat"
    assert pending.payload.iteration == 3
    assert instant(pending.due_at) == START + 4 * HOUR
    clock = client.clock.get()
    assert instant(clock.next_timer_at) == START + 4 * HOUR
    assert clock.timers_pending == 1


def test_advancing_to_the_next_timer_fires_exactly_that_one(client):
    schedule_heartbeat(client)
    client.clock.advance(by=3.5 * HOUR)

    result = client.clock.advance(to=NEXT_TIMER)

    assert result.timers_fired == 1
    [event] = result.events
    assert (event.data.iteration, instant(event.occurred_at)) == (3, START + 4 * HOUR)
    assert instant(result.clock.now) == START + 4 * HOUR
    assert instant(result.clock.next_timer_at) == START + 5 * HOUR


def test_advancing_to_the_next_timer_with_none_pending_stays_put(client):
    result = client.clock.advance(to=NEXT_TIMER)

    assert result.timers_fired == 0
    assert instant(result.clock.now) == START


def test_a_cascade_ends_after_its_last_repetition(client, fired_events):
    schedule_heartbeat(client, repeat_times=5)

    result = client.clock.advance(by=timedelta(days=1))

    assert result.timers_fired == 1 + 5
    assert [event.data.iteration for event in fired_events(client)] == [0, 1, 2, 3, 4, 5]
    assert list(client.timers.list()) == []
    clock = client.clock.get()
    assert clock.next_timer_at is None
    assert clock.timers_pending == 0


def test_timers_scheduled_by_a_firing_join_the_order_of_the_others(client, fired_events):
    schedule_heartbeat(client, repeat_times=3)
    # Scheduled before the heartbeat's second iteration exists, so it fires first at +2 h.
    client.test_helpers.schedule_timer("tie", delay=2 * HOUR)
    client.test_helpers.schedule_timer("between", delay=2.5 * HOUR)

    client.clock.advance(by=timedelta(days=1))

    assert [(event.data.label, instant(event.occurred_at) - START)
            for event in fired_events(client)] == [
        ("heartbeat", HOUR), ("tie", 2 * HOUR), ("heartbeat", 2 * HOUR),
        ("between", 2.5 * HOUR), ("heartbeat", 3 * HOUR), ("heartbeat", 4 * HOUR)]
