"""Each timer fires exactly once, however the clock gets past it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
HORIZON = timedelta(days=7)
STEP = timedelta(hours=7)  # 24 steps make the horizon; some steps land on a due instant

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START)


def schedule_workload(client) -> None:
    for label, delay in [("half_hour", timedelta(minutes=30)), ("on_a_step", STEP),
                         ("tie_a", 2 * STEP), ("tie_b", 2 * STEP),
                         ("day_3", timedelta(days=3, hours=5)),
                         ("after_the_horizon", HORIZON + timedelta(days=1))]:
        client.test_helpers.schedule_timer(label, delay=delay)
    # Due at 2 h, 7 h (on a step), 12 h ... 102 h: a cascade that small steps keep cutting.
    client.test_helpers.schedule_timer("every_5h", delay=timedelta(hours=2),
                                       repeat_every=timedelta(hours=5), repeat_times=20)


def timer_events(client) -> list[dict]:
    return [event.to_dict()
            for event in client.events.list(type="test_timer.*").auto_paging_iter()]


def test_advancing_again_fires_nothing_again(client, fired_events):
    for hours in (1, 2, 3):
        client.test_helpers.schedule_timer(f"at_{hours}h", delay=timedelta(hours=hours))

    assert client.clock.advance(by=timedelta(days=1)).timers_fired == 3
    again = client.clock.advance(by=timedelta(days=1))
    standing_still = client.clock.advance(by=timedelta(0))

    assert again.timers_fired == standing_still.timers_fired == 0
    assert list(again.events) == list(standing_still.events) == []
    assert len(fired_events(client)) == 3


def test_a_retried_advance_with_the_same_idempotency_key_is_applied_once(client):
    first = client.clock.advance(by=timedelta(hours=5), idempotency_key="advance-5h")
    retried = client.clock.advance(by=timedelta(hours=5), idempotency_key="advance-5h")

    assert retried.to_dict() == first.to_dict()
    assert client.clock.get().now == first.clock.now


def test_a_retried_long_advance_with_the_same_idempotency_key_is_applied_once(client,
                                                                              fired_events):
    client.test_helpers.schedule_timer("day_3", delay=timedelta(days=3))

    first = client.clock.advance(by=timedelta(days=2), idempotency_key="advance-2d")
    retried = client.clock.advance(by=timedelta(days=2), idempotency_key="advance-2d")

    assert retried.clock.now == first.clock.now == client.clock.get().now
    assert fired_events(client) == []


def test_small_steps_and_one_jump_record_identical_events(new_sandbox, fired_events):
    one_jump = new_sandbox.create(seed=7, start_at=START)
    small_steps = new_sandbox.create(seed=7, start_at=START)
    schedule_workload(one_jump)
    schedule_workload(small_steps)

    jumped = one_jump.clock.advance(by=HORIZON).timers_fired
    stepped = sum(small_steps.clock.advance(by=STEP).timers_fired
                  for _ in range(HORIZON // STEP))

    assert jumped == stepped == 5 + 21
    assert len(fired_events(one_jump)) == 26
    assert timer_events(one_jump) == timer_events(small_steps)
    assert one_jump.clock.get() == small_steps.clock.get()
    assert [timer.to_dict() for timer in one_jump.timers.list()] == [
        timer.to_dict() for timer in small_steps.timers.list()]


def test_the_same_seed_and_calls_record_byte_identical_events(new_sandbox):
    first = new_sandbox.create(seed=7, start_at=START)
    second = new_sandbox.create(seed=7, start_at=START)
    for client in (first, second):
        schedule_workload(client)
        client.clock.advance(by=HORIZON)

    assert [event.to_dict() for event in first.events.list().auto_paging_iter()] == [
        event.to_dict() for event in second.events.list().auto_paging_iter()]
