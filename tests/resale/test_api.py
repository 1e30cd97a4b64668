"""The native API of resale beyond the contract suite: the item list's filters, ranges and
cursor, its refusals, the return service's answer, an item's history, the SKU's resale stock,
and the orders that resale stock serves (with what placing one answers)."""

from __future__ import annotations

import pytest

from tests.logistics.support import (
    ONE_SECOND,
    advance_by,
    events,
    instant,
    new_sandbox,
    ok,
    order_of,
    package_of,
)
from tests.resale.support import ALWAYS_ABSENT, failed, listed, page, resale_item


def test_the_list_filters_and_pages_in_the_order_units_came(api):
    sbx = new_sandbox(api)
    first, second, third = failed(sbx, 3)
    ok(sbx.post(f"/api/v1/test_helpers/resale/items/{third['resale_item_id']}/inspection",
                json={"result": "fail"}))
    advance_by(sbx, "P9D")  # inspected, relisted (5 to 8 days after the failure) or rejected
    ids = [item["resale_item_id"] for item in (first, second, third)]
    assert ids == sorted(ids)

    one = page(sbx, limit=1)
    assert ([i["resale_item_id"] for i in one["data"]], one["has_more"]) == (ids[:1], True)
    two = page(sbx, limit=2, after=one["next_cursor"])
    assert ([i["resale_item_id"] for i in two["data"]], two["has_more"]) == (ids[1:], False)
    assert two["next_cursor"] is None

    def found(**query) -> list[int]:
        return [item["resale_item_id"] for item in page(sbx, **query)["data"]]

    assert found(state="listed") == ids[:2]
    assert found(state="listed,destroyed_locally") == ids
    assert found(exit_reason="qc_failed") == ids[2:]
    assert found(sku_id=second["sku_id"]) == [ids[1]]
    assert found(seller_sku=first["seller_sku"]) == [ids[0]]
    assert found(order_id=second["order_id"]) == [ids[1]]
    relisted_at = instant(resale_item(sbx, first)["relisted_at"])
    assert found(relisted_from=relisted_at.isoformat(),
                 relisted_to=relisted_at.isoformat()) == []  # [from, to)
    assert ids[0] in found(relisted_from=relisted_at.isoformat(),
                           relisted_to=(relisted_at + ONE_SECOND).isoformat())
    assert ids[0] not in found(relisted_to=relisted_at.isoformat())
    exited_at = resale_item(sbx, third)["exited_at"]
    assert found(exited_from=exited_at) == ids[2:]
    assert found(exited_to=exited_at) == []
    assert found(market="MY") == ids and found(market="VN") == []
    assert found(expired_from=exited_at) == []  # it left for failing inspection
    ok(sbx.post(f"/api/v1/test_helpers/resale/items/{ids[0]}/expire_window"))
    expired_at = resale_item(sbx, first)["exited_at"]
    assert found(expired_from=expired_at) == ids[:1]
    assert found(expired_from=exited_at, expired_to=expired_at) == []


@pytest.mark.parametrize(("query", "field"), [
    ({"state": "lost"}, "state.0"),
    ({"exit_reason": "bored"}, "exit_reason.0"),
    ({"sku_id": "0"}, "sku_id"),
    ({"after": "FP01"}, "after"),
    ({"relisted_from": "2026-02-01T00:00:00Z", "relisted_to": "2026-01-01T00:00:00Z"},
     "relisted_to"),
    ({"exited_from": "2026-02-01T00:00:00Z", "exited_to": "2026-01-01T00:00:00Z"},
     "exited_to"),
    ({"market": "XX"}, "market"),
    ({"expired_from": "2026-02-01T00:00:00Z", "expired_to": "2026-01-01T00:00:00Z"},
     "expired_to"),
])
def test_the_list_refuses_bad_queries_naming_the_field(sbx, query, field):
    response = sbx.get("/api/v1/resale/items", query_string=query)
    assert response.status_code == 400, response.get_json()
    assert [d["field"] for d in response.get_json()["error"]["details"]] == [field]


def test_unknown_and_malformed_resale_items(sbx):
    assert sbx.get("/api/v1/resale/items/700000000001").get_json()["error"]["code"] == \
        "resale_item_not_found"
    for path in ("/api/v1/resale/items/x1",
                 "/api/v1/test_helpers/resale/items/x1/expire_window"):
        response = sbx.post(path) if "test_helpers" in path else sbx.get(path)
        assert response.status_code == 400
        assert response.get_json()["error"]["details"][0]["field"] == "resale_item_id"
    response = sbx.post("/api/v1/test_helpers/resale/items/700000000001/sell", json={})
    assert response.get_json()["error"]["code"] == "resale_item_not_found"


def test_the_return_service_answer(sbx):
    setting = ok(sbx.get("/api/v1/return_service"))
    assert setting == {
        "object": "return_service", "option": "return_to_seller", "default": "return_to_seller",
        "changed_at": None, "market": "MY",
        "options": [{"option": "return_to_seller", "available": True},
                    {"option": "worry_free", "available": True},
                    {"option": "local_disposal", "available": True}],
        "return_threshold": {"amount": "10.00", "currency": "USD"},
        "return_threshold_in_market_currency": {"amount": "44.70", "currency": "MYR"},
        "return_transit": "P30D", "worry_free_compensation": "0.9",
        "worry_free_excluded_markets": ["VN", "SG"]}
    changed = ok(sbx.request("PUT", "/api/v1/return_service", json={"option": "local_disposal"}))
    assert (changed["option"], changed["changed_at"]) == ("local_disposal",
                                                          "2026-01-05T01:00:00+00:00")
    for body in ({}, {"option": "local_disposal", "extra": 1}, {"option": 3}):
        response = sbx.request("PUT", "/api/v1/return_service", json=body)
        assert response.status_code == 400, body
    assert ok(sbx.get("/api/v1/return_service"))["option"] == "local_disposal"
    assert len(events(sbx, "return_service.option_changed")) == 1


