"""The order list of a TikTok Shop sandbox filtered by the order's TikTok status
(``platform_status``): the aggregate of its units' and parcels', worked out as each order is read,
paged like every other filter."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from mockplatform.orders import listing, states, tiktok
from tests.api.support import assert_error
from tests.logistics.support import advance_to, due, new_sandbox, ok, place
from tests.orders.tiktok_support import buyer_cancel, readied, released, tiktok_sandbox

ORDERS = "/api/v1/orders"


def listed(sbx, **query) -> list[int]:
    return [order["order_id"] for order in ok(sbx.get(ORDERS, query_string=query))["data"]]


@pytest.fixture
def shop(api):
    """One order in each of five TikTok statuses, placed in this order (newest listed first)."""
    sbx = tiktok_sandbox(api)
    collecting, _package = readied(sbx)
    awaiting = released(sbx)
    partial = released(sbx, quantity=2)
    first = partial["items"][0]["order_item_id"]
    ok(sbx.post(f"/api/v1/orders/{partial['order_id']}/pack",
                json={"order_item_ids": [first]}), 201)
    ok(sbx.post(f"/api/v1/orders/{partial['order_id']}/ready_to_ship", json={}))
    canceled = place(sbx)
    ok(buyer_cancel(sbx, canceled["order_id"]))
    held = place(sbx)
    orders = {"AWAITING_COLLECTION": collecting, "AWAITING_SHIPMENT": awaiting,
              "PARTIALLY_SHIPPING": partial, "CANCELLED": canceled, "ON_HOLD": held}
    sbx.orders = {status: order["order_id"] for status, order in orders.items()}
    return sbx


def test_each_tiktok_status_lists_the_orders_that_show_it(shop):
    for status, order_id in shop.orders.items():
        page = ok(shop.get(ORDERS, query_string={"platform_status": status}))
        assert [o["order_id"] for o in page["data"]] == [order_id], status
        assert page["data"][0]["platform_status"] == status
    assert listed(shop, platform_status="IN_TRANSIT") == []
    assert listed(shop, platform_status="COMPLETED") == []


def test_several_statuses_list_in_the_sort_order_and_combine_with_other_filters(shop):
    ids = shop.orders
    wanted = "AWAITING_SHIPMENT,PARTIALLY_SHIPPING,ON_HOLD"
    assert listed(shop, platform_status=wanted) == [
        ids["ON_HOLD"], ids["PARTIALLY_SHIPPING"], ids["AWAITING_SHIPMENT"]]
    assert listed(shop, platform_status=wanted, sort_direction="asc") == [
        ids["AWAITING_SHIPMENT"], ids["PARTIALLY_SHIPPING"], ids["ON_HOLD"]]
    # An order awaiting collection has a unit ready to ship; so has one partially shipping.
    assert listed(shop, status="ready_to_ship") == [ids["PARTIALLY_SHIPPING"],
                                                    ids["AWAITING_COLLECTION"]]
    assert listed(shop, status="ready_to_ship", platform_status="PARTIALLY_SHIPPING") == [
        ids["PARTIALLY_SHIPPING"]]


def pages(sbx, **query) -> list[list[int]]:
    """Every page's order ids, following the cursors."""
    found, cursor = [], None
    while True:
        page = ok(sbx.get(ORDERS, query_string={**query, **({"after": cursor} if cursor else {})}))
        found.append([order["order_id"] for order in page["data"]])
        assert page["has_more"] == (page["next_cursor"] is not None)
        if not page["has_more"]:
            return found
        cursor = page["next_cursor"]


@pytest.mark.parametrize("walk,few", [(listing.WALK, listing.FEW_ORDERS), (1, 1000), (2, 1),
                                      (2, 0)])
def test_pages_of_a_status_filter_neither_repeat_nor_skip(shop, monkeypatch, walk, few):
    # A walk of one or two orders at a time reads the candidates over several queries; with
    # ``few`` below the candidates, they are found by a subquery rather than by their ids.
    monkeypatch.setattr(listing, "WALK", walk)
    monkeypatch.setattr(listing, "FEW_ORDERS", few)
    wanted = "AWAITING_SHIPMENT,PARTIALLY_SHIPPING,AWAITING_COLLECTION,CANCELLED"
    every = listed(shop, platform_status=wanted, limit=100)
    assert sorted(every) == sorted(v for k, v in shop.orders.items() if k != "ON_HOLD")
    paged, cursor = [], None
    while True:
        query = {"platform_status": wanted, "limit": 1, **({"after": cursor} if cursor else {})}
        page = ok(shop.get(ORDERS, query_string=query))
        paged += [order["order_id"] for order in page["data"]]
        assert page["has_more"] == (page["next_cursor"] is not None)
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert paged == every


