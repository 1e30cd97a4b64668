"""The AliExpress semi-hosted order's fines and refusals over HTTP: the tiered late fine charged
when the order ships or is canceled, the cancellation 7 days past the due day, each at its
boundary; then every illegal step, the wrong flow and bad input, each refused with nothing
changed. The walk and the ship deadline are in ``test_semi_hosted.py``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.support import assert_error
from tests.orders.semi_hosted_support import (
    CANCEL_AT,
    ONE_SECOND,
    WEDNESDAY_END,
    Shop,
    shop_fixture,  # noqa: F401 (the shop fixture)
    utc,
)

# -- semi_hosted.late_fine -----------------------------------------------------------------------

@pytest.mark.parametrize(("late_by", "tier", "amount"), [
    (timedelta(seconds=1), "short_delay", "-100.00"),
    (timedelta(hours=48), "short_delay", "-100.00"),  # exactly 48 h late: still 50%
    (timedelta(hours=48, seconds=1), "long_delay", "-200.00"),
])
def test_shipping_late_is_fined_by_how_late_it_ships(shop, late_by, tier, amount):
    order = shop.packed(quantity=2)  # product price 200.00
    shipped_at = WEDNESDAY_END + late_by

    shop.advance_to(shipped_at)
    shipped = shop.ship(order)

    [fine] = shop.fines()
    assert (fine["kind"], fine["amount"], fine["policy_key"]) == (
        "fine", amount, "semi_hosted.late_fine")
    assert fine["occurred_at"] == utc(shipped_at)
    assert fine["details"]["tier"] == tier
    assert fine["details"]["late_by"] == shipped["deadlines"]["shipped_late_by"]
    [event] = shop.events("order.shipped")
    assert event["data"]["late_fine"]["entry_id"] == fine["id"]
    assert event["data"]["late_fine"]["amount"] == amount.lstrip("-")


def test_the_fine_is_a_share_of_the_product_price_only(api):
    shop = Shop(api)
    response = shop.http.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": shop.sku_id, "quantity": 3}], "shipping": "local"})
    order = response.get_json()
    shop.accept(order)
    shop.pack(order)
    shop.advance_to(WEDNESDAY_END + timedelta(days=3))
    shop.ship(order)
    assert [f["amount"] for f in shop.fines()] == ["-300.00"]


def test_the_fine_shares_follow_the_sandboxs_policy_overrides(api):
    shop = Shop(api, policy_overrides={"semi_hosted.late_fine": {"short_delay_fine": "0.3"}})
    order = shop.packed(quantity=1)
    shop.advance_to(WEDNESDAY_END + timedelta(hours=1))
    shop.ship(order)
    assert [f["amount"] for f in shop.fines()] == ["-30.00"]


# -- semi_hosted.cancel_after --------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["pending", "accepted", "packed"])
def test_an_order_still_not_shipped_7_days_past_its_due_day_is_canceled_and_fined(shop, stage):
    order = shop.place(quantity=2)
    if stage != "pending":
        shop.accept(order)
    if stage == "packed":
        package_id = shop.pack(order)["package_id"]
    assert shop.stock() == 8

    shop.advance_to(CANCEL_AT - ONE_SECOND)
    assert shop.get(order)["statuses"] == [stage]
    assert shop.events("order.canceled") == []
    assert shop.fines() == []

    shop.advance_to(CANCEL_AT)
    canceled = shop.get(order)
    assert canceled["statuses"] == ["canceled"]
    assert {(i["reason"], i["cancel_return_initiator"]) for i in canceled["items"]} == {
        ("not_shipped_in_time", "cancellation-internal")}
    [fine] = shop.fines()
    assert (fine["amount"], fine["policy_key"], fine["occurred_at"]) == (
        "-200.00", "semi_hosted.late_fine", utc(CANCEL_AT))
    assert fine["details"]["tier"] == "long_delay"
    assert fine["details"]["occasion"] == "canceled_not_shipped"
    [event] = shop.events("order.canceled")
    assert event["occurred_at"] == utc(CANCEL_AT)
    assert event["data"]["policy_key"] == "semi_hosted.cancel_after"
    assert event["data"]["late_fine"]["entry_id"] == fine["id"]
    assert shop.stock() == 10
    if stage == "packed":
        package = shop.http.get(f"/api/v1/packages/{package_id}").get_json()
        assert package["status"] == "canceled"


def test_an_order_shipped_late_is_fined_once_and_never_canceled(shop):
    order = shop.packed()
    shop.advance_to(WEDNESDAY_END + timedelta(days=5))
    shop.ship(order)

    shop.advance_to(CANCEL_AT + timedelta(days=30))

    assert shop.get(order)["statuses"] == ["shipped"]
    assert [f["details"]["occasion"] for f in shop.fines()] == ["shipped"]


def test_an_order_canceled_by_the_seller_after_its_deadline_is_fined_once(shop):
    order = shop.place()
    shop.advance_to(WEDNESDAY_END + timedelta(hours=5))

    canceled = shop.post(order, "cancel", {"reason": "out_of_stock"})

    assert canceled["statuses"] == ["canceled"]
    assert {i["cancel_return_initiator"] for i in canceled["items"]} == {"cancellation-seller"}
    [fine] = shop.fines()
    assert (fine["amount"], fine["details"]["occasion"]) == ("-100.00", "canceled_by_seller")
    [event] = shop.events("order.canceled")
    assert event["data"]["late_fine"]["entry_id"] == fine["id"]
    shop.advance_to(CANCEL_AT + timedelta(days=1))
    assert len(shop.fines()) == 1


def test_an_order_canceled_by_the_seller_in_time_is_not_fined(shop):
    order = shop.packed()
    shop.advance_to(WEDNESDAY_END - ONE_SECOND)

    shop.post(order, "cancel", {"reason": "sourcing_delay"})

    assert shop.fines() == []
    assert shop.stock() == 10
    shop.advance_to(CANCEL_AT + timedelta(days=1))
    assert shop.fines() == []
    assert shop.events("order.ship_deadline_passed") == []


# -- illegal steps and the wrong flow -------------------------------------------------------------

@pytest.mark.parametrize(("steps", "action", "status", "allowed"), [
    ([], "pack", "pending", ["accept", "cancel"]),
    ([], "ship", "pending", ["accept", "cancel"]),
    (["accept"], "accept", "accepted", ["pack", "cancel"]),
    (["accept"], "ship", "accepted", ["pack", "cancel"]),
    (["accept", "pack"], "pack", "packed", ["ship", "cancel"]),
    (["accept", "pack", "ship"], "cancel", "shipped", []),
    (["accept", "pack", "ship"], "ship", "shipped", []),
])
def test_an_illegal_step_is_a_409_naming_the_status_and_what_is_allowed(shop, steps, action,
                                                                        status, allowed):
    order = shop.place()
    for step in steps:
        getattr(shop, step)(order)
    body = {"ship": {"shipment_provider": "SF Express", "tracking_number": "SF1234567890"},
            "cancel": {"reason": "out_of_stock"}}.get(action)

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/{action}", json=body)

    error = assert_error(response, 409, "invalid_state_transition", field="state")
    assert error["details"][0]["current_state"] == status
    assert error["details"][0]["allowed_actions"] == allowed
    assert f"is {status}: cannot {action}" in error["message"]


def test_the_buyer_confirms_receipt_only_of_a_shipped_order(shop):
    order = shop.packed()
    error = assert_error(shop.http.post(
        f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt"),
        409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "packed"
    shop.ship(order)
    shop.confirm_receipt(order)
    error = assert_error(shop.http.post(
        f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt"),
        409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "delivered"


def test_a_canceled_order_takes_no_more_steps(shop):
    order = shop.place()
    shop.post(order, "cancel", {"reason": "wrong_price"})
    error = assert_error(shop.http.post(f"/api/v1/orders/{order['order_id']}/accept"),
                         409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "canceled"
    assert error["details"][0]["allowed_actions"] == []


def test_lazadas_ready_to_ship_is_not_a_semi_hosted_step(shop):
    order = shop.packed()

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={})

    error = assert_error(response, 409, "wrong_order_flow", field="order_id")
    assert "semi_hosted flow" in error["message"]
    assert "lazada and tiktok flows" in error["message"]
    assert error["details"][0]["flow"] == "semi_hosted"
    assert error["details"][0]["allowed_actions"] == ["ship", "cancel"]
    assert shop.get(order)["statuses"] == ["packed"]


@pytest.mark.parametrize(("path", "body"), [
    ("accept", None),
    ("ship", {"shipment_provider": "SF Express", "tracking_number": "SF1234567890"}),
])
def test_semi_hosted_steps_are_refused_on_a_lazada_order(sbx, path, body):
    product = sbx.post("/api/v1/products", json={
        "name": "Fan", "skus": [{"seller_sku": "FAN-1", "price": "50.00", "stock": 5}]})
    order = sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": product.get_json()["skus"][0]["sku_id"]}]}).get_json()
    assert order["flow"] == "lazada"

    response = sbx.post(f"/api/v1/orders/{order['order_id']}/{path}", json=body)

    error = assert_error(response, 409, "wrong_order_flow", field="order_id")
    assert "lazada flow" in error["message"] and "semi_hosted flow" in error["message"]
    assert error["details"][0]["allowed_actions"] == ["pack", "cancel"]
    response = sbx.post(f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt")
    assert_error(response, 409, "wrong_order_flow", field="order_id")
    assert sbx.get(f"/api/v1/orders/{order['order_id']}").get_json()["statuses"] == ["pending"]


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field"), [
    ({"shipment_provider": "SF Express"}, "tracking_number"),
    ({"tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": "SF Express", "tracking_number": "SF123"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "S" * 41}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "SF-1234567"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "SF1234567\n"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "ＳＦ12345678"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": 12345678}, "tracking_number"),
    ({"shipment_provider": "", "tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": " SF", "tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": "SF\tExpress", "tracking_number": "SF1234567890"},
     "shipment_provider"),
    ({"shipment_provider": "S" * 61, "tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": "SF", "tracking_number": "SF1234567890", "eta": "soon"}, "eta"),
])
def test_bad_shipping_information_is_a_400_naming_the_field_and_changes_nothing(shop, body,
                                                                                field):
    order = shop.packed()
    shop.advance_to(WEDNESDAY_END + timedelta(hours=1))

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/ship", json=body)

    assert_error(response, 400, "validation_failed", field=field)
    assert shop.get(order)["statuses"] == ["packed"]
    assert shop.fines() == []


def test_a_tracking_number_another_package_has_is_a_409_and_changes_nothing(shop):
    first, second = shop.packed(1), shop.packed(1)
    shop.ship(first, tracking_number="YT0000000001")
    shop.advance_to(WEDNESDAY_END + timedelta(hours=1))

    response = shop.http.post(f"/api/v1/orders/{second['order_id']}/ship", json={
        "shipment_provider": "YunExpress", "tracking_number": "YT0000000001"})

    error = assert_error(response, 409, "tracking_number_taken", field="tracking_number")
    assert error["details"][0]["order_id"] == first["order_id"]
    assert shop.get(second)["statuses"] == ["packed"]
    assert shop.fines() == []
    assert len(shop.events("order.shipped")) == 1
    # Another number goes through, and is fined for its lateness.
    shop.ship(second, tracking_number="YT0000000002")
    assert len(shop.fines()) == 1


@pytest.mark.parametrize("body", [{"order_item_ids": [1]}, {"shipment_provider": "SF Express"}])
def test_a_semi_hosted_order_is_packed_whole_and_without_a_carrier(shop, body):
    order = shop.place()
    shop.accept(order)
    if "order_item_ids" in body:
        body = {"order_item_ids": [order["items"][0]["order_item_id"]]}

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/pack", json=body)

    assert_error(response, 400, "validation_failed", field=next(iter(body)))
    assert shop.get(order)["statuses"] == ["accepted"]
    assert shop.get(order)["package_ids"] == []


def test_a_semi_hosted_order_is_canceled_whole(shop):
    order = shop.place()
    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/cancel", json={
        "reason": "out_of_stock", "order_item_ids": [order["items"][0]["order_item_id"]]})
    assert_error(response, 400, "validation_failed", field="order_item_ids")
    assert shop.get(order)["statuses"] == ["pending"]


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/v1/orders/399999999999999/accept", 404, "order_not_found"),
    ("/api/v1/orders/399999999999999/ship", 404, "order_not_found"),
    ("/api/v1/test_helpers/orders/399999999999999/confirm_receipt", 404, "order_not_found"),
    ("/api/v1/orders/abc/accept", 400, "validation_failed"),
    ("/api/v1/orders/abc/ship", 400, "validation_failed"),
])
def test_an_unknown_or_malformed_order_id_is_refused(shop, path, status, code):
    body = {"shipment_provider": "SF Express", "tracking_number": "SF1234567890"} \
        if path.endswith("ship") else None
    assert_error(shop.http.post(path, json=body), status, code, field="order_id")


def test_accept_takes_no_body(shop):
    order = shop.place()
    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/accept",
                              json={"note": "ok"})
    assert_error(response, 400, "validation_failed")
    assert shop.get(order)["statuses"] == ["pending"]


def test_the_platform_has_no_label_for_a_semi_hosted_package(shop):
    order = shop.packed()
    package_id = shop.get(order)["package_ids"][0]

    response = shop.http.get(f"/api/v1/packages/{package_id}/label")

    error = assert_error(response, 409, "no_label", field="package_id")
    assert "semi_hosted" in error["message"]
