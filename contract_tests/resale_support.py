"""What the resale contract tests share: a unit that failed delivery (its order shipped to a
buyer whose address fails every attempt, the clock moved attempt by attempt) and readers of
resale items, SKUs and events; through the SDK only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from logistics_support import NO_JITTER, events, instant

# Every delivery attempt fails: the third (delivery.max_attempts) ends in failed delivery.
ALWAYS_ABSENT = {"address1": "8 Jalan Bukit FAIL:recipient_absent"}
# Relisting 5 days after the failure, not a seeded 5 to 8: instants a test can name.
FIVE_DAY_RELIST = {**NO_JITTER, "resale.relist_delay": {"min": "P5D", "max": "P5D"}}


def at(text: str | None) -> datetime | None:
    return None if text is None else instant(text)


def product(client, *, price: str = "30.00", seller_sku: str | None = None,
            name: str = "Kettle", stock: int = 100) -> Any:
    """A new listed product of one SKU."""
    count = len(list(client.products.list().auto_paging_iter()))
    return client.products.create(name=name, skus=[
        {"seller_sku": seller_sku or f"KETTLE-{count + 1}", "price": price, "stock": stock}])


def order_of_one(client, sku_id: int, *, buyer: dict | None = None) -> Any:
    """An order of one unit, packed and readied to ship now: (order, package)."""
    order = client.test_helpers.place_order([{"sku_id": sku_id}], buyer=buyer or {})
    package = client.orders.pack(order)
    return client.orders.ready_to_ship(order), client.packages.get(package)


def fail_delivery(client, package: Any) -> datetime:
    """Move the clock attempt by attempt (each planned when the one before fails) until the
    package's last attempt has failed; that attempt's instant."""
    for _ in range(10):
        package = client.packages.get(package.package_id)
        attempts = [entry for entry in package.journey
                    if entry.step.startswith("delivery_attempt")]
        if package.status == "failed_delivery":
            return instant(attempts[-1].done_at)
        client.clock.advance(to=min(instant(entry.due_at) for entry in attempts
                                    if entry.done_at is None))
    raise AssertionError(f"package {package.package_id} never failed delivery")


def failed_units(client, *products: str | dict[str, str]) -> list[Any]:
    """A unit of a new product for each of ``products`` (a price, or ``product``'s keywords),
    ordered and readied together, whose orders failed delivery at the same instant: the resale
    items, just received."""
    shipped = [order_of_one(client, product(client, **(
        spec if isinstance(spec, dict) else {"price": spec})).skus[0].sku_id,
        buyer=ALWAYS_ABSENT) for spec in products]
    received = []
    for order, package in shipped:
        failed_at = fail_delivery(client, package)
        [item] = client.resale.list(order_id=order.order_id)
        assert at(item.failed_at) == failed_at
        received.append(item)
    return received


def failed_unit(client, *, price: str = "30.00") -> Any:
    [item] = failed_units(client, price)
    return item


def unit(client, item: Any) -> Any:
    return client.resale.get(item)


def sku(client, item_id: int) -> Any:
    [found] = client.products.get(item_id).skus
    return found


def occurred(client, type_: str, item: Any) -> list[datetime]:
    """When each ``type_`` event of the resale item was recorded, oldest first."""
    return [instant(event.occurred_at) for event in events(client, type_)
            if event.data.resale_item_id == item.resale_item_id]


def relist(client, item: Any) -> Any:
    """Move the clock to the unit's relisting; the unit, listed."""
    client.clock.advance(to=at(unit(client, item).relist_at))
    listed = unit(client, item)
    assert listed.state == "listed", listed.state
    return listed


def order_item(client, order_id: int, order_item_id: int) -> Any:
    [found] = [i for i in client.orders.get(order_id)["items"]
               if i.order_item_id == order_item_id]
    return found
