"""The catalog resources: what ``client.products``, ``client.buyers`` and the catalog test
helpers send."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .payloads import list_payload

PRODUCT = {"object": "product", "item_id": 3000000001, "status": "listed", "skus": []}


def test_create_sends_prices_as_strings(make_client, server):
    server.reply(201, PRODUCT)

    product = make_client(api_key="sk_1").products.create(
        name="Case", skus=[{"seller_sku": "A", "price": Decimal("19.90"), "stock": 3}])

    assert product.item_id == 3000000001
    request = server.requests[0]
    assert (request.method, request.path) == ("POST", "/api/v1/products")
    assert request.json == {"name": "Case", "skus": [{"seller_sku": "A", "price": "19.90",
                                                         "stock": 3}]}


def test_a_float_price_is_refused_before_sending(make_client, server):
    with pytest.raises(TypeError, match="Decimal"):
        make_client(api_key="sk_1").products.set_price(1, 2, 19.9)
    assert server.requests == []


def test_stock_price_and_state_calls_go_to_their_paths(make_client, server):
    for _ in range(5):
        server.reply(200, PRODUCT)
    products = make_client(api_key="sk_1").products

    products.set_stock(1, 2, 5)
    products.adjust_stock(1, 2, -1)
    products.set_price(1, 2, "9.90")
    products.delist(1)
    products.relist(1)

    assert [(r.path, r.json) for r in server.requests] == [
        ("/api/v1/products/1/skus/2/stock", {"stock": 5}),
        ("/api/v1/products/1/skus/2/stock", {"delta": -1}),
        ("/api/v1/products/1/skus/2/price", {"price": "9.90"}),
        ("/api/v1/products/1/delist", None), ("/api/v1/products/1/relist", None)]


def test_the_product_list_pages_lazily_with_its_filter(make_client, server):
    server.reply(200, list_payload([{"item_id": 1}], next_cursor="1"))
    server.reply(200, list_payload([{"item_id": 2}]))

    page = make_client(api_key="sk_1").products.list(status="listed", limit=1)
    assert [p.item_id for p in page.auto_paging_iter()] == [1, 2]

    assert server.requests[1].query == {"status": "listed", "limit": "1", "after": "1"}


def test_seed_and_buyers(make_client, server):
    server.reply(201, {"object": "seed_result"}).reply(201, {"object": "buyer", "buyer_id": 7})
    server.reply(200, {"object": "buyer", "buyer_id": 7})
    client = make_client(api_key="sk_1")

    client.test_helpers.seed(products=10)
    client.test_helpers.create_buyer(first_name="Aisyah")
    assert client.buyers.get(7).buyer_id == 7

    assert [(r.path, r.json) for r in server.requests] == [
        ("/api/v1/test_helpers/seed", {"products": 10}),
        ("/api/v1/test_helpers/buyers", {"first_name": "Aisyah"}),
        ("/api/v1/buyers/7", None)]
