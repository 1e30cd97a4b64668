"""The official Lazada SDK (``lazop-sdk``) through fulfilment: pack, print the label, ready to
ship, follow the trace to delivery as the sandbox clock moves, cancel with a reason, update
stock; and the refusals an integration must handle. Every call to the gateway goes through
``lazop_sdk.LazopClient`` (the fixtures of ``test_lazada_sdk``)."""

from __future__ import annotations

import base64
import json

import test_lazada_sdk as sdk_suite
from test_lazada_sdk import START, Seller, _ok, _refused

# The SDK suite's fixtures: the SDK imported with a private HOME, and a seller's sandbox.
lazop, seller = sdk_suite.lazop, sdk_suite.seller


def _items(seller: Seller, order_id: int) -> list[dict]:
    return _ok(seller.call("/order/items/get", {"order_id": order_id}))["data"]


def _pack(seller: Seller, order_id: int, item_ids: list[int]) -> list[dict]:
    body = _ok(seller.call("/order/fulfill/pack", {"packReq": json.dumps({
        "pack_order_list": [{"order_id": order_id, "order_item_list": item_ids}],
        "delivery_type": "dropship", "shipping_allocate_type": "NTFS"})}, method="POST"))
    assert body["result"]["success"] is True
    return body["result"]["data"]["pack_order_list"][0]["order_item_list"]


def _packages(seller: Seller, api: str, name: str, package_id: str) -> dict:
    body = _ok(seller.call(api, {name: json.dumps({"packages": [{"package_id": package_id}]})},
                           method="POST"))
    return body["result"]["data"]["packages"][0]


def test_pack_label_ready_to_ship_and_trace_to_delivery(seller):
    (order_id,) = seller.place_orders(1, quantity=2)
    item_ids = [item["order_item_id"] for item in _items(seller, order_id)]
    providers = _ok(seller.call("/order/shipment/providers/get", {
        "getShipmentProvidersReq": json.dumps({"orders": [{"order_id": order_id,
                                                           "order_item_ids": item_ids}]})}))
    assert providers["result"]["data"]["shipment_providers"]
    lines = _pack(seller, order_id, item_ids)
    assert [line["item_err_code"] for line in lines] == ["0", "0"]
    package_id, tracking_number = lines[0]["package_id"], lines[0]["tracking_number"]

    label = _ok(seller.call("/order/package/document/get", {"getDocumentReq": json.dumps(
        {"doc_type": "HTML", "packages": [{"package_id": package_id}]})}))
    assert tracking_number in base64.b64decode(label["result"]["data"]["file"]).decode()

    assert _packages(seller, "/order/package/rts", "readyToShipReq", package_id)[
        "item_err_code"] == "0"
    assert {item["status"] for item in _items(seller, order_id)} == {"ready_to_ship"}
    seller.client.clock.advance(by="P30D")
    trace = _ok(seller.call("/logistic/order/trace", {"order_id": order_id}))
    [package] = trace["result"]["module"][0]["package_detail_info_list"]
    events = package["logistic_detail_info_list"]
    assert package["tracking_number"] == tracking_number
    assert events[0]["detail_type"] == "ready_to" and events[-1]["detail_type"] == "delivered"
    assert [int(e["event_time"]) for e in events] == sorted(int(e["event_time"])
                                                            for e in events)
    assert {item["status"] for item in _items(seller, order_id)} == {"delivered"}


def test_cancel_with_a_reason(seller):
    (order_id,) = seller.place_orders(1, quantity=2)
    first, second = (item["order_item_id"] for item in _items(seller, order_id))
    check = _ok(seller.call("/order/reverse/cancel/validate", {
        "order_id": order_id, "order_item_id_list": json.dumps([first])}))["data"]
    reasons = {option["reason_name"]: option["reason_id"] for option in check["reason_options"]}
    done = _ok(seller.call("/order/reverse/cancel/create", {
        "order_id": order_id, "order_item_id_list": json.dumps([first]),
        "reason_id": reasons["Sourcing Delay"]}))
    assert done["data"]["tip_type"] == "success"
    assert [item["status"] for item in _items(seller, order_id)] == ["canceled", "pending"]
    _refused(seller.call("/order/reverse/cancel/create", {
        "order_id": order_id, "order_item_id_list": json.dumps([second]),
        "reason_id": "99"}), "104")


