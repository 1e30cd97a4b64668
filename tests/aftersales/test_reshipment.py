"""Reshipment requests (seed 001) through the native API: the seller's 2 calendar days, the
buyer's day on a partial refund and the fresh window after it, the full refund proposed instead
(approved at once), the 2-working-day ship deadline across a weekend and Malaysia's National
Day, the reshipment's package, its fee and its delivery."""

from __future__ import annotations

from datetime import timedelta

from tests.aftersales.support import (
    ONE_SECOND,
    act,
    advance_by,
    advance_to,
    deadline,
    delivered,
    get,
    helper,
    instant,
    of_request,
    ok,
    open_request,
    order_of,
    refunds,
    tiktok,
)

# A Tuesday in Malaysia: the orders are delivered by the Friday before National Day (Monday
# 31 August 2026, a public holiday in the holidays package's MY table).
START = "2026-08-18T10:00:00+08:00"
FRIDAY = instant("2026-08-28T10:00:00+08:00")
# Two working days after Friday 10:00: not Saturday, Sunday or Monday (National Day), so
# Tuesday 1 September and Wednesday 2 September, at the approval's local time.
SHIP_DEADLINE = instant("2026-09-02T10:00:00+08:00")


def sandbox(api):
    return tiktok(api, start_at=START)


def reshipment(sbx, order: dict, reason: str = "missing_items", status: int = 201,
               **body) -> dict:
    return open_request(sbx, "reshipment", order, reason, status, **body)


def ledger(sbx, kind: str, request: dict) -> list[dict]:
    return [entry for entry in ok(sbx.get("/api/v1/ledger", query_string={
        "kind": kind, "limit": 100}))["data"]
        if entry["subject"] == f"aftersales_request:{request['aftersales_id']}"]


def test_an_unanswered_reshipment_is_approved_when_the_seller_window_ends(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx))
    assert request["platform_type"] == "REPLACEMENT"
    assert request["platform_status"] == "REPLACEMENT_REQUEST_PENDING"
    assert request["seller_next_action"] == "SELLER_RESPOND_REPLACEMENT"
    assert request["deadline_policy"] == "reshipment.seller_response"
    assert deadline(request) == instant(request["created_at"]) + timedelta(days=2)
    assert request["allowed_actions"] == ["approve", "propose_refund", "reject",
                                          "offer_partial_refund"]
    advance_to(sbx, deadline(request) - ONE_SECOND)
    assert get(sbx, request)["state"] == "requested"
    assert of_request(sbx, "aftersales.auto_approve", request) == []
    advance_to(sbx, deadline(request))
    approved = get(sbx, request)
    assert approved["state"] == "approved"
    assert approved["platform_status"] == "REPLACEMENT_REQUEST_COMPLETE"
    assert approved["deadline_policy"] == "reshipment.ship_deadline"
    assert approved["seller_next_action"] == "SELLER_SHIP_RESHIPMENT"
    [event] = of_request(sbx, "aftersales.auto_approve", request)
    assert event["data"]["policy_key"] == "reshipment.seller_response"
    assert instant(event["occurred_at"]) == deadline(request)


def test_an_unanswered_partial_refund_sends_the_request_back_with_a_fresh_seller_window(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx), "broken_or_unusable")
    offered = act(sbx, request, "offer_partial_refund", amount="10.00", currency="MYR")
    assert offered["state"] == "partial_refund_offered"
    assert offered["platform_status"] == "AWAITING_BUYER_RESPONSE"
    assert offered["deadline_policy"] == "reshipment.partial_refund_response"
    lapses = deadline(offered)
    assert lapses == instant(offered["updated_at"]) + timedelta(days=1)
    advance_to(sbx, lapses - ONE_SECOND)
    assert get(sbx, request)["state"] == "partial_refund_offered"
    assert of_request(sbx, "aftersales.partial_refund_lapsed", request) == []
    advance_to(sbx, lapses)
    back = get(sbx, request)
    assert back["state"] == "requested" and back["buyer_rejected_partial_refund"] is True
    assert back["deadline_policy"] == "reshipment.seller_response"
    assert deadline(back) == lapses + timedelta(days=2)
    [event] = of_request(sbx, "aftersales.partial_refund_lapsed", request)
    assert event["data"]["policy_key"] == "reshipment.partial_refund_response"
    assert refunds(sbx, request) == []


