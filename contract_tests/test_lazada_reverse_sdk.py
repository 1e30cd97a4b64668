"""The official Lazada SDK (``lazop-sdk``) on reverse orders: the seller lists them with the
reference's filters, reads one and its lines' history and reasons, and answers each kind
(``/order/reverse/return/update``, the only-refund and cancel decisions), and every refusal an
integration must handle, none of which changes anything. Every gateway call goes through
``lazop_sdk.LazopClient`` (the fixtures of ``test_lazada_sdk``); the buyer's and the carrier's
side through ``mockplatform_client``'s test helpers."""

from __future__ import annotations

import json

import pytest
import test_lazada_sdk as sdk_suite
from logistics_support import NO_JITTER, due
from test_lazada_sdk import START, Seller, _ok, _refused

lazop = sdk_suite.lazop
RETURN_UPDATE = "/order/reverse/return/update"


@pytest.fixture
def seller(lazop, mockplatform_url, new_sandbox) -> Seller:
    client = new_sandbox.create(platform="lazada", market="MY", seed=13, start_at=START,
                                policy_overrides=NO_JITTER)
    return Seller(lazop, mockplatform_url, client, client.sandboxes.get(client.sandbox_id))


def delivered(seller: Seller, quantity: int = 1, price: str = "500.00") -> int:
    client = seller.client
    count = len(list(client.products.list().auto_paging_iter()))
    product = client.products.create(name="Lamp", skus=[
        {"seller_sku": f"LAMP-{count + 1}", "price": price, "stock": 50}])
    order = client.test_helpers.place_order(
        [{"sku_id": product.skus[0].sku_id, "quantity": quantity}], shipping="local")
    package = client.orders.pack(order)
    client.orders.ready_to_ship(order)
    client.clock.advance(to=due(client.packages.get(package), "delivery_attempt"))
    return order.order_id


def opened(seller: Seller, type_: str, reason: str, **spec) -> tuple[int, list[int]]:
    """A request opened by the buyer: (reverse_order_id, its line ids)."""
    order_id = delivered(seller, **spec)
    request = seller.client.aftersales.open(type_, order_id, reason)
    detail = _ok(seller.call("/order/reverse/return/detail/list",
                             {"reverse_order_id": request.aftersales_id}))["data"]
    return request.aftersales_id, [line["reverse_order_line_id"]
                                   for line in detail["reverseOrderLineDTOList"]]


def update(seller: Seller, action: str, reverse_id: int, lines: list[int], **extra):
    return seller.call(RETURN_UPDATE, {"action": action, "reverse_order_id": reverse_id,
                                       "reverse_order_item_ids": json.dumps(lines), **extra})


def refuse_reason(seller: Seller, line: int) -> int:
    return _ok(seller.call("/order/reverse/reason/list",
                           {"reverse_order_line_id": line}))["data"][0]["reason_id"]


def test_a_return_agreed_shipped_back_confirmed_and_refunded(seller):
    reverse_id, lines = opened(seller, "return_and_refund", "defective_item", quantity=2)
    assert lines == [reverse_id * 1000 + 1, reverse_id * 1000 + 2]
    listed = _ok(seller.call("/reverse/getreverseordersforseller", {
        "page_no": 1, "page_size": 10, "request_type_list": json.dumps(["RETURN"])}))["result"]
    assert (listed["success"], listed["total"]) == (True, 1)
    [line, _] = listed["items"][0]["reverse_order_lines"]
    assert (line["reverse_status"], line["ofc_status"], line["refund_amount"]) == (
        "REQUEST_INITIATE", "", 50000)  # MYR 500.00 in cents
    assert line["sla"] > line["return_order_line_gmt_create"]

    _ok(update(seller, "agreeReturn", reverse_id, lines))
    seller.client.aftersales.ship_back(reverse_id, tracking_number="LZRET-001")
    shipping = _ok(seller.call("/reverse/getreverseordersforseller", {
        "page_no": 1, "ofc_status_list": json.dumps(["RETURN_RTM_SHIPPING"])}))["result"]
    assert [item["reverse_order_id"] for item in shipping["items"]] == [reverse_id]
    assert shipping["items"][0]["reverse_order_lines"][0]["tracking_number"] == "LZRET-001"
    _ok(update(seller, "confirmDelivery", reverse_id, lines))
    _ok(update(seller, "confirmDelivery", reverse_id, lines))  # again: nothing changes
    done = _ok(update(seller, "agreeRefund", reverse_id, lines))["data"]
    assert (done["reverse_order_id"], done["total_refund"]) == (reverse_id, 100000)
    assert [line["order_line_id"] for line in done["reverse_order_line"]] == \
        seller.client.aftersales.get(reverse_id).order_item_ids
    history = _ok(seller.call("/order/reverse/return/history/list", {
        "reverse_order_line_id": lines[0], "page_size": 3}))["data"]
    assert history["page_info"]["total"] > 3 and len(history["list"]) == 3
    assert history["list"][0]["operator"] == "BUYER"
    final = _ok(seller.call("/order/reverse/return/detail/list",
                            {"reverse_order_id": reverse_id}))["data"]
    assert {line["reverse_status"] for line in final["reverseOrderLineDTOList"]} == {
        "REFUND_SUCCESS"}


