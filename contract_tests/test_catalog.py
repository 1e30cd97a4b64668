"""The catalog through the SDK: products with SKUs, stock that never goes negative, delisting as
a state machine, buyers in the market's locale, and seeded fills that the seed reproduces."""

from __future__ import annotations

from decimal import Decimal

import pytest
from mockplatform_client import BadRequestError, ConflictError, InvalidStateTransitionError


def make_case(client):
    return client.products.create(name="Phone Case", category="Mobile Accessories", skus=[
        {"seller_sku": "CASE-BLK", "price": Decimal("19.90"), "stock": 2},
        {"seller_sku": "CASE-WHT", "price": "21.00"}])


def test_a_product_is_created_read_and_listed(client):
    product = make_case(client)

    assert client.products.get(product.item_id).to_dict() == product.to_dict()
    assert [p.item_id for p in client.products.list().auto_paging_iter()] == [product.item_id]
    assert [s.price for s in product.skus] == ["19.90", "21.00"]
    [event] = client.events.list(type="product.created").data
    assert event.subject == str(product.item_id)


def test_stock_moves_but_never_below_zero(client):
    product = make_case(client)
    sku = product.skus[0]

    assert client.products.adjust_stock(product.item_id, sku.sku_id, -2).skus[0].stock == 0
    with pytest.raises(ConflictError) as refused:
        client.products.adjust_stock(product.item_id, sku.sku_id, -1)
    assert refused.value.code == "insufficient_stock"
    assert client.products.set_stock(product.item_id, sku.sku_id, 9).skus[0].stock == 9
    assert len(client.events.list(type="product.stock_updated").data) == 2


def test_a_price_change_is_recorded(client):
    product = make_case(client)

    changed = client.products.set_price(product.item_id, product.skus[1].sku_id, "18.5")

    assert changed.skus[1].price == "18.50"
    [event] = client.events.list(type="product.price_updated").data
    assert (event.data.previous_price, event.data.price) == ("21.00", "18.50")


def test_delisting_follows_the_product_state_machine(client):
    product = make_case(client)

    assert client.products.delist(product.item_id).status == "delisted"
    with pytest.raises(InvalidStateTransitionError):
        client.products.delist(product.item_id)
    assert [p.item_id for p in client.products.list(status="delisted").auto_paging_iter()] == [
        product.item_id]
    assert client.products.relist(product.item_id).status == "listed"


def test_bad_input_is_a_bad_request(client):
    with pytest.raises(BadRequestError):
        client.products.create(name="X", skus=[{"seller_sku": "X", "price": "-1"}])
    with pytest.raises(BadRequestError):
        client.products.list(limit=101)
    assert client.products.list().data == []


@pytest.mark.mockplatform_sandbox(market="TH")
def test_a_buyer_is_made_in_the_market_locale(client):
    buyer = client.test_helpers.create_buyer(city="Chiang Mai")

    assert buyer.country == "TH" and buyer.city == "Chiang Mai"
    assert buyer.phone.startswith("+66")
    assert client.buyers.get(buyer.buyer_id).to_dict() == buyer.to_dict()


def test_the_same_seed_gives_the_same_fill(client, new_sandbox):
    twin = new_sandbox.create(seed=client.sandboxes.current().seed)

    fills = [c.test_helpers.seed(products=25, buyers=3) for c in (client, twin)]

    assert fills[0].to_dict() == fills[1].to_dict()
    catalogs = [[p.to_dict() for p in c.products.list(limit=10).auto_paging_iter()]
                for c in (client, twin)]
    assert catalogs[0] == catalogs[1] and len(catalogs[0]) == 25
    buyers = [c.buyers.get(fills[0].buyers.first_id).to_dict() for c in (client, twin)]
    assert buyers[0] == buyers[1]


def test_a_restored_sandbox_has_the_same_catalog(client, new_sandbox):
    client.test_helpers.seed(products=5)

    copy = new_sandbox.restore(client.sandboxes.snapshot())

    assert [p.to_dict() for p in copy.products.list().auto_paging_iter()] == \
        [p.to_dict() for p in client.products.list().auto_paging_iter()]


def test_seeded_orders_come_back_the_same_from_the_same_seed(client, new_sandbox):
    twin = new_sandbox.create(seed=client.sandboxes.current().seed)

    fills = [c.test_helpers.seed(products=20, buyers=4, orders=12,
                                 fulfilment={"pending": 1, "ready_to_ship": 1},
                                 payment_methods={"prepaid": 1, "cod": 1})
             for c in (client, twin)]

    assert fills[0].to_dict() == fills[1].to_dict()
    assert sum(fills[0].orders.stages.to_dict().values()) == 12
    orders = [[o.to_dict() for o in c.orders.list(limit=5).auto_paging_iter()]
              for c in (client, twin)]
    assert orders[0] == orders[1] and len(orders[0]) == 12
    ready = [o for o in orders[0] if o["statuses"] == ["ready_to_ship"]]
    assert len(ready) == fills[0].orders.stages.ready_to_ship
    assert {o["payment_method"] for o in orders[0]} == {"prepaid", "cod"}
