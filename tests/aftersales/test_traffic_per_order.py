"""After-sales traffic is drawn once per order, not once per package: an order shipped in two
packages opens one request, for all its delivered units, when its last package is delivered
(aftersales/buyer.py); a replacement order opens none."""

from __future__ import annotations

from datetime import timedelta

from tests.aftersales.support import (
    REQUESTS,
    act,
    advance_by,
    advance_to,
    awaiting_shipment,
    events,
    instant,
    ok,
    open_request,
    tiktok,
)

ALL_RESHIPMENTS = {"rate": 1, "type_weights": {"refund_only": 0, "return_and_refund": 0,
                                               "reshipment": 1}}


def _sandbox(api):
    return tiktok(api, policy_overrides={"aftersales.request_rate": ALL_RESHIPMENTS})


def _requests(sbx) -> list[dict]:
    return ok(sbx.get(REQUESTS, query_string={"limit": 100}))["data"]


def _ship_one(sbx, order: dict, item: dict) -> dict:
    """One unit packed into its own package and readied: the package."""
    order_id = order["order_id"]
    package = ok(sbx.post(f"/api/v1/orders/{order_id}/pack", json={
        "order_item_ids": [item["order_item_id"]]}), 201)
    ok(sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json={
        "package_ids": [package["package_id"]]}))
    return package


def _deliver(sbx, package: dict) -> None:
    ok(sbx.post(f"/api/v1/test_helpers/packages/{package['package_id']}/deliver"))


def _timers(sbx) -> list[dict]:
    return [t for t in ok(sbx.get(f"{sbx.base}/timers"))["data"]
            if t["kind"] == "aftersales.buyer_request"]


def test_a_two_package_order_draws_once_at_its_last_delivery_for_all_its_units(api):
    sbx = _sandbox(api)
    order = awaiting_shipment(sbx, quantity=2)
    first, second = order["items"]
    _deliver(sbx, _ship_one(sbx, order, first))
    # The second unit is not even packed yet: nothing is drawn for the first parcel alone.
    assert _timers(sbx) == []
    advance_by(sbx, "P1D")
    assert _requests(sbx) == []
    _deliver(sbx, _ship_one(sbx, order, second))
    [timer] = _timers(sbx)
    last = max(instant(e["occurred_at"]) for e in events(sbx, "order.delivered"))
    assert instant(timer["due_at"]) == last + timedelta(hours=1)
    advance_by(sbx, "P1D")
    [request] = _requests(sbx)
    assert request["type"] == "reshipment"
    assert sorted(request["order_item_ids"]) == sorted(
        item["order_item_id"] for item in order["items"])
    assert events(sbx, "aftersales.request_skipped") == []


def test_the_same_seed_draws_the_same_requests_for_multi_package_orders(api):
    def run():
        sbx = tiktok(api, policy_overrides={"aftersales.request_rate": {"rate": 0.5}})
        for _ in range(6):
            order = awaiting_shipment(sbx, quantity=2)
            for item in order["items"]:
                _deliver(sbx, _ship_one(sbx, order, item))
        advance_by(sbx, "PT1H")
        found = _requests(sbx)
        assert all(len(r["order_item_ids"]) == 2 for r in found)
        return [(r["order_id"], r["type"], r["reason"]) for r in found]

    first = run()
    assert first == run()
    assert 0 < len(first) < 6


def test_a_replacement_order_opens_no_request_of_its_own(api):
    sbx = tiktok(api, policy_overrides={"aftersales.request_rate": {"rate": 1}})
    order = awaiting_shipment(sbx)
    _deliver(sbx, _ship_one(sbx, order, order["items"][0]))
    mine = open_request(sbx, "reshipment", order, "missing_items")
    advance_by(sbx, "PT1H")  # the drawn request finds the units taken: skipped
    assert [s["data"]["order_id"] for s in events(sbx, "aftersales.request_skipped")] == [
        order["order_id"]]
    act(sbx, mine, "approve")
    shipped = act(sbx, mine, "ship_reshipment")
    _deliver(sbx, shipped["reshipment"])
    assert ok(sbx.get(f"{REQUESTS}/{mine['aftersales_id']}"))["state"] == "delivered"
    assert _timers(sbx) == []
    advance_to(sbx, instant(shipped["updated_at"]) + timedelta(days=1))
    assert [r["aftersales_id"] for r in _requests(sbx)] == [mine["aftersales_id"]]
