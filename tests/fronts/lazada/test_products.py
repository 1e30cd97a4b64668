"""``/products/get``'s filters over the catalog: creation and update dates (each bound
inclusive, Lazada's request date format), ``sku_seller_list``, ``sold-out``; and Lazada's codes
for each bad value (E017, E070, E036, E019, E014). Nothing is ever silently ignored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

MYT = timezone(timedelta(hours=8))


def _product(sbx, seller_sku: str, stock: int = 5) -> dict:
    response = sbx.post("/api/v1/products", json={
        "name": seller_sku, "skus": [{"seller_sku": seller_sku, "price": "10.00",
                                      "stock": stock}]})
    assert response.status_code == 201
    return response.get_json()


def _advance(sbx, by: str = "PT1H") -> None:
    assert sbx.post(f"{sbx.base}/clock/advance", json={"by": by}).status_code == 200


def _ids(lzd, **params) -> list[int]:
    body = lzd.get("/products/get", params)
    assert body["code"] == "0", body
    data = body["data"]
    assert data["total_products"] == len(data["products"])
    return [product["item_id"] for product in data["products"]]


def _at(product: dict, field: str, colon: bool = True) -> str:
    """The product's ``created_time``/``updated_time`` as a request date in +08:00."""
    instant = datetime.fromtimestamp(int(product[field]) / 1000, MYT)
    text = instant.isoformat(timespec="seconds")
    return text if colon else text[:-3] + text[-2:]


@pytest.fixture
def made(sbx, lzd) -> list[dict]:
    """Three products an hour apart; then, an hour later, the first one's price changes."""
    ids = []
    for n in range(3):
        if n:
            _advance(sbx)
        ids.append(_product(sbx, f"SKU-{n}")["item_id"])
    _advance(sbx)
    first = sbx.get(f"/api/v1/products/{ids[0]}").get_json()
    sku = first["skus"][0]["sku_id"]
    assert sbx.post(f"/api/v1/products/{ids[0]}/skus/{sku}/price",
                    json={"price": "12.00"}).status_code == 200
    return [lzd.get("/product/item/get", {"item_id": str(i)})["data"] for i in ids]


def test_creation_dates_bound_the_page_inclusively(lzd, made):
    p0, p1, p2 = (p["item_id"] for p in made)
    created = _at(made[1], "created_time")
    assert _ids(lzd, create_after=created) == [p1, p2]
    assert _ids(lzd, create_before=created) == [p0, p1]
    assert _ids(lzd, create_after=created, create_before=created) == [p1]
    # Lazada's documented example spells the offset without a colon.
    assert _ids(lzd, create_after=_at(made[2], "created_time", colon=False)) == [p2]


def test_update_dates_follow_the_catalogs_changes(lzd, made):
    p0, p1, p2 = (p["item_id"] for p in made)
    assert made[0]["updated_time"] > made[2]["updated_time"]
    assert _ids(lzd, update_after=_at(made[0], "updated_time")) == [p0]
    assert _ids(lzd, update_before=_at(made[2], "updated_time")) == [p1, p2]
    assert _ids(lzd, update_after=_at(made[1], "updated_time"),
                create_before=_at(made[1], "created_time")) == [p0, p1]


def test_sku_seller_list_matches_whole_seller_skus(lzd, sbx, made):
    p0, _, p2 = (p["item_id"] for p in made)
    wanted = json.dumps(["SKU-2", "SKU-0", "NOPE", "SKU"])
    assert _ids(lzd, sku_seller_list=wanted) == [p0, p2]
    assert _ids(lzd, sku_seller_list="[]") == []
    sbx.post(f"/api/v1/products/{p2}/delist")
    assert _ids(lzd, sku_seller_list=wanted, filter="live") == [p0]
    page = lzd.get("/products/get", {"sku_seller_list": wanted, "limit": "1", "offset": "1"})
    assert (page["data"]["total_products"], [p["item_id"] for p in page["data"]["products"]]) \
        == (2, [p2])


def test_sold_out_is_the_products_with_no_sku_in_stock(lzd, sbx, made):
    p1 = made[1]
    sku = p1["skus"][0]["SkuId"]
    assert sbx.post(f"/api/v1/products/{p1['item_id']}/skus/{sku}/stock",
                    json={"stock": 0}).status_code == 200
    assert _ids(lzd, filter="sold-out") == [p1["item_id"]]


@pytest.mark.parametrize(("params", "code"), [
    ({"create_after": "2024-01-01"}, "17"),
    ({"update_after": "2024-01-01T00:00:00"}, "17"),
    ({"create_before": "yesterday"}, "17"),
    ({"update_before": "2024-13-01T00:00:00+08:00"}, "17"),
    ({"sku_seller_list": "SKU-1"}, "70"),
    ({"sku_seller_list": '{"sku": "SKU-1"}'}, "70"),
    ({"sku_seller_list": "[1]"}, "70"),
    ({"sku_seller_list": '[""]'}, "70"),
    ({"sku_seller_list": json.dumps([f"S{n}" for n in range(101)])}, "70"),
    ({"filter": "sold"}, "36"),
    ({"limit": "0"}, "19"),
    ({"limit": "51"}, "19"),
    ({"offset": "-1"}, "14"),
    ({"offset": "10001"}, "14"),
])
def test_a_bad_filter_is_refused_with_lazadas_code(lzd, params, code):
    body = lzd.get("/products/get", params)
    assert (body["code"], body["type"]) == (code, "ISV")
    assert body["message"].startswith(f"E{int(code):03d}: ")
    assert next(iter(params)) in body["message"]
