"""Products and SKUs over the native API: create, list, get, stock, price, delist and relist."""

from __future__ import annotations

import pytest

from tests.api.support import assert_error

PRODUCTS = "/api/v1/products"
CASE = {"name": "Silicone Phone Case", "description": "Fits iPhone 15", "category": "Mobile",
        "skus": [{"seller_sku": "CASE-BLK", "price": "19.90", "stock": 10,
                  "package_weight": 0.12, "package_length": "15", "package_width": 8,
                  "package_height": "1.5"},
                 {"seller_sku": "CASE-WHT", "price": 21, "stock": 0}]}


def create(sbx, spec=None, status=201) -> dict:
    response = sbx.post(PRODUCTS, json=spec or CASE)
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def case(sbx) -> dict:
    return create(sbx)


def events(sbx, type_: str) -> list[dict]:
    return sbx.get(f"/api/v1/events?type={type_}").get_json()["data"]


def sku_path(product: dict, index: int = 0, action: str = "stock") -> str:
    return f"{PRODUCTS}/{product['item_id']}/skus/{product['skus'][index]['sku_id']}/{action}"


# -- create and read ------------------------------------------------------------------------------

def test_a_created_product_is_listed_with_its_skus_in_the_market_currency(sbx, case):
    assert case["object"] == "product" and case["status"] == "listed"
    assert case["currency"] == "MYR" and case["restricted"] is False
    assert case["allowed_actions"] == ["delist"]
    assert 3_000_000_000 < case["item_id"] < 3_100_000_001
    black, white = case["skus"]
    assert (black["seller_sku"], black["price"], black["stock"]) == ("CASE-BLK", "19.90", 10)
    assert (black["package_weight"], black["package_length"], black["package_height"]) == (
        "0.120", "15.0", "1.5")
    assert (white["price"], white["stock"], white["sku_id"]) == ("21.00", 0,
                                                                 black["sku_id"] + 1)
    assert sbx.get(f"{PRODUCTS}/{case['item_id']}").get_json() == case
    [event] = events(sbx, "product.created")
    assert event["subject"] == str(case["item_id"])
    assert event["data"]["skus"][0] == {"sku_id": black["sku_id"], "seller_sku": "CASE-BLK",
                                        "price": "19.90", "stock": 10}


@pytest.mark.parametrize(("market", "price", "shown"), [
    ("VN", "150000", "150000"), ("ID", 25000, "25000"), ("TH", "49.5", "49.50"),
    ("SG", 3.9, "3.90"), ("PH", "99", "99.00")])
def test_prices_take_the_minor_unit_of_the_market_currency(api, market, price, shown):
    _, sbx = api.create_sandbox(market=market)
    product = create(sbx, {"name": "X", "skus": [{"seller_sku": "X", "price": price}]})
    assert product["skus"][0]["price"] == shown


@pytest.mark.parametrize("market", ["VN", "ID"])
def test_currencies_without_a_minor_unit_refuse_decimals(api, market):
    _, sbx = api.create_sandbox(market=market)
    response = sbx.post(PRODUCTS, json={"name": "X", "skus": [{"seller_sku": "X",
                                                               "price": "1000.50"}]})
    error = assert_error(response, 400, "validation_failed", field="skus.0.price")
    assert "no minor unit" in error["message"]
    assert sbx.get(PRODUCTS).get_json()["data"] == []


def test_the_same_seed_and_calls_give_the_same_ids_and_another_seed_others(api):
    made = []
    for seed in (7, 7, 8):
        _, sbx = api.create_sandbox(seed=seed)
        made.append(create(sbx))
    assert made[0]["item_id"] == made[1]["item_id"] != made[2]["item_id"]
    assert made[0]["skus"][0]["sku_id"] == made[1]["skus"][0]["sku_id"]


def test_the_list_pages_with_after_and_filters_by_status(sbx):
    made = [create(sbx, {"name": f"P{n}", "skus": [{"seller_sku": f"S{n}", "price": "1"}]})
            for n in range(5)]
    assert sbx.post(f"{PRODUCTS}/{made[1]['item_id']}/delist").status_code == 200

    first = sbx.get(f"{PRODUCTS}?limit=2").get_json()
    assert [p["name"] for p in first["data"]] == ["P0", "P1"]
    assert first["has_more"] and first["next_cursor"] == str(made[1]["item_id"])
    rest = sbx.get(f"{PRODUCTS}?limit=100&after={first['next_cursor']}").get_json()
    assert [p["name"] for p in rest["data"]] == ["P2", "P3", "P4"]
    assert rest["has_more"] is False and rest["next_cursor"] is None
    listed = sbx.get(f"{PRODUCTS}?status=listed").get_json()["data"]
    assert [p["name"] for p in listed] == ["P0", "P2", "P3", "P4"]
    delisted = sbx.get(f"{PRODUCTS}?status=delisted").get_json()["data"]
    assert [p["name"] for p in delisted] == ["P1"]


