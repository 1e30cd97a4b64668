"""What the seller does with an order: pack it and ready it to ship. Each happy path, and every
refused action: a 409 naming the current status and the allowed actions (or a 400 naming the
bad field), after which nothing has changed. Canceling, the label and the refusals from every
status are in ``test_fulfilment_cancel_and_labels.py``."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.api.support import assert_error
from tests.orders.fulfilment_support import (
    case_fixture,  # noqa: F401 (the case fixture)
    item_ids,
    order_fixture,  # noqa: F401 (the order fixture)
    refused,
    state_detail,
    timers,
)
from tests.orders.support import act, events, get_order, ok, placed, world

# -- pack ---------------------------------------------------------------------------------------

def test_packing_puts_every_pending_item_in_one_new_package(sbx, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)

    assert package["object"] == "package" and package["status"] == "packed"
    assert package["package_id"].startswith("FP") and len(package["package_id"]) == 17
    assert package["tracking_number"].startswith("LGSMY")
    assert package["shipment_provider"] == "LGS-FM40"
    assert package["order_item_ids"] == item_ids(order)
    assert package["item_statuses"] == ["packed"]
    assert package["ready_to_ship_at"] is None and package["first_mile_scan_deadline"] is None
    after = get_order(sbx, order["order_id"])
    assert after["statuses"] == ["packed"] and after["package_ids"] == [package["package_id"]]
    assert after["allowed_actions"] == ["ready_to_ship", "cancel", "repack"]
    assert {(i["package_id"], i["tracking_code"], i["shipment_provider"])
            for i in after["items"]} == {(package["package_id"], package["tracking_number"],
                                          "LGS-FM40")}
    [packed] = events(sbx, "order.packed")
    assert packed["data"]["order_item_ids"] == item_ids(order)
    assert packed["data"]["package_id"] == package["package_id"]
    assert packed["data"]["previous_statuses"] == ["pending"]
    assert ok(sbx.get(f"/api/v1/packages/{package['package_id']}")) == package


def test_items_can_be_packed_apart_and_the_order_shows_the_set_of_statuses(sbx, order):
    first, second, third = item_ids(order)

    one = ok(act(sbx, order["order_id"], "pack", order_item_ids=[first],
                 shipment_provider="LGS-FM41"), 201)
    two = ok(act(sbx, order["order_id"], "pack", order_item_ids=[third, second]), 201)

    assert one["shipment_provider"] == "LGS-FM41" and one["order_item_ids"] == [first]
    assert two["order_item_ids"] == [second, third]
    assert one["tracking_number"] != two["tracking_number"]
    after = get_order(sbx, order["order_id"])
    assert after["package_ids"] == [one["package_id"], two["package_id"]]

    readied = ok(act(sbx, order["order_id"], "ready_to_ship", package_ids=[one["package_id"]]))

    assert readied["statuses"] == ["packed", "ready_to_ship"]
    assert [i["status"] for i in readied["items"]] == ["ready_to_ship", "packed", "packed"]
    assert readied["allowed_actions"] == ["cancel", "ready_to_ship", "repack"]


def test_a_local_order_is_packed_with_a_local_carrier(sbx, case):
    local = placed(sbx, (case["skus"][0]["sku_id"], 1), shipping="local")

    package = ok(act(sbx, local["order_id"], "pack", shipment_provider="Ninja Van"), 201)

    assert package["tracking_number"].startswith("LEXMY")
    error = refused(sbx, local, "pack", 409, "invalid_state_transition")
    assert state_detail(error)["current_state"] == ["packed"]


@pytest.mark.parametrize(("body", "field"), [
    ({"shipment_provider": "DHL"}, "shipment_provider"),
    ({"shipment_provider": "LEX MY"}, "shipment_provider"),  # a local carrier, cross-border order
    ({"shipment_provider": ""}, "shipment_provider"),
    ({"order_item_ids": []}, "order_item_ids"),
    ({"order_item_ids": ["1"]}, "order_item_ids.0"),
    ({"order_item_ids": 5}, "order_item_ids"),
    ({"order_item_ids": [1]}, "order_item_ids.0"),  # not an item of this order
    ({"package_id": "FP1"}, "package_id"),  # unknown field
])
def test_a_bad_pack_request_is_a_400_naming_the_field(sbx, order, body, field):
    before = world(sbx)

    response = act(sbx, order["order_id"], "pack", **body)

    error = assert_error(response, 400, response.get_json()["error"]["code"], field=field)
    assert error["code"] in ("validation_failed", "unknown_order_item")
    assert world(sbx) == before


def test_an_item_given_twice_or_of_another_order_is_a_400(sbx, case, order):
    other = placed(sbx, (case["skus"][0]["sku_id"], 1))
    first = item_ids(order)[0]

    twice = refused(sbx, order, "pack", 400, "unknown_order_item",
                    order_item_ids=[first, first])
    foreign = refused(sbx, order, "pack", 400, "unknown_order_item",
                      order_item_ids=[first, item_ids(other)[0]])

    assert twice["details"][0]["field"] == "order_item_ids.1"
    assert foreign["details"][0]["field"] == "order_item_ids.1"
    assert str(order["order_id"]) in foreign["message"]


def test_packing_packed_items_is_refused_naming_their_status(sbx, order):
    first, second, _ = item_ids(order)
    ok(act(sbx, order["order_id"], "pack", order_item_ids=[first]), 201)

    # Naming a packed item beside a pending one: all or nothing, no package is made.
    error = refused(sbx, order, "pack", 409, "invalid_state_transition",
                    order_item_ids=[second, first])

    detail = state_detail(error)
    assert (detail["current_state"], detail["action"]) == ("packed", "pack")
    assert detail["allowed_actions"] == ["ready_to_ship", "cancel", "repack"]
    assert f"order item {first}" in error["message"] and "is packed" in error["message"]

    ok(act(sbx, order["order_id"], "pack"), 201)  # the rest
    error = refused(sbx, order, "pack", 409, "invalid_state_transition")
    detail = state_detail(error)
    assert detail["current_state"] == ["packed"]
    assert detail["allowed_actions"] == ["ready_to_ship", "cancel", "repack"]


# -- ready to ship ------------------------------------------------------------------------------

def test_ready_to_ship_hands_the_package_over_and_starts_the_first_mile_deadline(sbx, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)
    assert len(timers(sbx, "order.rts_deadline")) == 1

    readied = ok(act(sbx, order["order_id"], "ready_to_ship"))

    handed_at = datetime.fromisoformat(readied["updated_at"])
    due = handed_at + timedelta(days=7)  # logistics.first_mile_scan_deadline, calendar days
    assert readied["statuses"] == ["ready_to_ship"]
    assert readied["allowed_actions"] == ["cancel"]
    assert readied["deadlines"]["first_mile_scan_deadline"] == due.isoformat()
    shipped = ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))
    assert shipped["status"] == "ready_to_ship"
    assert shipped["ready_to_ship_at"] == handed_at.isoformat()
    assert shipped["first_mile_scan_deadline"] == due.isoformat()
    [timer] = timers(sbx, "logistics.first_mile_scan_deadline")
    assert (timer["due_at"], timer["subject"]) == (due.isoformat(),
                                                   f"package:{package['package_id']}")
    # Nothing awaits the ready-to-ship deadline any more: its timer is gone.
    assert timers(sbx, "order.rts_deadline") == []
    [event] = events(sbx, "order.ready_to_ship")
    assert event["data"]["tracking_number"] == package["tracking_number"]
    [tracked] = events(sbx, "tracking.updated")
    assert tracked["data"]["milestone"] == "ready_to_ship"


def test_ready_to_ship_before_packing_is_refused(sbx, order):
    error = refused(sbx, order, "ready_to_ship", 409, "invalid_state_transition")

    detail = state_detail(error)
    assert detail["current_state"] == ["pending"]
    assert detail["allowed_actions"] == ["pack", "cancel"]
    assert "pack items first" in error["message"]


def test_ready_to_ship_twice_is_refused_naming_the_status(sbx, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)
    ok(act(sbx, order["order_id"], "ready_to_ship"))

    by_default = refused(sbx, order, "ready_to_ship", 409, "invalid_state_transition")
    by_id = refused(sbx, order, "ready_to_ship", 409, "invalid_state_transition",
                    package_ids=[package["package_id"]])

    assert state_detail(by_default)["current_state"] == ["ready_to_ship"]
    # Not "pack items first": nothing is left to pack.
    assert state_detail(by_default)["allowed_actions"] == ["cancel"]
    assert "pack items first" not in by_default["message"]
    detail = state_detail(by_id)
    assert (detail["current_state"], detail["allowed_actions"]) == ("ready_to_ship",
                                                                    ["cancel"])


@pytest.mark.parametrize(("package_ids", "field"), [
    (["FP000000000000001"], "package_ids.0"),
    ([], "package_ids"),
    ("FP1", "package_ids"),
    ([7], "package_ids.0"),
])
def test_a_bad_ready_to_ship_request_is_a_400_naming_the_field(sbx, order, package_ids, field):
    ok(act(sbx, order["order_id"], "pack"), 201)
    before = world(sbx)

    response = act(sbx, order["order_id"], "ready_to_ship", package_ids=package_ids)

    assert_error(response, 400, response.get_json()["error"]["code"], field=field)
    assert world(sbx) == before


def test_a_package_given_twice_or_of_another_order_is_a_400(sbx, case, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)
    other = placed(sbx, (case["skus"][0]["sku_id"], 1))
    foreign = ok(act(sbx, other["order_id"], "pack"), 201)

    refused(sbx, order, "ready_to_ship", 400, "unknown_package",
            package_ids=[package["package_id"], package["package_id"]])
    error = refused(sbx, order, "ready_to_ship", 400, "unknown_package",
                    package_ids=[foreign["package_id"]])
    assert error["details"][0]["field"] == "package_ids.0"


# -- unknown orders -----------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("GET", "", None), ("GET", "/items", None), ("POST", "/pack", {}),
    ("POST", "/ready_to_ship", {}), ("POST", "/cancel", {"reason": "out_of_stock"})])
def test_an_unknown_order_is_a_404_and_a_bad_id_a_400(sbx, order, method, suffix, body):
    missing = sbx.request(method, f"/api/v1/orders/300000000000001{suffix}", json=body)
    bad = sbx.request(method, f"/api/v1/orders/abc{suffix}", json=body)

    assert_error(missing, 404, "order_not_found", field="order_id", location="path")
    assert_error(bad, 400, "validation_failed", field="order_id", location="path")
