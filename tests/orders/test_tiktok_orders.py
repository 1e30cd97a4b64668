"""TikTok Shop orders through the native API: the one order model in TikTok's vocabulary (the
order's and each unit's ``platform_status``), the remorse window (ON_HOLD: the seller cannot
fulfil, the buyer cancels without approval), the walk to delivery and completion, packages,
tracking, failures, magic values and seeding as on Lazada."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.support import assert_error
from tests.logistics.support import (
    ONE_SECOND,
    advance_by,
    advance_to,
    due,
    events,
    helper,
    instant,
    ledger,
    milestones,
    new_sandbox,
    ok,
    order_of,
    package_of,
    place,
)
from tests.orders.tiktok_support import (
    ICT,
    buyer_cancel,
    deadline,
    readied,
    released,
    tiktok_sandbox,
    timer_kinds,
)


def test_a_new_order_shows_tiktoks_status_and_its_sla_instants(api):
    sbx = tiktok_sandbox(api)

    order = place(sbx, quantity=2, price="300.00")

    assert (order["flow"], order["platform_status"], order["statuses"]) == (
        "tiktok", "ON_HOLD", ["on_hold"])
    assert [item["platform_status"] for item in order["items"]] == ["ON_HOLD", "ON_HOLD"]
    # Friday 10:00 ICT, before a weekend and Chakri Memorial Day (Monday 6 April): working
    # days 1, 2 and 3 are Tuesday 7, Wednesday 8 and Thursday 9.
    assert order["deadlines"] == {
        "on_hold_until": "2026-04-03T04:00:00+00:00",
        "rts_sla_time": "2026-04-03T16:59:59+00:00",
        "shipping_due_time": "2026-04-08T16:59:59+00:00",
        "collection_due_time": "2026-04-09T16:59:59+00:00",
        "delivery_due_time": "2026-05-03T03:00:00+00:00",
        "after_sales_until": None}
    assert order["allowed_actions"] == ["cancel"]
    [created] = events(sbx, "order.created")
    assert created["data"]["platform_status"] == "ON_HOLD"
    assert created["data"]["deadlines"] == order["deadlines"]
    assert timer_kinds(sbx, order["order_id"]) == [
        "order.awaiting_collection_deadline", "order.collection_deadline",
        "order.delivery_deadline", "order.remorse_window"]


def test_the_remorse_window_ends_at_its_instant(api):
    sbx = tiktok_sandbox(api)
    order = place(sbx)
    ends = deadline(order, "on_hold_until")

    advance_to(sbx, ends - ONE_SECOND)
    assert order_of(sbx, order["order_id"])["platform_status"] == "ON_HOLD"
    assert events(sbx, "order.pending") == []

    advance_to(sbx, ends)
    after = order_of(sbx, order["order_id"])
    assert (after["platform_status"], after["statuses"]) == ("AWAITING_SHIPMENT", ["pending"])
    assert after["allowed_actions"] == ["pack", "cancel"]
    [event] = events(sbx, "order.pending")
    assert instant(event["occurred_at"]) == ends
    assert (event["data"]["previous_statuses"], event["data"]["platform_status"],
            event["data"]["policy_key"]) == (["on_hold"], "AWAITING_SHIPMENT",
                                             "order.remorse_window")
    assert "order.remorse_window" not in timer_kinds(sbx, order["order_id"])


def test_on_hold_the_seller_cannot_fulfil_but_may_cancel(api):
    sbx = tiktok_sandbox(api)
    order = place(sbx, quantity=2)
    order_id, [first, second] = order["order_id"], order["items"]

    error = assert_error(sbx.post(f"/api/v1/orders/{order_id}/pack", json={}), 409,
                         "invalid_state_transition", field="order_item_ids")
    assert error["details"][0]["current_state"] == ["on_hold"]
    assert error["details"][0]["allowed_actions"] == ["cancel"]
    response = sbx.post(f"/api/v1/orders/{order_id}/pack",
                        json={"order_item_ids": [first["order_item_id"]]})
    error = assert_error(response, 409, "invalid_state_transition")
    assert "on_hold" in error["message"]
    assert order_of(sbx, order_id)["package_ids"] == []

    canceled = ok(sbx.post(f"/api/v1/orders/{order_id}/cancel", json={
        "reason": "out_of_stock", "order_item_ids": [first["order_item_id"]]}))
    assert [item["platform_status"] for item in canceled["items"]] == ["CANCELLED", "ON_HOLD"]
    assert canceled["platform_status"] == "ON_HOLD"
    ok(sbx.post(f"/api/v1/orders/{order_id}/cancel", json={
        "reason": "sourcing_delay", "order_item_ids": [second["order_item_id"]]}))
    after = order_of(sbx, order_id)
    assert (after["platform_status"], after["statuses"]) == ("CANCELLED", ["canceled"])
    assert after["items"][1]["cancel_return_initiator"] == "cancellation-seller"
    assert timer_kinds(sbx, order_id) == []


def test_the_buyer_cancels_within_the_remorse_window_without_approval(api):
    sbx = tiktok_sandbox(api)
    product = ok(sbx.post("/api/v1/products", json={"name": "Lamp", "skus": [
        {"seller_sku": "LAMP-1", "price": "450.00", "stock": 5}]}), 201)
    order = place(sbx, quantity=2, sku_id=product["skus"][0]["sku_id"])
    advance_to(sbx, deadline(order, "on_hold_until") - ONE_SECOND)

    canceled = ok(buyer_cancel(sbx, order["order_id"], {"reason": "Ordered twice"}))

    assert (canceled["platform_status"], canceled["statuses"]) == ("CANCELLED", ["canceled"])
    assert {(item["reason"], item["reason_detail"], item["cancel_return_initiator"])
            for item in canceled["items"]} == {
        ("buyer_remorse", "Ordered twice", "cancellation-customer")}
    sku = ok(sbx.get(f"/api/v1/products/{product['item_id']}"))["skus"][0]
    assert sku["stock"] == 5
    [event] = events(sbx, "order.canceled")
    assert (event["data"]["initiator"], event["data"]["platform_status"]) == (
        "cancellation-customer", "CANCELLED")
    assert timer_kinds(sbx, order["order_id"]) == []


def test_after_the_remorse_window_the_buyer_cannot_cancel_and_nothing_changes(api):
    sbx = tiktok_sandbox(api)
    order = place(sbx)
    advance_to(sbx, deadline(order, "on_hold_until"))

    error = assert_error(buyer_cancel(sbx, order["order_id"]), 409, "invalid_state_transition",
                         field="order_id")

    assert error["details"][0]["current_state"] == "AWAITING_SHIPMENT"
    assert error["details"][0]["statuses"] == ["pending"]
    assert "remorse window" in error["message"] and "request" in error["message"]
    assert order_of(sbx, order["order_id"])["statuses"] == ["pending"]
    assert events(sbx, "order.canceled") == []


def test_buyer_cancel_refuses_another_flow_and_bad_bodies(api):
    lazada = new_sandbox(api)
    order = place(lazada)
    error = assert_error(buyer_cancel(lazada, order["order_id"]), 409, "wrong_order_flow",
                         field="order_id")
    assert "tiktok flow" in error["message"]

    sbx = tiktok_sandbox(api)
    order = place(sbx)
    for body in ({"reason": ""}, {"reason": "x" * 256}, {"reason": 5}):
        assert_error(buyer_cancel(sbx, order["order_id"], body), 400, "validation_failed",
                     field="reason")
    assert_error(buyer_cancel(sbx, 123), 404, "order_not_found")
    assert order_of(sbx, order["order_id"])["statuses"] == ["on_hold"]


def test_the_walk_to_delivery_in_tiktoks_vocabulary(api):
    sbx = tiktok_sandbox(api)
    order = released(sbx, quantity=2)
    order_id = order["order_id"]
    package = ok(sbx.post(f"/api/v1/orders/{order_id}/pack", json={}), 201)
    assert package["shipment_provider"] == "TikTok Shipping Standard"
    assert order_of(sbx, order_id)["platform_status"] == "AWAITING_SHIPMENT"

    readied_order = ok(sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json={}))
    assert readied_order["platform_status"] == "AWAITING_COLLECTION"
    package = package_of(sbx, package["package_id"])
    assert package["first_mile_scan_deadline"] is None  # the collection deadline is the order's
    assert "order.awaiting_collection_deadline" not in timer_kinds(sbx, order_id)

    pickup = due(package, "pickup")
    advance_to(sbx, pickup - ONE_SECOND)
    assert order_of(sbx, order_id)["platform_status"] == "AWAITING_COLLECTION"
    assert events(sbx, "order.collected") == []
    advance_to(sbx, pickup)
    collected = order_of(sbx, order_id)
    assert (collected["platform_status"], collected["statuses"]) == (
        "IN_TRANSIT", ["ready_to_ship"])
    [event] = events(sbx, "order.collected")
    assert (instant(event["occurred_at"]), event["data"]["platform_status"],
            event["data"]["package_id"]) == (pickup, "IN_TRANSIT", package["package_id"])
    assert timer_kinds(sbx, order_id) == ["order.delivery_deadline"]

    attempt = due(package, "delivery_attempt")
    advance_to(sbx, attempt)
    delivered = order_of(sbx, order_id)
    assert (delivered["platform_status"], delivered["statuses"]) == ("DELIVERED", ["delivered"])
    assert deadline(delivered, "after_sales_until") == datetime(2026, 4, 16, 19, tzinfo=ICT)
    assert timer_kinds(sbx, order_id) == ["order.complete"]
    assert milestones(sbx, package["package_id"])[:2] == ["ready_to_ship", "pickup"]
    assert [e["data"]["platform_status"] for e in events(sbx, "order.*")
            if e["type"] != "order.created"] == [
        "AWAITING_SHIPMENT", "AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT",
        "IN_TRANSIT", "DELIVERED"]
    # Settled as on Lazada: the delivered units are owed their price.
    assert len(events(sbx, "settlement.item_settleable")) == 2


def test_an_order_shipped_in_part_is_partially_shipping(api):
    sbx = tiktok_sandbox(api)
    order = released(sbx, quantity=2)
    first, second = (item["order_item_id"] for item in order["items"])

    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={"order_item_ids": [first]}),
       201)
    assert order_of(sbx, order["order_id"])["platform_status"] == "AWAITING_SHIPMENT"
    shipped = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))

    assert shipped["platform_status"] == "PARTIALLY_SHIPPING"
    assert [item["platform_status"] for item in shipped["items"]] == [
        "AWAITING_COLLECTION", "AWAITING_SHIPMENT"]
    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/cancel", json={
        "reason": "out_of_stock", "order_item_ids": [second]}))
    assert order_of(sbx, order["order_id"])["platform_status"] == "AWAITING_COLLECTION"


def test_the_seller_cannot_cancel_or_repack_once_readied(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx)

    error = assert_error(sbx.post(f"/api/v1/orders/{order['order_id']}/cancel",
                                  json={"reason": "out_of_stock"}), 409,
                         "invalid_state_transition")
    assert error["details"][0]["current_state"] == ["ready_to_ship"]
    assert_error(sbx.post(f"/api/v1/packages/{package['package_id']}/repack"), 409,
                 "wrong_order_flow")
    assert order_of(sbx, order["order_id"])["platform_status"] == "AWAITING_COLLECTION"


def test_a_failed_delivery_rides_back_to_the_seller_and_the_order_is_cancelled(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx, buyer={"address1": "9 Sukhumvit FAIL:recipient_absent"})

    # Three attempts on working days (Thursday 9, Friday 10, then Thursday 16 April, after
    # Songkran), then the return leg starts.
    advance_by(sbx, "P15D")

    failed = order_of(sbx, order["order_id"])
    assert (failed["platform_status"], failed["statuses"]) == ("CANCELLED", ["shipped_back"])
    assert failed["deadlines"]["after_sales_until"] is None
    assert len(events(sbx, "delivery.attempt_failed")) == 3
    assert events(sbx, "resale.item_received") == []  # no resale on this profile
    assert sbx.get("/api/v1/resale/items").status_code == 409
    advance_by(sbx, "P30D")
    assert order_of(sbx, order["order_id"])["statuses"] == ["shipped_back_success"]
    assert milestones(sbx, package["package_id"])[-1] == "shipped_back_success"
    assert timer_kinds(sbx, order["order_id"]) == []


@pytest.mark.parametrize(("address", "status", "kind"), [
    ("1 Silom LOSE", "lost_by_3pl", "compensation"),
    ("1 Silom DAMAGE", "damaged_by_3pl", "compensation")])
def test_magic_values_decide_the_attempt_as_on_lazada(api, address, status, kind):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx, price="200.00", buyer={"address1": address})

    advance_to(sbx, due(package, "delivery_attempt"))

    after = order_of(sbx, order["order_id"])
    assert (after["platform_status"], after["statuses"]) == ("CANCELLED", [status])
    [entry] = ledger(sbx, kind=kind)["data"]
    assert (entry["amount"], entry["currency"]) == ("200.00", "THB")


def test_the_carriers_test_helpers_work_as_on_lazada(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx)
    ok(helper(sbx, package["package_id"], "fail_next_attempt", {"reason": "unreachable_phone"}))
    advance_to(sbx, due(package, "delivery_attempt"))
    assert events(sbx, "delivery.attempt_failed")[0]["data"]["reason"] == "unreachable_phone"

    ok(helper(sbx, package["package_id"], "deliver"))

    delivered = order_of(sbx, order["order_id"])
    assert (delivered["platform_status"], delivered["statuses"]) == ("DELIVERED", ["delivered"])
    label = ok(sbx.get(f"/api/v1/packages/{package['package_id']}/label"))
    assert label["tracking_number"] == package["tracking_number"]


def test_a_tiktok_order_takes_no_seller_own_fleet(api):
    sbx = tiktok_sandbox(api)
    response = sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"seller_sku": "NONE", "quantity": 1}], "shipping": "seller_own_fleet"})
    error = assert_error(response, 400, "validation_failed", field="shipping")
    assert "cross_border or local" in error["message"]
    assert ok(sbx.get("/api/v1/orders"))["data"] == []
    seed = sbx.post("/api/v1/test_helpers/seed", json={
        "products": 2, "orders": 2, "shipping": {"local": 1, "seller_own_fleet": 1}})
    assert_error(seed, 400, "validation_failed", field="shipping")
    assert ok(sbx.get("/api/v1/products"))["data"] == []


def test_seeded_orders_walk_to_their_stages(api):
    sbx = tiktok_sandbox(api)

    result = ok(sbx.post("/api/v1/test_helpers/seed", json={
        "products": 5, "buyers": 3, "orders": 12,
        "fulfilment": {"pending": 1, "packed": 1, "ready_to_ship": 1}}), 201)

    orders = ok(sbx.get("/api/v1/orders", query_string={"limit": 100}))["data"]
    by_stage = {stage: [o for o in orders if o["statuses"] == [status]]
                for stage, status in (("pending", "on_hold"), ("packed", "packed"),
                                      ("ready_to_ship", "ready_to_ship"))}
    assert {stage: len(found) for stage, found in by_stage.items()} == result["orders"]["stages"]
    assert {o["platform_status"] for o in by_stage["pending"]} <= {"ON_HOLD"}
    assert {o["platform_status"] for o in by_stage["packed"]} <= {"AWAITING_SHIPMENT"}
    assert {o["platform_status"] for o in by_stage["ready_to_ship"]} <= {"AWAITING_COLLECTION"}
    walked = [e for e in events(sbx, "order.pending") if e["data"]["reason"] == "seeded"]
    assert len(walked) == len(by_stage["packed"]) + len(by_stage["ready_to_ship"])
    error = assert_error(sbx.post("/api/v1/test_helpers/seed", json={
        "orders": 1, "fulfilment": {"accepted": 1}}), 409, "unknown_stage")
    assert error["details"][0]["allowed_stages"] == ["pending", "packed", "ready_to_ship"]


def test_the_order_list_filters_on_tiktok_units_statuses(api):
    sbx = tiktok_sandbox(api)
    held = place(sbx)
    page = ok(sbx.get("/api/v1/orders", query_string={"status": "on_hold"}))
    assert [o["order_id"] for o in page["data"]] == [held["order_id"]]
    assert ok(sbx.get("/api/v1/orders", query_string={"status": "completed"}))["data"] == []


def test_a_tiktok_seller_cannot_mark_a_package_failed_delivery(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx)

    response = sbx.post(f"/api/v1/packages/{package['package_id']}/mark_failed_delivery")

    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "not_on_this_platform"
    [detail] = error["details"]
    assert (detail["current_state"], detail["allowed_platforms"]) == (
        package["status"], ["lazada"])
    assert package_of(sbx, package["package_id"])["seller_marked_failed_at"] is None
    assert events(sbx, "package.seller_marked_failed_delivery") == []