@pytest.mark.parametrize(("query", "field"), [
    ("?limit=101", "limit"), ("?limit=0", "limit"), ("?limit=x", "limit"),
    ("?status=active", "status"), ("?after=abc", "after"), ("?after=-1", "after"),
    ("?colour=red", "colour")])
def test_bad_list_queries_are_400s_naming_the_parameter(sbx, query, field):
    assert_error(sbx.get(f"{PRODUCTS}{query}"), 400, "validation_failed", field=field,
                 location="query")


def test_a_product_of_another_sandbox_is_not_found(api, sbx, case):
    _, other = api.create_sandbox(seed=1)
    assert_error(other.get(f"{PRODUCTS}/{case['item_id']}"), 404, "product_not_found")


def test_unknown_and_malformed_ids(sbx, case):
    assert_error(sbx.get(f"{PRODUCTS}/42"), 404, "product_not_found", field="item_id")
    assert_error(sbx.get(f"{PRODUCTS}/abc"), 400, "validation_failed", field="item_id",
                 location="path")
    assert_error(sbx.post(f"{PRODUCTS}/42/delist"), 404, "product_not_found")
    wrong_sku = f"{PRODUCTS}/{case['item_id']}/skus/42/stock"
    assert_error(sbx.post(wrong_sku, json={"stock": 1}), 404, "sku_not_found", field="sku_id")
    other = create(sbx, {"name": "Other", "skus": [{"seller_sku": "O", "price": "1"}]})
    foreign_sku = f"{PRODUCTS}/{case['item_id']}/skus/{other['skus'][0]['sku_id']}/price"
    assert_error(sbx.post(foreign_sku, json={"price": "1"}), 404, "sku_not_found")


def test_calls_without_the_api_key_are_refused(api):
    assert_error(api.get(PRODUCTS), 401, "authentication_required")


@pytest.mark.parametrize(("change", "field"), [
    ({"name": None}, "name"), ({"name": ""}, "name"), ({"name": 5}, "name"),
    ({"skus": []}, "skus"), ({"skus": "CASE"}, "skus"), ({"restricted": "yes"}, "restricted"),
    ({"restricted": 1}, "restricted"), ({"colour": "red"}, "colour"),
    ({"skus": [{"price": "1"}]}, "skus.0.seller_sku"),
    ({"skus": [{"seller_sku": "A"}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": "-1"}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": 0}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": "1.001"}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": "NaN"}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": "abc"}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": True}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": "1e13"}]}, "skus.0.price"),
    ({"skus": [{"seller_sku": "A", "price": "1", "stock": -1}]}, "skus.0.stock"),
    ({"skus": [{"seller_sku": "A", "price": "1", "stock": 1.5}]}, "skus.0.stock"),
    ({"skus": [{"seller_sku": "A", "price": "1", "stock": "3"}]}, "skus.0.stock"),
    ({"skus": [{"seller_sku": "A", "price": "1", "package_weight": -2}]},
     "skus.0.package_weight"),
    ({"skus": [{"seller_sku": " A", "price": "1"}]}, "skus.0.seller_sku"),
    ({"skus": [{"seller_sku": "A", "price": "1", "size": "XL"}]}, "skus.0.size"),
    ({"skus": [{"seller_sku": "A", "price": "1"}, {"seller_sku": "A", "price": "2"}]}, "skus"),
])
def test_bad_product_input_is_a_400_naming_the_field_and_writes_nothing(sbx, change, field):
    assert_error(sbx.post(PRODUCTS, json={**CASE, **change}), 400, "validation_failed",
                 field=field)
    assert sbx.get(PRODUCTS).get_json()["data"] == []
    assert events(sbx, "product.*") == []


def test_a_seller_sku_is_unique_in_the_sandbox(sbx, case):
    again = {"name": "Again", "skus": [{"seller_sku": "CASE-WHT", "price": "1"}]}
    error = assert_error(sbx.post(PRODUCTS, json=again), 409, "duplicate_seller_sku")
    assert "CASE-WHT" in error["message"]
    assert len(sbx.get(PRODUCTS).get_json()["data"]) == 1


