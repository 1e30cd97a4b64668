"""What the seller does with an order: pack, ready to ship, cancel, print the label. Each happy
path, and every refused action: a 409 naming the current status and the allowed actions (or a
400 naming the bad field), after which nothing has changed."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from mockplatform.orders.models import OrderItem
from tests.api.support import assert_error
from tests.orders.support import (
    act,
    events,
    get_order,
    make_product,
    ok,
    placed,
    sandbox,
    stock,
    world,
)


@pytest.fixture
def case(sbx) -> dict:
    return make_product(sbx, ("CASE-BLK", "19.90", 5), ("CASE-WHT", "21.00", 5))


@pytest.fixture
def order(sbx, case) -> dict:
    """Three pending items: two black cases and a white one."""
    black, white = (sku["sku_id"] for sku in case["skus"])
    return placed(sbx, (black, 2), (white, 1))


def item_ids(order: dict) -> list[int]:
    return [item["order_item_id"] for item in order["items"]]


def timers(sbx, kind: str) -> list[dict]:
    return [t for t in ok(sbx.get(f"{sbx.base}/timers"))["data"] if t["kind"] == kind]


def set_status(store, order_item_ids: list[int], status: str) -> None:
    """Move items where the carrier would (the journey is not these tests' subject)."""
    with store.transaction() as session:
        session.execute(update(OrderItem).where(OrderItem.order_item_id.in_(order_item_ids))
                        .values(status=status))


def refused(sbx, order: dict, action: str, status: int, code: str, **body) -> dict:
    """``action`` is refused with ``status`` and ``code``, and nothing changed."""
    before = world(sbx)
    response = act(sbx, order["order_id"], action, **body)
    error = assert_error(response, status, code)
    assert world(sbx) == before
    return error


def state_detail(error: dict) -> dict:
    [detail] = error["details"]
    return detail


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


# -- cancel -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("reason", "text"), [("sourcing_delay", "Sourcing Delay"),
                                              ("wrong_price", "Wrong Price or Pricing Error")])
def test_canceling_puts_the_units_back(sbx, case, order, reason, text):
    canceled = ok(act(sbx, order["order_id"], "cancel", reason=reason))

    assert canceled["statuses"] == ["canceled"] and canceled["allowed_actions"] == []
    assert {(i["reason"], i["reason_detail"], i["cancel_return_initiator"])
            for i in canceled["items"]} == {(reason, text, "cancellation-seller")}
    assert stock(sbx, case) == {"CASE-BLK": 5, "CASE-WHT": 5}
    [event] = events(sbx, "order.canceled")
    assert (event["data"]["reason"], event["data"]["initiator"]) == (reason,
                                                                     "cancellation-seller")
    assert event["data"]["order_item_ids"] == item_ids(order)
    assert timers(sbx, "order.rts_deadline") == []
    assert events(sbx, "product.stock_updated") == []


def test_out_of_stock_sets_the_stock_of_the_canceled_skus_to_zero(sbx, case, order):
    black_items = item_ids(order)[:2]

    canceled = ok(act(sbx, order["order_id"], "cancel", reason="out_of_stock",
                      order_item_ids=black_items))

    assert [i["status"] for i in canceled["items"]] == ["canceled", "canceled", "pending"]
    assert canceled["statuses"] == ["pending", "canceled"]
    assert stock(sbx, case) == {"CASE-BLK": 0, "CASE-WHT": 4}
    [updated] = events(sbx, "product.stock_updated")
    assert (updated["data"]["previous_stock"], updated["data"]["stock"]) == (3, 0)
    # The white case still awaits the ready-to-ship deadline.
    assert len(timers(sbx, "order.rts_deadline")) == 1


def test_out_of_stock_zeroes_only_the_sku_named_not_its_package_mates(sbx, case, order):
    _, second, third = item_ids(order)  # a black case and the white one, packed together
    ok(act(sbx, order["order_id"], "pack", order_item_ids=[second, third]), 201)

    canceled = ok(act(sbx, order["order_id"], "cancel", reason="out_of_stock",
                      order_item_ids=[third]))

    assert [i["status"] for i in canceled["items"]] == ["pending", "canceled", "canceled"]
    # White is out of stock; the black case canceled with its package goes back on the shelf.
    assert stock(sbx, case) == {"CASE-BLK": 4, "CASE-WHT": 0}
    [updated] = events(sbx, "product.stock_updated")
    assert updated["data"]["sku_id"] == case["skus"][1]["sku_id"]


