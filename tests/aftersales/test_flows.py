"""The after-sales flows on a TikTok Shop sandbox, each timed rule at its boundary: one second
before nothing has happened, at the deadline the effect and its event."""

from __future__ import annotations

from tests.aftersales.support import (
    ONE_SECOND,
    REQUESTS,
    act,
    advance_to,
    awaiting_shipment,
    deadline,
    delivered,
    events,
    get,
    helper,
    of_request,
    ok,
    open_request,
    order_of,
    refunds,
    tiktok,
)


def test_an_unanswered_cancellation_request_is_approved_at_48_hours(api):
    sbx = tiktok(api)
    order = awaiting_shipment(sbx, quantity=2)
    request = open_request(sbx, "cancellation", order, "no_longer_needed")
    assert (request["state"], request["platform_status"]) == (
        "requested", "CANCELLATION_REQUEST_PENDING")
    assert request["seller_next_action"] == "SELLER_RESPOND_CANCEL"
    assert request["deadline_policy"] == "cancellation.seller_response"
    assert request["allowed_actions"] == ["approve", "reject"]

    advance_to(sbx, deadline(request) - ONE_SECOND)
    assert get(sbx, request)["state"] == "requested"
    assert of_request(sbx, "aftersales.auto_approve", request) == []

    advance_to(sbx, deadline(request))
    done = get(sbx, request)
    assert (done["state"], done["platform_status"]) == ("refunded",
                                                        "CANCELLATION_REQUEST_COMPLETE")
    [event] = of_request(sbx, "aftersales.auto_approve", request)
    assert event["data"]["policy_key"] == "cancellation.seller_response"
    assert {item["status"] for item in order_of(sbx, order["order_id"])["items"]} == {"canceled"}
    [entry] = refunds(sbx, request)
    assert entry["amount"] == "-60.00" and entry["direction"] == "debit"


def test_a_rejected_cancellation_is_closed_and_a_closed_request_refuses_actions(api):
    sbx = tiktok(api)
    request = open_request(sbx, "cancellation", awaiting_shipment(sbx), "no_longer_needed")
    bad = act(sbx, request, "reject", 400, reason="item_as_described")
    assert bad["error"]["code"] == "unknown_reason"
    rejected = act(sbx, request, "reject", reason="seller_reject_apply_product_has_been_packed")
    assert rejected["state"] == "rejected" and rejected["deadline_at"] is None
    conflict = act(sbx, request, "approve", 409)["error"]
    assert "(closed)" in conflict["message"] and "rejected" in conflict["message"]
    assert conflict["details"][0]["allowed_actions"] == []


def test_a_refund_only_request_is_approved_at_the_seller_response_deadline(api):
    sbx = tiktok(api)
    order = delivered(sbx)
    request = open_request(sbx, "refund_only", order, "damaged_item",
                           evidence={"text": "cracked", "urls": ["https://img.example/1.jpg"]})
    assert request["deadline_policy"] == "return.seller_response"
    advance_to(sbx, deadline(request) - ONE_SECOND)
    assert get(sbx, request)["state"] == "requested"
    advance_to(sbx, deadline(request))
    assert get(sbx, request)["refunded"] == {"amount": "30.00", "currency": "MYR"}
    assert len(of_request(sbx, "aftersales.auto_approve", request)) == 1


def test_a_partial_refund_rejected_gives_the_seller_a_fresh_window(api):
    sbx = tiktok(api)
    request = open_request(sbx, "refund_only", delivered(sbx), "not_as_described")
    too_much = act(sbx, request, "offer_partial_refund", 400, amount="30.00", currency="MYR")
    assert too_much["error"]["details"][0]["field"] == "amount"
    other = act(sbx, request, "offer_partial_refund", 400, amount="5.00", currency="SGD")
    assert other["error"]["details"][0]["field"] == "currency"
    offered = act(sbx, request, "offer_partial_refund", amount="10.00", currency="MYR")
    assert (offered["state"], offered["platform_status"]) == (
        "partial_refund_offered", "AWAITING_BUYER_RESPONSE")
    assert offered["seller_next_action"] is None
    back = helper(sbx, request, "reject_partial_refund")
    assert back["state"] == "requested" and back["buyer_rejected_partial_refund"]
    assert deadline(back) > deadline(offered) - ONE_SECOND  # counted from the rejection
    advance_to(sbx, deadline(back) - ONE_SECOND)
    assert get(sbx, request)["state"] == "requested"
    advance_to(sbx, deadline(back))
    assert get(sbx, request)["state"] == "refunded"


def test_an_unanswered_partial_refund_lapses_at_one_day_and_an_accepted_one_refunds_it(api):
    sbx = tiktok(api)
    request = open_request(sbx, "refund_only", delivered(sbx, quantity=2), "missing_items")
    offered = act(sbx, request, "offer_partial_refund", amount="12.50", currency="MYR")
    advance_to(sbx, deadline(offered) - ONE_SECOND)
    assert get(sbx, request)["state"] == "partial_refund_offered"
    advance_to(sbx, deadline(offered))
    lapsed = get(sbx, request)
    assert lapsed["state"] == "requested"
    assert len(of_request(sbx, "aftersales.partial_refund_lapsed", request)) == 1
    act(sbx, request, "offer_partial_refund", amount="12.50", currency="MYR")
    accepted = helper(sbx, request, "accept_partial_refund")
    assert accepted["refunded"]["amount"] == "12.50"
    assert [e["amount"] for e in refunds(sbx, request)] == ["-12.50"]


def test_units_named_by_sku_and_quantity_above_what_was_bought_are_a_400(api):
    sbx = tiktok(api)
    order = delivered(sbx, quantity=2)
    sku_id, seller_sku = order["items"][0]["sku_id"], order["items"][0]["seller_sku"]
    for line, field in (({"sku_id": sku_id, "quantity": 3}, "items.0.quantity"),
                        ({"seller_sku": seller_sku, "quantity": 5}, "items.0.quantity")):
        refused = open_request(sbx, "refund_only", order, "wrong_item", 400,
                               items=[line])["error"]
        assert refused["code"] == "validation_failed"
        [detail] = refused["details"]
        assert (detail["field"], detail["bought_quantity"]) == (field, 2)
        assert "bought 2 units" in detail["message"]
    stranger = open_request(sbx, "refund_only", order, "wrong_item", 400,
                            items=[{"sku_id": 1, "quantity": 1}])["error"]["details"][0]
    assert (stranger["field"], stranger["bought_quantity"]) == ("items.0.sku_id", 0)
    both = open_request(sbx, "refund_only", order, "wrong_item", 400, items=[
        {"sku_id": sku_id}], order_item_ids=[order["items"][0]["order_item_id"]])["error"]
    assert both["details"][0]["field"] == "items"
    assert ok(sbx.get(REQUESTS))["data"] == []
    assert events(sbx, "aftersales.requested") == []
    # Within what was bought: the first units free of another request, one at a time.
    first = open_request(sbx, "refund_only", order, "wrong_item",
                         items=[{"sku_id": sku_id, "quantity": 1}])
    second = open_request(sbx, "refund_only", order, "wrong_item",
                          items=[{"seller_sku": seller_sku}])
    assert first["order_item_ids"] + second["order_item_ids"] == [
        item["order_item_id"] for item in order["items"]]
