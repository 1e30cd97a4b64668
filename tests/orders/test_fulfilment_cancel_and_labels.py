"""What the seller does with an order: cancel it and print the label; then every seller action
refused from every status the seller can reach: a 409 naming the current status and the allowed
actions (or a 400 naming the bad field), after which nothing has changed. Packing and readying
to ship are in ``test_fulfilment.py``."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import update

from mockplatform.orders.models import OrderItem
from tests.api.support import assert_error
from tests.orders.fulfilment_support import (
    case_fixture,  # noqa: F401 (the case fixture)
    item_ids,
    order_fixture,  # noqa: F401 (the order fixture)
    refused,
    state_detail,
    timers,
)
from tests.orders.support import act, events, make_product, ok, placed, sandbox, stock, world


def set_status(store, order_item_ids: list[int], status: str) -> None:
    """Move items where the carrier would (the journey is not these tests' subject)."""
    with store.transaction() as session:
        session.execute(update(OrderItem).where(OrderItem.order_item_id.in_(order_item_ids))
                        .values(status=status))


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