def test_canceling_one_item_of_a_package_cancels_the_whole_package(sbx, case, order):
    first, second, third = item_ids(order)
    package = ok(act(sbx, order["order_id"], "pack", order_item_ids=[first, third]), 201)

    canceled = ok(act(sbx, order["order_id"], "cancel", reason="sourcing_delay",
                      order_item_ids=[third]))

    assert [i["status"] for i in canceled["items"]] == ["canceled", "pending", "canceled"]
    [event] = events(sbx, "order.canceled")
    assert event["data"]["order_item_ids"] == [third, first]
    assert event["data"]["previous_statuses"] == ["packed"]
    assert ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))["status"] == "canceled"
    assert stock(sbx, case) == {"CASE-BLK": 4, "CASE-WHT": 5}
    [tracked] = events(sbx, "tracking.updated")
    assert tracked["data"]["milestone"] == "canceled"


def test_canceling_a_ready_package_drops_its_first_mile_deadline(sbx, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)
    ok(act(sbx, order["order_id"], "ready_to_ship"))

    canceled = ok(act(sbx, order["order_id"], "cancel", reason="wrong_price",
                      order_item_ids=[item_ids(order)[0]]))

    assert canceled["statuses"] == ["canceled"]
    assert ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))["status"] == "canceled"
    assert timers(sbx, "logistics.first_mile_scan_deadline") == []
    assert ok(sbx.get(f"{sbx.base}/timers"))["data"] == []


def test_canceling_canceled_items_is_refused(sbx, order):
    ok(act(sbx, order["order_id"], "cancel", reason="wrong_price"))

    by_default = refused(sbx, order, "cancel", 409, "invalid_state_transition",
                         reason="wrong_price")
    by_id = refused(sbx, order, "cancel", 409, "invalid_state_transition",
                    reason="wrong_price", order_item_ids=[item_ids(order)[0]])

    assert state_detail(by_default)["current_state"] == ["canceled"]
    assert state_detail(by_default)["allowed_actions"] == []
    detail = state_detail(by_id)
    assert (detail["current_state"], detail["allowed_actions"]) == ("canceled", [])
    assert "allowed actions: none" in by_id["message"]


@pytest.mark.parametrize("action", ["pack", "ready_to_ship"])
def test_a_canceled_order_takes_no_other_action(sbx, order, action):
    ok(act(sbx, order["order_id"], "pack", order_item_ids=[item_ids(order)[0]]), 201)
    ok(act(sbx, order["order_id"], "cancel", reason="wrong_price"))

    error = refused(sbx, order, action, 409, "invalid_state_transition")

    assert state_detail(error)["current_state"] == ["canceled"]


@pytest.mark.parametrize("status", ["shipped", "delivered", "failed_delivery", "lost_by_3pl"])
def test_items_that_left_the_seller_cannot_be_canceled(sbx, store, order, status):
    set_status(store, item_ids(order), status)

    error = refused(sbx, order, "cancel", 409, "invalid_state_transition",
                    reason="out_of_stock", order_item_ids=item_ids(order)[:1])

    detail = state_detail(error)
    assert (detail["current_state"], detail["action"]) == (status, "cancel")
    assert "cancel" not in detail["allowed_actions"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "reason"),
    ({"reason": "changed_mind"}, "reason"),
    ({"reason": 1}, "reason"),
    ({"reason": "out_of_stock", "order_item_ids": []}, "order_item_ids"),
    ({"reason": "out_of_stock", "order_item_ids": [0]}, "order_item_ids.0"),
    ({"reason": "out_of_stock", "note": "x"}, "note"),
])
def test_a_bad_cancel_request_is_a_400_naming_the_field(sbx, order, body, field):
    before = world(sbx)

    response = act(sbx, order["order_id"], "cancel", **body)

    assert_error(response, 400, "validation_failed", field=field, location="body")
    assert world(sbx) == before


# -- unknown orders -----------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("GET", "", None), ("GET", "/items", None), ("POST", "/pack", {}),
    ("POST", "/ready_to_ship", {}), ("POST", "/cancel", {"reason": "out_of_stock"})])
def test_an_unknown_order_is_a_404_and_a_bad_id_a_400(sbx, order, method, suffix, body):
    missing = sbx.request(method, f"/api/v1/orders/300000000000001{suffix}", json=body)
    bad = sbx.request(method, f"/api/v1/orders/abc{suffix}", json=body)

    assert_error(missing, 404, "order_not_found", field="order_id", location="path")
    assert_error(bad, 400, "validation_failed", field="order_id", location="path")


# -- the label ----------------------------------------------------------------------------------