def test_a_sku_shows_its_resale_stock_from_creation_on(api):
    sbx = new_sandbox(api)
    created = ok(sbx.post("/api/v1/products", json={"name": "Lamp", "skus": [
        {"seller_sku": "LAMP-1", "price": "12.00", "stock": 3}]}), 201)
    assert (created["skus"][0]["resale_stock"],
            created["skus"][0]["resale_oldest_listed_at"]) == (0, None)
    [item] = listed(sbx)
    product = ok(sbx.get(f"/api/v1/products/{item['item_id']}"))
    assert (product["skus"][0]["resale_stock"],
            product["skus"][0]["resale_oldest_listed_at"]) == (1, item["relisted_at"])


def test_placing_an_order_from_resale_stock_answers_with_its_package(api):
    sbx = new_sandbox(api)
    [item] = listed(sbx)
    placed = ok(sbx.post("/api/v1/test_helpers/orders",
                         json={"items": [{"sku_id": item["sku_id"]}]}), 201)
    [unit] = placed["items"]
    assert (unit["stock_source"], unit["status"], placed["statuses"]) == (
        "resale", "ready_to_ship", ["ready_to_ship"])
    assert placed["package_ids"] == [unit["package_id"]]
    assert unit["tracking_code"].startswith("LEX")
    package = package_of(sbx, unit["package_id"])
    assert package["ships_from"] == "resale_warehouse"
    [ready] = [e for e in events(sbx, "tracking.updated")
               if e["data"]["package_id"] == package["package_id"]][:1]
    assert ready["data"]["location"] == "Shah Alam, MY"  # the local hub, not an origin in CN


def test_an_order_the_sellers_own_fleet_carries_takes_seller_stock(api):
    sbx = new_sandbox(api)
    [item] = listed(sbx)
    placed = ok(sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": item["sku_id"]}], "shipping": "seller_own_fleet"}), 201)
    assert [i["stock_source"] for i in placed["items"]] == ["seller"]
    assert resale_item(sbx, item)["state"] == "listed"
    advance_by(sbx, "P3D")  # the sandbox goes on (a resale parcel would have stopped it)
    assert order_of(sbx, placed["order_id"])["statuses"] == ["canceled"]  # missed its RTS


def test_an_items_history_refuses_an_item_of_another_order(api):
    sbx = new_sandbox(api)
    first, second = failed(sbx, 2)
    other_item = second["order_item_id"]
    response = sbx.get(f"/api/v1/orders/{first['order_id']}/items/{other_item}/history")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "order_item_not_found"
    response = sbx.get(f"/api/v1/orders/{first['order_id']}/items/x/history")
    assert response.get_json()["error"]["details"][0]["field"] == "order_item_id"
    history = ok(sbx.get(f"/api/v1/orders/{first['order_id']}/items/"
                         f"{first['order_item_id']}/history"))
    assert (history["status"], history["failed_delivery_at"]) == ("failed_delivery",
                                                                  first["failed_at"])
    assert history["data"][0]["event_type"] == "order.created"


def test_the_helpers_sale_takes_exactly_that_unit_or_nothing(api):
    sbx = new_sandbox(api)
    product = ok(sbx.post("/api/v1/products", json={"name": "Lamp", "skus": [
        {"seller_sku": "LAMP-1", "price": "80.00", "stock": 5}]}), 201)
    sku_id = product["skus"][0]["sku_id"]
    for _ in range(2):
        order = ok(sbx.post("/api/v1/test_helpers/orders", json={
            "items": [{"sku_id": sku_id}], "buyer": ALWAYS_ABSENT}), 201)
        ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
        ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))
        advance_by(sbx, "PT1H")
    advance_by(sbx, "P20D")
    older, newer = page(sbx, state="listed")["data"]
    helper = f"/api/v1/test_helpers/resale/items/{newer['resale_item_id']}/sell"

    refused = sbx.post(helper, json={"buyer_id": 1})
    assert refused.get_json()["error"]["code"] == "unknown_buyer"
    assert [i["state"] for i in (resale_item(sbx, older), resale_item(sbx, newer))] == [
        "listed", "listed"]
    assert ok(sbx.get(f"/api/v1/products/{product['item_id']}"))["skus"][0]["resale_stock"] == 2

    sold = ok(sbx.post(helper, json={"payment_method": "cod"}), 201)
    assert (sold["payment_method"], sold["items"][0]["stock_source"]) == ("cod", "resale")
    assert resale_item(sbx, newer)["resale_order"]["order_id"] == sold["order_id"]
    assert resale_item(sbx, older)["state"] == "listed"  # the other unit stays on the shelf
    placed = ok(sbx.post("/api/v1/test_helpers/orders", json={"items": [{"sku_id": sku_id}]}),
                201)
    assert resale_item(sbx, older)["resale_order"]["order_id"] == placed["order_id"]


@pytest.mark.parametrize("path", ["/api/v1/resale/items", "/api/v1/resale/items/1",
                                  "/api/v1/return_service"])
def test_another_platform_answers_resale_reads_with_a_409_not_an_empty_list(api, path):
    _, sbx = api.create_sandbox(platform="tiktok_shop")

    response = sbx.get(path)

    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "resale_not_available"
    [detail] = error["details"]
    assert (detail["current_state"], detail["allowed_platforms"]) == ("tiktok_shop", ["lazada"])
