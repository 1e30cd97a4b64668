"""``POST /test_helpers/seed`` with ``orders``: seeded orders from the listed stock, walked to
their drawn stage by the seller's own services, reproducible from the sandbox seed."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from tests.api.support import assert_error
from tests.orders.support import act, advance, all_orders, events, ok, sandbox, world

SEED = "/api/v1/test_helpers/seed"


def seed(sbx, **body) -> dict:
    return ok(sbx.post(SEED, json=body), 201)


def test_one_call_fills_an_empty_sandbox_with_products_buyers_and_orders(sbx):
    result = seed(sbx, products=20, buyers=5, orders=30)
    assert result["products"]["count"] == 20 and result["buyers"]["count"] == 5
    summary = result["orders"]
    assert (summary["count"], summary["stages"], summary["new_buyers"]) == (30, {"pending": 30}, 0)
    orders = all_orders(sbx, sort_direction="asc")
    assert [o["order_id"] for o in orders] == list(range(summary["first_id"],
                                                         summary["last_id"] + 1))
    buyer_ids = set(range(result["buyers"]["first_id"], result["buyers"]["last_id"] + 1))
    for order in orders:
        assert order["buyer_id"] in buyer_ids
        assert order["statuses"] == ["pending"]
        assert (order["payment_method"], order["shipping_type"]) == ("prepaid", "cross_border")
        assert 1 <= len({item["sku_id"] for item in order["items"]}) <= 3
        assert order["items_count"] == len(order["items"])
        assert order["deadlines"]["rts_deadline"]
    assert len(events(sbx, "order.created")) == 30
    [summary_event] = events(sbx, "orders.seeded")
    assert summary_event["data"] == summary


def test_seeded_orders_take_their_stock(sbx):
    result = seed(sbx, products=10)
    before = {sku["sku_id"]: sku["stock"] for product in ok(sbx.get("/api/v1/products"))["data"]
              for sku in product["skus"]}
    seed(sbx, orders=15)
    units = Counter(item["sku_id"] for order in all_orders(sbx) for item in order["items"])
    after = {sku["sku_id"]: sku["stock"] for product in ok(sbx.get("/api/v1/products"))["data"]
             for sku in product["skus"]}
    assert result["products"]["count"] == 10 and sum(units.values()) >= 15
    assert after == {sku_id: stock - units[sku_id] for sku_id, stock in before.items()}


def test_a_sandbox_without_buyers_gets_one_per_order(sbx):
    seed(sbx, products=5)
    result = seed(sbx, orders=4)
    assert result["orders"]["new_buyers"] == 4
    assert len({order["buyer_id"] for order in all_orders(sbx)}) == 4
    assert len(events(sbx, "buyer.created")) == 4


def test_fulfilment_weights_walk_orders_through_the_sellers_steps(sbx):
    result = seed(sbx, products=30, buyers=10, orders=40,
                  fulfilment={"pending": 1, "packed": 1, "ready_to_ship": 2},
                  payment_methods={"prepaid": 1, "cod": 1}, shipping={"local": 1})
    stages = result["orders"]["stages"]
    assert set(stages) == {"pending", "packed", "ready_to_ship"} and sum(stages.values()) == 40
    orders = all_orders(sbx)
    by_status = Counter(order["statuses"][0] for order in orders)
    assert by_status == Counter(stages)
    assert {order["payment_method"] for order in orders} == {"prepaid", "cod"}
    assert {order["shipping_type"] for order in orders} == {"local"}
    ready = [order for order in orders if order["statuses"] == ["ready_to_ship"]]
    for order in ready:
        [package_id] = order["package_ids"]
        package = ok(sbx.get(f"/api/v1/packages/{package_id}"))
        assert package["status"] == "ready_to_ship" and package["journey"]
    assert len(events(sbx, "order.ready_to_ship")) == stages["ready_to_ship"]


def test_seeded_journeys_run_on_the_clock(sbx):
    seed(sbx, products=20, buyers=5, orders=10, fulfilment={"ready_to_ship": 1})
    advance(sbx, by=timedelta(days=30))
    statuses = Counter(status for order in all_orders(sbx) for status in order["statuses"])
    assert set(statuses) <= {"delivered", "failed_delivery", "shipped_back",
                             "shipped_back_success", "lost_by_3pl", "damaged_by_3pl"}
    assert statuses["delivered"] >= 1


def test_pending_seeded_orders_meet_their_ready_to_ship_deadline(sbx):
    seed(sbx, products=10, buyers=3, orders=5)
    advance(sbx, by=timedelta(days=10))
    assert {status for order in all_orders(sbx) for status in order["statuses"]} == {"canceled"}


def test_semi_hosted_stages(api):
    sbx = sandbox(api, platform="aliexpress", market="MY")
    result = seed(sbx, products=10, buyers=3, orders=12,
                  fulfilment={"pending": 1, "accepted": 1, "packed": 1, "shipped": 1})
    orders = all_orders(sbx)
    assert Counter(order["statuses"][0] for order in orders) == Counter(
        result["orders"]["stages"])
    assert {order["flow"] for order in orders} == {"semi_hosted"}
    shipped = [order for order in orders if order["statuses"] == ["shipped"]]
    assert shipped
    for order in shipped:
        [item] = order["items"][:1]
        assert item["shipment_provider"] in {"Cainiao", "YunExpress", "4PX", "China Post"}
        assert item["tracking_code"][:2] in {"LP", "YT", "4P", "RB"}


def test_a_stage_of_another_flow_is_refused_and_nothing_is_kept(api):
    sbx = sandbox(api, platform="aliexpress", market="MY")
    seed(sbx, products=5)
    before = world(sbx)
    response = sbx.post(SEED, json={"orders": 3, "fulfilment": {"ready_to_ship": 1}})
    body = assert_error(response, 409, "unknown_stage")
    assert body["details"][0]["allowed_stages"] == ["pending", "accepted", "packed", "shipped"]
    assert world(sbx) == before


def test_running_out_of_stock_keeps_nothing(sbx):
    ok(sbx.post("/api/v1/products", json={"name": "Case", "skus": [
        {"seller_sku": "CASE-1", "price": "10.00", "stock": 3}]}), 201)
    before = world(sbx)
    response = sbx.post(SEED, json={"orders": 10})
    body = assert_error(response, 409, "insufficient_stock")
    assert body["details"][0]["requested"] == 10
    assert world(sbx) == before


def test_same_seed_same_orders(api):
    def fill():
        sbx = sandbox(api, seed=42)
        seed(sbx, products=15, buyers=4, orders=20,
             fulfilment={"pending": 1, "ready_to_ship": 1}, payment_methods={"cod": 1,
                                                                             "prepaid": 3})
        advance(sbx, by=timedelta(days=3))
        orders = all_orders(sbx)
        return orders, [(e["type"], e["data"]) for e in events(sbx)]

    assert fill() == fill()


@pytest.mark.parametrize(("body", "field"), [
    ({"orders": -1}, "orders"),
    ({"orders": 10_001}, "orders"),
    ({"orders": "5"}, "orders"),
    ({"orders": 2, "fulfilment": {"delivered": 1}}, "fulfilment"),
    ({"orders": 2, "fulfilment": {"pending": 0}}, "fulfilment"),
    ({"orders": 2, "fulfilment": {"pending": -1}}, "fulfilment"),
    ({"orders": 2, "payment_methods": {"card": 1}}, "payment_methods"),
    ({"orders": 2, "shipping": "local"}, "shipping"),
    ({"products": 2, "fulfilment": {"pending": 1}}, "fulfilment"),
    ({}, "products"),
])
def test_bad_seed_bodies_are_400s_naming_the_field(sbx, body, field):
    seed(sbx, products=3)
    before = world(sbx)
    response = sbx.post(SEED, json=body)
    error = assert_error(response, 400, "validation_failed")
    assert any(d["field"].split(".")[0] == field for d in error["details"]), error
    assert world(sbx) == before


def test_a_fill_walked_in_one_go_is_the_same_as_the_sellers_calls_one_by_one(api):
    """The fill walks its orders with the seller's own steps, in one unit of work and without
    reading anything back: the orders, packages, timers, ledger and events (but the fill's own
    summary) are those of placing the same orders and taking each step by its own call."""
    def world_without_summary(sbx) -> dict:
        state = world(sbx)
        state["events"] = [(e["type"], e["subject"], e["data"]) for e in state["events"]
                           if e["type"] != "orders.seeded"]
        return state

    walked = sandbox(api, seed=7)
    seed(walked, products=10, buyers=3)
    summary = seed(walked, orders=12, fulfilment={"ready_to_ship": 1})["orders"]
    by_calls = sandbox(api, seed=7)
    seed(by_calls, products=10, buyers=3)
    assert seed(by_calls, orders=12)["orders"]["first_id"] == summary["first_id"]
    for order_id in range(summary["first_id"], summary["last_id"] + 1):
        ok(act(by_calls, order_id, "pack"), 201)
        ok(act(by_calls, order_id, "ready_to_ship"))

    assert world_without_summary(walked) == world_without_summary(by_calls)
    advance(walked, by=timedelta(days=12))
    advance(by_calls, by=timedelta(days=12))
    assert world_without_summary(walked) == world_without_summary(by_calls)
