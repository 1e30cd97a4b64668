"""Orders through the SDK: the buyer places, the seller lists, packs, readies, prints the label
and cancels; refused actions are typed errors naming the status and the allowed actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mockplatform_client import BadRequestError, ConflictError, InvalidStateTransitionError


@pytest.fixture
def sku(client):
    return client.products.create(name="Phone Case", skus=[
        {"seller_sku": "CASE-BLK", "price": "19.90", "stock": 50}]).skus[0]


def test_an_order_walks_from_placed_to_ready_to_ship(client, sku):
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 2}],
                                            buyer={"city": "Ipoh"})
    assert order.statuses == ["pending"] and len(order["items"]) == 2
    assert order.address_shipping.city == "Ipoh"

    package = client.orders.pack(order)
    label = client.packages.label_html(package)
    readied = client.orders.ready_to_ship(order, package_ids=[package])

    assert package.tracking_number in label
    assert readied.statuses == ["ready_to_ship"]
    assert readied.deadlines.first_mile_scan_deadline is not None
    assert client.packages.get(package).status == "ready_to_ship"
    assert [item.status for item in client.orders.items(order)] == ["ready_to_ship"] * 2
    assert [event.type for event in client.events.list(type="order.*").auto_paging_iter()] == [
        "order.created", "order.packed", "order.ready_to_ship"]


def test_refused_actions_name_the_status_and_the_allowed_actions(client, sku):
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id}])
    [item] = order["items"]
    client.orders.cancel(order, reason="out_of_stock")

    with pytest.raises(InvalidStateTransitionError) as refused:
        client.orders.pack(order, order_item_ids=[item])

    assert (refused.value.current_state, refused.value.allowed_actions) == ("canceled", [])
    assert client.products.get(sku.item_id).skus[0].stock == 0
    with pytest.raises(ConflictError) as short:
        client.test_helpers.place_order([{"sku_id": sku.sku_id}])
    assert short.value.code == "insufficient_stock"
    with pytest.raises(BadRequestError) as bad:
        client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 0}])
    assert bad.value.details[0]["field"] == "items.0.quantity"


def test_the_list_pages_every_order_once_with_filters_and_sorts(client, sku):
    first = [client.test_helpers.place_order([{"sku_id": sku.sku_id}]) for _ in range(5)]
    client.clock.advance(by=timedelta(minutes=1))
    later = [client.test_helpers.place_order([{"sku_id": sku.sku_id}]) for _ in range(2)]
    client.clock.advance(by=timedelta(minutes=1))
    client.orders.pack(first[0])  # the oldest order is the last updated
    everyone = sorted(order.order_id for order in first) + sorted(o.order_id for o in later)

    oldest_first = client.orders.list(sort_by="created_at", sort_direction="asc", limit=2)
    newest_first = client.orders.list(limit=3)
    by_update = client.orders.list(sort_by="updated_at", limit=2)
    since = client.orders.list(created_after=later[0].created_at, status=["pending"])

    assert [o.order_id for o in oldest_first.auto_paging_iter()] == everyone
    assert [o.order_id for o in newest_first.auto_paging_iter()] == everyone[::-1]
    assert next(by_update.auto_paging_iter()).order_id == first[0].order_id
    assert sorted(o.order_id for o in since.auto_paging_iter()) == sorted(
        o.order_id for o in later)
    assert [o.order_id for o in client.orders.list(status="packed").auto_paging_iter()] == [
        first[0].order_id]
    with pytest.raises(BadRequestError):
        client.orders.list(limit=2, sort_direction="asc", after=newest_first.next_cursor)
