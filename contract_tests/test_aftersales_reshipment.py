"""Reshipment requests (seed 001) on a TikTok Shop sandbox in Malaysia, through the SDK: every
timed rule one second before (nothing happened) and at its deadline (the effect and its event):
the seller's answer (``reshipment.seller_response``), the buyer's answer to a partial refund
(``reshipment.partial_refund_response``) and the fresh seller window after it, the ship deadline
(``reshipment.ship_deadline``, 2 working days past a weekend and National Day); the full refund
proposed instead, approved at once; the reshipment's package, its fee and its delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aftersales_support import (
    ONE_SECOND,
    TIKTOK_MY,
    deadline,
    delivered,
    events_of,
    instant,
    order_of,
    refunds,
)
from mockplatform_client import ConflictError

# A Tuesday: the orders are delivered before Friday 28 August 2026, the last working day before
# the weekend and National Day (Monday 31 August).
pytestmark = pytest.mark.mockplatform_sandbox(**TIKTOK_MY, start_at="2026-08-18T10:00:00+08:00")
FRIDAY = instant("2026-08-28T10:00:00+08:00")
SHIP_DEADLINE = instant("2026-09-02T10:00:00+08:00")  # Tuesday 1, Wednesday 2 September


def test_an_unanswered_reshipment_is_approved_at_the_seller_response_deadline(client):
    order, _ = delivered(client)
    request = client.aftersales.open("reshipment", order.order_id, "missing_items",
                                     evidence={"text": "one blender missing"})
    assert (request.platform_type, request.platform_status, request.deadline_policy) == (
        "REPLACEMENT", "REPLACEMENT_REQUEST_PENDING", "reshipment.seller_response")
    assert deadline(request) - instant(request.created_at) == timedelta(days=2)

    client.clock.advance(to=deadline(request) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    assert events_of(client, "aftersales.auto_approve", request) == []

    client.clock.advance(to=deadline(request))
    approved = client.aftersales.get(request)
    assert (approved.state, approved.deadline_policy) == ("approved", "reshipment.ship_deadline")
    [event] = events_of(client, "aftersales.auto_approve", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(request), "reshipment.seller_response")


def test_an_unanswered_partial_refund_gives_the_seller_a_fresh_window(client):
    order, _ = delivered(client)
    request = client.aftersales.open("reshipment", order.order_id, "broken_or_unusable")
    offered = client.aftersales.offer_partial_refund(request, "12.50", "MYR")
    assert (offered.platform_status, offered.deadline_policy) == (
        "AWAITING_BUYER_RESPONSE", "reshipment.partial_refund_response")

    client.clock.advance(to=deadline(offered) - ONE_SECOND)
    assert client.aftersales.get(request).state == "partial_refund_offered"
    assert events_of(client, "aftersales.partial_refund_lapsed", request) == []

    client.clock.advance(to=deadline(offered))
    back = client.aftersales.get(request)
    assert (back.state, back.deadline_policy) == ("requested", "reshipment.seller_response")
    assert deadline(back) == deadline(offered) + timedelta(days=2)
    [event] = events_of(client, "aftersales.partial_refund_lapsed", request)
    assert instant(event.occurred_at) == deadline(offered)
    assert refunds(client, request) == []


def test_the_ship_deadline_skips_the_weekend_and_national_day(client):
    order, _ = delivered(client, quantity=2)
    client.clock.advance(to=FRIDAY)
    shipped, unshipped = (
        client.aftersales.approve(client.aftersales.open(
            "reshipment", order.order_id, "missing_items", order_item_ids=[item.order_item_id]))
        for item in order["items"])
    assert deadline(shipped) == deadline(unshipped) == SHIP_DEADLINE

    client.clock.advance(to=SHIP_DEADLINE - ONE_SECOND)
    assert client.aftersales.ship_reshipment(shipped).state == "reshipped"
    assert client.aftersales.get(unshipped).state == "approved"
    assert events_of(client, "aftersales.convert_to_refund", unshipped) == []

    client.clock.advance(to=SHIP_DEADLINE)
    converted = client.aftersales.get(unshipped)
    assert (converted.state, converted.platform_status) == (
        "refunded", "REPLACEMENT_REQUEST_REFUND_SUCCESS")
    [event] = events_of(client, "aftersales.convert_to_refund", unshipped)
    assert (instant(event.occurred_at), event.data.policy_key, event.data.charged_to) == (
        SHIP_DEADLINE, "reshipment.ship_deadline", "seller")
    [entry] = refunds(client, unshipped)
    assert entry.amount == f"-{unshipped.requested_refund.amount}"
    assert client.aftersales.get(shipped).state == "reshipped"


def test_a_full_refund_proposed_instead_is_approved_at_once(client):
    order, _ = delivered(client)
    request = client.aftersales.open("reshipment", order.order_id, "missing_items")
    done = client.aftersales.propose_refund(request)
    assert (done.state, done.platform_status) == ("refunded", "REPLACEMENT_REQUEST_REFUND_SUCCESS")
    [entry] = refunds(client, request)
    assert (entry.amount, entry.policy_key) == (
        f"-{request.requested_refund.amount}", "reshipment.alternative_more_favourable")
    with pytest.raises(ConflictError) as refused:
        client.aftersales.ship_reshipment(request)
    assert refused.value.details[0]["current_state"] == "refunded"


def test_the_reshipment_package_its_fee_and_its_delivery(client):
    order, _ = delivered(client)
    request = client.aftersales.approve(
        client.aftersales.open("reshipment", order.order_id, "broken_or_unusable"))
    shipped = client.aftersales.ship_reshipment(request)
    parcel = shipped.reshipment
    assert parcel.shipment_provider == order["items"][0]["shipment_provider"]
    [fee] = client.ledger.list(kind="shipping_fee",
                               subject=f"aftersales_request:{request.aftersales_id}").data
    assert (fee.policy_key, fee.amount, fee.currency) == (
        "reshipment.shipping", f"-{parcel.shipping_fee.amount}", parcel.shipping_fee.currency)
    assert order_of(client, order.order_id).package_ids == order.package_ids

    due = instant(parcel.delivery_due_at)
    client.clock.advance(to=due - ONE_SECOND)
    assert client.aftersales.get(request).state == "reshipped"
    client.clock.advance(to=due)
    done = client.aftersales.get(request)
    assert (done.state, done.reshipment.status) == ("delivered", "delivered")
    [event] = events_of(client, "aftersales.deliver_reshipment", request)
    assert instant(event.occurred_at) == due
