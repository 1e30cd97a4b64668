"""After-sales on a Lazada sandbox through the native API: the buyer's traffic with no control
call (the AFTERSALES magic value, ``aftersales.request_rate``) opens only the types Lazada has,
and Lazada's own actions and words."""

from __future__ import annotations

from datetime import timedelta

from tests.aftersales.support import (
    HELPERS,
    ONE_SECOND,
    REQUESTS,
    advance_to,
    delivered,
    events,
    instant,
    ok,
    tiktok,
)
from tests.logistics.support import new_sandbox


def _requests(sbx) -> list[dict]:
    return ok(sbx.get(REQUESTS, query_string={"limit": 100}))["data"]


def _delivered_at(sbx, order: dict):
    return instant(next(e["occurred_at"] for e in events(sbx, "order.delivered")
                        if e["data"]["order_id"] == order["order_id"]))


def test_the_magic_value_opens_a_lazada_return_and_ignores_a_reshipment(api):
    sbx = new_sandbox(api)
    order = delivered(sbx, buyer={"address1": "AFTERSALES:reshipment:missing_items",
                                  "address2": "AFTERSALES:return_and_refund:defective_item:PT2H"})
    due = _delivered_at(sbx, order) + timedelta(hours=2)
    advance_to(sbx, due - ONE_SECOND)
    assert _requests(sbx) == []
    advance_to(sbx, due)
    [request] = _requests(sbx)
    assert (request["type"], request["platform_type"], request["platform_status"]) == (
        "return_and_refund", "RETURN", "REQUEST_INITIATE")


def test_the_request_rate_draws_among_lazadas_types(api):
    sbx = new_sandbox(api, overrides={"aftersales.request_rate": {"rate": 1}})
    for _ in range(3):
        delivered(sbx)
    advance_to(sbx, instant(ok(sbx.get(f"{sbx.base}/clock"))["now"]) + timedelta(hours=2))
    found = _requests(sbx)
    assert len(found) == 3
    assert {r["type"] for r in found} <= {"refund_only", "return_and_refund"}


def test_a_tiktok_only_action_is_refused_naming_lazadas(api):
    sbx = new_sandbox(api)
    order = delivered(sbx)
    request = ok(sbx.post(HELPERS, json={"type": "refund_only", "order_id": order["order_id"],
                                         "reason": "damaged_item"}), 201)
    path = f"{REQUESTS}/{request['aftersales_id']}"
    refused = sbx.post(f"{path}/propose_refund")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "action_not_offered"
    assert error["details"][0]["allowed_actions"] == [
        "approve", "reject", "approve_package", "reject_package", "claim_return",
        "return_not_needed", "instant_refund", "confirm_delivery"]
    assert ok(sbx.get(path))["timeline"] == request["timeline"]  # nothing written
    done = ok(sbx.post(f"{path}/instant_refund"))
    assert (done["state"], done["platform_status"], done["refunded"]["amount"]) == (
        "refunded", "REFUND_SUCCESS", "30.00")


def test_lazadas_actions_are_not_offered_on_tiktok_shop(api):
    sbx = tiktok(api)
    order = delivered(sbx)
    request = ok(sbx.post(HELPERS, json={"type": "refund_only", "order_id": order["order_id"],
                                         "reason": "damaged_item"}), 201)
    for action in ("instant_refund", "confirm_delivery"):
        refused = sbx.post(f"{REQUESTS}/{request['aftersales_id']}/{action}")
        assert refused.status_code == 409
        assert refused.get_json()["error"]["code"] == "action_not_offered"