def _evidence(seller, type_: str, reverse_id) -> list:
    """The images the seller's refusal of the reverse order kept, as its event shows them."""
    [event] = seller.client.events.list(type=type_,
                                        subject=f"aftersales_request:{reverse_id}").data
    return event.data["images"]


def test_refusals_need_a_reason_a_comment_and_for_a_refund_images(seller):
    reverse_id, lines = opened(seller, "return_and_refund", "wrong_item")
    reason = refuse_reason(seller, lines[0])
    _refused(update(seller, "refuseReturn", reverse_id, lines), "108")
    _refused(update(seller, "refuseReturn", reverse_id, lines, reason_id=reason), "109")
    _refused(update(seller, "refuseReturn", reverse_id, lines, reason_id=99, comment="no"), "108")
    _ok(update(seller, "agreeReturn", reverse_id, lines))
    seller.client.aftersales.ship_back(reverse_id)
    _ok(update(seller, "confirmDelivery", reverse_id, lines))
    package_reason = refuse_reason(seller, lines[0])
    _refused(update(seller, "refuseRefund", reverse_id, lines, reason_id=package_reason,
                    comment="used"), "110")
    _refused(update(seller, "refuseRefund", reverse_id, lines, reason_id=package_reason,
                    comment="used", image_info="[1]"), "110")
    assert seller.client.aftersales.get(reverse_id).state == "awaiting_package_review"
    _ok(update(seller, "refuseRefund", reverse_id, lines, reason_id=package_reason,
               comment="used", image_info=json.dumps([{"name": "a", "url": "https://x/a"}])))
    assert _evidence(seller, "aftersales.reject_package", reverse_id) == [
        {"name": "a", "url": "https://x/a"}]
    line = _ok(seller.call("/order/reverse/return/detail/list", {
        "reverse_order_id": reverse_id}))["data"]["reverseOrderLineDTOList"][0]
    assert (line["reverse_status"], line["is_dispute"]) == ("REFUND_REJECTED", True)
    # Closed: the 409 of the domain, in Lazada's envelope, naming the status.
    closed = _refused(update(seller, "agreeRefund", reverse_id, lines), "114")
    assert "REFUND_REJECTED (closed)" in closed["message"]


def test_instant_refund_and_the_only_refund_decisions(seller):
    reverse_id, lines = opened(seller, "return_and_refund", "not_as_described", price="40.00")
    assert _ok(update(seller, "instantRefund", reverse_id, lines))["data"]["total_refund"] == 4000
    only, [line] = opened(seller, "refund_only", "missing_items")
    decide = "/order/reverse/onlyrefund/seller/decide"
    params = {"reverse_order_id": only, "reverse_order_item_ids": json.dumps([line])}
    _refused(seller.call(decide, {**params, "action": "startDispute"}), "109")
    _refused(seller.call(RETURN_UPDATE, {**params, "action": "agreeReturn"}), "114")
    _ok(seller.call(decide, {**params, "action": "startDispute", "comment": "delivered whole",
                             "image_info_list": json.dumps([{"file_name": "b.jpg",
                                                             "file_url": "https://x/b"}])}))
    assert _evidence(seller, "aftersales.reject", only) == [
        {"name": "b.jpg", "url": "https://x/b"}]
    disputed = _ok(seller.call("/reverse/getreverseordersforseller", {
        "page_no": 1, "dispute_in_progress": "true"}))["result"]["items"]
    assert [(item["reverse_order_id"], item["request_type"]) for item in disputed] == [
        (only, "ONLY_REFUND")]
    agreed, [agreed_line] = opened(seller, "refund_only", "damaged_item")
    assert _ok(seller.call(decide, {"reverse_order_id": agreed, "action": "agreeRefund",
                                    "reverse_order_item_ids": json.dumps([agreed_line])}))[
        "data"] is None
    assert seller.client.aftersales.get(agreed).platform_status == "REFUND_SUCCESS"


