"""The order resources: what ``client.orders``, ``client.packages`` and
``client.test_helpers.place_order`` send, and how the order list pages."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from mockplatform_client import InvalidStateTransitionError
from mockplatform_client.resources import label_document

from .payloads import list_payload

ORDER = {"object": "order", "order_id": 300000000000001, "statuses": ["pending"],
         "items": [{"object": "order_item", "order_item_id": 400000000000001}]}
PACKAGE = {"object": "package", "package_id": "FP010000000000001",
           "tracking_number": "LGSMY0000000001"}
HTML = "<!DOCTYPE html><html><body><p>LGSMY0000000001 · Kuala Lumpur</p></body></html>"
LABEL = {"object": "shipping_label", "package_id": PACKAGE["package_id"], "doc_type": "HTML",
         "mime_type": "text/html", "file": base64.b64encode(HTML.encode()).decode()}


def test_place_order_sends_the_lines_and_the_buyer(make_client, server):
    server.reply(201, ORDER).reply(201, ORDER)
    helpers = make_client(api_key="sk_1").test_helpers

    order = helpers.place_order([{"sku_id": 15, "quantity": 2}, {"seller_sku": "CASE-BLK"}],
                                buyer_id=7, payment_method="cod", shipping="local")
    helpers.place_order([{"sku_id": 15}], buyer={"first_name": "Aisyah", "city": "Ipoh"})

    assert order.order_id == 300000000000001
    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("POST", "/api/v1/test_helpers/orders",
         {"items": [{"sku_id": 15, "quantity": 2}, {"seller_sku": "CASE-BLK"}], "buyer_id": 7,
          "payment_method": "cod", "shipping": "local"}),
        ("POST", "/api/v1/test_helpers/orders",
         {"items": [{"sku_id": 15}], "buyer": {"first_name": "Aisyah", "city": "Ipoh"}})]
    assert all(r.headers.get("idempotency-key") for r in server.requests)


def test_place_order_refuses_two_buyers_before_sending(make_client, server):
    with pytest.raises(ValueError, match="buyer_id= or buyer="):
        make_client(api_key="sk_1").test_helpers.place_order(
            [{"sku_id": 1}], buyer_id=7, buyer={"first_name": "A"})
    assert server.requests == []


def test_the_order_list_sends_every_filter_and_pages_with_the_opaque_cursor(make_client,
                                                                            server):
    server.reply(200, list_payload([{"order_id": 3}, {"order_id": 2}], next_cursor="eyJhIjoxfQ"))
    server.reply(200, list_payload([{"order_id": 1}]))
    myt = timezone(timedelta(hours=8))

    page = make_client(api_key="sk_1").orders.list(
        status=["pending", "packed"], created_after=datetime(2026, 1, 5, 9, tzinfo=myt),
        created_before="2026-01-06T00:00:00+00:00",
        updated_after=datetime(2026, 1, 5, tzinfo=UTC), updated_before="2026-01-07T00:00:00Z",
        sort_by="updated_at", sort_direction="asc", delayed=False, limit=2)
    items = page.auto_paging_iter()

    assert [next(items).order_id, next(items).order_id] == [3, 2]
    assert len(server.requests) == 1
    assert [order.order_id for order in items] == [1]
    first, second = server.requests
    assert (first.method, first.path) == ("GET", "/api/v1/orders")
    assert first.query == {
        "status": "pending,packed", "created_after": "2026-01-05T09:00:00+08:00",
        "created_before": "2026-01-06T00:00:00+00:00",
        "updated_after": "2026-01-05T00:00:00+00:00", "updated_before": "2026-01-07T00:00:00Z",
        "sort_by": "updated_at", "sort_direction": "asc", "delayed": "false", "limit": "2"}
    assert second.query == {**first.query, "after": "eyJhIjoxfQ"}


def test_a_single_status_and_a_starting_cursor_go_as_they_are(make_client, server):
    server.reply(200, list_payload([]))

    make_client(api_key="sk_1").orders.list(status="canceled", delayed=True, after="abc")

    assert server.requests[0].query == {"status": "canceled", "delayed": "true", "after": "abc"}


def test_tiktok_statuses_go_comma_separated(make_client, server):
    server.reply(200, list_payload([])).reply(200, list_payload([]))
    orders = make_client(api_key="sk_1").orders

    orders.list(platform_status=["AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"])
    orders.list(platform_status="ON_HOLD")

    assert [r.query for r in server.requests] == [
        {"platform_status": "AWAITING_SHIPMENT,PARTIALLY_SHIPPING"}, {"platform_status": "ON_HOLD"}]


def test_a_naive_datetime_is_refused_before_sending(make_client, server):
    with pytest.raises(ValueError, match="naive"):
        make_client(api_key="sk_1").orders.list(created_after=datetime(2026, 1, 5))
    assert server.requests == []


def test_order_actions_go_to_their_paths_and_take_ids_or_objects(make_client, server):
    server.reply(200, ORDER).reply(200, {"object": "list", "data": ORDER["items"]})
    server.reply(201, PACKAGE).reply(200, ORDER).reply(200, ORDER).reply(200, ORDER)
    orders = make_client(api_key="sk_1").orders

    assert orders.get(ORDER).order_id == ORDER["order_id"]
    items = orders.items(300000000000001)
    package = orders.pack(ORDER, order_item_ids=items, shipment_provider="LGS-FM41")
    orders.ready_to_ship("300000000000001", package_ids=[package])
    orders.ready_to_ship(ORDER)
    orders.cancel(ORDER, reason="out_of_stock", order_item_ids=[400000000000001])

    assert [i.order_item_id for i in items] == [400000000000001]
    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("GET", "/api/v1/orders/300000000000001", None),
        ("GET", "/api/v1/orders/300000000000001/items", None),
        ("POST", "/api/v1/orders/300000000000001/pack",
         {"order_item_ids": [400000000000001], "shipment_provider": "LGS-FM41"}),
        ("POST", "/api/v1/orders/300000000000001/ready_to_ship",
         {"package_ids": ["FP010000000000001"]}),
        ("POST", "/api/v1/orders/300000000000001/ready_to_ship", {}),
        ("POST", "/api/v1/orders/300000000000001/cancel",
         {"reason": "out_of_stock", "order_item_ids": [400000000000001]})]


def test_a_refused_action_raises_the_typed_error_with_the_allowed_actions(make_client, server):
    server.reply(409, {"error": {
        "type": "conflict_error", "code": "invalid_state_transition",
        "message": "order item 4 of order 3 is canceled: cannot pack; allowed actions: none",
        "details": [{"field": "state", "location": "resource", "message": "cannot pack",
                     "current_state": "canceled", "action": "pack", "allowed_actions": []}]}})

    with pytest.raises(InvalidStateTransitionError) as refused:
        make_client(api_key="sk_1").orders.pack(3)

    assert refused.value.details[0]["current_state"] == "canceled"


def test_packages_and_their_label(make_client, server):
    server.reply(200, PACKAGE).reply(200, LABEL).reply(200, LABEL)
    packages = make_client(api_key="sk_1").packages

    assert packages.get(PACKAGE).tracking_number == "LGSMY0000000001"
    label = packages.label("FP010000000000001")
    html = packages.label_html(PACKAGE)

    assert html == HTML == label_document(label)
    assert [r.path for r in server.requests] == [
        "/api/v1/packages/FP010000000000001", "/api/v1/packages/FP010000000000001/label",
        "/api/v1/packages/FP010000000000001/label"]
