"""Snapshot, restore and reset, seen from the clock: a restored copy lives the same future; reset
goes back to the start."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
HOUR = timedelta(hours=1)

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START, seed=11)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def timer_events(client) -> list[dict]:
    return [event.to_dict()
            for event in client.events.list(type="test_timer.*").auto_paging_iter()]


def pending_timers(client) -> list[dict]:
    return [timer.to_dict() for timer in client.timers.list().auto_paging_iter()]


def half_way(client) -> None:
    """A cascade and two single timers; advance until some have fired and some are pending."""
    client.test_helpers.schedule_timer("heartbeat", delay=HOUR, repeat_every=HOUR,
                                       repeat_times=10)
    client.test_helpers.schedule_timer("early", delay=2 * HOUR)
    client.test_helpers.schedule_timer("late", delay=timedelta(days=2))
    client.clock.advance(by=3.5 * HOUR)


def test_a_restored_sandbox_starts_where_the_snapshot_was_taken(client, new_sandbox):
    half_way(client)

    copy = new_sandbox.restore(client.sandboxes.snapshot())

    assert copy.sandbox_id != client.sandbox_id and copy.api_key != client.api_key
    assert copy.clock.get() == client.clock.get()
    assert pending_timers(copy) == pending_timers(client)
    assert timer_events(copy) == timer_events(client)


def test_a_restored_sandbox_and_its_original_live_the_same_future(client, new_sandbox):
    half_way(client)
    copy = new_sandbox.restore(client.sandboxes.snapshot())

    original_result = client.clock.advance(by=timedelta(days=3))
    copy_result = copy.clock.advance(by=timedelta(days=3))

    assert original_result.timers_fired == copy_result.timers_fired == 8 + 1
    assert [e.to_dict() for e in original_result.events] == [e.to_dict() for e in copy_result.events]
    assert timer_events(copy) == timer_events(client)


def test_advancing_a_restored_copy_leaves_the_original_as_it_was(client, new_sandbox):
    half_way(client)
    before = client.clock.get()
    copy = new_sandbox.restore(client.sandboxes.snapshot())

    copy.clock.advance(by=timedelta(days=3))

    assert client.clock.get() == before
    assert before.timers_pending == 2  # the next heartbeat and "late"


def test_reset_brings_the_clock_back_to_its_start_and_drops_timers(client, sandbox,
                                                                   fired_events):
    half_way(client)

    reset = client.sandboxes.reset()

    assert (reset.id, reset.credentials.api_key) == (sandbox.id, sandbox.credentials.api_key)
    clock = client.clock.get()
    assert instant(clock.now) == START
    assert (clock.timers_pending, clock.next_timer_at) == (0, None)
    assert pending_timers(client) == []
    assert timer_events(client) == []
    assert client.clock.advance(by=timedelta(days=3)).timers_fired == 0
    assert fired_events(client) == []
