"""The gateway's transport, authentication and envelopes: every answer HTTP 200 JSON with a
string ``code``, errors with ``type``, ``message`` and ``request_id``, authentication before the
business parameters."""

from __future__ import annotations

import json
import time

import pytest

from tests.fronts.lazada.conftest import place_orders


def _error(body: dict, code: str, type_: str = "ISV") -> dict:
    assert body["code"] == code, body
    assert body["type"] == type_ and body["message"] and "request_id" in body, body
    assert "data" not in body
    return body


def test_success_is_code_zero_as_a_string_with_a_request_id(lzd, sbx):
    (order_id,) = place_orders(sbx)
    body = lzd.get("/order/get", {"order_id": str(order_id)})
    assert body["code"] == "0" and body["request_id"]
    assert "type" not in body and "message" not in body
    assert body["data"]["order_id"] == order_id


def test_post_reads_the_form_body_urlencoded_or_multipart(lzd, sbx):
    (order_id,) = place_orders(sbx)
    params = lzd.params("/order/get", {"order_id": str(order_id)})
    urlencoded = lzd.http.post("/rest/order/get", data=params).get_json()
    assert urlencoded["code"] == "0"
    multipart = lzd.http.post("/rest/order/get", data=params,
                              content_type="multipart/form-data").get_json()
    assert multipart["code"] == "0"
    # A GET's parameters are its query string: the same ones in a body are not read.
    assert lzd.http.get("/rest/order/get", data=params).get_json()["code"] == "MissingParameter"


@pytest.mark.parametrize("name", ["app_key", "sign_method", "timestamp", "sign"])
def test_a_missing_system_parameter(lzd, name):
    params = lzd.params("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"})
    del params[name]
    body = lzd.http.get("/rest/orders/get", query_string=params).get_json()
    assert name in _error(body, "MissingParameter")["message"]


def test_a_bad_signature_is_refused_before_the_business_parameters(lzd):
    params = lzd.params("/orders/get", {"created_after": "not a date"})
    params["sign"] = params["sign"][:-2] + ("00" if params["sign"][-2:] != "00" else "11")
    _error(lzd.http.get("/rest/orders/get", query_string=params).get_json(),
           "IncompleteSignature")
    # Signed for another api name, or with the /rest prefix: refused too.
    signed_for_rest = lzd.params("/rest/orders/get", {"created_after": "x"})
    _error(lzd.http.get("/rest/orders/get", query_string=signed_for_rest).get_json(),
           "IncompleteSignature")


def test_the_signature_is_compared_case_insensitively(lzd):
    params = lzd.params("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"})
    params["sign"] = params["sign"].lower()
    assert lzd.http.get("/rest/orders/get", query_string=params).get_json()["code"] == "0"


def test_an_unknown_app_key_or_another_profiles(lzd, api):
    params = lzd.params("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"})
    params["app_key"] = "1"
    _error(lzd.http.get("/rest/orders/get", query_string=params).get_json(), "InvalidAppKey")
    params["app_key"] = "x\x00" * 30
    _error(lzd.http.get("/rest/orders/get", query_string=params).get_json(),
           "InvalidParameter")
    tiktok, _ = api.create_sandbox(platform="tiktok_shop", market="TH")
    other = type(lzd)(lzd.http, tiktok["credentials"])
    _error(other.get("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"}),
           "InvalidAppKey")


def test_a_wrong_or_missing_access_token(lzd):
    query = {"created_after": "2026-01-01T00:00:00+08:00"}
    _error(lzd.get("/orders/get", query, token="50000nope"), "IllegalAccessToken")
    _error(lzd.get("/orders/get", query, token=None), "MissingParameter")


def test_another_sandboxs_token_is_illegal_here(lzd, api):
    other, _ = api.create_sandbox()
    _error(lzd.get("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"},
                   token=other["credentials"]["access_token"]), "IllegalAccessToken")


@pytest.mark.parametrize("offset", [-7300, 7300])
def test_a_timestamp_more_than_7200_s_from_the_wall_clock(lzd, offset):
    stamp = str(int(time.time()) + offset) + "000"
    body = lzd.get("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"},
                   timestamp=stamp)
    _error(body, "InvalidTimestamp")


@pytest.mark.parametrize("stamp", ["yesterday", "99999999999999999999", "2017-13-40T00:00:00Z"])
def test_a_timestamp_that_does_not_parse(lzd, stamp):
    _error(lzd.get("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"},
                   timestamp=stamp), "InvalidTimestamp")


def test_an_iso_timestamp_is_accepted(lzd):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    body = lzd.get("/orders/get", {"created_after": "2026-01-01T00:00:00+08:00"},
                   timestamp=stamp)
    assert body["code"] == "0", body


def test_an_unknown_path_and_the_bare_mount(lzd):
    _error(lzd.get("/orders/nope"), "InvalidApiPath")
    for path in ("/rest", "/rest/"):
        _error(lzd.http.get(path).get_json(), "InvalidApiPath")


def test_a_method_the_gateway_never_takes(lzd):
    for method in ("PUT", "DELETE", "PATCH"):
        response = lzd.http.open("/rest/orders/get", method=method)
        assert response.status_code == 200
        _error(response.get_json(), "UnsupportedHTTPMethod")


def test_a_wrong_method_is_served_unless_the_sandbox_is_strict(lzd, api, app):
    query = {"created_after": "2026-01-01T00:00:00+08:00"}
    assert lzd.post("/orders/get", query)["code"] == "0"  # lenient by default
    strict, _ = api.create_sandbox(policy_overrides={"gateway.http_methods": "strict"})
    gateway = type(lzd)(app.test_client(), strict["credentials"])
    _error(gateway.post("/orders/get", query), "UnsupportedHTTPMethod")
    assert gateway.get("/orders/get", query)["code"] == "0"
    # Both methods are declared for the token APIs.
    _error(gateway.get("/auth/token/create", {"code": "0_nope"}, token=None), "InvalidCode")


def test_an_oversized_or_broken_body_is_a_lazada_error(lzd):
    response = lzd.http.post("/rest/orders/get", data=b"--x\r\nbroken",
                             content_type="multipart/form-data; boundary=x")
    assert response.status_code == 200
    assert response.get_json()["code"] in ("MissingParameter", "InvalidParameter")
    too_big = lzd.http.post("/rest/orders/get", data={"a": "x" * (11 * 1024 * 1024)})
    assert too_big.status_code == 200
    _error(too_big.get_json(), "InvalidParameter")


def test_the_answer_is_json_and_never_the_native_envelope(lzd):
    response = lzd.http.get("/rest/order/get", query_string={"order_id": "x"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert "error" not in body and isinstance(body["code"], str)
