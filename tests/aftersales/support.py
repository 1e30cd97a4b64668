"""Helpers of the after-sales tests: a TikTok Shop sandbox, orders at the points a request can
be opened from (awaiting shipment after the remorse hour, delivered), requests opened and read
through the native API, the clock stepped to a deadline."""

from __future__ import annotations

from datetime import datetime

from tests.logistics.support import (
    ONE_SECOND,
    advance_by,
    advance_to,
    events,
    instant,
    new_product,
    ok,
    order_of,
)

__all__ = ["ONE_SECOND", "advance_by", "advance_to", "events", "instant", "ok", "order_of"]

REQUESTS = "/api/v1/aftersales/requests"
HELPERS = "/api/v1/test_helpers/aftersales/requests"


def tiktok(api, **spec):
    body, sbx = api.create_sandbox(platform="tiktok_shop", market="MY", seed=1, **spec)
    sbx.sandbox = body
    sbx.base = f"/api/v1/sandboxes/{body['id']}"
    return sbx


def placed(sbx, *, quantity: int = 1, price: str = "30.00", buyer: dict | None = None) -> dict:
    sku_id = new_product(sbx, price=price)["skus"][0]["sku_id"]
    return ok(sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": sku_id, "quantity": quantity}], "shipping": "local",
        "buyer": buyer or {}}), 201)


def awaiting_shipment(sbx, **spec) -> dict:
    """An order past its remorse hour, not packed yet."""
    order = placed(sbx, **spec)
    advance_by(sbx, "PT1H")
    return order_of(sbx, order["order_id"])


def delivered(sbx, **spec) -> dict:
    """An order packed, readied and delivered by the carrier (the clock stepped timer by timer
    until it is); the order as it is then."""
    order = awaiting_shipment(sbx, **spec)
    order_id = order["order_id"]
    ok(sbx.post(f"/api/v1/orders/{order_id}/pack", json={}), 201)
    ok(sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json={}))
    for _ in range(100):
        if any(e["data"]["order_id"] == order_id for e in events(sbx, "order.delivered")):
            return order_of(sbx, order_id)
        ok(sbx.post(f"{sbx.base}/clock/advance", json={"to": "next_timer"}))
    raise AssertionError(f"order {order_id} was not delivered")


def open_request(sbx, type_: str, order: dict, reason: str, status: int = 201,
                 **body) -> dict:
    return ok(sbx.post(HELPERS, json={"type": type_, "order_id": order["order_id"],
                                      "reason": reason, **body}), status)


def get(sbx, request: dict) -> dict:
    return ok(sbx.get(f"{REQUESTS}/{request['aftersales_id']}"))


def act(sbx, request: dict, action: str, status: int = 200, **body) -> dict:
    return ok(sbx.post(f"{REQUESTS}/{request['aftersales_id']}/{action}", json=body or None),
              status)


def helper(sbx, request: dict, action: str, status: int = 200, **body) -> dict:
    return ok(sbx.post(f"{HELPERS}/{request['aftersales_id']}/{action}", json=body or None),
              status)


def deadline(request: dict) -> datetime:
    return instant(request["deadline_at"])


def of_request(sbx, type_: str, request: dict) -> list[dict]:
    return [e for e in events(sbx, type_)
            if e["data"].get("aftersales_id") == request["aftersales_id"]]


def refunds(sbx, request: dict) -> list[dict]:
    return [entry for entry in ok(sbx.get("/api/v1/ledger", query_string={
        "kind": "refund", "limit": 100}))["data"]
        if entry["subject"] == f"aftersales_request:{request['aftersales_id']}"]
