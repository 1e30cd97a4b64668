"""Fault rules matching a Lazada call's parameters: those the gateway reads, no others."""

from __future__ import annotations

from tests.fronts.lazada.conftest import place_orders

ERROR_E006 = {"type": "error", "status": 200, "code": "E006"}


def _rule(sbx, params: dict) -> None:
    response = sbx.post(f"{sbx.base}/faults", json={
        "match": {"operation": "/order/get", "params": params}, "effect": ERROR_E006})
    assert response.status_code == 201, response.get_json()


def test_a_get_matches_on_its_query_and_never_reads_a_body_the_gateway_leaves_alone(sbx, lzd):
    [order_id] = place_orders(sbx)
    _rule(sbx, {"order_id": "9*"})
    signed = lzd.params("/order/get", {"order_id": str(order_id)})
    # A form body on a GET: the gateway reads the query only, and so does the rule.
    answer = lzd.http.get("/rest/order/get", query_string=signed,
                          data={"order_id": "999"},
                          content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and answer.get_json()["code"] == "0"
    huge = "--b\r\n" + "".join(f'--b\r\nContent-Disposition: form-data; name="p{n}"\r\n\r\nx\r\n'
                                for n in range(1100)) + "--b--\r\n"
    answer = lzd.http.get("/rest/order/get", query_string=signed, data=huge,
                          content_type="multipart/form-data; boundary=b")
    assert answer.status_code == 200 and answer.get_json()["code"] == "0"
    assert sbx.get(f"{sbx.base}/faults").get_json()["data"][0]["calls"] == 0


def test_a_post_matches_on_its_form_body(sbx, lzd):
    first, second = place_orders(sbx, 2)
    _rule(sbx, {"order_id": str(first)})
    assert lzd.post("/order/get", {"order_id": str(first)})["code"] == "E006"
    assert lzd.post("/order/get", {"order_id": str(second)})["code"] == "0"