def test_an_accepted_partial_refund_refunds_that_amount(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx))
    act(sbx, request, "offer_partial_refund", amount="10.00", currency="MYR")
    done = helper(sbx, request, "accept_partial_refund")
    assert done["state"] == "refunded"
    assert done["platform_status"] == "REPLACEMENT_REQUEST_REFUND_SUCCESS"
    assert done["refunded"] == {"amount": "10.00", "currency": "MYR"}
    [entry] = refunds(sbx, request)
    assert entry["amount"] == "-10.00"  # a debit to the seller


def test_a_full_refund_proposed_instead_is_approved_at_once(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx))
    done = act(sbx, request, "propose_refund")
    assert done["state"] == "refunded" and done["closed_at"] is not None
    assert done["platform_status"] == "REPLACEMENT_REQUEST_REFUND_SUCCESS"
    assert done["refunded"] == request["requested_refund"]
    assert done["deadline_at"] is None and done["seller_next_action"] is None
    [entry] = refunds(sbx, request)
    assert entry["amount"] == f"-{request['requested_refund']['amount']}"
    assert entry["policy_key"] == "reshipment.alternative_more_favourable"
    [event] = of_request(sbx, "aftersales.propose_refund", request)
    assert event["data"]["role"] == "SELLER" and event["data"]["state"] == "refunded"


def test_the_ship_deadline_counts_working_days_past_a_weekend_and_a_public_holiday(api):
    sbx = sandbox(api)
    order = delivered(sbx, quantity=2)
    advance_to(sbx, FRIDAY)
    shipped, unshipped = (reshipment(sbx, order, order_item_ids=[item["order_item_id"]])
                          for item in order["items"])
    for request in (shipped, unshipped):
        approved = act(sbx, request, "approve")
        assert approved["state"] == "approved" and deadline(approved) == SHIP_DEADLINE
    advance_to(sbx, SHIP_DEADLINE - ONE_SECOND)
    assert act(sbx, shipped, "ship_reshipment")["state"] == "reshipped"
    assert get(sbx, unshipped)["state"] == "approved"
    assert order_of(sbx, get(sbx, unshipped)["replacement_order_id"])["statuses"] == ["pending"]
    assert of_request(sbx, "aftersales.convert_to_refund", unshipped) == []
    assert refunds(sbx, unshipped) == []
    advance_to(sbx, SHIP_DEADLINE)
    converted = get(sbx, unshipped)
    assert converted["state"] == "refunded"
    assert converted["platform_status"] == "REPLACEMENT_REQUEST_REFUND_SUCCESS"
    assert converted["refunded"] == unshipped["requested_refund"]
    [event] = of_request(sbx, "aftersales.convert_to_refund", unshipped)
    assert event["data"]["policy_key"] == "reshipment.ship_deadline"
    assert event["data"]["charged_to"] == "seller"
    assert "not shipped" in event["data"]["conversion_reason"]
    [entry] = refunds(sbx, unshipped)
    assert entry["amount"] == f"-{unshipped['requested_refund']['amount']}"
    assert converted["timeline"][-1]["step"] == "convert_to_refund"
    assert get(sbx, shipped)["state"] == "reshipped"
    # The replacement never shipped is canceled by the platform, at the deadline.
    gone = order_of(sbx, converted["replacement_order_id"])
    assert (gone["platform_status"], gone["items"][0]["reason"]) == (
        "CANCELLED", "reshipment_not_shipped")
    assert gone["items"][0]["cancel_return_initiator"] == "cancellation-internal"
    assert event["data"]["canceled_order_item_ids"] == [gone["items"][0]["order_item_id"]]
    assert order_of(sbx, get(sbx, shipped)["replacement_order_id"])["platform_status"] == \
        "AWAITING_COLLECTION"


def settled(sbx, order: dict) -> list[dict]:
    """The settlement entries paying the order's units."""
    subjects = {f"order_item:{item['order_item_id']}" for item in order["items"]}
    return [entry for entry in ok(sbx.get("/api/v1/ledger", query_string={
        "kind": "settlement", "limit": 100}))["data"] if entry["subject"] in subjects]


