"""What the logistics contract tests share: an order placed, packed and readied to ship, and
readers of its package, events and ledger; through the SDK only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

MYT = timezone(timedelta(hours=8))
ONE_SECOND = timedelta(seconds=1)
# Steps at their nominal offsets, so a test can name instants; the jitter has its own test.
NO_JITTER = {"logistics.journey_jitter": 0}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ship(client, *, quantity: int = 1, price: str = "30.00", buyer: dict | None = None,
         payment_method: str = "prepaid", shipping: str = "cross_border") -> tuple[Any, Any]:
    """A new product, an order of ``quantity`` units, packed and readied: (order, package)."""
    count = len(list(client.products.list().auto_paging_iter()))
    product = client.products.create(name="Kettle", skus=[
        {"seller_sku": f"KETTLE-{count + 1}", "price": price, "stock": 100}])
    order = client.test_helpers.place_order(
        [{"sku_id": product.skus[0].sku_id, "quantity": quantity}], buyer=buyer or {},
        payment_method=payment_method, shipping=shipping)
    package = client.orders.pack(order)
    order = client.orders.ready_to_ship(order)
    return order, client.packages.get(package)


def order_of(client, order_id: int) -> Any:
    return client.orders.get(order_id)


def statuses(client, order_id: int) -> list[str]:
    return order_of(client, order_id).statuses


def due(package, step: str) -> datetime:
    [entry] = [entry for entry in package.journey if entry.step == step]
    return instant(entry.due_at)


def events(client, type_: str) -> list[Any]:
    return list(client.events.list(type=type_).auto_paging_iter())


def tracking(client, package_id: str) -> list[Any]:
    return [event.data for event in events(client, "tracking.updated")
            if event.data.package_id == package_id]


def milestones(client, package_id: str) -> list[str]:
    return [event.milestone for event in tracking(client, package_id)]


def entries(client, kind: str) -> list[Any]:
    return list(client.ledger.list(kind=kind).auto_paging_iter())
