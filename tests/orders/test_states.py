"""The order item state machine speaks Lazada's vocabulary and refuses what Lazada refuses."""

from __future__ import annotations

import pytest

from mockplatform.errors import InvalidStateTransition
from mockplatform.orders import states as s


@pytest.mark.parametrize(("path", "end"), [
    (["pay", "pack", "ready_to_ship", "arrive_in_destination", "deliver"], s.DELIVERED),
    (["pay", "pack", "ready_to_ship", "arrive_in_destination", "fail_last_attempt",
      "ship_back", "arrive_back_at_seller"], s.SHIPPED_BACK_SUCCESS),
    (["pay", "miss_rts_deadline"], s.CANCELED),
    (["pay", "pack", "ready_to_ship", "miss_first_mile_scan"], s.CANCELED),
    (["pay", "pack", "ready_to_ship", "lose"], s.LOST_BY_3PL),
])
def test_an_item_walks_the_platform_paths(path, end):
    status = s.UNPAID
    for action in path:
        status = s.ITEM.next_state(status, action, label="order item 1")
    assert status == end


@pytest.mark.parametrize("status", s.SELLER_CANCELABLE)
def test_the_seller_cancels_only_before_the_parcel_leaves(status):
    assert s.ITEM.next_state(status, "cancel", label="item") == s.CANCELED


@pytest.mark.parametrize("status", [s.SHIPPED, s.DELIVERED, s.CANCELED, s.FAILED_DELIVERY])
def test_cancelling_later_is_a_409_naming_the_status_and_the_allowed_actions(status):
    with pytest.raises(InvalidStateTransition) as raised:
        s.ITEM.next_state(status, "cancel", label="order item 7")
    assert raised.value.state == status
    assert raised.value.allowed == s.ITEM.allowed(status)
    assert f"order item 7 is {status}: cannot cancel" in raised.value.message


def test_final_statuses_allow_nothing_but_the_documented_exits():
    for status in s.FINAL:
        assert s.ITEM.allowed(status) == []
    # A failed unit rides back whole (logistics.return_leg), or resale and the return service
    # take it (resale/states.py).
    assert s.ITEM.allowed(s.FAILED_DELIVERY) == [
        "ship_back", "pass_resale_inspection", "return_to_seller", "destroy_locally",
        "compensate_worry_free"]


def _order(shipping_type: str, flow: str = "lazada"):
    from types import SimpleNamespace

    return SimpleNamespace(flow=flow, shipping_type=shipping_type)


@pytest.mark.parametrize("shipping", ["cross_border", "local"])
def test_a_platform_shipped_item_never_fails_by_the_sellers_report(shipping):
    order = _order(shipping)
    assert "fail_own_fleet_delivery" not in s.ITEM.allowed(s.READY_TO_SHIP, order)
    assert s.ITEM.allowed(s.SHIPPED, order) == ["deliver", "fail_last_attempt", "lose",
                                                "damage"]
    with pytest.raises(InvalidStateTransition):
        s.ITEM.next_state(s.READY_TO_SHIP, "fail_own_fleet_delivery", label="item",
                          subject=order)


def test_an_own_fleet_item_takes_none_of_the_carriers_losses_or_deadlines():
    order = _order("seller_own_fleet")
    assert s.ITEM.allowed(s.READY_TO_SHIP, order) == [
        "cancel", "fail_own_fleet_delivery", "arrive_in_destination"]
    assert s.ITEM.allowed(s.SHIPPED, order) == ["deliver"]
    assert s.ITEM.allowed(s.FAILED_DELIVERY, order) == []
