"""Which endpoints hear which events is kept on the sandbox's row (``webhook_routes``): every
change to an endpoint (its patterns, enabled, deleted) and a reset change what the next event
writes to the outbox, at once."""

from __future__ import annotations

import pytest

UNREACHABLE = "http://127.0.0.1:9/hook"


@pytest.fixture
def shop(api, app):
    body, bound = api.create_sandbox(platform="lazada", market="MY", seed=4)
    bound.base = f"/api/v1/sandboxes/{body['id']}"
    created = bound.post("/api/v1/products", json={"name": "Mug", "skus": [
        {"seller_sku": "MUG-1", "price": "20.00", "stock": 100}]})
    assert created.status_code == 201, created.get_json()
    yield bound
    app.extensions["mockplatform"]["webhooks"].stop()


def _place(shop) -> str:
    answer = shop.post("/api/v1/test_helpers/orders", json={
        "items": [{"seller_sku": "MUG-1", "quantity": 1}]})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["order_id"]


def _types(shop) -> list[str]:
    page = shop.get(f"{shop.base}/webhook_deliveries", query_string={"limit": 100}).get_json()
    return sorted(d["event_type"] for d in page["data"])


def test_changing_deleting_and_resetting_endpoints_changes_what_is_written_next(shop):
    endpoint = shop.post(f"{shop.base}/webhook_endpoints", json={
        "url": UNREACHABLE, "event_types": ["order.created"]}).get_json()
    path = f"{shop.base}/webhook_endpoints/{endpoint['id']}"
    _place(shop)
    assert _types(shop) == ["order.created"]

    assert shop.request("PATCH", path, json={"event_types": ["order.packed"]}).status_code == 200
    order = _place(shop)
    assert _types(shop) == ["order.created"]
    assert shop.post(f"/api/v1/orders/{order}/pack").status_code in (200, 201)
    assert _types(shop) == ["order.created", "order.packed"]

    assert shop.request("PATCH", path, json={"enabled": False}).status_code == 200
    assert shop.post(f"/api/v1/orders/{_place(shop)}/pack").status_code in (200, 201)
    assert _types(shop) == ["order.created", "order.packed"]

    assert shop.request("PATCH", path, json={"enabled": True}).status_code == 200
    assert shop.delete(path).status_code in (200, 204)
    _place(shop)
    assert _types(shop) == []  # its deliveries went with it, and none were written

    shop.post(f"{shop.base}/webhook_endpoints", json={"url": UNREACHABLE,
                                                     "event_types": ["order.created"]})
    assert shop.post(f"{shop.base}/reset").status_code == 200
    shop.post("/api/v1/products", json={"name": "Mug", "skus": [
        {"seller_sku": "MUG-1", "price": "20.00", "stock": 100}]})
    _place(shop)
    assert _types(shop) == []  # reset took the endpoint and its routes
