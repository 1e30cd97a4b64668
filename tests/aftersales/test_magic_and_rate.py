"""Requests a buyer opens on its own after a delivery: the AFTERSALES magic value in its address
and the seeded ``aftersales.request_rate``, each by an ``aftersales.buyer_request`` timer at
delivery + delay (aftersales/buyer.py)."""

from __future__ import annotations

from datetime import timedelta

from tests.aftersales.support import (
    ONE_SECOND,
    REQUESTS,
    advance_by,
    advance_to,
    delivered,
    events,
    instant,
    ok,
    open_request,
    tiktok,
)


def _delivered_at(sbx, order: dict):
    return instant(next(e["occurred_at"] for e in events(sbx, "order.delivered")
                        if e["data"]["order_id"] == order["order_id"]))


def _requests(sbx) -> list[dict]:
    return ok(sbx.get(REQUESTS, query_string={"limit": 100}))["data"]


def _magic(sbx, line: str, **spec) -> dict:
    return delivered(sbx, buyer={"address1": "12 Jalan Ampang", "address2": line}, **spec)


def test_the_magic_value_opens_the_request_at_delivery_plus_its_delay(api):
    sbx = tiktok(api)
    order = _magic(sbx, "Unit 4 AFTERSALES:return_and_refund:defective_item:PT2H", quantity=2)
    due = _delivered_at(sbx, order) + timedelta(hours=2)
    advance_to(sbx, due - ONE_SECOND)
    assert _requests(sbx) == [] and events(sbx, "aftersales.requested") == []
    advance_to(sbx, due)
    [request] = _requests(sbx)
    assert (request["type"], request["reason"], request["state"]) == (
        "return_and_refund", "defective_item", "requested")
    assert sorted(request["order_item_ids"]) == sorted(
        item["order_item_id"] for item in order["items"])
    [event] = events(sbx, "aftersales.requested")
    assert instant(event["occurred_at"]) == due
    assert event["data"]["aftersales_id"] == request["aftersales_id"]


def test_without_a_delay_the_magic_value_waits_an_hour(api):
    sbx = tiktok(api)
    order = _magic(sbx, "AFTERSALES:refund_only:damaged_item")
    due = _delivered_at(sbx, order) + timedelta(hours=1)
    advance_to(sbx, due - ONE_SECOND)
    assert _requests(sbx) == []
    advance_to(sbx, due)
    [request] = _requests(sbx)
    assert (request["type"], request["reason"]) == ("refund_only", "damaged_item")


def test_a_reason_or_type_the_profile_does_not_list_is_plain_text(api):
    sbx = tiktok(api)
    for line in ("AFTERSALES:refund_only:defective_item",  # a return's reason, not a refund's
                 "AFTERSALES:cancellation:no_longer_needed",  # cannot follow a delivery
                 "AFTERSALES:exchange:damaged_item", "aftersales:refund_only:damaged_item",
                 "XAFTERSALES:refund_only:damaged_item"):
        _magic(sbx, line)
    advance_by(sbx, "P1D")
    assert _requests(sbx) == []
    assert not [t for t in ok(sbx.get(f"{sbx.base}/timers"))["data"]
                if t["kind"] == "aftersales.buyer_request"]


def test_when_the_units_are_already_in_a_request_the_timer_records_why_it_opened_none(api):
    sbx = tiktok(api)
    order = _magic(sbx, "AFTERSALES:refund_only:damaged_item")
    mine = open_request(sbx, "refund_only", order, "wrong_item")
    due = _delivered_at(sbx, order) + timedelta(hours=1)
    advance_to(sbx, due - ONE_SECOND)
    assert events(sbx, "aftersales.request_skipped") == []
    advance_to(sbx, due)
    assert [r["aftersales_id"] for r in _requests(sbx)] == [mine["aftersales_id"]]
    assert len(events(sbx, "aftersales.requested")) == 1
    [skipped] = events(sbx, "aftersales.request_skipped")
    assert instant(skipped["occurred_at"]) == due
    assert skipped["subject"] == f"order:{order['order_id']}"
    data = skipped["data"]
    assert (data["type"], data["reason"], data["decided_by"], data["skip_code"]) == (
        "refund_only", "damaged_item", "magic_value", "items_not_eligible")
    assert str(mine["aftersales_id"]) in data["skip_reason"]
    assert data["skip_details"][0]["aftersales_id"] == mine["aftersales_id"]
    assert data["order_item_ids"] == [item["order_item_id"] for item in order["items"]]


def test_a_window_closed_before_the_delay_is_recorded_as_the_reason(api):
    sbx = tiktok(api)
    order = _magic(sbx, "AFTERSALES:reshipment:missing_items:P8D")  # the window is 7 days
    advance_by(sbx, "P9D")
    assert _requests(sbx) == []
    [skipped] = events(sbx, "aftersales.request_skipped")
    assert skipped["data"]["skip_code"] == "request_window_closed"
    assert skipped["data"]["skip_details"][0]["policy_key"] == "return.request_window"
    assert skipped["data"]["order_id"] == order["order_id"]


def _rated(api, rate, **weights):
    return tiktok(api, policy_overrides={"aftersales.request_rate": {"rate": rate, **weights}})


def test_a_rate_of_one_opens_a_request_for_every_delivered_order(api):
    sbx = _rated(api, 1, type_weights={"refund_only": 0, "return_and_refund": 0,
                                       "reshipment": 1})
    orders = [delivered(sbx) for _ in range(3)]
    advance_by(sbx, "PT1H")
    found = _requests(sbx)
    assert sorted(r["order_id"] for r in found) == sorted(o["order_id"] for o in orders)
    assert {r["type"] for r in found} == {"reshipment"}
    assert {r["reason"] for r in found} <= {"missing_items", "broken_or_unusable"}


def test_the_rate_opens_at_delivery_plus_its_delay(api):
    sbx = _rated(api, 1, delay="PT3H")
    order = delivered(sbx)
    due = _delivered_at(sbx, order) + timedelta(hours=3)
    advance_to(sbx, due - ONE_SECOND)
    assert _requests(sbx) == []
    advance_to(sbx, due)
    [request] = _requests(sbx)
    assert request["type"] != "cancellation"
    assert [instant(e["occurred_at"]) for e in events(sbx, "aftersales.requested")] == [due]


def test_a_rate_of_zero_opens_none(api):
    sbx = tiktok(api)
    for _ in range(3):
        delivered(sbx)
    advance_by(sbx, "P1D")
    assert _requests(sbx) == []


def test_same_seed_same_requests(api):
    def run():
        sbx = _rated(api, 0.5)
        for _ in range(6):
            delivered(sbx)
        advance_by(sbx, "PT1H")
        return [(r["order_id"], r["type"], r["reason"], r["order_item_ids"])
                for r in sorted(_requests(sbx), key=lambda r: r["order_id"])]

    first = run()
    assert first == run()
    assert 0 < len(first) < 6
