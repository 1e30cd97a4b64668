"""TikTok Shop's timed rules at their boundaries, through the native API: one second before
nothing has happened; at the instant the effect and its event. The shipping deadline (end of
working day 2) across a weekend and a public holiday, the collection deadline (end of working
day 3), the delivery deadline, the completion when the after-sales window closes (7 days, 15 in
VN), and rts_sla_time's cut-off."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.logistics.support import (
    ONE_SECOND,
    advance_to,
    due,
    events,
    helper,
    instant,
    ledger,
    milestones,
    ok,
    order_of,
    package_of,
    place,
    timers,
)
from tests.orders.tiktok_support import (
    ICT,
    deadline,
    readied,
    released,
    tiktok_sandbox,
    timer_kinds,
)

LATE_PICKUP = {"logistics.journey": {"pickup": "P1DT12H", "origin_sorting_scan": "P2D"}}


def _stock(sbx, item_id: int) -> int:
    return ok(sbx.get(f"/api/v1/products/{item_id}"))["skus"][0]["stock"]


def test_units_not_ready_at_the_shipping_due_time_are_canceled_across_a_weekend_and_holiday(api):
    sbx = tiktok_sandbox(api)  # Friday 3 April; Monday 6 is Chakri Memorial Day
    product = ok(sbx.post("/api/v1/products", json={"name": "Fan", "skus": [
        {"seller_sku": "FAN-1", "price": "500.00", "stock": 10}]}), 201)
    sku_id = product["skus"][0]["sku_id"]
    pending = released(sbx, quantity=2, sku_id=sku_id)
    packed = place(sbx, sku_id=sku_id)
    shipped, _ = readied(sbx, sku_id=sku_id)
    package = ok(sbx.post(f"/api/v1/orders/{packed['order_id']}/pack", json={}), 201)
    due_at = deadline(pending, "shipping_due_time")
    assert due_at == datetime(2026, 4, 8, 23, 59, 59, tzinfo=ICT)  # Wednesday: working day 2
    assert _stock(sbx, product["item_id"]) == 6

    advance_to(sbx, due_at - ONE_SECOND)
    assert order_of(sbx, pending["order_id"])["statuses"] == ["pending"]
    assert order_of(sbx, packed["order_id"])["statuses"] == ["packed"]
    assert events(sbx, "order.canceled") == []

    advance_to(sbx, due_at)
    for order in (pending, packed):
        after = order_of(sbx, order["order_id"])
        assert (after["platform_status"], after["statuses"]) == ("CANCELLED", ["canceled"])
        assert {(i["reason"], i["cancel_return_initiator"]) for i in after["items"]} == {
            ("shipping_due_time_passed", "cancellation-internal")}
        assert timer_kinds(sbx, order["order_id"]) == []
    canceled = events(sbx, "order.canceled")
    assert {instant(e["occurred_at"]) for e in canceled} == {due_at}
    assert {(e["data"]["policy_key"], e["data"]["platform_status"]) for e in canceled} == {
        ("order.awaiting_collection_deadline", "CANCELLED")}
    assert package_of(sbx, package["package_id"])["status"] == "canceled"
    assert _stock(sbx, product["item_id"]) == 9
    assert order_of(sbx, shipped["order_id"])["platform_status"] == "IN_TRANSIT"


def test_a_parcel_not_collected_by_the_collection_due_time_is_canceled(api):
    sbx = tiktok_sandbox(api, overrides=LATE_PICKUP)
    order = released(sbx)
    order_id = order["order_id"]
    package = ok(sbx.post(f"/api/v1/orders/{order_id}/pack", json={}), 201)
    # Readied at 23:00 on Wednesday, working day 2: the carrier would come on Friday.
    advance_to(sbx, datetime(2026, 4, 8, 23, tzinfo=ICT))
    ok(sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json={}))
    due_at = deadline(order, "collection_due_time")
    assert due_at == datetime(2026, 4, 9, 23, 59, 59, tzinfo=ICT)
    assert due(package_of(sbx, package["package_id"]), "pickup") > due_at

    advance_to(sbx, due_at - ONE_SECOND)
    assert order_of(sbx, order_id)["platform_status"] == "AWAITING_COLLECTION"
    assert events(sbx, "order.canceled") == []

    advance_to(sbx, due_at)
    after = order_of(sbx, order_id)
    assert (after["platform_status"], after["statuses"]) == ("CANCELLED", ["canceled"])
    assert after["items"][0]["reason"] == "collection_due_time_passed"
    [event] = events(sbx, "order.canceled")
    assert (instant(event["occurred_at"]), event["data"]["policy_key"],
            event["data"]["previous_statuses"]) == (due_at, "order.collection_deadline",
                                                    ["ready_to_ship"])
    parcel = package_of(sbx, package["package_id"])
    assert parcel["status"] == "canceled"
    assert all(step["done_at"] for step in parcel["journey"])  # no step is left to take
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship", "canceled"]
    assert [t for t in timers(sbx) if t["subject"] in (f"order:{order_id}",
                                                       f"package:{package['package_id']}")] == []


def test_a_collected_parcel_keeps_its_order_past_the_collection_due_time(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx)
    advance_to(sbx, due(package, "pickup"))
    assert "order.collection_deadline" not in timer_kinds(sbx, order["order_id"])

    advance_to(sbx, deadline(order, "collection_due_time"))

    assert order_of(sbx, order["order_id"])["platform_status"] == "DELIVERED"
    assert events(sbx, "order.canceled") == []


def test_at_the_delivery_due_time_a_travelling_parcel_is_lost_by_the_carrier(api):
    sbx = tiktok_sandbox(api, overrides={"order.delivery_deadline": "P3D"})
    waiting = released(sbx)
    order, package = readied(sbx, price="250.00")
    due_at = deadline(order, "delivery_due_time")
    assert due_at == datetime(2026, 4, 6, 11, tzinfo=ICT)  # placed at 11:00 on Friday
    assert due(package, "pickup") < due_at < due(package, "destination_arrival")

    advance_to(sbx, due_at - ONE_SECOND)
    assert order_of(sbx, order["order_id"])["platform_status"] == "IN_TRANSIT"
    assert ledger(sbx, kind="compensation")["data"] == []

    advance_to(sbx, due_at)
    after = order_of(sbx, order["order_id"])
    assert (after["platform_status"], after["statuses"]) == ("CANCELLED", ["lost_by_3pl"])
    assert "delivery due time" in after["items"][0]["reason_detail"]
    assert package_of(sbx, package["package_id"])["status"] == "lost"
    [entry] = ledger(sbx, kind="compensation")["data"]
    assert (entry["amount"], instant(entry["occurred_at"])) == ("250.00", due_at)
    [lost] = events(sbx, "order.lost_by_3pl")
    assert instant(lost["occurred_at"]) == due_at
    not_collected = order_of(sbx, waiting["order_id"])
    assert (not_collected["statuses"], not_collected["items"][0]["reason"]) == (
        ["canceled"], "delivery_due_time_passed")


def test_the_order_completes_when_the_after_sales_window_closes(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx, quantity=2)
    advance_to(sbx, datetime(2026, 4, 6, 15, 20, 5, tzinfo=ICT))
    ok(helper(sbx, package["package_id"], "deliver"))
    closes = deadline(order_of(sbx, order["order_id"]), "after_sales_until")
    assert closes == datetime(2026, 4, 13, 15, 20, 5, tzinfo=ICT)  # 7 calendar days

    advance_to(sbx, closes - ONE_SECOND)
    assert order_of(sbx, order["order_id"])["platform_status"] == "DELIVERED"
    assert events(sbx, "order.completed") == []

    advance_to(sbx, closes)
    after = order_of(sbx, order["order_id"])
    assert (after["platform_status"], after["statuses"]) == ("COMPLETED", ["completed"])
    assert [item["platform_status"] for item in after["items"]] == ["COMPLETED"] * 2
    [event] = events(sbx, "order.completed")
    assert (instant(event["occurred_at"]), event["data"]["policy_key"],
            event["data"]["platform_status"]) == (closes, "return.request_window", "COMPLETED")
    assert timer_kinds(sbx, order["order_id"]) == []


def test_in_vietnam_the_after_sales_window_is_fifteen_days(api):
    sbx = tiktok_sandbox(api, market="VN", start_at="2026-04-03T10:00:00+07:00")
    order, package = readied(sbx)
    ok(helper(sbx, package["package_id"], "deliver"))

    delivered = order_of(sbx, order["order_id"])

    assert deadline(delivered, "after_sales_until") - instant(
        package_of(sbx, package["package_id"])["delivered_at"]) == timedelta(days=15)


def test_the_rts_sla_time_counts_from_the_cut_off(api):
    sbx = tiktok_sandbox(api, start_at="2026-04-03T13:59:59+07:00")
    before_cut_off = place(sbx)
    advance_to(sbx, datetime(2026, 4, 3, 14, tzinfo=ICT))
    at_cut_off = place(sbx)
    advance_to(sbx, datetime(2026, 4, 4, 9, tzinfo=ICT))  # Saturday
    on_saturday = place(sbx)

    assert deadline(before_cut_off, "rts_sla_time") == datetime(2026, 4, 3, 23, 59, 59,
                                                                tzinfo=ICT)
    # The next working day after Friday is Tuesday 7 April (the weekend, then Chakri Day).
    tuesday = datetime(2026, 4, 7, 23, 59, 59, tzinfo=ICT)
    assert deadline(at_cut_off, "rts_sla_time") == tuesday
    assert deadline(on_saturday, "rts_sla_time") == tuesday
    # Missing it is late dispatch only: nothing is scheduled for it.
    assert not [t for t in timers(sbx) if "rts_sla" in t["kind"]]


def test_without_a_remorse_window_orders_await_shipment_at_once(api):
    sbx = tiktok_sandbox(api, overrides={"order.remorse_window": "PT0S"})

    order = place(sbx)

    assert (order["platform_status"], order["statuses"]) == ("AWAITING_SHIPMENT", ["pending"])
    assert "order.remorse_window" not in timer_kinds(sbx, order["order_id"])
    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
