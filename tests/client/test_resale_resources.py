"""The resale resources: what ``client.resale``, ``client.return_service`` and the orders'
``ever_failed_delivery`` and ``item_history`` send, and how the resale list pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from mockplatform_client import ConflictError

from .payloads import list_payload

ITEM = {"object": "resale_item", "resale_item_id": 700000000001, "state": "listed"}
ORDER = {"object": "order", "order_id": 300000000000001}
SETTING = {"object": "return_service", "option": "local_disposal"}
MYT = timezone(timedelta(hours=8))


def test_the_list_sends_every_filter_and_pages_with_the_id_cursor(make_client, server):
    server.reply(200, list_payload([ITEM], next_cursor="700000000001"))
    server.reply(200, list_payload([{**ITEM, "resale_item_id": 700000000002}]))

    page = make_client(api_key="sk_1").resale.list(
        state=["listed", "resold"], sku_id=15, seller_sku="CASE-BLK", order_id=3,
        exit_reason="window_expired", relisted_from=datetime(2026, 1, 5, tzinfo=MYT),
        relisted_to="2026-02-01T00:00:00Z", exited_from="2026-01-01T00:00:00Z",
        exited_to="2026-03-01T00:00:00Z", limit=1)

    assert [item.resale_item_id for item in page.auto_paging_iter()] == [700000000001,
                                                                         700000000002]
    first, second = server.requests
    assert first.path == "/api/v1/resale/items"
    assert first.query == {"state": "listed,resold", "sku_id": "15", "seller_sku": "CASE-BLK",
                           "order_id": "3", "exit_reason": "window_expired",
                           "relisted_from": "2026-01-05T00:00:00+08:00",
                           "relisted_to": "2026-02-01T00:00:00Z",
                           "exited_from": "2026-01-01T00:00:00Z",
                           "exited_to": "2026-03-01T00:00:00Z", "limit": "1"}
    assert second.query == {**first.query, "after": "700000000001"}


def test_get_and_the_warehouse_helpers(make_client, server):
    server.reply(200, ITEM).reply(200, ITEM).reply(201, ORDER).reply(200, ITEM)
    resale = make_client(api_key="sk_1").resale

    resale.get(ITEM)
    resale.script_inspection(700000000001, "fail", check="complete")
    order = resale.sell("700000000001", buyer={"first_name": "Aisyah"}, payment_method="cod")
    resale.expire_window(ITEM)

    assert order.order_id == ORDER["order_id"]
    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("GET", "/api/v1/resale/items/700000000001", None),
        ("POST", "/api/v1/test_helpers/resale/items/700000000001/inspection",
         {"result": "fail", "check": "complete"}),
        ("POST", "/api/v1/test_helpers/resale/items/700000000001/sell",
         {"buyer": {"first_name": "Aisyah"}, "payment_method": "cod"}),
        ("POST", "/api/v1/test_helpers/resale/items/700000000001/expire_window", None)]


def test_sell_refuses_two_buyers_before_sending(make_client, server):
    with pytest.raises(ValueError, match="buyer_id= or buyer="):
        make_client(api_key="sk_1").resale.sell(1, buyer_id=7, buyer={"first_name": "A"})
    assert server.requests == []


def test_the_overview_as_json_and_as_csv(make_client, server):
    server.reply(200, {"object": "resale_overview"})
    server.reply(200, text="market,items_entered\r\nMY,3\r\n",
                 headers={"Content-Type": "text/csv; charset=utf-8"})
    resale = make_client(api_key="sk_1").resale

    assert resale.overview(period="7d").object == "resale_overview"
    text = resale.overview_csv(**{"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"})

    assert text.startswith("market,items_entered")
    json_request, csv_request = server.requests
    assert (json_request.path, json_request.query) == ("/api/v1/resale/overview",
                                                       {"period": "7d"})
    assert csv_request.query == {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z",
                                 "format": "csv"}
    assert csv_request.headers["accept"] == "text/csv"


def test_the_return_service_get_and_set(make_client, server):
    server.reply(200, SETTING).reply(200, SETTING).reply(409, {"error": {
        "type": "conflict_error", "code": "return_service_unavailable",
        "message": "option: worry_free is not offered in VN", "details": []}})
    setting = make_client(api_key="sk_1").return_service

    setting.get()
    assert setting.set("local_disposal").option == "local_disposal"
    with pytest.raises(ConflictError) as refused:
        setting.set("worry_free")

    assert refused.value.code == "return_service_unavailable"
    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("GET", "/api/v1/return_service", None),
        ("PUT", "/api/v1/return_service", {"option": "local_disposal"}),
        ("PUT", "/api/v1/return_service", {"option": "worry_free"})]


def test_orders_ever_failed_delivery_and_an_items_history(make_client, server):
    server.reply(200, list_payload([ORDER])).reply(200, {"object": "order_item_history",
                                                         "data": []})
    orders = make_client(api_key="sk_1").orders

    list(orders.list(ever_failed_delivery=True))
    orders.item_history(ORDER, {"order_item_id": 400000000000001})

    listed, history = server.requests
    assert listed.query == {"ever_failed_delivery": "true"}
    assert history.path == "/api/v1/orders/300000000000001/items/400000000000001/history"
