"""The carrier's test helpers (deliver now, fail the next attempt, lose, damage) and the
seller's "mark as failed delivery": each checked against the package's state machine."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.support import assert_error
from tests.logistics.support import (
    MYT,
    ONE_SECOND,
    advance_by,
    advance_to,
    due,
    events,
    helper,
    instant,
    item_statuses,
    ledger,
    milestones,
    new_sandbox,
    ok,
    order_of,
    package_of,
    place,
    ship,
    timers,
)


def _package_timers(sbx, package):
    return [t for t in timers(sbx) if t["subject"] == f"package:{package['package_id']}"]


# -- deliver now ----------------------------------------------------------------------------------

def test_deliver_now_before_the_origin_scan(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, quantity=2)
    advance_to(sbx, due(package, "pickup"))

    delivered = ok(helper(sbx, package["package_id"], "deliver"))

    assert (delivered["status"], delivered["delivery_attempts"]) == ("delivered", 1)
    assert instant(delivered["delivered_at"]) == due(package, "pickup")
    assert delivered["measured"] == {} and delivered["first_mile_scanned_at"] is None
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]
    assert [e["type"] for e in events(sbx, "order.*")][-2:] == ["order.shipped",
                                                               "order.delivered"]
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship", "pickup", "delivered"]
    assert [entry["step"] for entry in delivered["journey"]] == ["pickup"]  # what it took
    assert _package_timers(sbx, package) == []
    advance_by(sbx, "P30D")  # the first-mile deadline passes: nothing is canceled
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]
    assert milestones(sbx, package["package_id"])[-1] == "delivered"
    assert ledger(sbx, kind="shipping_fee")["data"] == []
    assert len(events(sbx, "settlement.item_settleable")) == 2


def test_deliver_now_in_transit(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx)
    advance_to(sbx, due(package, "customs"))
    ok(helper(sbx, package["package_id"], "fail_next_attempt"))

    delivered = ok(helper(sbx, package["package_id"], "deliver"))
    assert delivered["queued_failures"] == []
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]
    assert [e["type"] for e in events(sbx, "order.*")][-1] == "order.delivered"
    assert len(ledger(sbx, kind="shipping_fee")["data"]) == 1


@pytest.mark.parametrize("action", ["deliver", "lose", "damage", "fail_next_attempt"])
def test_a_package_not_yet_ready_refuses_the_carrier(api, action):
    sbx = new_sandbox(api)
    order = place(sbx)
    package = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)

    error = assert_error(helper(sbx, package["package_id"], action), 409,
                         "invalid_state_transition")
    [detail] = error["details"]
    assert (detail["current_state"], detail["action"], detail["allowed_actions"]) == (
        "packed", action, [])
    assert package_of(sbx, package["package_id"])["status"] == "packed"


@pytest.mark.parametrize("action", ["deliver", "lose", "damage", "fail_next_attempt"])
def test_a_delivered_package_refuses_the_carrier(api, action):
    sbx = new_sandbox(api)
    _, package = ship(sbx)
    ok(helper(sbx, package["package_id"], "deliver"))
    before = len(events(sbx, "*"))

    error = assert_error(helper(sbx, package["package_id"], action), 409,
                         "invalid_state_transition")
    assert error["details"][0]["current_state"] == "delivered"
    assert "package " + package["package_id"] + " is delivered" in error["message"]
    assert len(events(sbx, "*")) == before


def test_a_failed_delivery_allows_no_carrier_action(api):
    sbx = new_sandbox(api, overrides={"delivery.max_attempts": 1})
    _, package = ship(sbx, buyer={"address1": "FAIL:recipient_absent"})
    advance_to(sbx, due(package, "delivery_attempt"))

    error = assert_error(helper(sbx, package["package_id"], "deliver"), 409,
                         "invalid_state_transition")
    assert (error["details"][0]["current_state"], error["details"][0]["allowed_actions"]) == (
        "failed_delivery", [])


def test_a_package_the_seller_ships_is_not_the_platform_carriers(api):
    _, sbx = api.create_sandbox(platform="aliexpress", market="MY")
    product = ok(sbx.post("/api/v1/products", json={"name": "Case", "skus": [
        {"seller_sku": "C-1", "price": "20.00", "stock": 5}]}), 201)
    order = ok(sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": product["skus"][0]["sku_id"]}]}), 201)
    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/accept"))
    package = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack"), 201)
    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ship", json={
        "shipment_provider": "YunExpress", "tracking_number": "YT2601050001"}))

    for action in ("deliver", "lose", "damage", "fail_next_attempt"):
        assert_error(helper(sbx, package["package_id"], action), 409, "not_platform_shipped",
                     field="package_id")
    error = assert_error(_mark(sbx, package["package_id"]), 409, "not_platform_shipped")
    assert "own carrier" in error["message"]
    assert package_of(sbx, package["package_id"])["status"] == "in_transit"


def test_unknown_package_is_a_404(api):
    sbx = new_sandbox(api)
    assert_error(helper(sbx, "FP000000000000001", "deliver"), 404, "package_not_found",
                 field="package_id")


# -- fail the next attempt ------------------------------------------------------------------------

def test_a_queued_failure_wins_over_the_magic_value(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, buyer={"address1": "FAIL ONCE:recipient_absent"})

    queued = ok(helper(sbx, package["package_id"], "fail_next_attempt",
                       {"reason": "force_majeure"}))
    assert queued["queued_failures"] == ["force_majeure"]

    advance_to(sbx, due(package, "delivery_attempt"))
    [failed] = events(sbx, "delivery.attempt_failed")
    assert (failed["data"]["reason"], failed["data"]["decided_by"]) == ("force_majeure",
                                                                        "test_helper")
    assert package_of(sbx, package["package_id"])["queued_failures"] == []
    # The magic value decides the second attempt: FAIL ONCE delivers it.
    advance_to(sbx, due(package_of(sbx, package["package_id"]), "delivery_attempt_2"))
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]


def test_queued_failures_are_used_in_order_up_to_the_last_attempt(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, payment_method="cod")
    reasons = ["recipient_absent", "buyer_refused_cod", "wrong_recipient_info"]
    for reason in reasons:
        ok(helper(sbx, package["package_id"], "fail_next_attempt", {"reason": reason}))

    error = assert_error(helper(sbx, package["package_id"], "fail_next_attempt", {}), 409,
                         "no_attempt_left", field="package_id")
    assert "3 queued" in error["message"]

    advance_by(sbx, "P8DT9H")  # past the third attempt (Tue 13 January), before the return
    assert [e["data"]["reason"] for e in events(sbx, "delivery.attempt_failed")] == reasons
    assert item_statuses(sbx, order["order_id"]) == ["failed_delivery"]
    items = order_of(sbx, order["order_id"])["items"]
    assert {item["reason"] for item in items} == {"wrong_recipient_info"}


def test_the_default_reason_is_the_first_of_the_sandboxs_list(api):
    sbx = new_sandbox(api, overrides={"delivery.failure_reasons": ["force_majeure",
                                                                   "recipient_absent"]})
    _, package = ship(sbx)
    queued = ok(helper(sbx, package["package_id"], "fail_next_attempt"))
    assert queued["queued_failures"] == ["force_majeure"]


@pytest.mark.parametrize(("body", "message"), [
    ({"reason": "bad_weather"}, "not one of this sandbox's delivery.failure_reasons"),
    ({"reason": "buyer_refused_cod"}, "only to cash-on-delivery orders"),
    ({"reason": ""}, "Length"),
    ({"reason": 5}, "Not a valid string"),
])
def test_a_bad_reason_is_a_400_naming_the_field(api, body, message):
    sbx = new_sandbox(api)
    _, package = ship(sbx)
    error = assert_error(helper(sbx, package["package_id"], "fail_next_attempt", body), 400,
                         "validation_failed", field="reason")
    assert message.lower() in str(error).lower()
    assert package_of(sbx, package["package_id"])["queued_failures"] == []


def test_a_reason_the_sandbox_does_not_list_is_refused(api):
    sbx = new_sandbox(api, overrides={"delivery.failure_reasons": ["recipient_absent"]})
    _, package = ship(sbx)
    assert_error(helper(sbx, package["package_id"], "fail_next_attempt",
                        {"reason": "force_majeure"}), 400, "validation_failed", field="reason")


def test_the_helpers_take_no_unknown_fields_or_bodies(api):
    sbx = new_sandbox(api)
    _, package = ship(sbx)
    assert_error(helper(sbx, package["package_id"], "fail_next_attempt", {"why": "x"}), 400,
                 "validation_failed", field="why")
    assert_error(helper(sbx, package["package_id"], "deliver", {"now": True}), 400,
                 "validation_failed")


# -- lose, damage ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("action", "status", "item_status", "milestone"), [
    ("lose", "lost", "lost_by_3pl", "lost"),
    ("damage", "damaged", "damaged_by_3pl", "damaged"),
])
def test_lose_and_damage_end_the_journey_and_compensate_the_seller(api, action, status,
                                                                   item_status, milestone):
    sbx = new_sandbox(api)
    order, package = ship(sbx, quantity=2, price="40.00")
    advance_to(sbx, due(package, "uplift"))

    ended = ok(helper(sbx, package["package_id"], action))

    assert ended["status"] == status
    assert item_statuses(sbx, order["order_id"]) == [item_status]
    assert {item["reason"] for item in order_of(sbx, order["order_id"])["items"]} == {
        item_status}
    assert milestones(sbx, package["package_id"])[-1] == milestone
    credits = ledger(sbx, kind="compensation")["data"]
    assert sorted(c["subject"] for c in credits) == sorted(
        f"order_item:{item['order_item_id']}" for item in order["items"])
    assert {(c["amount"], c["currency"], c["policy_key"]) for c in credits} == {
        ("40.00", "MYR", "logistics.loss_compensation")}
    assert _package_timers(sbx, package) == []
    advance_by(sbx, "P40D")
    assert milestones(sbx, package["package_id"])[-1] == milestone
    assert events(sbx, "settlement.*") == []


def test_loss_compensation_follows_its_policy(api):
    sbx = new_sandbox(api, overrides={"logistics.loss_compensation": "0.5"})
    _, package = ship(sbx, price="40.00")
    ok(helper(sbx, package["package_id"], "lose"))
    [credit] = ledger(sbx, kind="compensation")["data"]
    assert credit["amount"] == "20.00"


# -- the seller marks a package as failed delivery ------------------------------------------------

def _mark(sbx, package_id):
    return sbx.post(f"/api/v1/packages/{package_id}/mark_failed_delivery")


def test_a_marked_package_that_is_delivered_is_never_paid(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, quantity=2)
    advance_to(sbx, due(package, "uplift"))

    marked = ok(_mark(sbx, package["package_id"]))
    assert marked["seller_marked_failed"] is True
    assert instant(marked["seller_marked_failed_at"]) == due(package, "uplift")
    [event] = events(sbx, "package.seller_marked_failed_delivery")
    assert event["data"]["never_settled"] is True
    assert sorted(event["data"]["order_item_ids"]) == sorted(
        item["order_item_id"] for item in order["items"])
    assert len(events(sbx, "settlement.item_unsettleable")) == 2

    # The journey goes on: delivered on Sun 11 January, its statement paid Fri 16 January.
    advance_to(sbx, due(package, "delivery_attempt"))
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]
    payout_at = datetime(2026, 1, 16, tzinfo=MYT)
    advance_to(sbx, payout_at)
    assert ledger(sbx, kind="settlement")["data"] == []
    [paid] = events(sbx, "settlement.paid")
    assert instant(paid["occurred_at"]) == payout_at
    assert (paid["data"]["entry_count"], paid["data"]["unsettleable_count"]) == (0, 2)


def test_marking_is_once_and_only_while_the_package_travels(api):
    sbx = new_sandbox(api)
    order = place(sbx)
    package = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)

    error = assert_error(_mark(sbx, package["package_id"]), 409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "packed"
    assert error["details"][0]["allowed_actions"] == ["ready_to_ship", "cancel", "repack"]

    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))
    ok(_mark(sbx, package["package_id"]))
    error = assert_error(_mark(sbx, package["package_id"]), 409,
                         "already_marked_failed_delivery", field="package_id")
    assert len(events(sbx, "package.seller_marked_failed_delivery")) == 1
    assert error["details"][0]["current_state"] == "ready_to_ship"

    ok(helper(sbx, package["package_id"], "deliver"))
    assert_error(_mark(sbx, package["package_id"]), 409, "invalid_state_transition")
    assert_error(_mark(sbx, "FP000000000000001"), 404, "package_not_found")


def test_the_seller_mark_does_not_change_the_items(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx)
    ok(_mark(sbx, package["package_id"]))
    assert item_statuses(sbx, order["order_id"]) == ["ready_to_ship"]
    assert package_of(sbx, package["package_id"])["status"] == "ready_to_ship"
    advance_to(sbx, due(package, "delivery_attempt") - ONE_SECOND)
    assert item_statuses(sbx, order["order_id"]) == ["shipped"]
