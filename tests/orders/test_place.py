"""Placing an order as the buyer: one item per unit, stock taken for every unit or for none, and
bad input refused with a precise 4xx that writes nothing."""

from __future__ import annotations

import pytest

from tests.api.support import assert_error
from tests.orders.support import PLACE, events, make_product, ok, place, placed, stock, world


@pytest.fixture
def case(sbx) -> dict:
    return make_product(sbx, ("CASE-BLK", "19.90", 3), ("CASE-WHT", "21.00", 2))


def sku_ids(product: dict) -> list[int]:
    return [sku["sku_id"] for sku in product["skus"]]


# -- what an order is ---------------------------------------------------------------------------

def test_an_order_has_one_item_per_unit_and_takes_the_stock(sbx, case):
    black, white = sku_ids(case)

    order = placed(sbx, (black, 2), ("CASE-WHT", 1))

    assert order["object"] == "order" and order["flow"] == "lazada"
    assert order["statuses"] == ["pending"] and order["items_count"] == 3
    assert [(i["sku_id"], i["seller_sku"], i["item_price"], i["status"])
            for i in order["items"]] == [(black, "CASE-BLK", "19.90", "pending")] * 2 + [
        (white, "CASE-WHT", "21.00", "pending")]
    ids = [item["order_item_id"] for item in order["items"]]
    assert ids == sorted(set(ids))
    assert (order["price"], order["currency"], order["shipping_fee"]) == ("60.80", "MYR", "0.00")
    assert (order["payment_method"], order["shipping_type"]) == ("prepaid", "cross_border")
    assert order["allowed_actions"] == ["pack", "cancel"] and order["package_ids"] == []
    assert order["deadlines"]["first_mile_scan_deadline"] is None
    assert order["delayed"] is False
    assert stock(sbx, case) == {"CASE-BLK": 1, "CASE-WHT": 1}
    assert ok(sbx.get(f"/api/v1/orders/{order['order_id']}")) == order
    assert ok(sbx.get(f"/api/v1/orders/{order['order_id']}/items"))["data"] == order["items"]
    [created] = events(sbx, "order.created")
    assert created["subject"] == f"order:{order['order_id']}"
    assert created["data"]["order_item_ids"] == ids
    assert created["data"]["statuses"] == ["pending"]
    assert created["data"]["deadlines"] == order["deadlines"]


def test_the_buyer_is_given_made_with_the_fields_given_or_generated(sbx, case):
    black = sku_ids(case)[0]
    buyer = ok(sbx.post("/api/v1/test_helpers/buyers", json={"first_name": "Aisyah"}), 201)

    by_id = placed(sbx, (black, 1), buyer_id=buyer["buyer_id"], payment_method="cod",
                   shipping="local")
    new = placed(sbx, (black, 1), buyer={"first_name": "Mei Ling", "city": "Ipoh"})
    generated = placed(sbx, (black, 1))

    assert by_id["buyer_id"] == buyer["buyer_id"]
    assert by_id["address_shipping"]["first_name"] == "Aisyah"
    assert (by_id["payment_method"], by_id["shipping_type"]) == ("cod", "local")
    assert (new["address_shipping"]["first_name"], new["address_shipping"]["city"]) == (
        "Mei Ling", "Ipoh")
    assert len({by_id["buyer_id"], new["buyer_id"], generated["buyer_id"]}) == 3
    assert generated["address_shipping"]["country"] == "MY"


def test_two_lines_of_one_sku_take_their_sum(sbx, case):
    black = sku_ids(case)[0]

    order = placed(sbx, (black, 2), ("CASE-BLK", 1))

    assert order["items_count"] == 3
    assert stock(sbx, case)["CASE-BLK"] == 0


# -- not enough stock: a 409 and nothing written --------------------------------------------------

@pytest.mark.parametrize("lines", [
    [(0, 4)],  # more than the stock
    [(0, 2), (0, 2)],  # two lines of one SKU, each within the stock, together over it
    [(0, 1), (1, 3)],  # one line short: the other takes nothing either
])
def test_an_order_over_the_stock_is_a_409_that_changes_nothing(sbx, case, lines):
    placed(sbx, (sku_ids(case)[1], 1))  # an earlier order, so "nothing" is not "empty"
    before = world(sbx)

    response = place(sbx, *[(sku_ids(case)[index], quantity) for index, quantity in lines])

    error = assert_error(response, 409, "insufficient_stock", field="items")
    [short] = error["details"]
    index, _ = lines[-1]
    wanted = sum(quantity for i, quantity in lines if i == index)
    assert (short["sku_id"], short["requested"]) == (sku_ids(case)[index], wanted)
    assert short["current_stock"] == [3, 1][index]
    assert world(sbx) == before
    assert len(events(sbx, "order.created")) == 1


