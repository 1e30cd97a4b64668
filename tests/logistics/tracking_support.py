"""Helpers of the tracking tests (``test_tracking.py``, ``test_tracking_reports.py`` and
``test_tracking_report_csv.py``).

Packages are made the way a seller makes them (place an order, pack, ready to ship); a range
report is asked for by its two instants.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # the sbx fixture's clock
REPORTS = "/api/v1/tracking/reports"


def product(sbx, stock: int = 50) -> int:
    response = sbx.post("/api/v1/products", json={
        "name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "30.00", "stock": stock}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["skus"][0]["sku_id"]


def order(sbx, sku_id: int, quantity: int = 1, **spec) -> dict:
    response = sbx.post("/api/v1/test_helpers/orders",
                        json={"items": [{"sku_id": sku_id, "quantity": quantity}], **spec})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def pack(sbx, order_id: int, item_ids: list[int] | None = None) -> dict:
    body = {"order_item_ids": item_ids} if item_ids else {}
    response = sbx.post(f"/api/v1/orders/{order_id}/pack", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ready(sbx, order_id: int, package_ids: list[str] | None = None) -> None:
    body = {"package_ids": package_ids} if package_ids else {}
    response = sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json=body)
    assert response.status_code == 200, response.get_json()


def shipped(sbx, sku_id: int) -> dict:
    """A package readied to ship now: the package as ``GET /packages/{id}`` shows it."""
    placed = order(sbx, sku_id)
    package = pack(sbx, placed["order_id"])
    ready(sbx, placed["order_id"])
    return sbx.get(f"/api/v1/packages/{package['package_id']}").get_json()


def feed(sbx) -> list[dict]:
    return sbx.get("/api/v1/events?limit=100").get_json()["data"]


def iso(value: datetime) -> str:
    return value.isoformat()


@pytest.fixture(name="sku")
def sku_fixture(sbx) -> int:
    return product(sbx)


def range_report(sbx, start: datetime, end: datetime, **params):
    return sbx.get(REPORTS, query_string={"from": iso(start), "to": iso(end), **params})
