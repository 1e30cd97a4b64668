"""settlement.cycle at its boundary, through the SDK: a weekly statement (Monday 00:00 to Sunday
23:59:59 local) is paid at 00:00 local of the Nth working day after it closes (N from the policy
table, 5 by default), as one ledger credit per settleable subject and a ``settlement.paid``
event. One second before: nothing; at the instant: the credit and the event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))
ONE_SECOND = timedelta(seconds=1)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def nth_working_day_after(client, day: date, count: int) -> date:
    """Counted from the sandbox's own calendar, so the test states the rule, not a date."""
    off = {date.fromisoformat(d.date) for d in client.request(
        "GET", "/api/v1/calendar", params={"from": day.isoformat(),
                                           "to": (day + timedelta(days=60)).isoformat()},
    ).non_working_days}
    while count:
        day += timedelta(days=1)
        count -= day not in off
    return day


def working_days_of_policy(client) -> int:
    [cycle] = [p for p in client.policies.get().policies if p.key == "settlement.cycle"]
    return cycle.value.paid_after_working_days


def settlement_credits(client) -> list:
    return list(client.ledger.list(kind="settlement").auto_paging_iter())


def paid_events(client) -> list:
    return list(client.events.list(type="settlement.paid").auto_paging_iter())


def assert_paid_exactly_at_the_payout_instant(client, subject: str, amount: str,
                                              statement_start: datetime) -> None:
    statement_end = statement_start + timedelta(days=7)
    last_day = (statement_end - ONE_SECOND).date()
    payout_day = nth_working_day_after(client, last_day, working_days_of_policy(client))
    payout_at = datetime.combine(payout_day, time(0), tzinfo=MYT)

    item = client.test_helpers.mark_settleable(subject, amount)
    assert instant(item.period_start) == statement_start
    assert instant(item.period_end) == statement_end
    assert instant(item.payout_at) == payout_at

    client.clock.advance(to=payout_at - ONE_SECOND)
    assert settlement_credits(client) == []
    assert paid_events(client) == []

    result = client.clock.advance(to=payout_at)
    assert result.timers_fired == 1
    [credit] = settlement_credits(client)
    assert (credit.subject, credit.amount, credit.direction) == (subject, amount, "credit")
    assert instant(credit.occurred_at) == payout_at
    [paid] = paid_events(client)
    assert instant(paid.occurred_at) == payout_at
    assert instant(paid.data.period_start) == statement_start
    assert instant(paid.data.period_end) == statement_end
    assert paid.data.total == amount
    assert client.ledger.list().balance.amount == amount


@pytest.mark.mockplatform_sandbox(start_at=datetime(2026, 1, 7, 15, 30, tzinfo=MYT),
                                  market="MY")
def test_an_ordinary_week_is_paid_on_the_fifth_working_day(client):
    # Week of Mon 5 - Sun 11 January 2026: paid Fri 16 January 00:00 MYT.
    assert_paid_exactly_at_the_payout_instant(
        client, "ord_1-item_1", "12.50", datetime(2026, 1, 5, tzinfo=MYT))
    assert paid_events(client)[0].occurred_at == "2026-01-15T16:00:00+00:00"


@pytest.mark.mockplatform_sandbox(start_at=datetime(2025, 3, 26, 10, 0, tzinfo=MYT),
                                  market="MY")
def test_a_week_before_hari_raya_is_paid_later(client):
    # Hari Raya Aidilfitri (Mon 31 March, Tue 1 April 2025) pushes the 5th working day after
    # Sun 30 March from Fri 4 April to Tue 8 April.
    assert_paid_exactly_at_the_payout_instant(
        client, "ord_7", "99.90", datetime(2025, 3, 24, tzinfo=MYT))
    assert paid_events(client)[0].occurred_at == "2025-04-07T16:00:00+00:00"


@pytest.mark.mockplatform_sandbox(start_at=datetime(2026, 1, 7, 15, 30, tzinfo=MYT),
                                  market="MY")
def test_an_unsettleable_subject_is_skipped(client):
    client.test_helpers.mark_unsettleable("failed_lgs", reason="seller marked failed delivery")
    client.test_helpers.mark_settleable("failed_lgs", "30.00")
    client.test_helpers.mark_settleable("delivered", "20.00")

    client.clock.advance(to=datetime(2026, 1, 16, tzinfo=MYT))

    assert [credit.subject for credit in settlement_credits(client)] == ["delivered"]
    [paid] = paid_events(client)
    assert (paid.data.entry_count, paid.data.unsettleable_count) == (1, 1)