def test_a_delisted_product_cannot_be_ordered(sbx, case):
    ok(sbx.post(f"/api/v1/products/{case['item_id']}/delist"))
    before = world(sbx)

    response = place(sbx, (sku_ids(case)[0], 1))

    error = assert_error(response, 409, "product_not_listed", field="items.0.sku_id")
    assert error["details"][0]["current_state"] == "delisted"
    assert world(sbx) == before


# -- bad input: a 400 naming the field, nothing written ------------------------------------------

@pytest.mark.parametrize(("line", "field"), [
    ({"sku_id": 999999999}, "items.1.sku_id"),
    ({"seller_sku": "NO-SUCH"}, "items.1.seller_sku"),
])
def test_an_unknown_sku_is_a_400_naming_the_line(sbx, case, line, field):
    before = world(sbx)

    response = sbx.post(PLACE, json={"items": [{"sku_id": sku_ids(case)[0]}, line]})

    assert_error(response, 400, "unknown_sku", field=field, location="body")
    assert world(sbx) == before


def test_an_unknown_buyer_is_a_400_and_the_stock_stays(sbx, case):
    before = world(sbx)

    response = place(sbx, (sku_ids(case)[0], 2), buyer_id=424242)

    assert_error(response, 400, "unknown_buyer", field="buyer_id", location="body")
    assert world(sbx) == before
    assert stock(sbx, case)["CASE-BLK"] == 3


@pytest.mark.parametrize("quantity", [0, -1, 101])
def test_a_quantity_out_of_range_is_a_400(sbx, case, quantity):
    before = world(sbx)

    response = place(sbx, (sku_ids(case)[0], 1), (sku_ids(case)[1], quantity))

    error = assert_error(response, 400, "validation_failed", field="items.1.quantity")
    assert "between 1 and 100" in error["message"]
    assert world(sbx) == before


def test_more_than_100_units_in_all_is_a_400(sbx):
    product = make_product(sbx, ("A", "1.00", 100), ("B", "1.00", 100))
    a, b = sku_ids(product)
    before = world(sbx)

    response = place(sbx, (a, 60), (b, 41))

    error = assert_error(response, 400, "validation_failed", field="items")
    assert "100" in error["message"]
    assert world(sbx) == before
    assert placed(sbx, (a, 60), (b, 40))["items_count"] == 100


@pytest.mark.parametrize(("body", "field"), [
    ({"items": [{"sku_id": "15", "quantity": 1}]}, "items.0.sku_id"),
    ({"items": [{"sku_id": 15, "quantity": "2"}]}, "items.0.quantity"),
    ({"items": [{"sku_id": 15, "quantity": 1.5}]}, "items.0.quantity"),
    ({"items": [{"sku_id": 15, "quantity": True}]}, "items.0.quantity"),
    ({"items": [{"sku_id": -3}]}, "items.0.sku_id"),
    ({"items": [{"seller_sku": ""}]}, "items.0.seller_sku"),
    ({"items": [{"seller_sku": 7}]}, "items.0.seller_sku"),
    ({"items": [5]}, "items.0"),
    ({"items": {"sku_id": 15}}, "items"),
    ({"items": []}, "items"),
    ({"items": [{"sku_id": 15}] * 51}, "items"),
    ({}, "items"),
    ({"items": [{"quantity": 1}]}, "items.0.sku_id"),
    ({"items": [{"sku_id": 15, "seller_sku": "CASE-BLK"}]}, "items.0.sku_id"),
    ({"items": [{"sku_id": 15}], "buyer_id": "7"}, "buyer_id"),
    ({"items": [{"sku_id": 15}], "buyer_id": 7, "buyer": {"first_name": "A"}}, "buyer"),
    ({"items": [{"sku_id": 15}], "buyer": {"first_name": 5}}, "buyer.first_name"),
    ({"items": [{"sku_id": 15}], "payment_method": "card"}, "payment_method"),
    ({"items": [{"sku_id": 15}], "shipping": "air"}, "shipping"),
    ({"items": [{"sku_id": 15}], "shipping": None}, "shipping"),
    # Unknown fields are refused, not ignored: a typo must not place a different order.
    ({"items": [{"sku_id": 15}], "coupon": "FREE"}, "coupon"),
    ({"items": [{"sku_id": 15, "price": "0.01"}]}, "items.0.price"),
    ({"items": [{"sku_id": 15}], "buyer": {"nickname": "A"}}, "buyer.nickname"),
])
def test_bad_input_is_a_400_naming_the_field(sbx, case, body, field):
    before = world(sbx)

    response = sbx.post(PLACE, json=body)

    assert_error(response, 400, "validation_failed", field=field, location="body")
    assert world(sbx) == before


def test_a_body_that_is_not_a_json_object_is_refused(sbx, case):
    before = world(sbx)

    as_text = sbx.post(PLACE, data="items=1", headers={"Content-Type": "text/plain"})
    as_list = sbx.post(PLACE, json=[{"sku_id": sku_ids(case)[0]}])

    assert as_text.status_code in (400, 415)
    assert as_list.status_code == 400
    assert world(sbx) == before
