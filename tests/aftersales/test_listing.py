"""The seller's list of after-sales requests (each filter, the cursor) and the cancellation
request's bounds: refused during the remorse hour (the buyer cancels directly then) and once
the order has left the seller."""

from __future__ import annotations

from tests.aftersales.support import (
    REQUESTS,
    act,
    awaiting_shipment,
    deadline,
    delivered,
    events,
    ok,
    open_request,
    placed,
    tiktok,
)


def ids(sbx, **query) -> list[int]:
    return [r["aftersales_id"] for r in ok(sbx.get(REQUESTS, query_string=query))["data"]]


def three_requests(sbx) -> tuple[dict, dict, dict]:
    """A refund only on offer to the buyer, an approved return waiting for the buyer's parcel
    (neither waits for the seller), and a cancellation the seller must answer; opened in that
    order."""
    order = delivered(sbx, quantity=2)
    first, second = (item["order_item_id"] for item in order["items"])
    refund = open_request(sbx, "refund_only", order, "missing_items", order_item_ids=[first])
    refund = act(sbx, refund, "offer_partial_refund", amount="5.00", currency="MYR")
    ret = open_request(sbx, "return_and_refund", order, "wrong_item", order_item_ids=[second])
    ret = act(sbx, ret, "approve")
    cancel = open_request(sbx, "cancellation", awaiting_shipment(sbx), "change_of_address")
    return refund, ret, cancel


def test_the_list_filters_by_type_state_order_awaiting_seller_and_deadline(api):
    sbx = tiktok(api)
    refund, ret, cancel = three_requests(sbx)
    every = [refund["aftersales_id"], ret["aftersales_id"], cancel["aftersales_id"]]
    assert ids(sbx) == every  # in the order they were opened

    assert ids(sbx, type="cancellation") == [cancel["aftersales_id"]]
    assert ids(sbx, type="refund_only,return_and_refund") == every[:2]
    assert ids(sbx, state="awaiting_buyer_ship") == [ret["aftersales_id"]]
    assert ids(sbx, state=["requested", "partial_refund_offered"]) == [
        refund["aftersales_id"], cancel["aftersales_id"]]
    assert ids(sbx, order_id=refund["order_id"]) == every[:2]
    assert ids(sbx, order_id=cancel["order_id"], type="refund_only") == []
    assert ids(sbx, awaiting_seller="true") == [cancel["aftersales_id"]]
    assert ids(sbx, awaiting_seller="false") == every[:2]

    # Deadlines: the offer lapses after 1 day, the cancellation after 48 h, the ship-back 5 d.
    assert deadline(refund) < deadline(cancel) < deadline(ret)
    assert ids(sbx, deadline_before=deadline(cancel).isoformat()) == [refund["aftersales_id"]]
    assert ids(sbx, deadline_before=deadline(ret).isoformat()) == [
        refund["aftersales_id"], cancel["aftersales_id"]]
    act(sbx, cancel, "reject", reason="seller_reject_apply_buyer_agreed_to_keep")
    # A closed request has no deadline: never "before" any instant.
    assert ids(sbx, deadline_before="2100-01-01T00:00:00Z") == every[:2]
    assert ids(sbx, awaiting_seller="true") == []


def test_the_cursor_walks_every_request_once(api):
    sbx = tiktok(api)
    every = [r["aftersales_id"] for r in three_requests(sbx)]
    seen, cursor = [], None
    for _ in range(5):
        page = ok(sbx.get(REQUESTS, query_string={"limit": 2, **(
            {"after": cursor} if cursor else {})}))
        seen += [r["aftersales_id"] for r in page["data"]]
        cursor = page["next_cursor"]
        assert page["has_more"] == (cursor is not None)
        if cursor is None:
            break
    assert seen == every
    assert ok(sbx.get(REQUESTS, query_string={"after": every[-1]}))["data"] == []


def test_bad_list_filters_are_400s_naming_the_field(api):
    sbx = tiktok(api)
    for query, field in (({"type": "exchange"}, "type"), ({"state": "open"}, "state"),
                         ({"deadline_before": "tomorrow"}, "deadline_before"),
                         ({"after": "abc"}, "after"), ({"limit": 0}, "limit")):
        error = ok(sbx.get(REQUESTS, query_string=query), 400)["error"]
        # a list filter names the value's place: type.0 is the first type given
        assert {d["field"].split(".")[0] for d in error["details"]} == {field}, query


def test_a_cancellation_request_is_refused_during_the_remorse_hour(api):
    sbx = tiktok(api)
    order = placed(sbx)
    refused = open_request(sbx, "cancellation", order, "no_longer_needed", 409)["error"]
    assert refused["code"] == "items_not_eligible"
    assert "order.remorse_window" in refused["message"]
    assert refused["details"][0]["current_state"] == ["on_hold"]
    assert ids(sbx) == [] and events(sbx, "aftersales.requested") == []


def test_a_cancellation_request_is_refused_once_the_order_is_readied_or_delivered(api):
    sbx = tiktok(api)
    gone = delivered(sbx)
    readied = awaiting_shipment(sbx)
    ok(sbx.post(f"/api/v1/orders/{readied['order_id']}/pack", json={}), 201)
    ok(sbx.post(f"/api/v1/orders/{readied['order_id']}/ready_to_ship", json={}))
    for order, status in ((readied, "ready_to_ship"), (gone, "delivered")):
        refused = open_request(sbx, "cancellation", order, "shipping_too_slow", 409)["error"]
        assert refused["code"] == "items_not_eligible", status
        assert refused["details"][0]["current_state"] == [status]
        assert "not shipped yet" in refused["message"]
    assert ids(sbx) == []
    assert ok(sbx.get(f"/api/v1/orders/{readied['order_id']}"))["items"][0]["status"] == \
        "ready_to_ship"
