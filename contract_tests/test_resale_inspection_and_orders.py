"""What decides a resale inspection (the warehouse test helper, the magic value QCFAIL in the
seller SKU, an automatic reject of a delisted product), a resale order's journey and money
(from the resale warehouse, no shipping fee, settled on delivery), an order that failed
delivery found after its items moved on, and the helpers' refusals; through the SDK."""

from __future__ import annotations

import pytest
from logistics_support import NO_JITTER, entries, events
from mockplatform_client import BadRequestError, InvalidStateTransitionError
from resale_support import (
    ALWAYS_ABSENT,
    at,
    fail_delivery,
    failed_unit,
    failed_units,
    occurred,
    order_of_one,
    product,
    relist,
    unit,
)


def failed_checks(item) -> list[tuple[str, str]]:
    return [(r.check, r.decided_by) for r in item.qc_results if not r.passed]


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_the_warehouse_helper_and_the_magic_values_fail_an_inspection(client):
    scripted, plain_magic, named_magic = failed_units(
        client, "30.00", {"seller_sku": "KETTLE-QCFAIL"},
        {"seller_sku": "KETTLE-QCFAIL:packaging_intact"})
    passed = client.resale.script_inspection(scripted, "pass")
    assert passed.qc_scripted == {"result": "pass"}
    failing = client.resale.script_inspection(scripted, "fail", check="matches_description")
    assert failing.qc_scripted == {"result": "fail", "check": "matches_description"}

    [inspect_at] = {at(item.inspect_at) for item in (scripted, plain_magic, named_magic)}
    client.clock.advance(to=inspect_at)
    assert failed_checks(unit(client, scripted)) == [("matches_description", "test_helper")]
    assert failed_checks(unit(client, plain_magic)) == [("no_defects", "magic_value")]
    assert failed_checks(unit(client, named_magic)) == [("packaging_intact", "magic_value")]
    for item in (scripted, plain_magic, named_magic):
        inspected = unit(client, item)
        assert (inspected.exit_reason, inspected.state) == ("qc_failed", "destroyed_locally")
        [event] = [e for e in events(client, "resale.inspected")
                   if e.data.resale_item_id == item.resale_item_id]
        assert event.data.passed is False
        assert len(event.data.results) == 7


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_a_delisted_product_fails_sku_listed_whatever_the_helper_says(client):
    item = failed_unit(client)
    client.resale.script_inspection(item, "pass")
    client.products.delist(item.item_id)
    client.clock.advance(to=at(item.inspect_at))
    inspected = unit(client, item)
    assert failed_checks(inspected) == [("sku_listed", "automatic")]
    assert inspected.exit_reason == "qc_failed"

    # Delisted before the failure: not resold at all (resale.eligible), never inspected.
    kettle = product(client)
    order, package = order_of_one(client, kettle.skus[0].sku_id, buyer=ALWAYS_ABSENT)
    client.products.delist(kettle.item_id)
    failed_at = fail_delivery(client, package)
    [refused] = client.resale.list(order_id=order.order_id)
    assert (refused.eligible, refused.ineligible_reasons, refused.exit_reason) == (
        False, ["sku_delisted"], "ineligible")
    assert (refused.inspect_at, at(refused.exited_at)) == (None, failed_at)


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_a_resale_order_ships_from_the_warehouse_unpaid_for_and_is_settled(client):
    item = relist(client, failed_unit(client, price="60.00"))
    fees_before = entries(client, "shipping_fee")
    assert len(fees_before) == 1  # the first, cross-border parcel's

    order = client.resale.sell(item)
    assert (order.statuses, [i.stock_source for i in order["items"]]) == (
        ["ready_to_ship"], ["resale"])
    [package_id] = order.package_ids
    package = client.packages.get(package_id)
    assert package.ships_from == "resale_warehouse"
    assert [step.step for step in package.journey][0] == "destination_arrival"
    assert not {"pickup", "origin_sorting_scan", "uplift", "customs"} & {
        step.step for step in package.journey}
    resold = unit(client, item)
    assert (resold.state, resold.resale_order.order_id, resold.resale_order.price) == (
        "resold", order.order_id, "60.00")
    assert resold.allowed_actions == []

    delivered_at = at([s for s in package.journey if s.step == "delivery_attempt"][0].due_at)
    client.clock.advance(to=delivered_at)
    assert client.orders.get(order).statuses == ["delivered"]
    sold = unit(client, item)
    assert (sold.state, at(sold.resale_order.sold_at)) == ("sold", delivered_at)
    assert occurred(client, "resale.sold", item) == [delivered_at]
    assert entries(client, "shipping_fee") == fees_before

    client.clock.advance(by="P20D")  # the weekly statement closes and is paid
    [paid] = [e for e in entries(client, "settlement")
              if e.subject == f"order_item:{order['items'][0].order_item_id}"]
    assert (paid.amount, paid.direction) == ("60.00", "credit")


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_an_order_that_failed_delivery_is_still_found_after_its_items_moved_on(client):
    item = relist(client, failed_unit(client))
    on_time = client.test_helpers.place_order([{"seller_sku": "KETTLE-1"}])
    assert on_time["items"][0].stock_source == "resale"  # took the relisted unit

    assert list(client.orders.list(status="failed_delivery").auto_paging_iter()) == []
    found = list(client.orders.list(ever_failed_delivery=True).auto_paging_iter())
    assert [order.order_id for order in found] == [item.order_id]
    [failed_item] = found[0]["items"]
    assert (failed_item.status, at(failed_item.failed_delivery_at)) == (
        "resold", at(item.failed_at))
    assert [o.order_id for o in client.orders.list(ever_failed_delivery=False)] == [
        on_time.order_id]

    history = client.orders.item_history(item.order_id, item.order_item_id)
    assert [entry.status for entry in history.data] == [
        "pending", "packed", "ready_to_ship", "shipped", "failed_delivery", "resale_pending",
        "resale_listed", "resold"]
    failure = history.data[4]
    assert (at(failure.at), failure.reason, failure.previous_statuses) == (
        at(item.failed_at), "recipient_absent", ["shipped"])
    assert {entry.resale_item_id for entry in history.data[5:]} == {item.resale_item_id}
    assert [e.id for e in events(client, "order.resold")] == [history.data[-1].event_id]


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_the_helpers_refuse_what_the_state_does_not_allow(client):
    item = failed_unit(client)
    for call, action in ((client.resale.sell, "sell"),
                         (client.resale.expire_window, "expire_window")):
        with pytest.raises(InvalidStateTransitionError) as refused:
            call(item)
        assert (refused.value.current_state, refused.value.allowed_actions) == (
            "inspection_pending", ["script_inspection"])
        assert refused.value.details[0]["action"] == action

    listed = relist(client, item)
    with pytest.raises(InvalidStateTransitionError) as refused:
        client.resale.script_inspection(listed, "pass")
    assert (refused.value.current_state, refused.value.allowed_actions) == (
        "listed", ["sell", "expire_window"])

    ended = client.resale.expire_window(listed)
    assert (ended.exit_reason, ended.window_ends_at, ended.state) == (
        "window_expired", ended.exited_at, "destroyed_locally")
    with pytest.raises(InvalidStateTransitionError) as refused:
        client.resale.sell(listed)
    assert (refused.value.current_state, refused.value.allowed_actions) == (
        "destroyed_locally", [])
    assert len(occurred(client, "resale.window_expired", listed)) == 1


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_an_unknown_check_and_a_check_that_passes_are_refused(client):
    item = failed_unit(client)
    with pytest.raises(BadRequestError) as refused:
        client.resale.script_inspection(item, "fail", check="smells_fine")
    assert refused.value.code == "unknown_check"
    assert refused.value.details[0]["field"] == "check"
    assert "packaging_intact" in refused.value.details[0]["message"]

    with pytest.raises(BadRequestError) as refused:
        client.resale.script_inspection(item, "pass", check="complete")
    assert refused.value.details[0]["field"] == "check"
    assert unit(client, item).qc_scripted is None
