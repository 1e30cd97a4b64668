"""``POST /test_helpers/seed`` with ``placed_over``: the orders are drawn at once but each is
placed by a ``seed.place_order`` timer at an instant drawn from the seed, taking the SKU's
listed resale stock first, then walked to its stage by the seller's own services."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from tests.api.support import assert_error
from tests.logistics.support import NO_JITTER
from tests.orders.support import ONE_SECOND, advance, all_orders, events, now, ok, sandbox, world
from tests.resale.support import fail, until

SEED = "/api/v1/test_helpers/seed"
PLACE_TIMER = "seed.place_order"


def seed(sbx, **body) -> dict:
    return ok(sbx.post(SEED, json=body), 201)


def datetime_of(text: str) -> datetime:
    return datetime.fromisoformat(text)


def placements(sbx) -> list[dict]:
    return ok(sbx.get(f"{sbx.base}/timers", query_string={"kind": PLACE_TIMER,
                                                          "limit": 100}))["data"]


def test_orders_wait_for_their_drawn_instants_and_take_no_stock_before(sbx):
    start = now(sbx)
    seed(sbx, products=10, buyers=5)
    stock = ok(sbx.get("/api/v1/products"))["data"]

    result = seed(sbx, orders=12, placed_over="P2D", fulfilment={"pending": 1, "packed": 1,
                                                                 "ready_to_ship": 1})

    summary = result["orders"]
    assert (summary["count"], summary["first_id"], summary["last_id"], summary["new_buyers"],
            summary["placed_over"]) == (12, None, None, 0, "P2D")
    assert sum(summary["stages"].values()) == 12
    first, last = (datetime_of(summary[name]) for name in ("first_placed_at", "last_placed_at"))
    assert start <= first <= last <= start + timedelta(days=2)
    assert all_orders(sbx) == [] and ok(sbx.get("/api/v1/products"))["data"] == stock
    [seeded] = events(sbx, "orders.seeded")[-1:]
    assert seeded["data"] == summary
    timers = placements(sbx)
    assert len(timers) == 12 and datetime_of(timers[0]["due_at"]) == first
    assert datetime_of(timers[-1]["due_at"]) == last
    assert "placed by buyer" in timers[0]["description"] and \
        "test_helpers/seed placed_over" in timers[0]["description"]

    advance(sbx, to=first - ONE_SECOND)
    assert all_orders(sbx) == []
    advance(sbx, to=first)
    [order] = all_orders(sbx)
    assert datetime_of(order["created_at"]) == first
    payload = timers[0]["payload"]
    assert (order["statuses"], order["buyer_id"]) == ([payload["stage"]], payload["buyer_id"])
    assert Counter(item["sku_id"] for item in order["items"]) == {
        line["sku_id"]: line["quantity"] for line in payload["lines"]}

    advance(sbx, to=last)
    orders = all_orders(sbx, sort_direction="asc")
    assert len(orders) == 12 and placements(sbx) == []
    assert Counter(order["statuses"][0] for order in orders) == Counter(summary["stages"])
    assert [datetime_of(order["created_at"]) for order in orders] == sorted(
        datetime_of(timer["due_at"]) for timer in timers)


def _drawn(orders: list[dict]) -> Counter:
    return Counter((order["buyer_id"], order["payment_method"], order["shipping_type"],
                    tuple(sorted(Counter(item["sku_id"] for item in order["items"]).items())))
                   for order in orders)


def test_the_same_draws_as_a_fill_placed_at_once(api):
    at_once, over_time = sandbox(api, seed=42), sandbox(api, seed=42)
    body = {"products": 20, "buyers": 8, "orders": 25, "payment_methods": {"prepaid": 1, "cod": 1},
            "shipping": {"cross_border": 1, "local": 1}}
    instant = seed(at_once, **body)["orders"]
    spread = seed(over_time, **body, placed_over="PT6H")["orders"]
    advance(over_time, by=timedelta(hours=6))

    assert instant["stages"] == spread["stages"]
    assert _drawn(all_orders(at_once)) == _drawn(all_orders(over_time))


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"orders": 3, "placed_over": "P91D"}, "placed_over", "at most P90D"),
    ({"orders": 3, "placed_over": "PT0S"}, "placed_over", "above zero"),
    ({"orders": 3, "placed_over": "P1M"}, "placed_over", "months"),
    ({"orders": 3, "placed_over": "soon"}, "placed_over", "ISO 8601 duration"),
    ({"products": 3, "placed_over": "P1D"}, "placed_over", "only with orders above 0"),
])
def test_a_bad_spread_is_a_400_naming_it_and_nothing_is_kept(sbx, body, field, message):
    seed(sbx, products=5, buyers=2)
    before = world(sbx)

    error = assert_error(sbx.post(SEED, json=body), 400, "validation_failed", field=field)

    assert message in str(error["details"])
    assert world(sbx) == before


def test_stock_short_of_the_draws_is_a_409_and_nothing_is_kept(sbx):
    ok(sbx.post("/api/v1/products", json={"name": "Kettle", "skus": [
        {"seller_sku": "KET-1", "price": "30.00", "stock": 2}]}), 201)
    before = world(sbx)

    assert_error(sbx.post(SEED, json={"orders": 5, "placed_over": "P1D"}), 409,
                 "insufficient_stock")

    assert world(sbx) == before


def test_an_order_whose_product_was_delisted_meanwhile_is_skipped(sbx):
    product = ok(sbx.post("/api/v1/products", json={"name": "Kettle", "skus": [
        {"seller_sku": "KET-1", "price": "30.00", "stock": 50}]}), 201)
    seed(sbx, orders=3, placed_over="P1D")
    ok(sbx.post(f"/api/v1/products/{product['item_id']}/delist"))

    advance(sbx, by=timedelta(days=1))

    assert all_orders(sbx) == []
    skipped = events(sbx, "orders.seed_order_skipped")
    assert [e["data"]["code"] for e in skipped] == ["product_not_listed"] * 3
    assert sorted(e["data"]["index"] for e in skipped) == [0, 1, 2]
    assert ok(sbx.get(f"/api/v1/products/{product['item_id']}"))["skus"][0]["stock"] == 50


def test_an_order_whose_stock_was_taken_meanwhile_is_skipped(sbx):
    product = ok(sbx.post("/api/v1/products", json={"name": "Kettle", "skus": [
        {"seller_sku": "KET-1", "price": "30.00", "stock": 5}]}), 201)
    sku_id = product["skus"][0]["sku_id"]
    seed(sbx, orders=1, placed_over="P1D")
    ok(sbx.post(f"/api/v1/products/{product['item_id']}/skus/{sku_id}/stock",
                json={"stock": 0}))

    advance(sbx, by=timedelta(days=1))

    [skipped] = events(sbx, "orders.seed_order_skipped")
    assert (skipped["data"]["code"], skipped["subject"]) == ("insufficient_stock",
                                                             "seeded_order:1:0")
    assert all_orders(sbx) == []


def test_a_later_order_takes_the_listed_resale_unit_first(api):
    sbx = sandbox(api, policy_overrides=NO_JITTER)
    order, _, received = fail(sbx, price="200.00")
    until(sbx, "resale.relisted")
    # The failed order's product is the only one listed: every seeded order is for its SKU.
    sku_id = order["items"][0]["sku_id"]
    seed(sbx, orders=2, placed_over="P1D", fulfilment={"packed": 1})

    advance(sbx, by=timedelta(days=1))

    [resold] = events(sbx, "resale.resold")
    first, second = sorted((o for o in all_orders(sbx) if o["order_id"] != order["order_id"]),
                           key=lambda o: o["created_at"])
    assert (resold["subject"], resold["data"]["resale_order_id"]) == (
        received["subject"], first["order_id"])
    # Its one unit ships from the warehouse: nothing is left for the seller to walk.
    [from_resale] = first["items"]
    assert from_resale["order_item_id"] == resold["data"]["resale_order_item_id"]
    assert (from_resale["shipment_provider"], from_resale["status"]) == ("LEX MY", "shipped")
    # The next takes the seller's stock and is walked to its stage.
    assert set(second["statuses"]) == {"packed"} and all(
        item["sku_id"] == sku_id for item in second["items"])


def test_a_semi_hosted_fill_placed_over_time(api):
    sbx = sandbox(api, platform="aliexpress", market="MY")
    seed(sbx, products=10, buyers=3)
    result = seed(sbx, orders=8, placed_over="PT12H",
                  fulfilment={"accepted": 1, "packed": 1, "shipped": 1})

    advance(sbx, by=timedelta(hours=12))

    orders = all_orders(sbx)
    assert Counter(order["statuses"][0] for order in orders) == Counter(
        result["orders"]["stages"])
    assert {order["flow"] for order in orders} == {"semi_hosted"}
