"""Sandboxes never see each other: not their timers, events or clocks, not through a key."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from mockplatform_client import AuthenticationError, NotFoundError

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def two_sandboxes(new_sandbox):
    """A and B: the same seed and start, each with a timer of its own due in an hour."""
    a = new_sandbox.create(seed=3, start_at=START)
    b = new_sandbox.create(seed=3, start_at=START)
    a.test_helpers.schedule_timer("a_only", delay=timedelta(hours=1))
    b.test_helpers.schedule_timer("b_only", delay=timedelta(hours=1))
    return a, b


def test_timers_and_events_of_one_sandbox_are_invisible_to_another(two_sandboxes,
                                                                   fired_events):
    a, b = two_sandboxes

    a.clock.advance(by=timedelta(days=1))

    assert [timer.subject for timer in b.timers.list()] == ["b_only"]
    assert [event.data.label for event in fired_events(a)] == ["a_only"]
    assert fired_events(b) == []
    assert {event.data.label for event in b.events.list(type="test_timer.*")} == {"b_only"}


def test_advancing_one_sandbox_does_not_move_another(two_sandboxes):
    a, b = two_sandboxes

    a.clock.advance(by=timedelta(days=2))

    assert instant(a.clock.get().now) == START + timedelta(days=2)
    assert instant(b.clock.get().now) == START
    assert b.clock.get().timers_pending == 1


def test_a_key_cannot_reach_another_sandboxs_clock_or_timers(two_sandboxes):
    a, b = two_sandboxes
    b_key_on_a = b.for_sandbox(a.sandbox_id, api_key=b.api_key)

    with pytest.raises(NotFoundError):
        b_key_on_a.clock.get()
    with pytest.raises(NotFoundError):
        b_key_on_a.clock.advance(by=timedelta(days=1))
    with pytest.raises(NotFoundError):
        b_key_on_a.timers.list()
    with pytest.raises(NotFoundError):
        b_key_on_a.sandboxes.get(a.sandbox_id)

    assert instant(a.clock.get().now) == START
    assert [timer.subject for timer in a.timers.list()] == ["a_only"]


def test_deleting_one_sandbox_leaves_another_intact(two_sandboxes, mockplatform_admin):
    a, b = two_sandboxes
    b.clock.advance(by=timedelta(minutes=30))
    b_events_before = [event.to_dict() for event in b.events.list().auto_paging_iter()]

    deleted = mockplatform_admin.for_sandbox(a.sandbox_id, api_key=a.api_key).sandboxes.delete(
        a.sandbox_id)

    assert (deleted.id, deleted.deleted) == (a.sandbox_id, True)
    with pytest.raises(AuthenticationError):  # the deleted sandbox's key is unknown now
        a.clock.get()
    assert instant(b.clock.get().now) == START + timedelta(minutes=30)
    assert [timer.subject for timer in b.timers.list()] == ["b_only"]
    assert [event.to_dict() for event in b.events.list().auto_paging_iter()] == b_events_before
    assert b.clock.advance(by=timedelta(hours=1)).timers_fired == 1
