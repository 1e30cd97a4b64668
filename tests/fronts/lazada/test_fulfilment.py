"""The package-level fulfilment APIs (reference section 6.2): JSON-string requests, ``result``
envelopes with per-element ``item_err_code``, Lazada's codes for each refusal, and a refused
request that changes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from tests.fronts.lazada.conftest import place_orders


def _items(lzd, order_id: int) -> list[dict]:
    return lzd.get("/order/items/get", {"order_id": str(order_id)})["data"]


def _pack(lzd, order_id: int, item_ids: list[int], **extra) -> dict:
    request = {"pack_order_list": [{"order_id": order_id, "order_item_list": item_ids}],
               "delivery_type": "dropship", **extra}
    return lzd.post("/order/fulfill/pack", {"packReq": json.dumps(request)})


def _packages(lzd, api: str, name: str, package_ids: list[str]) -> dict:
    return lzd.post(api, {name: json.dumps({"packages": [{"package_id": pid}
                                                         for pid in package_ids]})})


def test_providers_pack_label_and_ready_to_ship(lzd, sbx):
    (order_id,) = place_orders(sbx, quantity=2)
    providers = lzd.get("/order/shipment/providers/get", {"getShipmentProvidersReq": json.dumps(
        {"orders": [{"order_id": order_id, "order_item_ids": []}]})})["result"]
    assert providers["success"] is True
    assert providers["data"]["shipping_allocate_type"] == "NTFS"
    assert providers["data"]["shipment_providers"][0] == {"name": "LGS-FM40",
                                                          "provider_code": "FM40"}
    item_ids = [item["order_item_id"] for item in _items(lzd, order_id)]
    body = _pack(lzd, order_id, item_ids, shipment_provider_code="FM50")
    assert body["code"] == "0" and body["result"]["success"] is True
    [packed] = body["result"]["data"]["pack_order_list"]
    lines = packed["order_item_list"]
    assert packed["order_id"] == order_id
    assert [line["item_err_code"] for line in lines] == ["0", "0"]
    assert {line["msg"] for line in lines} == {"success"}
    package_id = lines[0]["package_id"]
    assert package_id.startswith("FP") and lines[0]["shipment_provider"] == "LGS-FM50"
    assert lines[0]["tracking_number"].startswith("LGSMY")
    assert {item["status"] for item in _items(lzd, order_id)} == {"packed"}

    label = lzd.get("/order/package/document/get", {"getDocumentReq": json.dumps(
        {"doc_type": "HTML", "packages": [{"package_id": package_id}]})})["result"]
    html = base64.b64decode(label["data"]["file"]).decode()
    assert label["data"]["doc_type"] == "HTML" and lines[0]["tracking_number"] in html

    rts = _packages(lzd, "/order/package/rts", "readyToShipReq", [package_id])["result"]
    assert rts["data"]["packages"] == [{"package_id": package_id, "item_err_code": "0",
                                        "msg": "success", "retry": False}]
    assert {item["status"] for item in _items(lzd, order_id)} == {"ready_to_ship"}
    again = _packages(lzd, "/order/package/rts", "readyToShipReq", [package_id])["result"]
    assert again["data"]["packages"][0]["item_err_code"] == "700000"


def test_a_pack_of_an_item_in_the_wrong_status_packs_nothing_of_the_order(lzd, sbx):
    (order_id,) = place_orders(sbx, quantity=2)
    first, second = (item["order_item_id"] for item in _items(lzd, order_id))
    _pack(lzd, order_id, [first])
    body = _pack(lzd, order_id, [first, second])
    lines = body["result"]["data"]["pack_order_list"][0]["order_item_list"]
    assert [line["item_err_code"] for line in lines] == ["700026", "700026"]
    assert all(line["package_id"] == "" for line in lines)
    assert [item["status"] for item in _items(lzd, order_id)] == ["packed", "pending"]


def test_per_order_codes_unknown_order_item_and_provider(lzd, sbx, api):
    (order_id,) = place_orders(sbx)
    [item] = _items(lzd, order_id)
    _, other = api.create_sandbox(seed=99)
    (foreign,) = place_orders(other)
    codes = {}
    for name, (oid, ids, extra) in {"foreign": (foreign, [1], {}),
                                    "item": (order_id, [item["order_item_id"] + 999], {}),
                                    "provider": (order_id, [item["order_item_id"]],
                                                 {"shipment_provider_code": "NOPE"})}.items():
        line = _pack(lzd, oid, ids, **extra)["result"]["data"]["pack_order_list"][0]
        codes[name] = line["order_item_list"][0]["item_err_code"]
    assert codes == {"foreign": "700021", "item": "700025", "provider": "1003"}
    assert [i["status"] for i in _items(lzd, order_id)] == ["pending"]


@pytest.mark.parametrize(("value", "code"), [
    ("not json", "700004"),
    ("[]", "700004"),  # a list where an object is expected
    (json.dumps({"pack_order_list": {"order_id": 1}}), "700004"),
    (json.dumps({"pack_order_list": [{"order_id": "abc", "order_item_list": [1]}]}), "700004"),
    (json.dumps({"pack_order_list": [{"order_id": 1, "order_item_list": ["x"]}]}), "700004"),
    (json.dumps({"pack_order_list": [{"order_id": 1, "order_item_list": [1]}],
                 "delivery_type": "pickup"}), "700004"),
    (json.dumps({"pack_order_list": [{"order_id": n, "order_item_list": [1]}
                                     for n in range(1, 22)]}), "700022"),
])
def test_a_request_that_cannot_be_read_is_refused_whole(lzd, sbx, value, code):
    (order_id,) = place_orders(sbx)
    body = lzd.post("/order/fulfill/pack", {"packReq": value})
    assert body["code"] == "0"
    assert body["result"]["success"] is False and body["result"]["error_code"] == code
    assert [i["status"] for i in _items(lzd, order_id)] == ["pending"]


def test_a_missing_request_parameter_is_missing_parameter(lzd, sbx):
    body = lzd.post("/order/fulfill/pack", {})
    assert (body["code"], body["type"]) == ("MissingParameter", "ISV")
    assert "packReq" in body["message"]


def test_repack_and_package_codes(lzd, sbx):
    (order_id,) = place_orders(sbx)
    [item] = _items(lzd, order_id)
    line = _pack(lzd, order_id, [item["order_item_id"]])["result"]["data"][
        "pack_order_list"][0]["order_item_list"][0]
    package_id = line["package_id"]
    body = _packages(lzd, "/order/package/repack", "rePackReq", [package_id, "FP999"])
    assert [p["item_err_code"] for p in body["result"]["data"]["packages"]] == ["0", "600001"]
    assert [i["status"] for i in _items(lzd, order_id)] == ["pending"]
    body = _packages(lzd, "/order/package/rts", "readyToShipReq", [package_id])
    assert body["result"]["data"]["packages"][0]["item_err_code"] == "600002"
    label = lzd.get("/order/package/document/get", {"getDocumentReq": json.dumps(
        {"doc_type": "PDF", "packages": [{"package_id": package_id}]})})["result"]
    assert (label["success"], label["error_code"]) == (False, "700040")


def test_seller_own_fleet_delivered_and_failed(lzd, sbx):
    product = sbx.post("/api/v1/products", json={
        "name": "Sofa", "skus": [{"seller_sku": "SOFA-1", "price": "900.00", "stock": 10}]})
    assert product.status_code == 201
    order_ids = [sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"seller_sku": "SOFA-1", "quantity": 1}],
        "shipping": "seller_own_fleet"}).get_json()["order_id"] for _ in range(2)]
    package_ids = []
    for order_id in order_ids:
        [item] = _items(lzd, order_id)
        assert item["delivery_option_sof"] == 1
        line = _pack(lzd, order_id, [item["order_item_id"]])["result"]["data"][
            "pack_order_list"][0]["order_item_list"][0]
        assert line["shipment_provider"] == "Seller Own Fleet"
        package_ids.append(line["package_id"])
    ok = _packages(lzd, "/order/package/sof/delivered", "dbsDeliveryReq", package_ids[:1])
    assert ok["result"]["data"]["packages"][0]["item_err_code"] == "700000"  # not RTS yet
    _packages(lzd, "/order/package/rts", "readyToShipReq", package_ids)
    delivered = _packages(lzd, "/order/package/sof/delivered", "dbsDeliveryReq",
                          package_ids[:1])["result"]["data"]["packages"]
    failed = _packages(lzd, "/order/package/sof/failed_delivery", "dbsFailedDeliveryReq",
                       package_ids[1:])["result"]["data"]["packages"]
    assert delivered[0]["item_err_code"] == failed[0]["item_err_code"] == "0"
    assert [_items(lzd, oid)[0]["status"] for oid in order_ids] == ["delivered",
                                                                     "failed_delivery"]


def test_sof_calls_refuse_a_platform_shipped_package(lzd, sbx):
    (order_id,) = place_orders(sbx)
    [item] = _items(lzd, order_id)
    line = _pack(lzd, order_id, [item["order_item_id"]])["result"]["data"][
        "pack_order_list"][0]["order_item_list"][0]
    _packages(lzd, "/order/package/rts", "readyToShipReq", [line["package_id"]])
    body = _packages(lzd, "/order/package/sof/delivered", "dbsDeliveryReq",
                     [line["package_id"]])["result"]["data"]["packages"][0]
    assert body["item_err_code"] == "700009"
    assert _items(lzd, order_id)[0]["status"] == "ready_to_ship"


def test_a_refused_package_offers_only_its_shippings_actions(lzd, sbx):
    product = sbx.post("/api/v1/products", json={
        "name": "Lamp", "skus": [{"seller_sku": "LAMP-1", "price": "90.00", "stock": 10}]})
    assert product.status_code == 201
    messages = {}
    for shipping in ("local", "seller_own_fleet"):
        order_id = sbx.post("/api/v1/test_helpers/orders", json={
            "items": [{"seller_sku": "LAMP-1", "quantity": 1}],
            "shipping": shipping}).get_json()["order_id"]
        [item] = _items(lzd, order_id)
        package_id = _pack(lzd, order_id, [item["order_item_id"]])["result"]["data"][
            "pack_order_list"][0]["order_item_list"][0]["package_id"]
        _packages(lzd, "/order/package/rts", "readyToShipReq", [package_id])
        [refused] = _packages(lzd, "/order/package/repack", "rePackReq",
                              [package_id])["result"]["data"]["packages"]
        assert refused["item_err_code"] == "700000"
        messages[shipping] = refused["msg"]
    assert messages["local"].endswith("allowed actions: cancel, mark_failed_delivery")
    assert messages["seller_own_fleet"].endswith(
        "allowed actions: cancel, deliver_own_fleet, fail_own_fleet_delivery")
