"""Advancing fires timers in (due_at, then scheduling order) order, each at its due instant."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=MYT)

pytestmark = pytest.mark.mockplatform_sandbox(start_at=START)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_timers_fire_in_due_order_and_ties_in_scheduling_order(client, fired_events):
    for label, delay in [("late", timedelta(hours=3)), ("first", timedelta(hours=1)),
                         ("tie_a", timedelta(hours=2)), ("tie_b", timedelta(hours=2)),
                         ("tie_c", timedelta(hours=2))]:
        client.test_helpers.schedule_timer(label, delay=delay)

    client.clock.advance(by=timedelta(days=1))

    assert [event.data.label for event in fired_events(client)] == [
        "first", "tie_a", "tie_b", "tie_c", "late"]


def test_each_event_occurs_at_its_timers_due_instant_across_one_big_advance(client,
                                                                            fired_events):
    due = {"one_second_in": START + timedelta(seconds=1),
           "day_3_by_delay": START + timedelta(days=3, minutes=7),
           "day_12": START + timedelta(days=12, hours=3),
           "last_second": START + timedelta(days=30) - timedelta(seconds=1)}
    timers = {
        "last_second": client.test_helpers.schedule_timer("last_second", at=due["last_second"]),
        "day_12": client.test_helpers.schedule_timer("day_12", at=due["day_12"]),
        "day_3_by_delay": client.test_helpers.schedule_timer(
            "day_3_by_delay", delay=timedelta(days=3, minutes=7)),
        "one_second_in": client.test_helpers.schedule_timer("one_second_in",
                                                            at=due["one_second_in"]),
    }

    result = client.clock.advance(by=timedelta(days=30))

    assert result.timers_fired == 4
    events = fired_events(client)
    assert [event.data.label for event in events] == list(due)
    for event in events:
        label = event.data.label
        assert instant(event.occurred_at) == due[label]
        assert instant(event.data.due_at) == instant(timers[label].due_at) == due[label]
        assert event.data.timer_id == timers[label].id
        assert event.data.iteration == 0
    assert instant(result.clock.now) == START + timedelta(days=30)


def test_events_are_listed_in_the_order_they_happened(client, fired_events):
    for hours in (5, 1, 4, 2, 3):
        client.test_helpers.schedule_timer(f"at_{hours}h", delay=timedelta(hours=hours))

    client.clock.advance(by=timedelta(hours=6))

    events = fired_events(client)
    occurred = [instant(event.occurred_at) for event in events]
    assert occurred == sorted(occurred) == [START + timedelta(hours=h) for h in range(1, 6)]
    assert [event.id for event in events] == sorted(event.id for event in events)


def test_the_timers_list_shows_what_will_fire_in_firing_order_page_by_page(client):
    for minutes in range(25, 0, -1):  # scheduled latest first
        client.test_helpers.schedule_timer(f"at_{minutes:02d}m", delay=timedelta(minutes=minutes))

    listed = list(client.timers.list(limit=10).auto_paging_iter())

    assert [timer.subject for timer in listed] == [f"at_{m:02d}m" for m in range(1, 26)]
    assert [instant(timer.due_at) for timer in listed] == [
        START + timedelta(minutes=m) for m in range(1, 26)]
