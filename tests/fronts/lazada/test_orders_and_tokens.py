"""The order read APIs' parameters and error codes (reference section 4), their wire values,
and OAuth tokens on the sandbox clock."""

from __future__ import annotations

import json
import re

import pytest

from tests.fronts.lazada.conftest import place_orders

AFTER = {"created_after": "2026-01-01T00:00:00+08:00"}


def _code(body: dict) -> str:
    return body["code"]


def test_orders_get_pages_by_offset_and_counts_the_whole(lzd, sbx):
    ids = place_orders(sbx, 5)
    first = lzd.get("/orders/get", {**AFTER, "limit": "2", "sort_direction": "ASC"})["data"]
    assert first["count"] == 2 and first["countTotal"] == 5
    seen = []
    for offset in range(0, 6, 2):
        page = lzd.get("/orders/get", {**AFTER, "limit": "2", "offset": str(offset),
                                       "sort_direction": "asc"})["data"]
        seen += [order["order_id"] for order in page["orders"]]
    assert seen == sorted(ids, key=ids.index)  # created in order, same instant: by id
    assert lzd.get("/orders/get", {"update_after": "2026-01-01T00:00:00+08:00"}
                   )["data"]["countTotal"] == 5
    later = lzd.get("/orders/get", {"created_after": "2026-01-06T00:00:00+08:00"})["data"]
    assert later == {"count": 0, "countTotal": 0, "orders": []}


def test_orders_get_filters_by_lazada_status_and_aliases(lzd, sbx):
    (order_id,) = place_orders(sbx)
    for status, found in (("pending", 1), ("topack", 1), ("all", 1), ("canceled", 0),
                          ("lost", 0), ("toship", 0)):
        data = lzd.get("/orders/get", {**AFTER, "status": status})["data"]
        assert data["countTotal"] == found, status


def test_order_wire_values(lzd, sbx):
    (order_id,) = place_orders(sbx, quantity=2)
    order = lzd.get("/order/get", {"order_id": str(order_id)})["data"]
    assert order["order_id"] == order_id and isinstance(order["order_number"], int)
    assert order["price"] == "2,469.00"
    assert order["created_at"] == "2026-01-05 09:00:00 +0800"  # MY: +0800
    assert order["statuses"] == ["pending"] and order["items_count"] == 2
    assert "addressDistrict" in order["address_shipping"]
    listed = lzd.get("/orders/get", AFTER)["data"]["orders"][0]
    assert "addressDsitrict" in listed["address_shipping"]  # sic, as /orders/get spells it
    items = lzd.get("/order/items/get", {"order_id": str(order_id)})["data"]
    assert len(items) == 2 and len({item["order_item_id"] for item in items}) == 2
    assert items[0]["paid_price"] == 1234.5 and items[0]["status"] == "pending"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0800", items[0]["updated_at"])
    assert items[0]["sla_time_stamp"] == "2026-01-07T09:00:00+08:00"


def test_dates_are_in_the_ventures_offset(api, app):
    body, bound = api.create_sandbox(market="TH")
    place_orders(bound)
    gateway = type_gateway(app, body)
    order = gateway.get("/orders/get", AFTER)["data"]["orders"][0]
    assert order["created_at"].endswith(" +0700")


def type_gateway(app, body):
    from tests.fronts.lazada.conftest import Gateway

    return Gateway(app.test_client(), body["credentials"])


@pytest.mark.parametrize(("params", "code"), [
    ({}, "MissingParameter"),
    ({"created_after": "2026-01-01"}, "17"),
    ({"created_after": "yesterday"}, "17"),
    ({"update_after": "9999-12-31T23:59:59-08:00"}, "17"),
    ({**AFTER, "created_before": "2026-13-01T00:00:00+08:00"}, "17"),
    ({**AFTER, "offset": "-1"}, "14"),
    ({**AFTER, "offset": "5001"}, "14"),
    ({**AFTER, "offset": "x"}, "14"),
    ({**AFTER, "limit": "0"}, "19"),
    ({**AFTER, "limit": "101"}, "19"),
    ({**AFTER, "status": "nope"}, "36"),
    ({**AFTER, "sort_direction": "UP"}, "74"),
    ({**AFTER, "sort_by": "price"}, "75"),
    ({**AFTER, "created_before": "2025-01-01T00:00:00+08:00"}, "InvalidParameter"),
])
def test_orders_get_bad_parameters(lzd, params, code):
    body = lzd.get("/orders/get", params)
    assert _code(body) == code, body
    if code.isdigit():
        assert body["message"].startswith(f"E{int(code):03d}: ")


def test_a_plus_sent_as_a_space_is_read_as_a_plus(lzd, sbx):
    place_orders(sbx)
    response = lzd.http.get("/rest/orders/get", query_string=lzd.params(
        "/orders/get", {"created_after": "2026-01-01T00:00:00 08:00"}))
    assert response.get_json()["data"]["countTotal"] == 1