def test_cancel_requests_are_decided(seller):
    client = seller.client
    product = client.products.create(name="Cup", skus=[
        {"seller_sku": "CUP-1", "price": "12.00", "stock": 10}])
    ids = [client.test_helpers.place_order([{"sku_id": product.skus[0].sku_id}]).order_id
           for _ in range(2)]
    first, second = (client.aftersales.open("cancellation", order_id, "change_of_mind")
                     for order_id in ids)
    items = _ok(seller.call("/orders/items/get", {"order_ids": json.dumps(ids)}))["data"]
    for order, request in zip(items, (first, second), strict=True):
        [item] = order["order_items"]  # each unit shows its pending cancel request
        assert (item["reverse_order_id"], item["is_cancel_pending"],
                item["need_cancel_confirm"], item["return_status"]) == (
            str(request.aftersales_id), True, True, "REQUEST_INITIATE")
    decide = "/order/reverse/cancel/seller/decide"
    _refused(seller.call(decide, {"reverse_order_id": first.aftersales_id,
                                  "agree_cancel": "false", "reason_code": "7"}), "104")
    _ok(seller.call(decide, {"reverse_order_id": first.aftersales_id, "agree_cancel": "true"}))
    _ok(seller.call(decide, {"reverse_order_id": second.aftersales_id,
                             "agree_cancel": "false"}))
    assert [client.aftersales.get(r).platform_status for r in (first, second)] == [
        "CANCEL_SUCCESS", "REQUEST_REJECT"]
    assert client.orders.get(ids[0]).statuses == ["canceled"]
    assert client.orders.get(ids[1]).statuses == ["pending"]
    [item] = _ok(seller.call("/order/items/get", {"order_id": ids[1]}))["data"]
    assert (item["reverse_order_id"], item["is_cancel_pending"], item["return_status"]) == (
        str(second.aftersales_id), False, "REQUEST_REJECT")
    _refused(seller.call(decide, {"reverse_order_id": second.aftersales_id,
                                  "agree_cancel": "true"}), "114")


def test_bad_input_is_refused_and_changes_nothing(seller, lazop, mockplatform_url, new_sandbox):
    reverse_id, lines = opened(seller, "return_and_refund", "defective_item", quantity=2)
    _refused(update(seller, "approve", reverse_id, lines), "107")
    _refused(update(seller, "agreeReturn", "R-1", lines), "125")
    _refused(update(seller, "agreeReturn", 600000000000001, lines), "112")
    subset = _refused(update(seller, "agreeReturn", reverse_id, lines[:1]), "126")
    assert json.dumps(lines) in subset["message"]
    _refused(update(seller, "agreeReturn", reverse_id, [*lines[:1], 900000000000000001]), "127")
    _refused(seller.call(RETURN_UPDATE, {"action": "agreeReturn",
                                         "reverse_order_id": reverse_id}), "MissingParameter")
    _refused(seller.call("/reverse/getreverseordersforseller", {}), "MissingParameter")
    _refused(seller.call("/reverse/getreverseordersforseller", {
        "page_no": 1, "request_type_list": json.dumps(["EXCHANGE"])}), "InvalidParameter")
    _refused(seller.call("/order/reverse/return/detail/list", {"reverse_order_id": "x"}), "105")
    # Another sandbox's reverse order: unknown here, as another store's is on Lazada.
    # Another seed: its ids are not ours (a sandbox draws its ids from its seed).
    other_client = new_sandbox.create(platform="lazada", market="MY", seed=14, start_at=START,
                                      policy_overrides=NO_JITTER)
    other = Seller(lazop, mockplatform_url, other_client,
                   other_client.sandboxes.get(other_client.sandbox_id))
    theirs, their_lines = opened(other, "return_and_refund", "defective_item")
    assert theirs != reverse_id
    _refused(update(seller, "agreeReturn", theirs, their_lines), "112")
    empty = _ok(seller.call("/order/reverse/return/detail/list", {"reverse_order_id": theirs}))
    assert empty["data"]["reverseOrderLineDTOList"] == []
    _refused(seller.call("/order/reverse/reason/list",
                         {"reverse_order_line_id": their_lines[0]}), "127")
    request = seller.client.aftersales.get(reverse_id)
    assert (request.state, len(request.timeline)) == ("requested", 1)
    assert other.client.aftersales.get(theirs).state == "requested"
