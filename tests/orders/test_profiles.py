"""Which flow each profile's orders take: lazada's walk, tiktok_shop's (the same walk after a
remorse hour, in TikTok's vocabulary) and aliexpress's semi-hosted one; a profile with no flow
would refuse orders, writing nothing."""

from __future__ import annotations

import pytest

from mockplatform.orders import service
from tests.api.support import assert_error

FLOWS = {"lazada": ("MY", "lazada", ["pending"]), "tiktok_shop": ("TH", "tiktok", ["on_hold"]),
         "aliexpress": ("MY", "semi_hosted", ["pending"])}


def _kettle(sandbox) -> dict:
    return sandbox.post("/api/v1/products", json={
        "name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "300.00", "stock": 3}]}
    ).get_json()


@pytest.mark.parametrize("platform", FLOWS)
def test_every_profile_takes_orders_in_its_flow(api, platform):
    market, flow, statuses = FLOWS[platform]
    _, sandbox = api.create_sandbox(platform=platform, market=market)
    sku_id = _kettle(sandbox)["skus"][0]["sku_id"]

    response = sandbox.post("/api/v1/test_helpers/orders",
                            json={"items": [{"sku_id": sku_id, "quantity": 1}]})

    assert response.status_code == 201, response.get_data(as_text=True)
    order = response.get_json()
    assert (order["flow"], order["statuses"]) == (flow, statuses)
    assert ("platform_status" in order) == (platform == "tiktok_shop")


def test_a_profile_without_an_order_flow_refuses_orders_and_writes_nothing(api, monkeypatch):
    monkeypatch.delitem(service.FLOW_OF_PLATFORM, "tiktok_shop")
    _, sandbox = api.create_sandbox(platform="tiktok_shop", market="TH")
    product = _kettle(sandbox)
    sku_id = product["skus"][0]["sku_id"]

    response = sandbox.post("/api/v1/test_helpers/orders",
                            json={"items": [{"sku_id": sku_id, "quantity": 1}]})

    error = assert_error(response, 409, "orders_not_available", field="platform")
    assert "tiktok_shop" in error["message"]
    assert sandbox.get("/api/v1/orders").get_json()["data"] == []
    item_id = product["item_id"]
    assert sandbox.get(f"/api/v1/products/{item_id}").get_json()["skus"][0]["stock"] == 3
