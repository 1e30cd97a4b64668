"""What an advance answers: how many timers fired, the events they raised (the first 100 inline,
the rest by paging), and the clock where it now stands."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from mockplatform_client import ClockError

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)
MINUTE = timedelta(minutes=1)

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_answer_counts_the_timers_fired_and_reads_the_clock_at_the_target(client):
    client.test_helpers.schedule_timer("first", delay=timedelta(hours=1))
    client.test_helpers.schedule_timer("second", delay=timedelta(hours=2))

    result = client.clock.advance(by=timedelta(hours=5))

    assert result.timers_fired == 2
    assert instant(result.previous_now) == START
    assert instant(result.clock.now) == START + timedelta(hours=5)
    assert result.clock.mode == "frozen"
    assert result.clock.timers_pending == 0
    assert result.clock.next_timer_at is None
    assert [event.data.label for event in result.events] == ["first", "second"]
    assert result.events.has_more is False


def test_the_answer_events_are_those_of_the_event_feed(client):
    client.test_helpers.schedule_timer("first", delay=timedelta(hours=1))
    client.test_helpers.schedule_timer("second", delay=timedelta(hours=2))

    result = client.clock.advance(by=timedelta(hours=5))

    feed = list(client.events.list().auto_paging_iter())
    assert [event.to_dict() for event in result.events] == [event.to_dict() for event in feed[-2:]]


def test_the_answer_lists_the_first_100_events_and_pages_to_the_rest(client, fired_events):
    client.test_helpers.schedule_timer("tick", delay=MINUTE, repeat_every=MINUTE,
                                       repeat_times=149)

    result = client.clock.advance(by=timedelta(hours=3))

    assert result.timers_fired == 150
    assert len(result.events.data) == 100
    assert result.events.has_more is True
    every = list(result.events.auto_paging_iter())
    assert [event.data.iteration for event in every] == list(range(150))
    assert [instant(event.occurred_at) for event in every] == [
        START + (i + 1) * MINUTE for i in range(150)]
    assert [event.to_dict() for event in every] == [
        event.to_dict() for event in fired_events(client)]


def test_the_event_feed_pages_through_every_event_in_order(client):
    client.test_helpers.schedule_timer("tick", delay=MINUTE, repeat_every=MINUTE,
                                       repeat_times=29)
    client.clock.advance(by=timedelta(hours=1))

    paged = list(client.events.list(type="test_timer.fired", limit=7).auto_paging_iter())

    assert [event.data.iteration for event in paged] == list(range(30))
    assert [event.to_dict() for event in paged] == [
        event.to_dict() for event in client.events.list(type="test_timer.fired")]


@pytest.mark.mockplatform_sandbox(start_at=START, clock_mode="running", clock_speed=360_000)
def test_events_fired_by_a_catch_up_do_not_crowd_out_the_answer(client):
    # At 100 virtual hours a second: "after" is far off; the 150 ticks are all due 20 ms later,
    # so the advance's own catch-up fires them before the advance itself begins.
    after = client.test_helpers.schedule_timer("after", delay=timedelta(days=400))
    client.test_helpers.schedule_timer("tick", delay=timedelta(hours=2),
                                       repeat_every=timedelta(seconds=1), repeat_times=149)
    time.sleep(0.1)

    result = client.clock.advance(to=after.due_at)

    answered = list(result.events.auto_paging_iter())
    assert len(result.events.data) == min(100, result.timers_fired)
    assert len(answered) == result.timers_fired >= 1
    assert answered[-1].data.label == "after"
    assert instant(answered[-1].occurred_at) == instant(after.due_at)


def test_the_clock_never_moves_backwards(client):
    client.clock.advance(by=timedelta(hours=1))

    with pytest.raises(ClockError) as raised:
        client.clock.advance(to=START)

    assert raised.value.code == "clock_cannot_go_backwards"
    assert instant(client.clock.get().now) == START + timedelta(hours=1)
