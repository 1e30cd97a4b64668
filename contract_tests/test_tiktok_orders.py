"""TikTok Shop orders at their boundaries, through the SDK: the order in TikTok's vocabulary
(``platform_status``) and its SLA instants; ``order.remorse_window`` (ON_HOLD, the buyer's
cancellation without approval); ``order.awaiting_collection_deadline`` (end of working day 2)
across a weekend and a public holiday; ``order.collection_deadline`` (end of working day 3);
``return.request_window`` (COMPLETED); packages, tracking, delivery attempts and magic values as
on Lazada; seeded fills."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from logistics_support import ONE_SECOND, due, events, instant, milestones, order_of
from mockplatform_client import InvalidStateTransitionError

ICT = timezone(timedelta(hours=7))
NO_JITTER = {"logistics.journey_jitter": 0}
# Friday 3 April 2026, 10:00 in Bangkok: then a weekend and Chakri Memorial Day (Monday 6), so
# working days 1, 2 and 3 are Tuesday 7, Wednesday 8 and Thursday 9 April.
FRIDAY = "2026-04-03T10:00:00+07:00"
TIKTOK = {"platform": "tiktok_shop", "market": "TH", "start_at": FRIDAY}


def place(client, *, quantity: int = 1, buyer: dict | None = None):
    count = len(list(client.products.list().auto_paging_iter()))
    product = client.products.create(name="Fan", skus=[
        {"seller_sku": f"FAN-{count + 1}", "price": "500.00", "stock": 10}])
    return client.test_helpers.place_order(
        [{"sku_id": product.skus[0].sku_id, "quantity": quantity}], buyer=buyer or {})


def deadline(order, name: str) -> datetime:
    return instant(order.deadlines[name])


def released(client, **spec):
    order = place(client, **spec)
    client.clock.advance(to=deadline(order, "on_hold_until"))
    return order_of(client, order.order_id)


def readied(client, **spec):
    order = released(client, **spec)
    package = client.orders.pack(order)
    return client.orders.ready_to_ship(order), client.packages.get(package)


@pytest.mark.mockplatform_sandbox(**TIKTOK)
def test_an_order_is_on_hold_for_the_remorse_window_then_awaits_shipment(client):
    order = place(client, quantity=2)
    assert (order.flow, order.platform_status, order.statuses) == ("tiktok", "ON_HOLD",
                                                                   ["on_hold"])
    assert order.deadlines.to_dict() == {
        "on_hold_until": "2026-04-03T04:00:00+00:00",
        "rts_sla_time": "2026-04-03T16:59:59+00:00",
        "shipping_due_time": "2026-04-08T16:59:59+00:00",
        "collection_due_time": "2026-04-09T16:59:59+00:00",
        "delivery_due_time": "2026-05-03T03:00:00+00:00",
        "after_sales_until": None}
    with pytest.raises(InvalidStateTransitionError):
        client.orders.pack(order)  # ON_HOLD orders are not fulfilled

    ends = deadline(order, "on_hold_until")
    client.clock.advance(to=ends - ONE_SECOND)
    assert order_of(client, order.order_id).platform_status == "ON_HOLD"
    client.clock.advance(to=ends)
    after = order_of(client, order.order_id)
    assert (after.platform_status, after.statuses) == ("AWAITING_SHIPMENT", ["pending"])
    [event] = events(client, "order.pending")
    assert instant(event.occurred_at) == ends


@pytest.mark.mockplatform_sandbox(**TIKTOK)
def test_the_buyer_cancels_without_approval_only_within_the_remorse_window(client):
    kept, canceled = place(client), place(client)
    client.clock.advance(to=deadline(canceled, "on_hold_until") - ONE_SECOND)

    order = client.test_helpers.buyer_cancel(canceled, reason="Found it cheaper")

    assert (order.platform_status, order["items"][0].cancel_return_initiator) == (
        "CANCELLED", "cancellation-customer")
    client.clock.advance(to=deadline(kept, "on_hold_until"))
    with pytest.raises(InvalidStateTransitionError) as refused:
        client.test_helpers.buyer_cancel(kept)
    assert refused.value.details[0]["current_state"] == "AWAITING_SHIPMENT"
    assert order_of(client, kept.order_id).statuses == ["pending"]


@pytest.mark.mockplatform_sandbox(**TIKTOK)
def test_units_not_ready_by_the_end_of_working_day_two_are_canceled(client):
    pending = released(client)
    shipping_due = deadline(pending, "shipping_due_time")
    assert shipping_due == datetime(2026, 4, 8, 23, 59, 59, tzinfo=ICT)

    client.clock.advance(to=shipping_due - ONE_SECOND)
    assert order_of(client, pending.order_id).statuses == ["pending"]
    assert events(client, "order.canceled") == []
    client.clock.advance(to=shipping_due)
    after = order_of(client, pending.order_id)
    assert (after.platform_status, after["items"][0].reason) == ("CANCELLED",
                                                               "shipping_due_time_passed")
    [event] = events(client, "order.canceled")
    assert (instant(event.occurred_at), event.data.policy_key) == (
        shipping_due, "order.awaiting_collection_deadline")


@pytest.mark.mockplatform_sandbox(**TIKTOK, policy_overrides={
    **NO_JITTER, "logistics.journey": {"pickup": "P1DT12H", "origin_sorting_scan": "P2D"}})
def test_a_parcel_not_collected_by_the_end_of_working_day_three_is_canceled(client):
    order = released(client)
    package = client.orders.pack(order)
    client.clock.advance(to=datetime(2026, 4, 8, 23, tzinfo=ICT))
    client.orders.ready_to_ship(order)
    collection_due = deadline(order, "collection_due_time")
    assert collection_due == datetime(2026, 4, 9, 23, 59, 59, tzinfo=ICT)

    client.clock.advance(to=collection_due - ONE_SECOND)
    assert order_of(client, order.order_id).platform_status == "AWAITING_COLLECTION"
    client.clock.advance(to=collection_due)
    after = order_of(client, order.order_id)
    assert (after.platform_status, after["items"][0].reason) == ("CANCELLED",
                                                               "collection_due_time_passed")
    assert client.packages.get(package).status == "canceled"
    [event] = events(client, "order.canceled")
    assert (instant(event.occurred_at), event.data.policy_key) == (
        collection_due, "order.collection_deadline")


@pytest.mark.mockplatform_sandbox(**TIKTOK, policy_overrides=NO_JITTER)
def test_collected_delivered_then_completed_when_the_after_sales_window_closes(client):
    order, package = readied(client, quantity=2)
    assert order.platform_status == "AWAITING_COLLECTION"
    pickup = due(package, "pickup")
    client.clock.advance(to=pickup - ONE_SECOND)
    assert order_of(client, order.order_id).platform_status == "AWAITING_COLLECTION"
    client.clock.advance(to=pickup)
    assert order_of(client, order.order_id).platform_status == "IN_TRANSIT"
    assert instant(events(client, "order.collected")[0].occurred_at) == pickup

    client.clock.advance(to=due(package, "delivery_attempt"))
    delivered = order_of(client, order.order_id)
    assert delivered.platform_status == "DELIVERED"
    closes = deadline(delivered, "after_sales_until")
    assert closes == due(package, "delivery_attempt") + timedelta(days=7)
    client.clock.advance(to=closes - ONE_SECOND)
    assert order_of(client, order.order_id).platform_status == "DELIVERED"
    assert events(client, "order.completed") == []
    client.clock.advance(to=closes)
    completed = order_of(client, order.order_id)
    assert (completed.platform_status, completed.statuses) == ("COMPLETED", ["completed"])
    assert instant(events(client, "order.completed")[0].occurred_at) == closes


@pytest.mark.mockplatform_sandbox(**TIKTOK, policy_overrides=NO_JITTER)
def test_delivery_attempts_and_magic_values_work_as_on_lazada(client):
    order, package = readied(client, buyer={"address1": "9 Sukhumvit FAIL TWICE:recipient_absent"})
    client.test_helpers.fail_next_attempt(package, "unreachable_phone")  # the helper decides first

    client.clock.advance(to=due(package, "delivery_attempt"))
    [failed] = events(client, "delivery.attempt_failed")
    assert (failed.data.reason, failed.data.decided_by) == ("unreachable_phone", "test_helper")
    client.clock.advance(to=instant(failed.data.next_attempt_at))

    assert events(client, "delivery.attempt_failed")[1].data.reason == "recipient_absent"
    lost, lost_package = readied(client, buyer={"address1": "1 Silom LOSE"})
    client.clock.advance(to=due(lost_package, "delivery_attempt"))
    assert order_of(client, lost.order_id).platform_status == "CANCELLED"
    assert "lost" in milestones(client, lost_package.package_id)


@pytest.mark.mockplatform_sandbox(**TIKTOK)
def test_a_seeded_fill_walks_tiktok_orders_to_their_stages(client):
    result = client.test_helpers.seed(products=5, buyers=3, orders=9, fulfilment={
        "pending": 1, "packed": 1, "ready_to_ship": 1})

    orders = list(client.orders.list().auto_paging_iter())
    statuses = {"on_hold": "ON_HOLD", "packed": "AWAITING_SHIPMENT",
                "ready_to_ship": "AWAITING_COLLECTION"}
    assert sorted(o.statuses[0] for o in orders) == sorted(
        status for stage, count in result.orders.stages.to_dict().items()
        for status in [{"pending": "on_hold"}.get(stage, stage)] * count)
    assert {(o.statuses[0], o.platform_status) for o in orders} <= set(statuses.items())
