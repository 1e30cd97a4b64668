"""STYLE 10 on the engine itself: one second before the due instant nothing has happened; at the
due instant the effect and its event have, timestamped exactly then."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
DEADLINE = timedelta(hours=48)
ONE_SECOND = timedelta(seconds=1)

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_nothing_fires_one_second_before_the_due_instant(client, fired_events):
    timer = client.test_helpers.schedule_timer("deadline", delay=DEADLINE)

    result = client.clock.advance(by=DEADLINE - ONE_SECOND)

    assert result.timers_fired == 0
    assert list(result.events) == []
    assert fired_events(client) == []
    assert [pending.id for pending in client.timers.list()] == [timer.id]
    assert instant(client.clock.get().next_timer_at) == START + DEADLINE


def test_one_more_second_fires_the_timer_at_exactly_its_due_instant(client, fired_events):
    timer = client.test_helpers.schedule_timer("deadline", delay=DEADLINE)
    client.clock.advance(by=DEADLINE - ONE_SECOND)

    result = client.clock.advance(by=ONE_SECOND)

    assert result.timers_fired == 1
    [event] = result.events
    assert event.type == "test_timer.fired"
    assert event.data.timer_id == timer.id
    assert instant(event.occurred_at) == START + DEADLINE
    assert instant(result.clock.now) == START + DEADLINE
    assert fired_events(client) == [event]
    assert list(client.timers.list()) == []


def test_advancing_to_the_due_instant_itself_fires_the_timer(client, fired_events):
    due_at = START + DEADLINE
    client.test_helpers.schedule_timer("deadline", at=due_at)

    client.clock.advance(to=due_at - ONE_SECOND)
    assert fired_events(client) == []

    result = client.clock.advance(to=due_at)
    assert result.timers_fired == 1
    assert [instant(event.occurred_at) for event in fired_events(client)] == [due_at]


def test_a_timer_due_now_fires_on_the_next_request_at_that_instant(client, fired_events):
    client.test_helpers.schedule_timer("right_away", delay=timedelta(0))

    [event] = fired_events(client)

    assert instant(event.occurred_at) == START
    assert instant(client.clock.get().now) == START
