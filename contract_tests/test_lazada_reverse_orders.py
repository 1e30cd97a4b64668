"""Lazada reverse orders over the after-sales domain at their boundaries, through the SDK: every
timed rule of the Lazada profile one second before (nothing happened) and at its deadline (the
effect and its event): the seller's answer to a cancel request (``cancellation.seller_response``)
and to a return (``return.seller_response``, 2 working days: a return at most SGD 50 is refunded
with no return, a dearer one approved), the ship-back (``return.buyer_ship_back``), the review of
the returned parcel (``return.seller_receive_review``) and a failed return's claim window
(``failed_return.claim_window``). The gateway's reverse APIs are in test_lazada_reverse_sdk.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lazada_reverse_support import (
    LAZADA_MY,
    ONE_SECOND,
    deadline,
    delivered,
    events_of,
    instant,
    order_of,
    pending,
    refunds,
)
from mockplatform_client import BadRequestError, ConflictError

pytestmark = pytest.mark.mockplatform_sandbox(**LAZADA_MY)


def test_an_unanswered_cancel_request_is_approved_at_the_seller_response_deadline(client):
    order = pending(client, quantity=2)
    request = client.aftersales.open("cancellation", order.order_id, "change_of_mind")
    assert (request.platform_type, request.platform_status, request.deadline_policy) == (
        "CANCEL", "REQUEST_INITIATE", "cancellation.seller_response")
    assert deadline(request) - instant(request.created_at) == timedelta(hours=48)

    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    assert events_of(client, "aftersales.auto_approve", request) == []

    client.clock.advance(to=deadline(request))
    done = client.aftersales.get(request)
    assert (done.state, done.platform_status) == ("refunded", "CANCEL_SUCCESS")
    [event] = events_of(client, "aftersales.auto_approve", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(request), "cancellation.seller_response")
    assert order_of(client, order.order_id).statuses == ["canceled"]


@pytest.mark.parametrize(("price", "action", "state", "status"), [
    # SGD 50 at the default rate table is MYR 160.00 or so: at most that, refunded at once.
    ("100.00", "auto_refund_low_value", "refunded", "REFUND_SUCCESS"),
    ("500.00", "auto_approve", "awaiting_buyer_ship", "RTM_INIT"),
])
def test_an_unanswered_return_is_decided_at_two_working_days_by_its_refund(client, price, action,
                                                                          state, status):
    order, _ = delivered(client, price=price)
    request = client.aftersales.open("return_and_refund", order.order_id, "defective_item")
    assert (request.platform_type, request.deadline_policy) == ("RETURN",
                                                                "return.seller_response")
    # Delivered on a working day, asked then: two working days later (a weekend adds two).
    assert deadline(request) - instant(request.created_at) in (timedelta(days=2),
                                                                timedelta(days=4))

    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    assert events_of(client, f"aftersales.{action}", request) == []

    client.clock.advance(to=deadline(request))
    done = client.aftersales.get(request)
    assert (done.state, done.platform_status) == (state, status)
    [event] = events_of(client, f"aftersales.{action}", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(request), "return.seller_response")
    assert event.data.threshold_policy == "return.auto_refund_threshold"
    assert len(refunds(client, request)) == (1 if state == "refunded" else 0)
    assert done.return_parcel is None


def test_the_threshold_is_inclusive_at_its_converted_amount(client):
    [limit] = [policy for policy in client.policies.get().policies
               if policy.key == "return.auto_refund_threshold"]
    assert (limit.value.amount, limit.value.currency) == ("50.00", "SGD")
    order, _ = delivered(client, price="100.00")
    request = client.aftersales.open("return_and_refund", order.order_id, "defective_item")
    client.clock.advance(to=deadline(request))
    [event] = events_of(client, "aftersales.auto_refund_low_value", request)
    converted = event.data.threshold
    assert float(converted) >= 100.0
    # Exactly the converted threshold: still refunded; one cent more: approved.
    for price, action in ((converted, "auto_refund_low_value"),
                          (f"{float(converted) + 0.01:.2f}", "auto_approve")):
        order, _ = delivered(client, price=price)
        request = client.aftersales.open("return_and_refund", order.order_id, "wrong_item")
        client.clock.advance(to=deadline(request))
        assert len(events_of(client, f"aftersales.{action}", request)) == 1, price


def approved_return(client):
    order, _ = delivered(client, price="500.00")
    request = client.aftersales.open("return_and_refund", order.order_id, "defective_item")
    return client.aftersales.approve(request)


def test_a_return_not_shipped_back_closes_at_the_ship_back_deadline(client):
    request = approved_return(client)
    assert (request.platform_status, request.deadline_policy) == ("RTM_INIT",
                                                                  "return.buyer_ship_back")
    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "awaiting_buyer_ship"
    assert events_of(client, "aftersales.close_unshipped", request) == []
    client.clock.advance(to=deadline(request))
    assert client.aftersales.get(request).platform_status == "RTM_CANCELED"
    [event] = events_of(client, "aftersales.close_unshipped", request)
    assert instant(event.occurred_at) == deadline(request)


def test_a_confirmed_parcel_not_reviewed_is_refunded_at_the_review_deadline(client):
    request = approved_return(client)
    client.aftersales.ship_back(request, tracking_number="MYRET-LZ-1")
    review = client.aftersales.confirm_delivery(request)  # the seller has it, before the carrier
    assert (review.state, review.platform_status, review.return_parcel.status) == (
        "awaiting_package_review", "RTM_RECEIVE_ITEM", "returned")
    assert client.aftersales.confirm_delivery(request).updated_at == review.updated_at
    client.clock.advance(to=deadline(review) - ONE_SECOND)
    assert refunds(client, request) == []
    client.clock.advance(to=deadline(review))
    assert client.aftersales.get(request).state == "refunded"
    [event] = events_of(client, "aftersales.auto_refund", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(review), "return.seller_receive_review")
    assert [entry.amount for entry in refunds(client, request)] == ["-500.00"]


def test_a_failed_return_unclaimed_is_destroyed_at_the_claim_window(client):
    request = approved_return(client)
    client.aftersales.ship_back(request)
    for _ in range(3):
        failed = client.aftersales.fail_return_attempt(request)
    assert (failed.state, failed.deadline_policy) == ("awaiting_seller_claim",
                                                      "failed_return.claim_window")
    assert deadline(failed) - instant(failed.updated_at) == timedelta(days=7)
    client.clock.advance(to=deadline(failed) - ONE_SECOND)
    assert client.aftersales.get(request).state == "awaiting_seller_claim"
    client.clock.advance(to=deadline(failed))
    gone = client.aftersales.get(request)
    assert (gone.state, gone.platform_status) == ("return_destroyed", "REFUND_SUCCESS")
    [event] = events_of(client, "aftersales.destroy_unclaimed", request)
    assert instant(event.occurred_at) == deadline(failed)


def test_what_lazada_does_not_offer_is_refused_naming_what_it_does(client):
    order, _ = delivered(client)
    with pytest.raises(BadRequestError) as refused:
        client.aftersales.open("reshipment", order.order_id, "missing_items")
    assert refused.value.code == "type_not_offered"
    assert refused.value.details[0]["allowed_values"] == ["cancellation", "refund_only",
                                                          "return_and_refund"]
    request = client.aftersales.open("refund_only", order.order_id, "damaged_item")
    with pytest.raises(ConflictError) as conflict:
        client.aftersales.offer_partial_refund(request, "5.00", "MYR")
    assert conflict.value.code == "action_not_offered"
    assert "instant_refund" in conflict.value.details[0]["allowed_actions"]
    assert client.aftersales.get(request).allowed_actions == ["approve", "reject",
                                                              "instant_refund"]
    assert client.aftersales.instant_refund(request).refunded.amount == "30.00"
