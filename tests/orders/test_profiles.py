"""Which profiles take orders: lazada and aliexpress have an order flow, tiktok_shop not yet."""

from __future__ import annotations

from tests.api.support import assert_error


def test_a_profile_without_an_order_flow_refuses_orders_and_writes_nothing(api):
    body, sandbox = api.create_sandbox(platform="tiktok_shop", market="TH")
    product = sandbox.post("/api/v1/products", json={
        "name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "300.00", "stock": 3}]})
    sku_id = product.get_json()["skus"][0]["sku_id"]

    response = sandbox.post("/api/v1/test_helpers/orders",
                            json={"items": [{"sku_id": sku_id, "quantity": 1}]})

    error = assert_error(response, 409, "orders_not_available", field="platform")
    assert "tiktok_shop" in error["message"]
    assert sandbox.get("/api/v1/orders").get_json()["data"] == []
    item_id = product.get_json()["item_id"]
    assert sandbox.get(f"/api/v1/products/{item_id}").get_json()["skus"][0]["stock"] == 3