def test_approval_makes_a_free_replacement_order_of_the_units_asked_about(api):
    sbx = sandbox(api)
    order = delivered(sbx, quantity=2)
    first = order["items"][0]
    request = reshipment(sbx, order, order_item_ids=[first["order_item_id"]])
    approved = act(sbx, request, "approve")
    replacement = order_of(sbx, approved["replacement_order_id"])
    assert (replacement["is_replacement_order"], replacement["replaced_order_id"]) == (
        True, order["order_id"])
    assert order_of(sbx, order["order_id"])["is_replacement_order"] is False
    [unit] = replacement["items"]
    assert (unit["sku_id"], unit["paid_price"], unit["stock_source"]) == (
        first["sku_id"], "0.00", "reshipment")
    assert (replacement["price"], replacement["platform_status"], replacement["statuses"]) == (
        "0.00", "AWAITING_SHIPMENT", ["pending"])
    assert replacement["address_shipping"] == order["address_shipping"]
    assert replacement["shipping_type"] == order["shipping_type"]
    # Its one deadline is the reshipment's: no remorse hour, no order deadline timer.
    shown = replacement["deadlines"]
    assert instant(shown["shipping_due_time"]) == deadline(approved)
    assert shown["on_hold_until"] is None and shown["collection_due_time"] is None
    timers = ok(sbx.get(f"{sbx.base}/timers"))["data"]
    assert not [t for t in timers if t["subject"] == f"order:{replacement['order_id']}"]
    listed = ok(sbx.get("/api/v1/orders", query_string={"limit": 100}))["data"]
    assert replacement["order_id"] in [o["order_id"] for o in listed]
    [event] = of_request(sbx, "aftersales.approve", request)
    assert event["data"]["replacement_order_id"] == replacement["order_id"]


def test_the_replacement_ships_with_the_original_option_at_the_sellers_cost(api):
    sbx = sandbox(api)
    order = delivered(sbx)
    original = order_of(sbx, order["order_id"])
    request = reshipment(sbx, order)
    act(sbx, request, "approve")
    shipped = act(sbx, request, "ship_reshipment")
    parcel = shipped["reshipment"]
    assert shipped["state"] == "reshipped" and shipped["deadline_at"] is None
    assert parcel["status"] == "ready_to_ship" and parcel["tracking_number"]
    assert parcel["shipment_provider"] == original["items"][0]["shipment_provider"]
    replacement = order_of(sbx, shipped["replacement_order_id"])
    assert replacement["package_ids"] == [parcel["package_id"]]
    assert replacement["platform_status"] == "AWAITING_COLLECTION"
    [fee] = ledger(sbx, "shipping_fee", request)
    assert fee["policy_key"] == "reshipment.shipping"
    assert fee["details"]["package_id"] == parcel["package_id"]
    assert fee["amount"] == f"-{parcel['shipping_fee']['amount']}"  # a debit to the seller
    assert fee["currency"] == parcel["shipping_fee"]["currency"]
    # The original order and its packages are as they were.
    assert order_of(sbx, order["order_id"])["package_ids"] == original["package_ids"]

    due = instant(parcel["delivery_due_at"])
    advance_to(sbx, due - ONE_SECOND)
    assert get(sbx, request)["state"] == "reshipped"
    advance_to(sbx, due)
    done = get(sbx, request)
    assert done["state"] == "delivered"
    assert done["reshipment"]["status"] == "delivered"
    assert instant(done["reshipment"]["delivered_at"]) == due
    [event] = of_request(sbx, "aftersales.deliver_reshipment", request)
    assert event["data"]["by"] == "carrier" and instant(event["occurred_at"]) == due
    # "Check Logistics": the package's whole journey, as any order's package.
    tracked = ok(sbx.get(f"/api/v1/tracking/{parcel['tracking_number']}"))
    assert [e["milestone"] for e in tracked["events"]] == [
        "ready_to_ship", "pickup", "origin_sorting_scan", "destination_arrival",
        "last_mile_hub", "out_for_delivery", "delivered"]
    assert order_of(sbx, replacement["order_id"])["platform_status"] == "DELIVERED"
    assert refunds(sbx, request) == []
    # Not a sale: the original's unit is paid by settlement, the free one never.
    advance_by(sbx, "P21D")
    assert settled(sbx, original) and settled(sbx, replacement) == []
    assert len(ledger(sbx, "shipping_fee", request)) == 1


