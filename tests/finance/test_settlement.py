"""settlement.cycle: weekly statements (Mon 00:00 - Sun 23:59:59 local), paid at 00:00 local of
the 5th working day after the statement closes. One second before: nothing; at: the credit."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.support import assert_error
from tests.finance.support import (
    MYT,
    ONE_SECOND,
    advance_to,
    events,
    instant,
    ledger,
    settleable,
)

# The sbx fixture starts Monday 2026-01-05 09:00 MYT. Working days after Sunday 11 January:
# Mon 12, Tue 13, Wed 14, Thu 15, Fri 16 (the 5th).
WEEK_START = datetime(2026, 1, 5, 0, 0, tzinfo=MYT)
WEEK_END = datetime(2026, 1, 12, 0, 0, tzinfo=MYT)
PAYOUT = datetime(2026, 1, 16, 0, 0, tzinfo=MYT)


def settlements(sbx) -> list[dict]:
    return ledger(sbx, kind="settlement")["data"]


def payout_timers(sbx) -> list[dict]:
    response = sbx.get(f"{sbx.base}/timers", query_string={"kind": "finance.settlement_payout"})
    return response.get_json()["data"]


def test_marking_settleable_names_the_statement_and_its_payout_instant(sbx):
    item = settleable(sbx, "ord_1-item_1", "12.50")

    assert item["status"] == "pending"
    assert (item["amount"], item["currency"]) == ("12.50", "MYR")
    assert instant(item["period_start"]) == WEEK_START
    assert instant(item["period_end"]) == WEEK_END
    # [choice] paid at 00:00 market-local time of the 5th working day
    assert instant(item["payout_at"]) == PAYOUT
    assert [instant(t["due_at"]) for t in payout_timers(sbx)] == [PAYOUT]


def test_one_second_before_the_payout_nothing_is_paid(sbx):
    settleable(sbx, "ord_1-item_1", "12.50")

    advance_to(sbx, PAYOUT - ONE_SECOND)

    assert settlements(sbx) == []
    assert events(sbx, "settlement.paid") == []
    [closed] = events(sbx, "settlement.statement_closed")
    assert instant(closed["occurred_at"]) == WEEK_END
    assert closed["data"]["payable_count"] == 1


def test_at_the_payout_instant_the_credit_and_the_event_exist(sbx):
    settleable(sbx, "ord_1-item_1", "12.50")
    advance_to(sbx, PAYOUT - ONE_SECOND)

    result = advance_to(sbx, PAYOUT)

    assert result["timers_fired"] == 1
    [credit] = settlements(sbx)
    assert (credit["direction"], credit["amount"], credit["subject"]) == (
        "credit", "12.50", "ord_1-item_1")
    assert credit["policy_key"] == "settlement.cycle"
    assert instant(credit["occurred_at"]) == PAYOUT
    [paid] = events(sbx, "settlement.paid")
    assert instant(paid["occurred_at"]) == PAYOUT
    assert instant(paid["data"]["period_start"]) == WEEK_START
    assert instant(paid["data"]["period_end"]) == WEEK_END
    assert (paid["data"]["entry_count"], paid["data"]["total"]) == (1, "12.50")
    assert paid["data"]["first_entry_id"] == credit["id"]
    assert ledger(sbx)["balance"]["amount"] == "12.50"


def test_a_holiday_moves_the_payout_day(api):
    # Hari Raya Aidilfitri, Mon 31 March and Tue 1 April 2025: the week of 24-30 March is paid
    # on Wed 2, Thu 3, Fri 4, Mon 7, Tue 8 April -> Tue 8 April 00:00 MYT, not Fri 4 April.
    body, sbx = api.create_sandbox(start_at="2025-03-26T10:00:00+08:00")
    sbx.base = f"/api/v1/sandboxes/{body['id']}"
    payout = datetime(2025, 4, 8, 0, 0, tzinfo=MYT)

    item = settleable(sbx, "ord_7", "99.90")
    assert instant(item["payout_at"]) == payout

    advance_to(sbx, payout - ONE_SECOND)
    assert settlements(sbx) == []
    assert events(sbx, "settlement.paid") == []

    advance_to(sbx, payout)
    [credit] = settlements(sbx)
    assert (credit["amount"], instant(credit["occurred_at"])) == ("99.90", payout)
    assert len(events(sbx, "settlement.paid")) == 1


def test_the_statement_closes_at_sunday_midnight_local(sbx):
    advance_to(sbx, WEEK_END - ONE_SECOND)
    last_of_week = settleable(sbx, "late_sunday", "1.00")
    advance_to(sbx, WEEK_END)
    first_of_next = settleable(sbx, "early_monday", "2.00")

    assert instant(last_of_week["payout_at"]) == PAYOUT
    assert instant(first_of_next["period_start"]) == WEEK_END
    # Next week (12-18 January) is paid on Fri 23 January.
    assert instant(first_of_next["payout_at"]) == datetime(2026, 1, 23, tzinfo=MYT)


def test_one_payout_timer_and_one_credit_per_subject_for_a_whole_statement(sbx):
    settleable(sbx, "item_1", "10.00")
    settleable(sbx, "item_2", "5", currency="USD")
    advance_to(sbx, datetime(2026, 1, 10, 12, 0, tzinfo=MYT))
    settleable(sbx, "item_3", "0.05")

    assert len(payout_timers(sbx)) == 1
    advance_to(sbx, PAYOUT)

    credits = settlements(sbx)
    assert [(c["subject"], c["amount"], c["market_amount"]) for c in credits] == [
        ("item_1", "10.00", "10.00"), ("item_2", "5.00", "22.35"), ("item_3", "0.05", "0.05")]
    # A USD amount owed is converted when it is paid: 5 x 4.47
    assert credits[1]["currency"] == "USD"
    [paid] = events(sbx, "settlement.paid")
    assert paid["data"]["total"] == "32.40"


def test_an_unsettleable_subject_is_never_paid(sbx):
    response = sbx.post("/api/v1/test_helpers/ledger/unsettleable",
                        json={"subject": "failed_lgs", "reason": "seller marked failed"})
    assert response.status_code == 200, response.get_json()
    # Delivered later: recorded, but it stays unsettleable.
    assert settleable(sbx, "failed_lgs", "30.00")["status"] == "unsettleable"
    settleable(sbx, "good", "20.00")
    settleable(sbx, "marked_after_delivery", "7.00")
    sbx.post("/api/v1/test_helpers/ledger/unsettleable", json={"subject": "marked_after_delivery"})

    advance_to(sbx, PAYOUT)

    assert [c["subject"] for c in settlements(sbx)] == ["good"]
    [closed] = events(sbx, "settlement.statement_closed")
    assert (closed["data"]["payable_count"], closed["data"]["unsettleable_count"]) == (1, 2)
    [paid] = events(sbx, "settlement.paid")
    assert (paid["data"]["entry_count"], paid["data"]["unsettleable_count"]) == (1, 2)


def test_the_policy_gives_the_working_days(api):
    body, sbx = api.create_sandbox(
        policy_overrides={"settlement.cycle": {"paid_after_working_days": 2}})
    sbx.base = f"/api/v1/sandboxes/{body['id']}"

    item = settleable(sbx, "item_1", "1.00")

    assert instant(item["payout_at"]) == datetime(2026, 1, 13, tzinfo=MYT)


def test_settleable_twice_is_a_conflict_naming_the_state(sbx):
    settleable(sbx, "item_1", "1.00")

    response = sbx.post("/api/v1/test_helpers/ledger/settleable",
                        json={"subject": "item_1", "amount": "1.00"})

    error = assert_error(response, 409, "invalid_state_transition", field="state")
    assert error["details"][0]["current_state"] == "pending"


def test_a_paid_subject_cannot_be_made_unsettleable(sbx):
    settleable(sbx, "item_1", "1.00")
    advance_to(sbx, PAYOUT)

    response = sbx.post("/api/v1/test_helpers/ledger/unsettleable", json={"subject": "item_1"})

    assert_error(response, 409, "invalid_state_transition")


def test_profiles_without_settlement_cycle_refuse_settleable_amounts(api):
    _, sbx = api.create_sandbox(platform="aliexpress")

    response = sbx.post("/api/v1/test_helpers/ledger/settleable",
                        json={"subject": "item_1", "amount": "1.00"})

    assert_error(response, 409, "settlement_not_available")


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": "1"}, "subject"),
    ({"subject": "", "amount": "1"}, "subject"),
    ({"subject": "a"}, "amount"),
    ({"subject": "a", "amount": "-1"}, "amount"),
    ({"subject": "a", "amount": [1]}, "amount"),
    ({"subject": "a", "amount": "1.005"}, "amount"),
    ({"subject": "a", "amount": "1", "currency": "XYZ"}, "currency"),
])
def test_bad_settleable_bodies_are_a_400_and_schedule_nothing(sbx, body, field):
    response = sbx.post("/api/v1/test_helpers/ledger/settleable", json=body)

    assert_error(response, 400, "validation_failed", field=field, location="body")
    assert payout_timers(sbx) == []
