"""Delivery attempts at their boundaries, through the SDK: delivered at the attempt (and paid
on the 5th working day after the statement closes); a failed attempt retried the next working
day at the same local time (over a weekend, over a public holiday); failed_delivery after the
last attempt; the return leg; what decides an attempt (carrier test helpers, magic values,
seeded rates); the seller marking a package as failed delivery."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from logistics_support import (
    MYT,
    NO_JITTER,
    ONE_SECOND,
    due,
    entries,
    events,
    instant,
    milestones,
    order_of,
    ship,
    statuses,
)
from mockplatform_client import BadRequestError, ConflictError, InvalidStateTransitionError

ALWAYS_ABSENT = {"address1": "8 Jalan Bukit FAIL:recipient_absent"}


def attempts_failed(client) -> list:
    return events(client, "delivery.attempt_failed")


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_delivered_at_the_attempt_and_paid_on_the_fifth_working_day(client):
    # Readied Mon 5 January 09:00 MYT, delivered Sun 11 January 17:00 MYT: the statement of
    # Mon 5 - Sun 11 January is paid at Fri 16 January 00:00 MYT.
    order, package = ship(client, quantity=2, price="25.00")
    attempt = due(package, "delivery_attempt")
    assert attempt == datetime(2026, 1, 11, 17, tzinfo=MYT)

    client.clock.advance(to=attempt - ONE_SECOND)
    assert statuses(client, order.order_id) == ["shipped"]
    client.clock.advance(to=attempt)
    assert statuses(client, order.order_id) == ["delivered"]
    assert instant(client.packages.get(package.package_id).delivered_at) == attempt
    assert instant(events(client, "order.delivered")[0].occurred_at) == attempt

    payout_at = datetime(2026, 1, 16, tzinfo=MYT)
    client.clock.advance(to=payout_at - ONE_SECOND)
    assert entries(client, "settlement") == []
    client.clock.advance(to=payout_at)
    credits = entries(client, "settlement")
    assert sorted(c.subject for c in credits) == sorted(
        f"order_item:{item.order_item_id}" for item in order["items"])
    assert {(c.amount, c.direction) for c in credits} == {("25.00", "credit")}
    assert {instant(c.occurred_at) for c in credits} == {payout_at}


# The parcel rides back whole (logistics.return_leg); contract_tests/test_resale.py covers resale.
@pytest.mark.mockplatform_sandbox(policy_overrides={**NO_JITTER, "resale.service": False},
                                  start_at="2026-01-03T09:00:00+08:00")
def test_a_failed_attempt_is_retried_after_the_weekend_then_fails_delivery(client):
    order, package = ship(client, buyer=ALWAYS_ABSENT)
    plan = [datetime(2026, 1, 9, 17, tzinfo=MYT),  # Friday
            datetime(2026, 1, 12, 17, tzinfo=MYT),  # Monday
            datetime(2026, 1, 13, 17, tzinfo=MYT)]  # Tuesday
    assert due(package, "delivery_attempt") == plan[0]

    for number, at in enumerate(plan, start=1):
        client.clock.advance(to=at - ONE_SECOND)
        assert len(attempts_failed(client)) == number - 1
        assert statuses(client, order.order_id) == ["shipped"]
        client.clock.advance(to=at)
        failed = attempts_failed(client)[-1]
        assert (failed.data.attempt, failed.data.reason) == (number, "recipient_absent")
        assert instant(failed.occurred_at) == at
        if number < 3:
            assert instant(failed.data.next_attempt_at) == plan[number]
            assert due(client.packages.get(package.package_id),
                       f"delivery_attempt_{number + 1}") == plan[number]
        else:
            assert failed.data.next_attempt_at is None
    assert statuses(client, order.order_id) == ["failed_delivery"]
    assert {item.reason for item in order_of(client, order.order_id)["items"]} == {
        "recipient_absent"}
    assert milestones(client, package.package_id)[-1] == "failed_delivery"

    # The return leg (logistics.return_leg): 1 day to leave, 30 days to arrive back.
    back = [plan[2] + timedelta(days=1), plan[2] + timedelta(days=30)]
    for status, at in zip(["shipped_back", "shipped_back_success"], back, strict=True):
        client.clock.advance(to=at - ONE_SECOND)
        assert statuses(client, order.order_id) != [status]
        client.clock.advance(to=at)
        assert statuses(client, order.order_id) == [status]
        assert instant(events(client, f"order.{status}")[0].occurred_at) == at


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER,
                                  start_at="2026-02-10T09:00:00+08:00")
def test_the_retry_skips_a_public_holiday(client):
    # Fails Mon 16 February; Chinese New Year is on 17 and 18 February in Malaysia.
    _, package = ship(client, buyer=ALWAYS_ABSENT)
    client.clock.advance(to=due(package, "delivery_attempt"))
    [failed] = attempts_failed(client)
    assert instant(failed.data.next_attempt_at) == datetime(2026, 2, 19, 17, tzinfo=MYT)


@pytest.mark.mockplatform_sandbox(policy_overrides={**NO_JITTER, "delivery.failure_rate": {
    "first_attempt": 1, "later_attempts": 1}})
def test_a_failure_rate_of_one_fails_every_attempt(client):
    order, package = ship(client)
    client.clock.advance(by="P8DT9H")
    failed = attempts_failed(client)
    assert [f.data.decided_by for f in failed] == ["failure_rate"] * 3
    assert statuses(client, order.order_id) == ["failed_delivery"]


@pytest.mark.parametrize(("buyer", "attempts", "item_status"), [
    ({"address1": "FAIL ONCE:unreachable_phone"}, 2, "delivered"),
    ({"address2": "FAIL TWICE:unreachable_phone"}, 3, "delivered"),
    ({"address1": "LOSE"}, 1, "lost_by_3pl"),
    ({"address1": "DAMAGE"}, 1, "damaged_by_3pl"),
    ({"phone": "+00 000 0003"}, 3, "failed_delivery"),
])
@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_magic_values(client, buyer, attempts, item_status):
    order, package = ship(client, buyer=buyer)
    client.clock.advance(by="P8DT9H")  # past the third attempt, before any return
    assert client.packages.get(package.package_id).delivery_attempts == attempts
    assert statuses(client, order.order_id) == [item_status]


def test_carrier_helpers(client):
    order, package = ship(client, payment_method="cod")
    queued = client.test_helpers.fail_next_attempt(package.package_id, "buyer_refused_cod")
    assert queued.queued_failures == ["buyer_refused_cod"]
    client.clock.advance(to=due(package, "delivery_attempt"))
    [failed] = attempts_failed(client)
    assert (failed.data.reason, failed.data.decided_by) == ("buyer_refused_cod", "test_helper")

    delivered = client.test_helpers.deliver_package(package.package_id)
    assert delivered.status == "delivered"
    assert statuses(client, order.order_id) == ["delivered"]
    with pytest.raises(InvalidStateTransitionError) as refused:
        client.test_helpers.lose_package(package.package_id)
    assert refused.value.current_state == "delivered"
    assert refused.value.allowed_actions == []

    _, other = ship(client)
    with pytest.raises(BadRequestError):
        client.test_helpers.fail_next_attempt(other.package_id, "buyer_refused_cod")
    assert client.test_helpers.damage_package(other.package_id).status == "damaged"
    assert len(entries(client, "compensation")) == 1


def test_a_package_marked_failed_by_the_seller_is_never_paid(client):
    order, package = ship(client)
    marked = client.packages.mark_failed_delivery(package.package_id)
    assert marked.seller_marked_failed is True
    with pytest.raises(ConflictError):
        client.packages.mark_failed_delivery(package.package_id)

    client.clock.advance(by="P30D")
    assert statuses(client, order.order_id) == ["delivered"]
    [paid] = events(client, "settlement.paid")
    assert paid.data.unsettleable_count == 1
    assert entries(client, "settlement") == []