def test_stock_update_and_product_read(seller):
    seller.place_orders(1)
    products = _ok(seller.call("/products/get", {"filter": "live"}))["data"]
    sku = products["products"][0]["skus"][0]
    payload = (f"<Request><Product><Skus><Sku><SellerSku>{sku['SellerSku']}</SellerSku>"
               "<Quantity>7</Quantity></Sku></Skus></Product></Request>")
    _ok(seller.call("/product/price_quantity/update", {"payload": payload}, method="POST"))
    item = _ok(seller.call("/product/item/get", {"seller_sku": sku["SellerSku"]}))["data"]
    assert item["skus"][0]["quantity"] == 7


def test_fulfilment_refusals(seller):
    (order_id,) = seller.place_orders(1)
    [item] = _items(seller, order_id)
    _pack(seller, order_id, [item["order_item_id"]])
    again = _pack(seller, order_id, [item["order_item_id"]])  # packed already: wrong status
    assert again[0]["item_err_code"] == "700026"
    for value, code in (("{not json", "700004"), ("[1, 2]", "700004"),
                        (json.dumps({"pack_order_list": [{"order_id": n, "order_item_list": [1]}
                                                         for n in range(1, 22)]}), "700022")):
        body = _ok(seller.call("/order/fulfill/pack", {"packReq": value}, method="POST"))
        assert (body["result"]["success"], body["result"]["error_code"]) == (False, code)
    _refused(seller.call("/order/fulfill/pack", {}, method="POST"), "MissingParameter")
    _refused(seller.call("/logistic/order/trace", {"order_id": "abc"}), "LD_INPUT_PARAM_VALID")
    _refused(seller.call("/product/price_quantity/update", {
        "payload": '<!DOCTYPE r [<!ENTITY a "x">]><Request>&a;</Request>'}, method="POST"),
        "InvalidParameter")
    assert {i["status"] for i in _items(seller, order_id)} == {"packed"}


def test_product_sync_by_update_date_and_seller_skus(seller):
    made = [seller.client.products.create(name=name, skus=[
        {"seller_sku": name, "price": "10.00", "stock": 3}]) for name in ("CASE-1", "STRAP-1")]
    seller.client.clock.advance(by="PT1H")  # 10:00 +08:00
    seller.client.products.set_stock(made[1].item_id, made[1].skus[0].sku_id, 9)
    changed = _ok(seller.call("/products/get", {"update_after": "2026-03-02T09:30:00+0800"}))
    assert [p["item_id"] for p in changed["data"]["products"]] == [made[1].item_id]
    assert changed["data"]["products"][0]["skus"][0]["quantity"] == 9
    created = _ok(seller.call("/products/get", {"create_after": START,
                                                "create_before": "2026-03-02T09:00:00+08:00"}))
    assert created["data"]["total_products"] == 2
    by_sku = _ok(seller.call("/products/get", {"sku_seller_list": json.dumps(["CASE-1"])}))
    assert [p["item_id"] for p in by_sku["data"]["products"]] == [made[0].item_id]
    _refused(seller.call("/products/get", {"update_after": "2026-03-02"}), "17")
    _refused(seller.call("/products/get", {"sku_seller_list": "CASE-1"}), "70")


def test_a_refused_own_fleet_package_offers_only_the_sellers_reports(seller):
    sku = seller.client.products.create(name="Sofa", skus=[
        {"seller_sku": "SOFA-1", "price": "900.00", "stock": 5}]).skus[0].sku_id
    order_id = seller.client.test_helpers.place_order([{"sku_id": sku}],
                                                      shipping="seller_own_fleet").order_id
    [item] = _items(seller, order_id)
    [line] = _pack(seller, order_id, [item["order_item_id"]])
    assert _packages(seller, "/order/package/rts", "readyToShipReq", line["package_id"])[
        "item_err_code"] == "0"
    refused = _packages(seller, "/order/package/repack", "rePackReq", line["package_id"])
    assert refused["item_err_code"] == "700000"
    assert refused["msg"].endswith(
        "allowed actions: cancel, deliver_own_fleet, fail_own_fleet_delivery")
    delivered = _packages(seller, "/order/package/sof/delivered", "dbsDeliveryReq",
                          line["package_id"])
    assert delivered["item_err_code"] == "0"
    assert [i["status"] for i in _items(seller, order_id)] == ["delivered"]
