"""What the after-sales contract tests share, through the SDK only: a TikTok Shop sandbox in
Malaysia, an order awaiting shipment or delivered, a request's deadline, its events and its
refund ledger entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from logistics_support import NO_JITTER, ONE_SECOND, due, events, instant, order_of

__all__ = ["NO_JITTER", "ONE_SECOND", "TIKTOK_MY", "awaiting_shipment", "deadline", "delivered",
           "events_of", "instant", "order_of", "placed", "refunds"]

# Journey steps at their nominal offsets, so an order is delivered at its planned attempt.
TIKTOK_MY = {"platform": "tiktok_shop", "market": "MY", "seed": 1,
             "policy_overrides": NO_JITTER}


def placed(client, *, quantity: int = 1, price: str = "30.00",
           buyer: dict[str, Any] | None = None) -> Any:
    """A new product and an order of ``quantity`` units, on hold (the remorse hour), placed by
    ``buyer`` (its address and phone) if given."""
    count = len(list(client.products.list().auto_paging_iter()))
    product = client.products.create(name="Blender", skus=[
        {"seller_sku": f"BLENDER-{count + 1}", "price": price, "stock": 100}])
    return client.test_helpers.place_order(
        [{"sku_id": product.skus[0].sku_id, "quantity": quantity}], shipping="local",
        buyer=buyer)


def awaiting_shipment(client, **spec: Any) -> Any:
    """An order past its remorse hour, not packed yet."""
    order = placed(client, **spec)
    client.clock.advance(to=instant(order.deadlines.on_hold_until))
    return order_of(client, order.order_id)


def delivered(client, **spec: Any) -> tuple[Any, datetime]:
    """An order packed, readied and delivered at its planned attempt: (order, delivered at)."""
    order = awaiting_shipment(client, **spec)
    package = client.orders.pack(order)
    client.orders.ready_to_ship(order)
    at = due(client.packages.get(package), "delivery_attempt")
    client.clock.advance(to=at)
    order = order_of(client, order.order_id)
    assert order.platform_status == "DELIVERED", order.platform_status
    return order, at


def deadline(request: Any) -> datetime:
    return instant(request.deadline_at)


def events_of(client, type_: str, request: Any) -> list[Any]:
    """The ``type_`` events of one request, oldest first."""
    return [event for event in events(client, type_)
            if event.data["aftersales_id"] == request["aftersales_id"]]


def refunds(client, request: Any) -> list[Any]:
    """The refund ledger entries naming the request."""
    return list(client.ledger.list(kind="refund", subject=f"aftersales_request:"
                                                          f"{request['aftersales_id']}"
                                   ).auto_paging_iter())
