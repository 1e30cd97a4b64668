"""A SKU's resale stock follows its units on and off the shelf (resale/service.py keeps the
shelves for the unit of work rather than flushing and counting at every move): relisted in
one advance with their failures, taken oldest first by new orders, gone at the window's end."""

from __future__ import annotations

from sqlalchemy import select

from mockplatform.catalog.models import Sku
from mockplatform.orders.models import OrderItem
from tests.logistics.support import advance_to, events, instant, new_sandbox, ok
from tests.resale.test_overview import FAIL, order, product, ship


def stock(store, sandbox_id: str, sku_id: int) -> tuple[int, str | None]:
    with store.engine.connect() as connection:
        count, oldest = connection.execute(select(Sku.resale_stock, Sku.resale_oldest_listed_at)
                                           .where(Sku.sandbox_id == sandbox_id,
                                                  Sku.sku_id == sku_id)).one()
    return count, oldest.isoformat() if oldest is not None else None


def sources(store, sandbox_id: str, order_id: int) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.scalars(select(OrderItem.stock_source).where(
            OrderItem.sandbox_id == sandbox_id, OrderItem.order_id == order_id)
            .order_by(OrderItem.order_item_id)))


def test_the_resale_stock_follows_the_units_on_and_off_the_shelf(api, store):
    sbx = new_sandbox(api)
    sandbox_id = sbx.sandbox["id"]
    sku_id = product(sbx, "Rice Cooker", "RC-1", "80.00")
    for _ in range(3):
        ship(sbx, sku_id, FAIL)

    # Failure, inspection and relisting of all three in one advance.
    advance_to(sbx, instant("2026-01-21T10:00:00+00:00"))
    relisted = sorted(event["data"]["relisted_at"] for event in events(sbx, "resale.relisted"))
    assert len(relisted) == 3
    assert stock(store, sandbox_id, sku_id) == (3, relisted[0])

    taking_two = ok(sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": sku_id, "quantity": 2}]}), 201)["order_id"]
    assert sources(store, sandbox_id, taking_two) == ["resale", "resale"]
    assert stock(store, sandbox_id, sku_id) == (1, relisted[2])  # the two oldest went

    # The last unit's window ends (28 days after its relisting): nothing left in resale.
    advance_to(sbx, instant("2026-02-20T00:00:00+00:00"))
    assert len(events(sbx, "resale.sold")) == 2
    assert len(events(sbx, "resale.window_expired")) == 1
    assert stock(store, sandbox_id, sku_id) == (0, None)
    assert sources(store, sandbox_id, order(sbx, sku_id)) == ["seller"]