def test_a_body_that_is_not_json_is_refused(sbx):
    response = sbx.post(PRODUCTS, data="name=x", headers={"Content-Type": "text/plain"})
    assert_error(response, 415, "unsupported_media_type")


# -- stock and price ------------------------------------------------------------------------------

def test_stock_is_set_or_moved_by_a_delta_with_an_event_each(sbx, case):
    after_set = sbx.post(sku_path(case), json={"stock": 4}).get_json()
    assert after_set["skus"][0]["stock"] == 4
    after_delta = sbx.post(sku_path(case), json={"delta": -4}).get_json()
    assert after_delta["skus"][0]["stock"] == 0
    assert sbx.post(sku_path(case, 1), json={"delta": 7}).get_json()["skus"][1]["stock"] == 7
    assert [e["data"] for e in events(sbx, "product.stock_updated")] == [
        {"item_id": case["item_id"], "sku_id": case["skus"][0]["sku_id"],
         "previous_stock": 10, "stock": 4},
        {"item_id": case["item_id"], "sku_id": case["skus"][0]["sku_id"],
         "previous_stock": 4, "stock": 0},
        {"item_id": case["item_id"], "sku_id": case["skus"][1]["sku_id"],
         "previous_stock": 0, "stock": 7}]


def test_stock_never_goes_below_zero(sbx, case):
    error = assert_error(sbx.post(sku_path(case), json={"delta": -11}), 409,
                         "insufficient_stock")
    assert "has 10 in stock" in error["message"]
    assert error["details"][0]["current_stock"] == 10
    assert sbx.get(f"{PRODUCTS}/{case['item_id']}").get_json()["skus"][0]["stock"] == 10
    assert events(sbx, "product.stock_updated") == []


@pytest.mark.parametrize(("body", "field"), [
    ({}, "stock"), ({"stock": 1, "delta": 1}, "stock"), ({"stock": -1}, "stock"),
    ({"stock": "5"}, "stock"), ({"stock": 2.5}, "stock"), ({"delta": None}, "delta"),
    ({"stock": 1, "reason": "x"}, "reason"), ({"stock": 10**10}, "stock")])
def test_bad_stock_input(sbx, case, body, field):
    assert_error(sbx.post(sku_path(case), json=body), 400, "validation_failed", field=field)


def test_the_price_changes_with_an_event(sbx, case):
    product = sbx.post(sku_path(case, action="price"), json={"price": 17.5}).get_json()
    assert product["skus"][0]["price"] == "17.50"
    [event] = events(sbx, "product.price_updated")
    assert event["data"] == {"item_id": case["item_id"], "sku_id": case["skus"][0]["sku_id"],
                             "currency": "MYR", "previous_price": "19.90", "price": "17.50"}


@pytest.mark.parametrize("price", ["-1", 0, "0.001", None, "", "ten", [1]])
def test_bad_prices_are_400s(sbx, case, price):
    assert_error(sbx.post(sku_path(case, action="price"), json={"price": price}), 400,
                 "validation_failed", field="price")
    assert sbx.get(f"{PRODUCTS}/{case['item_id']}").get_json()["skus"][0]["price"] == "19.90"


# -- delist and relist ------------------------------------------------------------------------------

def test_delist_then_relist_each_records_an_event(sbx, case):
    base = f"{PRODUCTS}/{case['item_id']}"
    delisted = sbx.post(f"{base}/delist").get_json()
    assert (delisted["status"], delisted["allowed_actions"]) == ("delisted", ["relist"])
    assert sbx.post(f"{base}/relist").get_json()["status"] == "listed"
    assert [(e["type"], e["data"]["status"]) for e in events(sbx, "product.*")][1:] == [
        ("product.delisted", "delisted"), ("product.relisted", "listed")]


@pytest.mark.parametrize(("first", "again", "state", "allowed"), [
    ("delist", "delist", "delisted", ["relist"]), (None, "relist", "listed", ["delist"])])
def test_illegal_transitions_name_the_state_and_allowed_actions(sbx, case, first, again,
                                                                state, allowed):
    base = f"{PRODUCTS}/{case['item_id']}"
    if first:
        sbx.post(f"{base}/{first}")
    error = assert_error(sbx.post(f"{base}/{again}"), 409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == state
    assert error["details"][0]["allowed_actions"] == allowed


def test_delist_takes_no_body(sbx, case):
    assert_error(sbx.post(f"{PRODUCTS}/{case['item_id']}/delist", json={"why": "x"}), 400,
                 "validation_failed")
