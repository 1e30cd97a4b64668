"""Resale stock and resale orders (``resale.stock_priority``, ``resale.second_failure``): an order
placed before a unit is relisted takes the seller's stock; after, the oldest listed unit, which
the platform ships from the market's local resale warehouse with no international leg and no
shipping fee; a resold unit is sold on delivery and paid through settlement, exits resale if
its resale order fails delivery, and goes back on the shelf if that order is canceled."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import assert_error
from tests.logistics.support import (
    ONE_SECOND,
    advance_by,
    advance_to,
    events,
    instant,
    item_statuses,
    ledger,
    new_sandbox,
    ok,
    order_of,
    package_of,
    place,
    tracking,
)
from tests.resale.support import FAIL, fail, of_subject, sku_of, timers_of, until


def _listed(sbx, **order_spec) -> tuple[dict, dict, dict]:
    """A failed order's unit, relisted: (its order, ``resale.item_received``,
    ``resale.relisted``)."""
    order, _, received = fail(sbx, **order_spec)
    [relisted] = of_subject(until(sbx, "resale.relisted"), received["subject"])
    return order, received, relisted


def test_an_order_before_relisting_takes_seller_stock_one_after_takes_the_unit(api):
    sbx = new_sandbox(api)
    order, _, received = fail(sbx, price="200.00")
    sku_id, unit = order["items"][0]["sku_id"], received["subject"]
    relist_at = instant(received["data"]["relist_at"])
    advance_to(sbx, relist_at - ONE_SECOND)
    stock = sku_of(sbx, sku_id)["stock"]

    early = place(sbx, sku_id=sku_id)

    assert early["statuses"] == ["pending"] and early["package_ids"] == []
    assert sku_of(sbx, sku_id)["stock"] == stock - 1
    assert events(sbx, "resale.resold") == []

    advance_to(sbx, relist_at)
    [relisted] = of_subject(events(sbx, "resale.relisted"), unit)
    later = place(sbx, sku_id=sku_id)

    assert sku_of(sbx, sku_id)["stock"] == stock - 1  # the unit came from the warehouse
    [resold] = events(sbx, "resale.resold")
    assert (resold["subject"], resold["data"]["resale_order_id"]) == (unit, later["order_id"])
    assert resold["data"]["policy_key"] == "resale.stock_priority"
    assert later["statuses"] == ["ready_to_ship"] and len(later["package_ids"]) == 1
    assert item_statuses(sbx, order["order_id"]) == ["resold"]
    # Off the shelf: its window no longer runs.
    assert timers_of(sbx, unit) == []
    assert instant(relisted["occurred_at"]) == relist_at


def test_the_oldest_relisted_unit_goes_first(api):
    sbx = new_sandbox(api)
    first, _, _ = fail(sbx, price="200.00")
    sku_id = first["items"][0]["sku_id"]
    advance_by(sbx, "P2D")
    fail(sbx, sku_id=sku_id)
    relisted = until(sbx, "resale.relisted", 2)
    assert relisted[0]["data"]["relisted_at"] < relisted[1]["data"]["relisted_at"]

    buyers = [place(sbx, sku_id=sku_id) for _ in range(3)]

    resold = events(sbx, "resale.resold")
    assert [(e["subject"], e["data"]["resale_order_id"]) for e in resold] == [
        (relisted[0]["subject"], buyers[0]["order_id"]),
        (relisted[1]["subject"], buyers[1]["order_id"])]
    # The shelf is empty: the third buyer gets the seller's stock.
    assert buyers[2]["statuses"] == ["pending"]


def test_a_resale_parcel_leaves_the_local_warehouse_with_no_international_leg_or_fee(api):
    sbx = new_sandbox(api)
    order, _, _ = _listed(sbx, price="200.00")
    fees_before = ledger(sbx, kind="shipping_fee")["data"]

    resale_order = place(sbx, sku_id=order["items"][0]["sku_id"])

    [package_id] = resale_order["package_ids"]
    package = package_of(sbx, package_id)
    assert [step["step"] for step in package["journey"]] == [
        "destination_arrival", "last_mile_hub", "out_for_delivery", "delivery_attempt"]
    assert (package["status"], package["shipment_provider"]) == ("in_transit", "LEX MY")
    assert package["tracking_number"].startswith("LEXMY")
    assert package["first_mile_scan_deadline"] is None
    [ready, left] = tracking(sbx, package_id)
    assert (ready["milestone"], ready["location"]) == ("ready_to_ship", "Shah Alam, MY")
    assert (left["milestone"], left["description"]) == (
        "destination_arrival", "Left the local resale warehouse")
    advance_by(sbx, "P10D")
    assert order_of(sbx, resale_order["order_id"])["statuses"] == ["delivered"]
    assert ledger(sbx, kind="shipping_fee")["data"] == fees_before


def test_a_delivered_resale_unit_is_sold_and_paid_through_settlement(api):
    sbx = new_sandbox(api)
    order, received, _ = _listed(sbx, price="200.00")
    resale_order = place(sbx, sku_id=order["items"][0]["sku_id"])
    [resale_item] = resale_order["items"]

    [sold] = until(sbx, "resale.sold")

    assert (sold["subject"], sold["data"]["resale_order_id"]) == (
        received["subject"], resale_order["order_id"])
    [delivered] = [e for e in events(sbx, "order.delivered")
                   if e["data"]["order_id"] == resale_order["order_id"]]
    assert sold["occurred_at"] == delivered["occurred_at"]
    assert item_statuses(sbx, order["order_id"]) == ["resold"]
    advance_by(sbx, "P20D")
    [paid] = [entry for entry in ledger(sbx, kind="settlement")["data"]
              if entry["subject"] == f"order_item:{resale_item['order_item_id']}"]
    assert (paid["direction"], paid["amount"], paid["currency"]) == ("credit", "200.00", "MYR")
    # The first order's unit is never paid: it was not delivered.
    assert [entry for entry in ledger(sbx, kind="settlement")["data"]
            if entry["subject"] == f"order_item:{order['items'][0]['order_item_id']}"] == []


def test_a_resale_order_that_fails_delivery_again_leaves_resale(api):
    sbx = new_sandbox(api)
    order, received, _ = _listed(sbx, price="200.00")
    resale_order = place(sbx, sku_id=order["items"][0]["sku_id"], buyer=FAIL)

    [again] = until(sbx, "resale.second_failure")

    unit = received["subject"]
    assert (again["subject"], again["data"]["resale_order_id"], again["data"]["policy_key"]) == (
        unit, resale_order["order_id"], "resale.second_failure")
    [shipped] = of_subject(events(sbx, "return_service.shipped_back"), unit)
    assert (shipped["occurred_at"], shipped["data"]["exit_reason"]) == (
        again["occurred_at"], "second_failure")
    # No second resale item: a resale order is no first sales attempt.
    assert len(events(sbx, "resale.item_received")) == 1
    assert item_statuses(sbx, resale_order["order_id"]) == ["shipped_back"]
    assert item_statuses(sbx, order["order_id"]) == ["resold"]
    advance_to(sbx, instant(shipped["data"]["return_arrives_at"]))
    assert item_statuses(sbx, resale_order["order_id"]) == ["shipped_back_success"]


# A resale parcel leaves the warehouse at its journey's first step: at once without jitter, a
# seeded moment later with it (logistics.journey_jitter), while the seller may still cancel.
JITTER = {"logistics.journey_jitter": 0.2}


def _leaves_after(sbx, resale_order: dict) -> timedelta:
    """How long after the order its parcel leaves the resale warehouse."""
    [package_id] = resale_order["package_ids"]
    [step] = [step for step in package_of(sbx, package_id)["journey"]
              if step["step"] == "destination_arrival"]
    return instant(step["due_at"]) - instant(resale_order["created_at"])


def test_a_canceled_resale_order_puts_the_unit_back_on_the_shelf_with_its_window(api):
    sbx = new_sandbox(api, overrides=JITTER)
    order, received, relisted = _listed(sbx, price="200.00")
    sku_id, unit = order["items"][0]["sku_id"], received["subject"]
    stock = sku_of(sbx, sku_id)["stock"]
    resale_order = place(sbx, sku_id=sku_id)
    assert _leaves_after(sbx, resale_order) > timedelta(0)

    canceled = ok(sbx.post(f"/api/v1/orders/{resale_order['order_id']}/cancel",
                           json={"reason": "wrong_price"}))

    assert canceled["statuses"] == ["canceled"]
    [back] = of_subject(events(sbx, "resale.relisted"), unit)[1:]
    assert back["data"]["after_canceled_order"] == resale_order["order_id"]
    assert back["data"]["window_ends_at"] == relisted["data"]["window_ends_at"]
    assert item_statuses(sbx, order["order_id"]) == ["resale_listed"]
    assert sku_of(sbx, sku_id)["stock"] == stock  # not the seller's to get back
    [timer] = timers_of(sbx, unit)
    assert (timer["kind"], timer["due_at"]) == ("resale.window_end",
                                                relisted["data"]["window_ends_at"])
    # The next buyer gets it.
    again = place(sbx, sku_id=sku_id)
    assert [e["data"]["resale_order_id"] for e in events(sbx, "resale.resold")] == [
        resale_order["order_id"], again["order_id"]]


def test_a_unit_whose_window_ended_while_its_order_was_canceled_leaves_resale(api):
    # The same calls in a twin tell how long the resale parcel waits in the warehouse (its
    # jitter is drawn for its package id, whatever the instant it is placed at).
    twin = new_sandbox(api, overrides=JITTER)
    twin_order, _, _ = _listed(twin, price="200.00")
    wait = _leaves_after(twin, place(twin, sku_id=twin_order["items"][0]["sku_id"]))
    sbx = new_sandbox(api, overrides=JITTER)
    order, received, relisted = _listed(sbx, price="200.00")
    window_ends_at = instant(relisted["data"]["window_ends_at"])
    advance_to(sbx, window_ends_at - wait / 2)
    resale_order = place(sbx, sku_id=order["items"][0]["sku_id"])
    assert _leaves_after(sbx, resale_order) == wait
    advance_to(sbx, window_ends_at + wait / 4)

    ok(sbx.post(f"/api/v1/orders/{resale_order['order_id']}/cancel",
                json={"reason": "wrong_price"}))

    [expired] = of_subject(events(sbx, "resale.window_expired"), received["subject"])
    assert instant(expired["occurred_at"]) == window_ends_at + wait / 4
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]


def test_a_sku_out_of_seller_stock_still_sells_its_listed_unit(api):
    sbx = new_sandbox(api)
    order, received, _ = _listed(sbx, price="200.00", sku={"stock": 1})
    sku_id = order["items"][0]["sku_id"]
    assert sku_of(sbx, sku_id)["stock"] == 0

    resale_order = place(sbx, sku_id=sku_id)

    [resold] = events(sbx, "resale.resold")
    assert (resold["subject"], resold["data"]["resale_order_id"]) == (
        received["subject"], resale_order["order_id"])
    # The shelf and the seller's stock are both empty now.
    assert_error(sbx.post("/api/v1/test_helpers/orders", json={"items": [{"sku_id": sku_id}]}),
                 409, "insufficient_stock")