def test_the_label_is_a_base64_html_document_with_the_tracking_number(sbx, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)

    label = ok(sbx.get(f"/api/v1/packages/{package['package_id']}/label"))

    assert (label["object"], label["doc_type"], label["mime_type"]) == (
        "shipping_label", "HTML", "text/html")
    assert (label["package_id"], label["tracking_number"]) == (package["package_id"],
                                                               package["tracking_number"])
    document = base64.b64decode(label["file"], validate=True).decode("utf-8")
    assert document.startswith("<!DOCTYPE html>")
    assert package["tracking_number"] in document
    assert str(order["order_id"]) in document
    assert order["address_shipping"]["city"] in document
    assert all(str(item_id) in document for item_id in item_ids(order))
    ok(act(sbx, order["order_id"], "ready_to_ship"))
    assert ok(sbx.get(f"/api/v1/packages/{package['package_id']}/label")) == label


def test_a_canceled_package_has_no_label_and_an_unknown_one_is_a_404(sbx, order):
    package = ok(act(sbx, order["order_id"], "pack"), 201)
    ok(act(sbx, order["order_id"], "cancel", reason="wrong_price"))

    canceled = sbx.get(f"/api/v1/packages/{package['package_id']}/label")
    missing = sbx.get("/api/v1/packages/FP000000000000001/label")

    error = assert_error(canceled, 409, "invalid_state_transition")
    assert state_detail(error)["current_state"] == "canceled"
    assert_error(missing, 404, "package_not_found", field="package_id")
    assert_error(sbx.get("/api/v1/packages/FP000000000000001"), 404, "package_not_found")


@pytest.mark.parametrize(("market", "price", "shown"), [("MY", "19.90", "COD MYR 59.70"),
                                                        ("VN", "150000", "COD VND 450000")])
def test_a_cod_label_shows_the_amount_to_collect_as_the_api_does(api, market, price, shown):
    sbx = sandbox(api, market=market)
    sku = make_product(sbx, ("CASE-BLK", price, 5))["skus"][0]["sku_id"]
    order = placed(sbx, (sku, 3), payment_method="cod")
    package = ok(act(sbx, order["order_id"], "pack"), 201)

    label = ok(sbx.get(f"/api/v1/packages/{package['package_id']}/label"))

    assert f" {shown}</p>" in base64.b64decode(label["file"]).decode("utf-8")
    assert shown.endswith(order["price"])


def test_each_package_of_a_cod_order_collects_only_its_own_items(api):
    sbx = sandbox(api)
    skus = make_product(sbx, ("CASE-BLK", "19.90", 5), ("CASE-RED", "7.50", 5))["skus"]
    order = placed(sbx, (skus[0]["sku_id"], 1), (skus[1]["sku_id"], 2), payment_method="cod")
    by_sku = {item["seller_sku"]: item["order_item_id"] for item in order["items"]}
    black = ok(act(sbx, order["order_id"], "pack", order_item_ids=[by_sku["CASE-BLK"]]), 201)
    red = ok(act(sbx, order["order_id"], "pack"), 201)  # the rest: both red ones

    def shown(package: dict) -> str:
        label = ok(sbx.get(f"/api/v1/packages/{package['package_id']}/label"))
        return base64.b64decode(label["file"]).decode("utf-8")

    assert order["price"] == "34.90"
    assert " COD MYR 19.90</p>" in shown(black)
    assert " COD MYR 15.00</p>" in shown(red)


# -- every refused seller action, from every status the seller can reach ----------------------

SELLER_ALLOWED = {"pending": ["pack", "cancel"], "packed": ["ready_to_ship", "cancel", "repack"],
                  "ready_to_ship": ["cancel"], "canceled": []}


def bring_to(sbx, order: dict, status: str) -> str | None:
    """Walk ``order`` to ``status`` through the API; its package id, if it has one."""
    if status == "pending":
        return None
    package = ok(act(sbx, order["order_id"], "pack"), 201)["package_id"]
    if status == "ready_to_ship":
        ok(act(sbx, order["order_id"], "ready_to_ship"))
    if status == "canceled":
        ok(act(sbx, order["order_id"], "cancel", reason="sourcing_delay"))
    return package


@pytest.mark.parametrize(("status", "action"), [
    (status, action) for status, allowed in SELLER_ALLOWED.items()
    for action in ("pack", "ready_to_ship", "cancel") if action not in allowed])
def test_a_refused_action_names_the_status_and_what_it_allows(sbx, order, status, action):
    package_id = bring_to(sbx, order, status)
    body = {"cancel": {"reason": "wrong_price", "order_item_ids": item_ids(order)},
            "pack": {"order_item_ids": item_ids(order)},
            "ready_to_ship": {"package_ids": [package_id]} if package_id else {}}[action]

    error = refused(sbx, order, action, 409, "invalid_state_transition", **body)

    detail = state_detail(error)
    assert detail["current_state"] in (status, [status])
    assert detail["action"] == action
    assert detail["allowed_actions"] == SELLER_ALLOWED[status]
    assert status in error["message"]