@pytest.mark.parametrize("value,field", [("SHIPPED", "platform_status.0"),
                                         ("ON_HOLD,awaiting_shipment", "platform_status.1")])
def test_a_status_tiktok_does_not_have_is_a_400_naming_it(shop, value, field):
    response = shop.get(ORDERS, query_string={"platform_status": value})

    error = assert_error(response, 400, "validation_failed", field=field, location="query")
    assert "AWAITING_SHIPMENT" in str(error["details"])


def test_another_platforms_sandbox_refuses_the_filter(api):
    sbx = new_sandbox(api)
    place(sbx)

    response = sbx.get(ORDERS, query_string={"platform_status": "AWAITING_SHIPMENT"})

    error = assert_error(response, 400, "validation_failed", field="platform_status",
                         location="query")
    assert "tiktok_shop" in str(error["details"]) and "lazada" in str(error["details"])


def test_a_page_stops_its_walk_and_says_where_to_go_on(shop, monkeypatch):
    """At most WALK_AT_MOST candidates a page: a short page (here an empty one) still has_more,
    with a cursor past the last order it read."""
    monkeypatch.setattr(listing, "WALK", 1)
    monkeypatch.setattr(listing, "WALK_AT_MOST", 1)
    ids = shop.orders
    # The candidates with a unit ready to ship, newest first: the order partially shipping,
    # then the one awaiting collection.
    assert pages(shop, platform_status="AWAITING_COLLECTION", limit=10) == [
        [], [ids["AWAITING_COLLECTION"]], []]
    monkeypatch.setattr(listing, "WALK_AT_MOST", 1000)
    assert pages(shop, platform_status="AWAITING_COLLECTION", limit=10) == [
        [ids["AWAITING_COLLECTION"]]]


def test_an_order_is_listed_under_each_status_it_walks_through(api):
    sbx = tiktok_sandbox(api)
    order, package = readied(sbx)
    order_id = order["order_id"]

    def showing(status):
        return order_id in listed(sbx, platform_status=status)

    assert showing("AWAITING_COLLECTION") and not showing("IN_TRANSIT")
    advance_to(sbx, due(package, "pickup"))
    assert showing("IN_TRANSIT") and not showing("AWAITING_COLLECTION")
    advance_to(sbx, due(package, "delivery_attempt"))
    assert showing("DELIVERED") and not showing("IN_TRANSIT")
    closes = ok(sbx.get(f"/api/v1/orders/{order_id}"))["deadlines"]["after_sales_until"]
    ok(sbx.post(f"{sbx.base}/clock/advance", json={"to": closes}))
    assert showing("COMPLETED") and not showing("DELIVERED")


def _unit(status, package_id):
    return SimpleNamespace(status=status, package_id=package_id)


_PARCELS = {  # a unit's parcel: none, readied but not collected, collected, on its way
    None: None,
    "waiting": SimpleNamespace(package_id="waiting", status="ready_to_ship",
                               journey={"pickup": {"done_at": None}}),
    "collected": SimpleNamespace(package_id="collected", status="ready_to_ship",
                                 journey={"pickup": {"done_at": "2026-04-03T10:00:00+00:00"}}),
    "moving": SimpleNamespace(package_id="moving", status="in_transit", journey={}),
}


def test_every_order_status_has_a_unit_status_the_list_reads_it_by():
    """Over every order of one or two units, in every unit status and parcel: the order's
    TikTok status needs one of its units' statuses among those the list's index is asked for."""
    units = [_unit(status, parcel) for status in states.TIKTOK_STATUSES for parcel in _PARCELS]
    parcels = [p for p in _PARCELS.values() if p is not None]
    seen = set()
    for size in (1, 2):
        for items in itertools.product(units, repeat=size):
            shown = tiktok.order_status(items, parcels)
            seen.add(shown)
            assert {u.status for u in items} & set(tiktok.unit_statuses_for([shown])), (
                shown, [(u.status, u.package_id) for u in items])
    assert seen == set(tiktok.STATUSES)
