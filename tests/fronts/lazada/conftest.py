"""A signed caller of the Lazada gateway over Flask's test client, signing as lazop-sdk does."""

from __future__ import annotations

import time

import pytest

from mockplatform.fronts.lazada.signing import sign


class Gateway:
    def __init__(self, http, credentials: dict):
        self.http = http
        self.credentials = credentials

    def params(self, api: str, params: dict | None = None, *, token: str | None = "own",
               timestamp: str | None = None) -> dict:
        signed = {"app_key": self.credentials["app_key"], "sign_method": "sha256",
                  "timestamp": timestamp or str(int(round(time.time()))) + "000",
                  "partner_id": "lazop-sdk-python-20181207"}
        if token == "own":
            token = self.credentials["access_token"]
        if token:
            signed["access_token"] = token
        signed.update(params or {})
        signed["sign"] = sign(self.credentials["app_secret"], api, signed)
        return signed

    def get(self, api: str, params: dict | None = None, **kw) -> dict:
        response = self.http.get("/rest" + api, query_string=self.params(api, params, **kw))
        assert response.status_code == 200
        return response.get_json()

    def post(self, api: str, params: dict | None = None, **kw) -> dict:
        response = self.http.post("/rest" + api, data=self.params(api, params, **kw))
        assert response.status_code == 200
        return response.get_json()


@pytest.fixture
def lzd(sbx, app) -> Gateway:
    return Gateway(app.test_client(), sbx.sandbox["credentials"])


def place_orders(sbx, count: int = 1, quantity: int = 1) -> list[int]:
    product = sbx.post("/api/v1/products", json={
        "name": "Mug", "skus": [{"seller_sku": "MUG-1", "price": "1234.50", "stock": 1000}]})
    assert product.status_code == 201, product.get_json()
    ids = []
    for _ in range(count):
        placed = sbx.post("/api/v1/test_helpers/orders", json={
            "items": [{"seller_sku": "MUG-1", "quantity": quantity}]})
        assert placed.status_code == 201, placed.get_json()
        ids.append(placed.get_json()["order_id"])
    return ids