def test_the_carrier_helper_delivers_the_reshipment_now(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx))
    act(sbx, request, "approve")
    act(sbx, request, "ship_reshipment")
    done = helper(sbx, request, "deliver_reshipment")
    assert done["state"] == "delivered" and done["closed_at"] is not None
    assert done["platform_status"] == "REPLACEMENT_REQUEST_COMPLETE"
    assert helper(sbx, request, "deliver_reshipment", 409)["error"]["details"][0][
        "current_state"] == "delivered"


def test_illegal_reshipment_actions_and_bad_reasons(api):
    sbx = sandbox(api)
    order = delivered(sbx)
    refused = reshipment(sbx, order, "damaged_item", 400)["error"]
    assert refused["code"] == "unknown_reason"
    assert refused["details"][0]["allowed_values"] == ["missing_items", "broken_or_unusable"]
    request = reshipment(sbx, order)
    conflict = act(sbx, request, "ship_reshipment", 409)["error"]["details"][0]
    assert conflict["current_state"] == "requested"
    assert "ship_reshipment" not in conflict["allowed_actions"]
    assert "approve" in conflict["allowed_actions"]
    rejected = act(sbx, request, "reject", reason="insufficient_evidence")
    assert rejected["state"] == "rejected"
    assert rejected["platform_status"] == "REPLACEMENT_REQUEST_REJECT"
    assert act(sbx, request, "propose_refund", 409)["error"]["details"][0][
        "allowed_actions"] == []
    assert refunds(sbx, request) == []


def test_readying_the_replacement_through_the_orders_api_ships_the_reshipment(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx))
    replacement_id = act(sbx, request, "approve")["replacement_order_id"]
    package = ok(sbx.post(f"/api/v1/orders/{replacement_id}/pack", json={}), 201)
    assert get(sbx, request)["state"] == "approved"  # packed is not shipped yet
    ok(sbx.post(f"/api/v1/orders/{replacement_id}/ready_to_ship", json={}))
    shipped = get(sbx, request)
    assert shipped["state"] == "reshipped"
    assert shipped["reshipment"]["package_id"] == package["package_id"]
    assert len(ledger(sbx, "shipping_fee", request)) == 1
    assert act(sbx, request, "ship_reshipment", 409)["error"]["details"][0][
        "current_state"] == "reshipped"


def test_a_replacement_the_carrier_loses_ends_the_request_and_frees_the_units(api):
    sbx = sandbox(api)
    order = delivered(sbx)
    request = reshipment(sbx, order)
    act(sbx, request, "approve")
    package_id = act(sbx, request, "ship_reshipment")["reshipment"]["package_id"]

    ok(sbx.post(f"/api/v1/test_helpers/packages/{package_id}/lose"))

    failed = get(sbx, request)
    assert (failed["state"], failed["platform_status"]) == (
        "reshipment_failed", "REPLACEMENT_REQUEST_COMPLETE")
    assert failed["closed_at"] is not None and failed["allowed_actions"] == []
    [event] = of_request(sbx, "aftersales.fail_reshipment", request)
    assert (event["data"]["failure"], event["data"]["package_id"]) == ("lost_by_3pl", package_id)
    # The buyer never got the item: the units may be asked about again.
    again = reshipment(sbx, order)
    assert again["state"] == "requested"


def test_a_replacement_that_fails_delivery_ends_the_request(api):
    sbx = sandbox(api)
    request = reshipment(sbx, delivered(sbx))
    act(sbx, request, "approve")
    package_id = act(sbx, request, "ship_reshipment")["reshipment"]["package_id"]
    for _ in range(3):  # delivery.max_attempts
        ok(sbx.post(f"/api/v1/test_helpers/packages/{package_id}/fail_next_attempt",
                    json={"reason": "recipient_absent"}))
    advance_by(sbx, "P40D")

    failed = get(sbx, request)
    assert failed["state"] == "reshipment_failed"
    [event] = of_request(sbx, "aftersales.fail_reshipment", request)
    assert (event["data"]["failure"], event["data"]["reason"]) == (
        "failed_delivery", "recipient_absent")
