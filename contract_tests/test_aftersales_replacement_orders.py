"""A reshipment's replacement order and the after-sales boundaries the other files leave out, on
a TikTok Shop sandbox in Malaysia, through the SDK: the replacement order approval makes
(``is_replacement_order``, ``replaced_order_id``), shipped one second before its
``reshipment.ship_deadline`` (past a weekend and National Day) and refused at it, its package's
whole journey as tracking ("Check Logistics") and its delivery; a partial refund the buyer
rejects, then the seller's fresh window; the return parcel's delivery attempt
(``return.parcel_journey``); a planned request that can no longer be opened
(``aftersales.request_skipped``); units named by SKU above what was bought."""

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
from logistics_support import events
from mockplatform_client import BadRequestError, ConflictError

pytestmark = pytest.mark.mockplatform_sandbox(**TIKTOK_MY, start_at="2026-08-18T10:00:00+08:00")
FRIDAY = instant("2026-08-28T10:00:00+08:00")
SHIP_DEADLINE = instant("2026-09-02T10:00:00+08:00")  # Tuesday 1, Wednesday 2 September
JOURNEY = ["ready_to_ship", "pickup", "origin_sorting_scan", "destination_arrival",
           "last_mile_hub", "out_for_delivery", "delivered"]


def test_a_replacement_shipped_a_second_before_its_deadline_and_one_refused_at_it(client):
    order, _ = delivered(client, quantity=2)
    client.clock.advance(to=FRIDAY)
    early, late = (client.aftersales.approve(client.aftersales.open(
        "reshipment", order.order_id, "broken_or_unusable", order_item_ids=[item.order_item_id]))
        for item in order["items"])
    for request in (early, late):
        replacement = order_of(client, request.replacement_order_id)
        assert (replacement.is_replacement_order, replacement.replaced_order_id) == (
            True, order.order_id)
        assert (replacement.platform_status, replacement.price) == ("AWAITING_SHIPMENT", "0.00")
        assert instant(replacement.deadlines.shipping_due_time) == SHIP_DEADLINE == \
            deadline(request)

    client.clock.advance(to=SHIP_DEADLINE - ONE_SECOND)
    assert client.aftersales.ship_reshipment(early).state == "reshipped"
    assert client.aftersales.get(late).state == "approved"
    assert events_of(client, "aftersales.convert_to_refund", late) == []

    client.clock.advance(to=SHIP_DEADLINE)
    with pytest.raises(ConflictError) as refused:
        client.aftersales.ship_reshipment(late)
    assert refused.value.details[0]["current_state"] == "refunded"
    [event] = events_of(client, "aftersales.convert_to_refund", late)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        SHIP_DEADLINE, "reshipment.ship_deadline")
    assert order_of(client, late.replacement_order_id).platform_status == "CANCELLED"
    assert order_of(client, early.replacement_order_id).platform_status == "AWAITING_COLLECTION"
    assert refunds(client, early) == []


def test_the_replacement_package_is_tracked_over_its_whole_journey_and_delivered(client):
    order, _ = delivered(client)
    request = client.aftersales.approve(
        client.aftersales.open("reshipment", order.order_id, "missing_items"))
    parcel = client.aftersales.ship_reshipment(request).reshipment
    replacement = order_of(client, request.replacement_order_id)
    assert replacement.package_ids == [parcel.package_id]

    due = instant(parcel.delivery_due_at)
    client.clock.advance(to=due - ONE_SECOND)
    assert client.aftersales.get(request).state == "reshipped"
    assert events_of(client, "aftersales.deliver_reshipment", request) == []
    client.clock.advance(to=due)
    assert client.aftersales.get(request).state == "delivered"
    [event] = events_of(client, "aftersales.deliver_reshipment", request)
    assert (instant(event.occurred_at), event.data.by) == (due, "carrier")
    tracked = client.tracking.get(parcel.tracking_number)
    assert [e.milestone for e in tracked.events] == JOURNEY
    assert order_of(client, replacement.order_id).platform_status == "DELIVERED"


