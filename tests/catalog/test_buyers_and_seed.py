"""Buyers in the market's locale, seeded fills, and the catalog in snapshots and resets."""

from __future__ import annotations

import pytest

from tests.api.support import assert_error

BUYERS = "/api/v1/test_helpers/buyers"
SEED = "/api/v1/test_helpers/seed"
PRODUCTS = "/api/v1/products"


def all_products(sbx) -> list[dict]:
    products, after = [], None
    while True:
        page = sbx.get(f"{PRODUCTS}?limit=100" + (f"&after={after}" if after else "")).get_json()
        products += page["data"]
        if not page["has_more"]:
            return products
        after = page["next_cursor"]


# -- buyers ---------------------------------------------------------------------------------------

def test_a_buyer_keeps_the_fields_given_and_generates_the_rest(sbx):
    response = sbx.post(BUYERS, json={"first_name": "Aisyah", "city": "Ipoh"})
    assert response.status_code == 201, response.get_json()
    buyer = response.get_json()
    assert (buyer["object"], buyer["first_name"], buyer["city"]) == ("buyer", "Aisyah", "Ipoh")
    assert buyer["country"] == "MY" and buyer["phone"].startswith("+60 1")
    assert buyer["email"].startswith("aisyah.") and buyer["last_name"] and buyer["address1"]
    assert buyer["name"] == f"Aisyah {buyer['last_name']}"
    assert sbx.get(f"/api/v1/buyers/{buyer['buyer_id']}").get_json() == buyer
    [event] = sbx.get("/api/v1/events?type=buyer.created").get_json()["data"]
    assert event["data"] == {"buyer_id": buyer["buyer_id"], "country": "MY"}


@pytest.mark.parametrize(("market", "prefix"), [
    ("MY", "+60"), ("SG", "+65"), ("TH", "+66"), ("VN", "+84"), ("PH", "+63"), ("ID", "+62")])
def test_generated_buyers_belong_to_the_market(api, market, prefix):
    _, sbx = api.create_sandbox(market=market)
    buyer = sbx.post(BUYERS, json={}).get_json()
    assert buyer["country"] == market and buyer["phone"].startswith(prefix)
    assert all(buyer[name] for name in ("first_name", "last_name", "email", "address1", "city",
                                        "postcode"))


def test_the_same_seed_gives_the_same_buyers(api):
    made = []
    for seed in (3, 3, 4):
        _, sbx = api.create_sandbox(seed=seed)
        made.append(sbx.post(BUYERS, json={}).get_json())
    assert made[0] == made[1]
    assert made[0]["buyer_id"] != made[2]["buyer_id"]
    assert made[0]["first_name"] != made[2]["first_name"] or \
        made[0]["phone"] != made[2]["phone"]


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not-an-email"}, "email"), ({"phone": "call me"}, "phone"),
    ({"first_name": ""}, "first_name"), ({"city": 5}, "city"), ({"country": "SG"}, "country"),
    ({"postcode": "x" * 21}, "postcode")])
def test_bad_buyer_input(sbx, body, field):
    assert_error(sbx.post(BUYERS, json=body), 400, "validation_failed", field=field)


def test_unknown_and_malformed_buyer_ids(sbx):
    assert_error(sbx.get("/api/v1/buyers/1"), 404, "buyer_not_found", field="buyer_id")
    assert_error(sbx.get("/api/v1/buyers/x1"), 400, "validation_failed", field="buyer_id")


# -- seed ----------------------------------------------------------------------------------------------

