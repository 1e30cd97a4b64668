"""Delivery attempts (delivery.max_attempts, delivery.failure_reasons): a delivered package's
items are delivered and paid by settlement.cycle; a failed attempt is retried the next working
day at the same local time; after the last, items fail delivery and go back to the seller
(logistics.return_leg)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from mockplatform.engine.calendar import BusinessCalendar
from tests.logistics.support import (
    MYT,
    ONE_SECOND,
    advance_by,
    advance_to,
    due,
    events,
    instant,
    item_statuses,
    ledger,
    milestones,
    new_sandbox,
    order_of,
    package_of,
    ship,
    timers,
    tracking,
)

ALWAYS_ABSENT = {"address1": "12 Jalan Ampang FAIL:recipient_absent"}
# The parcel rides back to the seller whole (logistics.return_leg) instead of resale taking its
# units (tests/resale/ covers that).
NO_RESALE = {"resale.service": False}


def test_the_first_attempt_delivers_by_default(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, quantity=2, price="25.00")
    at = due(package, "delivery_attempt")

    advance_to(sbx, at - ONE_SECOND)
    assert item_statuses(sbx, order["order_id"]) == ["shipped"]
    assert events(sbx, "order.delivered") == []
    assert events(sbx, "settlement.item_settleable") == []

    advance_to(sbx, at)
    delivered = package_of(sbx, package["package_id"])
    assert (delivered["status"], delivered["delivery_attempts"]) == ("delivered", 1)
    assert instant(delivered["delivered_at"]) == at
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]
    [event] = events(sbx, "order.delivered")
    assert instant(event["occurred_at"]) == at
    assert milestones(sbx, package["package_id"])[-1] == "delivered"
    settleable = events(sbx, "settlement.item_settleable")
    assert sorted(e["subject"] for e in settleable) == sorted(
        f"order_item:{item['order_item_id']}" for item in order["items"])
    assert {e["data"]["amount"] for e in settleable} == {"25.00"}
    # Every item's event has the same shape, the first of a new statement included.
    assert [(e["data"]["reason"], e["data"]["policy_key"]) for e in settleable] == [("", "")] * 2
    assert [t for t in timers(sbx) if t["subject"] == f"package:{package['package_id']}"] == []


def test_delivered_items_are_paid_on_the_fifth_working_day_after_their_statement(api):
    # Readied Mon 5 January 09:00 MYT: delivered Sun 11 January 17:00 MYT, in the statement of
    # Mon 5 - Sun 11 January, paid at 00:00 MYT of its fifth working day after: Fri 16 January.
    sbx = new_sandbox(api)
    order, package = ship(sbx, quantity=2, price="25.00")
    assert due(package, "delivery_attempt") == datetime(2026, 1, 11, 17, tzinfo=MYT)
    payout_at = datetime(2026, 1, 16, tzinfo=MYT)

    advance_to(sbx, payout_at - ONE_SECOND)
    assert ledger(sbx, kind="settlement")["data"] == []

    advance_to(sbx, payout_at)
    credits = ledger(sbx, kind="settlement")["data"]
    assert sorted(c["subject"] for c in credits) == sorted(
        f"order_item:{item['order_item_id']}" for item in order["items"])
    assert {(c["amount"], c["currency"], c["direction"]) for c in credits} == {
        ("25.00", "MYR", "credit")}
    assert {instant(c["occurred_at"]) for c in credits} == {payout_at}


def test_a_failed_attempt_is_retried_the_next_working_day_at_the_same_local_time(api):
    # Readied Sat 3 January 09:00 MYT: the first attempt is Fri 9 January 17:00 MYT, the next
    # (after the weekend) Mon 12 January 17:00 MYT, the third Tue 13 January 17:00 MYT.
    sbx = new_sandbox(api, start_at="2026-01-03T09:00:00+08:00")
    order, package = ship(sbx, buyer=ALWAYS_ABSENT)
    first = due(package, "delivery_attempt")
    assert first == datetime(2026, 1, 9, 17, tzinfo=MYT)

    advance_to(sbx, first - ONE_SECOND)
    assert events(sbx, "delivery.attempt_failed") == []
    advance_to(sbx, first)
    second = datetime(2026, 1, 12, 17, tzinfo=MYT)
    [failed] = events(sbx, "delivery.attempt_failed")
    assert instant(failed["occurred_at"]) == first
    assert failed["data"]["attempt"] == 1
    assert failed["data"]["reason"] == "recipient_absent"
    assert failed["data"]["decided_by"] == "magic_value"
    assert instant(failed["data"]["next_attempt_at"]) == second
    assert failed["data"]["final"] is False
    after_first = package_of(sbx, package["package_id"])
    assert (after_first["delivery_attempts"], after_first["failure_reason"]) == (
        1, "recipient_absent")
    assert due(after_first, "delivery_attempt_2") == second
    assert due(after_first, "out_for_delivery_2") == second - timedelta(hours=8)
    [tracked] = [e for e in tracking(sbx, package["package_id"])
                 if e["milestone"] == "delivery_attempt_failed"]
    assert {**tracked["details"], "next_attempt_at": None} == {
        "attempt": 1, "reason": "recipient_absent", "next_attempt_at": None,
        "decided_by": "magic_value"}
    assert instant(tracked["details"]["next_attempt_at"]) == second
    assert tracked["status_code"] == "1910"
    assert item_statuses(sbx, order["order_id"]) == ["shipped"]

    advance_to(sbx, second - ONE_SECOND)
    assert len(events(sbx, "delivery.attempt_failed")) == 1
    advance_to(sbx, second)
    assert [e["data"]["attempt"] for e in events(sbx, "delivery.attempt_failed")] == [1, 2]
    assert due(package_of(sbx, package["package_id"]), "delivery_attempt_3") == datetime(
        2026, 1, 13, 17, tzinfo=MYT)


def test_the_retry_skips_public_holidays(api):
    # The first attempt fails Mon 16 February 2026 17:00 MYT; 17 and 18 February are Chinese
    # New Year in Malaysia, so the next attempt is Thu 19 February 17:00 MYT.
    sbx = new_sandbox(api, start_at="2026-02-10T09:00:00+08:00")
    _, package = ship(sbx, buyer=ALWAYS_ABSENT)
    assert due(package, "delivery_attempt") == datetime(2026, 2, 16, 17, tzinfo=MYT)

    advance_to(sbx, due(package, "delivery_attempt"))
    [failed] = events(sbx, "delivery.attempt_failed")
    next_at = datetime(2026, 2, 19, 17, tzinfo=MYT)
    assert instant(failed["data"]["next_attempt_at"]) == next_at
    assert due(package_of(sbx, package["package_id"]), "delivery_attempt_2") == next_at


def test_the_retry_counts_the_sandboxs_own_calendar(api):
    sbx = new_sandbox(api, start_at="2026-01-03T09:00:00+08:00",
                      calendar_overrides=[{"date": "2026-01-12", "working": False,
                                           "name": "Warehouse stocktake"}])
    _, package = ship(sbx, buyer=ALWAYS_ABSENT)
    advance_to(sbx, due(package, "delivery_attempt"))
    assert due(package_of(sbx, package["package_id"]), "delivery_attempt_2") == datetime(
        2026, 1, 13, 17, tzinfo=MYT)


def _walk_to_failed_delivery(sbx, package):
    for attempt in (1, 2, 3):
        step = "delivery_attempt" if attempt == 1 else f"delivery_attempt_{attempt}"
        advance_to(sbx, due(package_of(sbx, package["package_id"]), step))
    return package_of(sbx, package["package_id"])


def test_after_the_last_failed_attempt_items_fail_delivery_with_the_reason(api):
    sbx = new_sandbox(api, start_at="2026-01-03T09:00:00+08:00")
    order, package = ship(sbx, quantity=2, buyer={"address2": "FAIL:incomplete_address"})
    for step in ("delivery_attempt", "delivery_attempt_2"):
        advance_to(sbx, due(package_of(sbx, package["package_id"]), step))
    last = due(package_of(sbx, package["package_id"]), "delivery_attempt_3")

    advance_to(sbx, last - ONE_SECOND)
    assert item_statuses(sbx, order["order_id"]) == ["shipped"]
    assert events(sbx, "order.failed_delivery") == []

    advance_to(sbx, last)
    failed = package_of(sbx, package["package_id"])
    assert (failed["status"], failed["delivery_attempts"], failed["failure_reason"]) == (
        "failed_delivery", 3, "incomplete_address")
    assert item_statuses(sbx, order["order_id"]) == ["failed_delivery"]
    items = order_of(sbx, order["order_id"])["items"]
    assert {item["reason"] for item in items} == {"incomplete_address"}
    [event] = events(sbx, "order.failed_delivery")
    assert instant(event["occurred_at"]) == last
    assert event["data"]["reason"] == "incomplete_address"
    attempts = events(sbx, "delivery.attempt_failed")
    assert [(e["data"]["attempt"], e["data"]["final"]) for e in attempts] == [
        (1, False), (2, False), (3, True)]
    assert attempts[-1]["data"]["next_attempt_at"] is None
    assert milestones(sbx, package["package_id"])[-2:] == ["delivery_attempt_failed",
                                                           "failed_delivery"]
    assert events(sbx, "settlement.item_settleable") == []


def test_the_return_leg_brings_the_items_back_to_the_seller(api):
    sbx = new_sandbox(api, start_at="2026-01-03T09:00:00+08:00", overrides=NO_RESALE)
    order, package = ship(sbx, buyer=ALWAYS_ABSENT)
    failed = _walk_to_failed_delivery(sbx, package)
    failed_at = due(failed, "delivery_attempt_3")
    shipped_back, back = due(failed, "shipped_back"), due(failed, "shipped_back_success")
    assert shipped_back - failed_at == timedelta(days=1)
    assert back - failed_at == timedelta(days=30)

    advance_to(sbx, shipped_back - ONE_SECOND)
    assert item_statuses(sbx, order["order_id"]) == ["failed_delivery"]
    advance_to(sbx, shipped_back)
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]
    assert package_of(sbx, package["package_id"])["status"] == "returning"
    assert instant(events(sbx, "order.shipped_back")[0]["occurred_at"]) == shipped_back

    advance_to(sbx, back - ONE_SECOND)
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]
    advance_to(sbx, back)
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back_success"]
    assert package_of(sbx, package["package_id"])["status"] == "returned"
    assert instant(events(sbx, "order.shipped_back_success")[0]["occurred_at"]) == back
    assert milestones(sbx, package["package_id"])[-2:] == ["shipped_back",
                                                           "shipped_back_success"]
    assert {item["reason"] for item in order_of(sbx, order["order_id"])["items"]} == {
        "recipient_absent"}
    assert [t for t in timers(sbx) if t["subject"] == f"package:{package['package_id']}"] == []


def test_the_return_leg_follows_its_policy(api):
    sbx = new_sandbox(api, overrides={**NO_RESALE, "logistics.return_leg": {
        "shipped_back": "PT6H", "shipped_back_success": "P10D"}})
    _, package = ship(sbx, buyer=ALWAYS_ABSENT)
    failed = _walk_to_failed_delivery(sbx, package)
    assert due(failed, "shipped_back") - due(failed, "delivery_attempt_3") == timedelta(hours=6)
    assert due(failed, "shipped_back_success") - due(failed, "delivery_attempt_3") == \
        timedelta(days=10)


def test_fewer_attempts_fail_sooner(api):
    sbx = new_sandbox(api, overrides={"delivery.max_attempts": 1})
    order, package = ship(sbx, buyer=ALWAYS_ABSENT)
    advance_to(sbx, due(package, "delivery_attempt"))
    assert item_statuses(sbx, order["order_id"]) == ["failed_delivery"]
    [failed] = events(sbx, "delivery.attempt_failed")
    assert failed["data"]["final"] is True


# -- the seeded failure rate ----------------------------------------------------------------------

ONLY = {reason: 0 for reason in (
    "recipient_absent", "incomplete_address", "unreachable_phone", "buyer_refused_late_delivery",
    "buyer_refused_cod", "buyer_denied_purchase", "wrong_recipient_info", "force_majeure")}


def test_a_failure_rate_of_one_fails_every_attempt_with_the_weighted_reason(api):
    sbx = new_sandbox(api, overrides={"delivery.failure_rate": {
        "first_attempt": 1, "later_attempts": 1,
        "reason_weights": {**ONLY, "unreachable_phone": 1}}})
    order, package = ship(sbx)
    _walk_to_failed_delivery(sbx, package)

    attempts = events(sbx, "delivery.attempt_failed")
    assert [(e["data"]["reason"], e["data"]["decided_by"]) for e in attempts] == [
        ("unreachable_phone", "failure_rate")] * 3
    assert item_statuses(sbx, order["order_id"]) == ["failed_delivery"]


def test_a_failure_rate_for_first_attempts_only_delivers_the_second(api):
    sbx = new_sandbox(api, overrides={"delivery.failure_rate": {"first_attempt": 1}})
    order, package = ship(sbx)
    advance_by(sbx, "P20D")
    [failed] = events(sbx, "delivery.attempt_failed")
    assert failed["data"]["reason"] != "buyer_refused_cod"  # a prepaid order
    delivered = package_of(sbx, package["package_id"])
    assert (delivered["status"], delivered["delivery_attempts"]) == ("delivered", 2)
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]


def test_buyer_refused_cod_is_drawn_only_for_cash_on_delivery(api):
    rate = {"delivery.failure_rate": {"first_attempt": 1, "later_attempts": 1,
                                      "reason_weights": {**ONLY, "buyer_refused_cod": 1}}}
    sbx = new_sandbox(api, overrides=rate)
    _, cod = ship(sbx, payment_method="cod")
    _, prepaid = ship(sbx)
    advance_by(sbx, "P20D")

    reasons = {}
    for event in events(sbx, "delivery.attempt_failed"):
        reasons.setdefault(event["data"]["package_id"], set()).add(event["data"]["reason"])
    assert reasons[cod["package_id"]] == {"buyer_refused_cod"}
    # Every allowed reason weighs 0 for the prepaid order: equal weights among them.
    assert "buyer_refused_cod" not in reasons[prepaid["package_id"]]


def _fates(api, seed: int) -> list[tuple]:
    sbx = new_sandbox(api, seed=seed, overrides={
        "logistics.journey_jitter": "0.2",
        "delivery.failure_rate": {"first_attempt": "0.5", "later_attempts": "0.5"}})
    packages = [ship(sbx)[1]["package_id"] for _ in range(8)]
    advance_by(sbx, "P40D")
    return [(package_of(sbx, p)["status"], package_of(sbx, p)["delivery_attempts"],
             package_of(sbx, p)["failure_reason"]) for p in packages], tracking(sbx)


def test_same_seed_and_calls_same_fates_and_tracking_events(api):
    first, second = _fates(api, 21), _fates(api, 21)
    assert first == second
    fates = first[0]
    assert {status for status, _, _ in fates} >= {"delivered"}
    assert any(attempts > 1 for _, attempts, _ in fates)
    assert _fates(api, 22)[0] != fates


@pytest.mark.parametrize("market", ["TH", "VN"])
def test_attempts_use_the_markets_local_time(api, market):
    sbx = new_sandbox(api, market=market, start_at="2026-03-02T09:00:00+07:00")
    _, package = ship(sbx, buyer=ALWAYS_ABSENT)
    first = due(package, "delivery_attempt")
    advance_to(sbx, first)
    second = due(package_of(sbx, package["package_id"]), "delivery_attempt_2")
    calendar = BusinessCalendar.for_market(market)
    local_first, local_second = first.astimezone(calendar.tz), second.astimezone(calendar.tz)
    assert local_second.time() == local_first.time() == time(17)
    assert local_second.date() == calendar.next_working_day(local_first.date())