def test_a_rejected_partial_refund_gives_the_seller_a_fresh_window(client):
    order, _ = delivered(client)
    request = client.aftersales.open("reshipment", order.order_id, "broken_or_unusable")
    client.aftersales.offer_partial_refund(request, "5.00", "MYR")
    back = client.aftersales.reject_partial_refund(request)
    assert (back.state, back.buyer_rejected_partial_refund, back.deadline_policy) == (
        "requested", True, "reshipment.seller_response")
    assert deadline(back) == instant(back.updated_at) + timedelta(days=2)

    client.clock.advance(to=deadline(back) - ONE_SECOND)
    assert client.aftersales.get(request).state == "requested"
    assert events_of(client, "aftersales.auto_approve", request) == []
    client.clock.advance(to=deadline(back))
    assert client.aftersales.get(request).state == "approved"
    [event] = events_of(client, "aftersales.auto_approve", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (
        deadline(back), "reshipment.seller_response")


def test_the_return_parcel_is_offered_to_the_seller_at_its_planned_attempt(client):
    order, _ = delivered(client)
    request = client.aftersales.approve(
        client.aftersales.open("return_and_refund", order.order_id, "defective_item"))
    shipped = client.aftersales.ship_back(request, tracking_number="MYRET-0042")
    attempt = instant(shipped.return_parcel.next_attempt_at)
    assert attempt - instant(shipped.updated_at) == timedelta(days=3)  # first_attempt

    client.clock.advance(to=attempt - ONE_SECOND)
    assert client.aftersales.get(request).state == "buyer_shipped"
    assert events_of(client, "aftersales.deliver_return", request) == []
    client.clock.advance(to=attempt)
    arrived = client.aftersales.get(request)
    assert (arrived.state, arrived.return_parcel.status) == ("awaiting_package_review",
                                                             "returned")
    [event] = events_of(client, "aftersales.deliver_return", request)
    assert (instant(event.occurred_at), event.data.policy_key) == (attempt,
                                                                   "return.parcel_journey")


def test_a_planned_request_that_cannot_be_opened_records_why(client):
    order, at = delivered(client, buyer={"address1": "3 Jalan Ampang",
                                         "address2": "AFTERSALES:refund_only:wrong_item:PT2H"})
    mine = client.aftersales.open("refund_only", order.order_id, "damaged_item")
    client.clock.advance(to=at + timedelta(hours=2) - ONE_SECOND)
    assert events(client, "aftersales.request_skipped") == []
    client.clock.advance(to=at + timedelta(hours=2))
    [skipped] = events(client, "aftersales.request_skipped")
    assert (instant(skipped.occurred_at), skipped.data.skip_code, skipped.data.order_id) == (
        at + timedelta(hours=2), "items_not_eligible", order.order_id)
    assert skipped.data.skip_details[0]["aftersales_id"] == mine.aftersales_id


def test_more_units_than_were_bought_are_a_400_naming_the_bought_quantity(client):
    order, _ = delivered(client, quantity=2)
    with pytest.raises(BadRequestError) as refused:
        client.aftersales.open("refund_only", order.order_id, "wrong_item",
                               items=[{"sku_id": order["items"][0].sku_id, "quantity": 3}])
    detail = refused.value.details[0]
    assert (refused.value.status, detail["field"], detail["bought_quantity"]) == (
        400, "items.0.quantity", 2)
    assert list(client.aftersales.list().auto_paging_iter()) == []


def test_a_replacement_the_seller_cancels_is_refunded_at_once_and_not_again_at_its_deadline(
        client):
    order, _ = delivered(client, quantity=1)
    client.clock.advance(to=FRIDAY)
    request = client.aftersales.approve(client.aftersales.open(
        "reshipment", order.order_id, "broken_or_unusable",
        order_item_ids=[order["items"][0].order_item_id]))
    client.orders.cancel(request.replacement_order_id, reason="sourcing_delay")

    refunded = client.aftersales.get(request)
    assert refunded.state == "refunded"
    [event] = events_of(client, "aftersales.convert_to_refund", request)
    assert instant(event.occurred_at) == FRIDAY
    assert (event.data.replacement_canceled, event.data.charged_to) == (True, "seller")
    assert len(refunds(client, request)) == 1

    client.clock.advance(to=SHIP_DEADLINE)
    assert events_of(client, "aftersales.convert_to_refund", request) == [event]
    assert len(refunds(client, request)) == 1
