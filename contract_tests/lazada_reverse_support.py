"""What the Lazada reverse-order contract tests share, through the SDK only: a Lazada sandbox in
Malaysia (journeys at their nominal offsets), an order awaiting shipment or delivered, and the
after-sales helpers' readers (a request's deadline, its events, its refunds)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aftersales_support import deadline, events_of, refunds
from logistics_support import NO_JITTER, ONE_SECOND, due, instant, order_of, ship

__all__ = ["LAZADA_MY", "ONE_SECOND", "deadline", "delivered", "events_of", "instant",
           "order_of", "pending", "refunds"]

LAZADA_MY = {"platform": "lazada", "market": "MY", "seed": 1, "policy_overrides": NO_JITTER}


def pending(client, *, quantity: int = 1, price: str = "30.00") -> Any:
    """A new product and a local order of ``quantity`` units, not packed yet."""
    count = len(list(client.products.list().auto_paging_iter()))
    product = client.products.create(name="Kettle", skus=[
        {"seller_sku": f"KETTLE-{count + 1}", "price": price, "stock": 100}])
    return client.test_helpers.place_order(
        [{"sku_id": product.skus[0].sku_id, "quantity": quantity}], shipping="local")


def delivered(client, *, quantity: int = 1, price: str = "30.00") -> tuple[Any, datetime]:
    """A local order packed, readied and delivered at its planned attempt: (order, when)."""
    order, package = ship(client, quantity=quantity, price=price, shipping="local")
    at = due(package, "delivery_attempt")
    client.clock.advance(to=at)
    order = order_of(client, order.order_id)
    assert order.statuses == ["delivered"], order.statuses
    return order, at