@pytest.mark.parametrize("api_name", ["/order/get", "/order/items/get"])
def test_one_order_errors(lzd, api, app, api_name):
    assert _code(lzd.get(api_name)) == "MissingParameter"
    for bad in ("abc", "-1", "0", "1" * 30, "1.5"):
        body = lzd.get(api_name, {"order_id": bad})
        assert _code(body) == "16" and body["message"].startswith("E016: "), body
    assert _code(lzd.get(api_name, {"order_id": "300000000000001"})) == "16"
    other, bound = api.create_sandbox()
    (theirs,) = place_orders(bound)
    assert _code(lzd.get(api_name, {"order_id": str(theirs)})) == "16"


def test_orders_items_get(lzd, sbx):
    ids = place_orders(sbx, 2, quantity=2)
    data = lzd.get("/orders/items/get", {"order_ids": json.dumps(ids)})["data"]
    assert [entry["order_id"] for entry in data] == ids
    assert all(len(entry["order_items"]) == 2 for entry in data)
    as_strings = lzd.get("/orders/items/get", {"order_ids": json.dumps([str(ids[0])])})
    assert as_strings["data"][0]["order_id"] == ids[0]
    some_unknown = lzd.get("/orders/items/get",
                           {"order_ids": json.dumps([ids[0], 300000000000001])})
    assert [entry["order_id"] for entry in some_unknown["data"]] == [ids[0]]


@pytest.mark.parametrize(("value", "code"), [
    (None, "MissingParameter"),
    ("1,2", "56"), ("{}", "56"), ("[]", "56"), ("[[[", "56"), ('{"a": 1}', "56"),
    (json.dumps(list(range(1, 52))), "38"),
    ("[1, \"x\"]", "37"), ("[true]", "37"), ("[1.5]", "37"), ("[null]", "37"),
    ("[300000000000001]", "39"),
])
def test_orders_items_get_errors(lzd, value, code):
    params = {} if value is None else {"order_ids": value}
    assert _code(lzd.get("/orders/items/get", params)) == code


def _authorize(sbx, lzd) -> dict:
    issued = sbx.post("/api/v1/test_helpers/lazada/authorization_code")
    assert issued.status_code == 201, issued.get_json()
    body = lzd.post("/auth/token/create", {"code": issued.get_json()["code"]}, token=None)
    assert body["code"] == "0", body
    return body


def test_tokens_expire_on_the_sandbox_clock_and_refresh(lzd, sbx):
    tokens = _authorize(sbx, lzd)
    assert tokens["expires_in"] == 7 * 86400 and tokens["refresh_expires_in"] == 30 * 86400
    assert tokens["country"] == "my" and tokens["country_user_info"][0]["country"] == "my"
    assert lzd.get("/orders/get", AFTER, token=tokens["access_token"])["code"] == "0"
    advanced = sbx.post(f"{sbx.base}/clock/advance", json={"by": "P7D"})
    assert advanced.status_code == 200
    assert _code(lzd.get("/orders/get", AFTER, token=tokens["access_token"])) == \
        "IllegalAccessToken"
    refreshed = lzd.post("/auth/token/refresh", {"refresh_token": tokens["refresh_token"]},
                         token=None)
    assert refreshed["code"] == "0" and refreshed["access_token"] != tokens["access_token"]
    assert refreshed["refresh_expires_in"] == 23 * 86400  # the refresh token keeps its expiry
    assert lzd.get("/orders/get", AFTER, token=refreshed["access_token"])["code"] == "0"
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "P23D"})
    assert _code(lzd.post("/auth/token/refresh", {"refresh_token": tokens["refresh_token"]},
                          token=None)) == "IllegalRefreshToken"


def test_a_code_is_single_use_and_expires(lzd, sbx):
    issued = sbx.post("/api/v1/test_helpers/lazada/authorization_code").get_json()
    assert issued["object"] == "lazada_authorization_code"
    assert lzd.post("/auth/token/create", {"code": issued["code"]}, token=None)["code"] == "0"
    assert _code(lzd.post("/auth/token/create", {"code": issued["code"]}, token=None)) == \
        "InvalidCode"
    late = sbx.post("/api/v1/test_helpers/lazada/authorization_code").get_json()
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT30M"})
    assert _code(lzd.post("/auth/token/create", {"code": late["code"]}, token=None)) == \
        "InvalidCode"
    assert _code(lzd.post("/auth/token/create", {}, token=None)) == "MissingParameter"
    assert _code(lzd.post("/auth/token/refresh", {"refresh_token": "x" * 200},
                          token=None)) == "IllegalRefreshToken"


def test_tokens_are_drawn_from_the_seed(api, app):
    seen = []
    for _ in range(2):
        body, bound = api.create_sandbox(seed=77)
        gateway = type_gateway(app, body)
        seen.append(_authorize(bound, gateway)["access_token"])
    assert seen[0] == seen[1]
