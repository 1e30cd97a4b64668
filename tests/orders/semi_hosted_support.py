"""Helpers of the AliExpress semi-hosted tests (``test_semi_hosted.py`` and
``test_semi_hosted_fines_and_refusals.py``): a shop placed on a Monday in China, the instants
its order's deadlines fall on, and the seller's steps over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

CST = timezone(timedelta(hours=8), "CST")  # China: the seller's local time
ONE_SECOND = timedelta(seconds=1)
# Placed Monday 5 January 2026, 10:00 in China (and in Malaysia, also UTC+8).
MONDAY_10AM = datetime(2026, 1, 5, 10, 0, tzinfo=CST)
WEDNESDAY_END = datetime(2026, 1, 7, 23, 59, 59, tzinfo=CST)  # due day: calendar day 2
CANCEL_AT = datetime(2026, 1, 14, 23, 59, 59, tzinfo=CST)  # 7 days past the due day


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class Shop:
    """An aliexpress sandbox with one product (100.00 a unit, 10 in stock) and its caller."""

    def __init__(self, api, **spec):
        spec = {"platform": "aliexpress", "market": "MY", "start_at": MONDAY_10AM.isoformat(),
                **spec}
        self.body, self.http = api.create_sandbox(**spec)
        self.base = f"/api/v1/sandboxes/{self.body['id']}"
        product = self.http.post("/api/v1/products", json={
            "name": "Lamp", "skus": [{"seller_sku": "LAMP-1", "price": "100.00", "stock": 10}]})
        assert product.status_code == 201, product.get_json()
        self.item_id = product.get_json()["item_id"]
        self.sku_id = product.get_json()["skus"][0]["sku_id"]

    def place(self, quantity: int = 2) -> dict:
        response = self.http.post("/api/v1/test_helpers/orders", json={
            "items": [{"sku_id": self.sku_id, "quantity": quantity}]})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def post(self, order: dict, action: str, json=None, status: int = 200) -> dict:
        response = self.http.post(f"/api/v1/orders/{order['order_id']}/{action}", json=json)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def accept(self, order):
        return self.post(order, "accept")

    def pack(self, order):
        return self.post(order, "pack", status=201)

    def ship(self, order, tracking_number="YT2601050001", carrier="YunExpress"):
        return self.post(order, "ship", {"shipment_provider": carrier,
                                         "tracking_number": tracking_number})

    def packed(self, quantity: int = 2) -> dict:
        order = self.place(quantity)
        self.accept(order)
        self.pack(order)
        return order

    def confirm_receipt(self, order, status: int = 200):
        response = self.http.post(
            f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt")
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def get(self, order) -> dict:
        return self.http.get(f"/api/v1/orders/{order['order_id']}").get_json()

    def advance_to(self, moment: datetime) -> dict:
        response = self.http.post(f"{self.base}/clock/advance", json={"to": moment.isoformat()})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def events(self, type_: str) -> list[dict]:
        return self.http.get(f"/api/v1/events?type={type_}&limit=100").get_json()["data"]

    def fines(self) -> list[dict]:
        return self.http.get("/api/v1/ledger?kind=fine").get_json()["data"]

    def stock(self) -> int:
        return self.http.get(f"/api/v1/products/{self.item_id}").get_json()["skus"][0]["stock"]


@pytest.fixture(name="shop")
def shop_fixture(api) -> Shop:
    return Shop(api)