def test_a_seed_fills_the_sandbox_and_records_one_event(sbx):
    response = sbx.post(SEED, json={"products": 30, "buyers": 5})
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert result["object"] == "seed_result"
    assert result["products"]["count"] == 30 and result["buyers"]["count"] == 5
    products = all_products(sbx)
    assert len(products) == 30 and sum(len(p["skus"]) for p in products) == result["skus"]
    assert [p["item_id"] for p in products] == list(range(result["products"]["first_id"],
                                                          result["products"]["last_id"] + 1))
    assert {p["currency"] for p in products} == {"MYR"}
    assert all(p["category"] and p["status"] == "listed" for p in products)
    buyer = sbx.get(f"/api/v1/buyers/{result['buyers']['last_id']}").get_json()
    assert buyer["country"] == "MY"
    [event] = sbx.get("/api/v1/events?type=catalog.seeded").get_json()["data"]
    assert event["data"]["products"]["count"] == 30
    # Seeded SKUs take orders and stock changes like any other.
    product = products[0]
    sku = product["skus"][0]
    path = f"{PRODUCTS}/{product['item_id']}/skus/{sku['sku_id']}/stock"
    assert sbx.post(path, json={"delta": 1}).get_json()["skus"][0]["stock"] == sku["stock"] + 1


def test_the_same_seed_gives_the_same_fill_and_another_seed_another(api):
    fills = []
    for seed in (5, 5, 6):
        _, sbx = api.create_sandbox(seed=seed, market="VN")
        result = sbx.post(SEED, json={"products": 40, "buyers": 3}).get_json()
        buyer = sbx.get(f"/api/v1/buyers/{result['buyers']['first_id']}").get_json()
        fills.append((result, all_products(sbx), buyer))
    assert fills[0] == fills[1]
    assert [p["name"] for p in fills[0][1]] != [p["name"] for p in fills[2][1]]
    assert all(p["skus"][0]["price"].isdigit() for p in fills[0][1])  # VND: whole amounts


def test_a_product_does_not_change_because_another_fill_came_first(api):
    _, one = api.create_sandbox(seed=9)
    _, two = api.create_sandbox(seed=9)
    one.post(SEED, json={"buyers": 2})
    first = one.post(SEED, json={"products": 1}).get_json()
    second = two.post(SEED, json={"products": 1}).get_json()
    assert first["products"] == second["products"]
    assert all_products(one) == all_products(two)


@pytest.mark.parametrize(("body", "field"), [
    ({}, "products"), ({"products": 0, "buyers": 0}, "products"),
    ({"products": 10_001}, "products"), ({"buyers": -1}, "buyers"),
    ({"products": "10"}, "products"), ({"orders": "5", "products": 1}, "orders"),
    ({"products": 1, "colour": "red"}, "colour")])
def test_bad_seed_input(sbx, body, field):
    assert_error(sbx.post(SEED, json=body), 400, "validation_failed", field=field)
    assert all_products(sbx) == []


# -- snapshots and reset --------------------------------------------------------------------------

def test_a_snapshot_carries_the_catalog_and_its_counters(api, sbx):
    sbx.post(SEED, json={"products": 5, "buyers": 2})
    sbx.post(f"{PRODUCTS}/{all_products(sbx)[0]['item_id']}/delist")
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    assert {"catalog_products", "catalog_skus", "catalog_buyers"} <= set(snapshot["tables"])

    response = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})
    assert response.status_code == 201, response.get_json()
    copy = api.as_(response.get_json()["credentials"]["api_key"])

    assert all_products(copy) == all_products(sbx)
    spec = {"name": "Next", "skus": [{"seller_sku": "NEXT", "price": "2"}]}
    assert copy.post(PRODUCTS, json=spec).get_json()["item_id"] == \
        sbx.post(PRODUCTS, json=spec).get_json()["item_id"]


@pytest.mark.parametrize(("table", "column", "value"), [
    ("catalog_products", "restricted", "yes"), ("catalog_skus", "price", "1e20"),
    ("catalog_skus", "price", "1.001"), ("catalog_skus", "price", 5)])
def test_a_damaged_catalog_in_a_snapshot_is_a_400(api, sbx, table, column, value):
    sbx.post(SEED, json={"products": 1})
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    snapshot["tables"][table][0][column] = value
    assert_error(api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot}), 400,
                 "validation_failed", field=f"snapshot.tables.{table}.0.{column}")


def test_reset_empties_the_catalog_and_restarts_the_ids(sbx):
    first = sbx.post(SEED, json={"products": 2}).get_json()
    assert sbx.post(f"{sbx.base}/reset").status_code == 200
    assert all_products(sbx) == []
    assert sbx.post(SEED, json={"products": 2}).get_json() == first
