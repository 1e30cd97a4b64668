"""Resale's timed rules at their boundaries, through the SDK: a unit that failed delivery is
inspected 1 day later (resale.qc_checks), relisted 5 to 8 days after the failure
(resale.relist_delay), leaves resale when its window ends (resale.window: 28 days, 60 in VN)
and, shipped back, arrives at the seller 30 days later (return_service.return_threshold). One
second before each, nothing; at the instant, the effect and its event. Then the stock priority
(resale stock first, oldest relisted unit first) and SG, where nothing is resold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from logistics_support import NO_JITTER, ONE_SECOND, events
from resale_support import (
    ALWAYS_ABSENT,
    FIVE_DAY_RELIST,
    at,
    fail_delivery,
    failed_unit,
    occurred,
    order_item,
    order_of_one,
    product,
    relist,
    sku,
    unit,
)


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_the_inspection_one_day_after_the_failure(client):
    item = failed_unit(client)
    assert (item.state, item.eligible) == ("inspection_pending", True)
    assert item.allowed_actions == ["script_inspection"]
    inspect_at = at(item.inspect_at)
    assert inspect_at == at(item.failed_at) + timedelta(days=1)
    assert at(item.failed_at) + timedelta(days=5) <= at(item.relist_at) <= \
        at(item.failed_at) + timedelta(days=8)
    assert order_item(client, item.order_id, item.order_item_id).status == "failed_delivery"
    assert occurred(client, "resale.item_received", item) == [at(item.failed_at)]

    client.clock.advance(to=inspect_at - ONE_SECOND)
    assert unit(client, item).state == "inspection_pending"
    assert occurred(client, "resale.inspected", item) == []

    client.clock.advance(to=inspect_at)
    inspected = unit(client, item)
    assert (inspected.state, at(inspected.inspected_at)) == ("resale_pending", inspect_at)
    assert [(r.check, r.passed, r.decided_by) for r in inspected.qc_results] == [
        (check, True, "default") for check in (
            "sku_listed", "no_defects", "matches_description", "correct_item", "complete",
            "packaging_intact", "not_restricted")]
    assert occurred(client, "resale.inspected", item) == [inspect_at]
    assert order_item(client, item.order_id, item.order_item_id).status == "resale_pending"


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_the_relisting_puts_the_unit_in_resale_stock(client):
    item = failed_unit(client)
    relist_at = at(item.relist_at)

    client.clock.advance(to=relist_at - ONE_SECOND)
    assert unit(client, item).state == "resale_pending"
    assert (sku(client, item.item_id).resale_stock, occurred(client, "resale.relisted", item)) \
        == (0, [])

    client.clock.advance(to=relist_at)
    listed = unit(client, item)
    assert (listed.state, at(listed.relisted_at)) == ("listed", relist_at)
    assert at(listed.window_ends_at) == relist_at + timedelta(days=28)
    assert listed.allowed_actions == ["sell", "expire_window"]
    assert occurred(client, "resale.relisted", item) == [relist_at]
    shelf = sku(client, item.item_id)
    assert (shelf.resale_stock, at(shelf.resale_oldest_listed_at), shelf.stock) == (
        1, relist_at, 99)
    assert order_item(client, item.order_id, item.order_item_id).status == "resale_listed"


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_the_window_ends_and_the_unit_is_shipped_back_then_arrives(client):
    item = relist(client, failed_unit(client, price="100.00"))
    window_ends_at = at(item.window_ends_at)

    client.clock.advance(to=window_ends_at - ONE_SECOND)
    assert unit(client, item).state == "listed"
    assert occurred(client, "resale.window_expired", item) == []

    client.clock.advance(to=window_ends_at)
    leaving = unit(client, item)
    assert (leaving.state, leaving.exit_reason, at(leaving.exited_at)) == (
        "returning_to_seller", "window_expired", window_ends_at)
    assert leaving.return_service == "return_to_seller"
    assert occurred(client, "resale.window_expired", item) == [window_ends_at]
    assert occurred(client, "return_service.shipped_back", item) == [window_ends_at]
    assert sku(client, item.item_id).resale_stock == 0
    assert order_item(client, item.order_id, item.order_item_id).status == "shipped_back"

    arrives_at = at(leaving.return_arrives_at)
    assert arrives_at == window_ends_at + timedelta(days=30)
    client.clock.advance(to=arrives_at - ONE_SECOND)
    assert unit(client, item).state == "returning_to_seller"
    assert occurred(client, "return_service.returned_to_seller", item) == []

    client.clock.advance(to=arrives_at)
    back = unit(client, item)
    assert (back.state, back.outcome, at(back.outcome_at)) == (
        "returned_to_seller", "returned_to_seller", arrives_at)
    assert occurred(client, "return_service.returned_to_seller", item) == [arrives_at]
    assert order_item(client, item.order_id, item.order_item_id).status == \
        "shipped_back_success"
    assert back.allowed_actions == []


@pytest.mark.mockplatform_sandbox(market="VN", policy_overrides=NO_JITTER)
def test_vietnam_keeps_a_unit_listed_for_60_days(client):
    item = relist(client, failed_unit(client, price="500000"))
    window_ends_at = at(item.window_ends_at)
    assert window_ends_at == at(item.relisted_at) + timedelta(days=60)

    client.clock.advance(to=window_ends_at - ONE_SECOND)
    assert unit(client, item).state == "listed"
    client.clock.advance(to=window_ends_at)
    assert unit(client, item).exit_reason == "window_expired"
    assert occurred(client, "resale.window_expired", item) == [window_ends_at]


@pytest.mark.mockplatform_sandbox(market="SG", policy_overrides=NO_JITTER)
def test_singapore_sends_a_failed_unit_straight_to_the_return_service(client):
    item = unit(client, failed_unit(client))
    failed_at = at(item.failed_at)
    assert (item.eligible, item.ineligible_reasons, item.exit_reason) == (
        False, ["market_excluded:SG"], "ineligible")
    assert (item.inspect_at, item.relist_at) == (None, None)
    assert (item.state, at(item.exited_at)) == ("returning_to_seller", failed_at)
    assert occurred(client, "return_service.shipped_back", item) == [failed_at]
    assert occurred(client, "resale.inspected", item) == []


@pytest.mark.mockplatform_sandbox(policy_overrides=FIVE_DAY_RELIST)
def test_resale_stock_is_served_first_oldest_relisted_unit_first(client):
    kettle = product(client)
    sku_id = kettle.skus[0].sku_id
    first_order, first_package = order_of_one(client, sku_id, buyer=ALWAYS_ABSENT)
    client.clock.advance(by="P1D")
    second_order, second_package = order_of_one(client, sku_id, buyer=ALWAYS_ABSENT)
    for package in (first_package, second_package):  # a day apart
        fail_delivery(client, package)
    older, newer = (client.resale.list(order_id=order.order_id)[0]
                    for order in (first_order, second_order))

    # Placed before the relisting: the seller's stock.
    early, _ = order_of_one(client, sku_id)
    assert [i.stock_source for i in early["items"]] == ["seller"]
    assert sku(client, kettle.item_id).stock == 97

    relist(client, newer)
    shelf = sku(client, kettle.item_id)
    assert (shelf.resale_stock, at(shelf.resale_oldest_listed_at)) == (
        2, at(unit(client, older).relisted_at))
    assert at(unit(client, older).relisted_at) < at(unit(client, newer).relisted_at)

    served = [client.test_helpers.place_order([{"sku_id": sku_id}]) for _ in range(3)]
    assert [o["items"][0].stock_source for o in served] == ["resale", "resale", "seller"]
    for order, item in zip(served, (older, newer), strict=False):
        resold = unit(client, item)
        assert (resold.state, resold.resale_order.order_id) == ("resold", order.order_id)
        assert order.package_ids and order.statuses == ["ready_to_ship"]
    assert occurred(client, "resale.resold", older) == [
        at(unit(client, older).resale_order.resold_at)]
    shelf = sku(client, kettle.item_id)
    assert (shelf.resale_stock, shelf.resale_oldest_listed_at, shelf.stock) == (0, None, 96)
    assert order_item(client, first_order.order_id,
                      first_order["items"][0].order_item_id).status == "resold"
    assert [e.data.resale_stock_order_item_ids for e in events(client, "order.created")
            if e.data.order_id == served[0].order_id] == [[served[0]["items"][0].order_item_id]]
