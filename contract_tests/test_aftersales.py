"""After-sales requests on a TikTok Shop sandbox at their boundaries, through the SDK: every
timed rule one second before (nothing happened) and at its deadline (the effect and its
event): the seller's answer to a cancellation (``cancellation.seller_response``) and to a
refund only (``return.seller_response``), the buyer's answer to a partial refund
(``return.partial_refund_response``) and the seller's fresh window after it, the ship-back
(``return.buyer_ship_back``), the seller's review of the returned parcel
(``return.seller_receive_review``) and the buyer's own window (``return.request_window``).
Failed return packages are in test_aftersales_failed_returns.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aftersales_support import (
    ONE_SECOND,
    TIKTOK_MY,
    awaiting_shipment,
    deadline,
    delivered,
    events_of,
    instant,
    order_of,
    refunds,
)
from mockplatform_client import ConflictError

pytestmark = pytest.mark.mockplatform_sandbox(**TIKTOK_MY)


def test_an_unanswered_cancellation_request_is_approved_at_the_seller_response_deadline(client):
    order = awaiting_shipment(client, quantity=2)
    request = client.aftersales.open("cancellation", order.order_id, "no_longer_needed")
    assert (request.state, request.seller_next_action, request.deadline_policy) == (
        "requested", "SELLER_RESPOND_CANCEL", "cancellation.seller_response")
    assert deadline(request) - instant(request.created_at) == timedelta(hours=48)

    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    assert events_of(client, "aftersales.auto_approve", request) == []
    assert {item.status for item in order_of(client, order.order_id)["items"]} == {"pending"}

    client.clock.advance(to=deadline(request))
    done = client.aftersales.get(request)
    assert (done.state, done.platform_status) == ("refunded", "CANCELLATION_REQUEST_COMPLETE")
    [event] = events_of(client, "aftersales.auto_approve", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(request), "cancellation.seller_response")
    assert order_of(client, order.order_id).platform_status == "CANCELLED"


def test_an_unanswered_refund_only_request_is_approved_at_the_seller_response_deadline(client):
    order, _ = delivered(client)
    request = client.aftersales.open("refund_only", order.order_id, "damaged_item",
                                     evidence={"text": "cracked lid"})
    assert (request.seller_next_action, request.deadline_policy) == (
        "SELLER_RESPOND_REFUND", "return.seller_response")
    assert deadline(request) - instant(request.created_at) == timedelta(hours=48)

    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    assert refunds(client, request) == []

    client.clock.advance(to=deadline(request))
    done = client.aftersales.get(request)
    assert (done.state, done.refunded.to_dict()) == ("refunded",
                                                     {"amount": "30.00", "currency": "MYR"})
    [event] = events_of(client, "aftersales.auto_approve", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(request), "return.seller_response")


def test_a_partial_refund_lapses_after_a_day_then_the_seller_has_a_fresh_window(client):
    order, _ = delivered(client, quantity=2)
    request = client.aftersales.open("refund_only", order.order_id, "missing_items")
    offered = client.aftersales.offer_partial_refund(request, "12.50", "MYR")
    assert (offered.state, offered.platform_status, offered.seller_next_action) == (
        "partial_refund_offered", "AWAITING_BUYER_RESPONSE", None)
    assert (offered.deadline_policy, offered.partial_refund.amount) == (
        "return.partial_refund_response", "12.50")
    lapses = deadline(offered)
    assert lapses - instant(offered.updated_at) == timedelta(days=1)

    client.clock.advance(to=lapses - ONE_SECOND)
    assert client.aftersales.get(request).state == "partial_refund_offered"
    assert events_of(client, "aftersales.partial_refund_lapsed", request) == []

    client.clock.advance(to=lapses)
    back = client.aftersales.get(request)
    assert (back.state, back.seller_next_action, back.buyer_rejected_partial_refund) == (
        "requested", "SELLER_RESPOND_REFUND", True)
    [event] = events_of(client, "aftersales.partial_refund_lapsed", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        lapses, "return.partial_refund_response")
    # The seller's fresh window, counted from the lapse, ends as the first one did.
    assert deadline(back) == lapses + timedelta(hours=48)
    client.clock.advance(to=deadline(back) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    client.clock.advance(to=deadline(back))
    assert client.aftersales.get(request).refunded.amount == "60.00"
    assert instant(events_of(client, "aftersales.auto_approve", request)[0].occurred_at) == \
        deadline(back)


def test_an_accepted_partial_refund_is_a_ledger_entry_in_the_market_currency(client):
    order, _ = delivered(client)
    request = client.aftersales.open("refund_only", order.order_id, "not_as_described")
    client.aftersales.offer_partial_refund(request, "7.20", "MYR")

    accepted = client.aftersales.accept_partial_refund(request)

    assert (accepted.state, accepted.refunded.to_dict()) == (
        "refunded", {"amount": "7.20", "currency": "MYR"})
    [entry] = refunds(client, request)
    assert (entry.amount, entry.currency, entry.direction) == ("-7.20", "MYR", "debit")
    assert entry.subject == f"aftersales_request:{request['aftersales_id']}"
    [event] = events_of(client, "aftersales.accept_partial_refund", request)
    assert event.data.ledger_entry_id == entry.id


def approved_return(client, **spec):
    order, _ = delivered(client, **spec)
    request = client.aftersales.open("return_and_refund", order.order_id, "defective_item")
    return client.aftersales.approve(request)


def test_a_return_not_shipped_back_closes_at_the_ship_back_deadline(client):
    request = approved_return(client)
    assert (request.state, request.deadline_policy, request.seller_next_action) == (
        "awaiting_buyer_ship", "return.buyer_ship_back", None)
    assert deadline(request) - instant(request.updated_at) == timedelta(days=5)

    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "awaiting_buyer_ship"
    assert events_of(client, "aftersales.close_unshipped", request) == []

    client.clock.advance(to=deadline(request))
    closed = client.aftersales.get(request)
    assert (closed.state, closed.platform_status) == ("closed",
                                                      "RETURN_OR_REFUND_REQUEST_CANCEL")
    [event] = events_of(client, "aftersales.close_unshipped", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(request), "return.buyer_ship_back")
    assert refunds(client, request) == []


def test_a_returned_parcel_not_reviewed_is_refunded_at_the_review_deadline(client):
    request = approved_return(client)
    shipped = client.aftersales.ship_back(request, tracking_number="MYRET-0001")
    assert (shipped.return_parcel.tracking_number, shipped.return_parcel.status) == (
        "MYRET-0001", "returning")
    client.clock.advance(to=instant(shipped.return_parcel.next_attempt_at))
    review = client.aftersales.get(request)
    assert (review.state, review.seller_next_action, review.deadline_policy) == (
        "awaiting_package_review", "SELLER_RESPOND_RECEIVE_PACKAGE",
        "return.seller_receive_review")
    assert deadline(review) - instant(review.updated_at) == timedelta(hours=48)

    client.clock.advance(to=deadline(review) - ONE_SECOND)
    assert client.aftersales.get(request).state == "awaiting_package_review"
    assert refunds(client, request) == []

    client.clock.advance(to=deadline(review))
    assert client.aftersales.get(request).state == "refunded"
    [event] = events_of(client, "aftersales.auto_refund", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(review), "return.seller_receive_review")
    [entry] = refunds(client, request)
    assert (entry.amount, entry.currency) == ("-30.00", "MYR")
    assert event.data.ledger_entry_id == entry.id


def test_the_buyer_may_ask_until_one_second_before_the_request_window_closes(client):
    order, delivered_at = delivered(client, quantity=2)
    first, second = (item.order_item_id for item in order["items"])
    closes = delivered_at + timedelta(days=7)  # return.request_window (MY)
    assert instant(order.deadlines.after_sales_until) == closes

    client.clock.advance(to=closes - ONE_SECOND)
    early = client.aftersales.open("return_and_refund", order.order_id, "wrong_item",
                                   order_item_ids=[first])
    assert early.state == "requested"

    client.clock.advance(to=closes)
    with pytest.raises(ConflictError) as refused:
        client.aftersales.open("refund_only", order.order_id, "wrong_item",
                               order_item_ids=[second])
    assert (refused.value.status, refused.value.code) == (409, "request_window_closed")
    detail = refused.value.details[0]
    assert (detail["policy_key"], instant(detail["window_ended_at"])) == (
        "return.request_window", closes)
    assert [r["aftersales_id"] for r in client.aftersales.list(order_id=order.order_id)] == [
        early["aftersales_id"]]
