"""The package machine offers each kind of shipping only its own actions: the seller's own-fleet
reports for a seller-own-fleet package, the carrier's steps and the seller's mark for a
platform-shipped one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mockplatform.errors import InvalidStateTransition
from mockplatform.logistics import states

OWN_FLEET_ONLY = {"deliver_own_fleet", "fail_own_fleet_delivery"}
PLATFORM_ONLY = {"mark_failed_delivery", "miss_first_mile_scan", "arrive_in_destination",
                 "deliver", "fail_next_attempt", "fail_last_attempt", "lose", "damage",
                 "ship_back", "arrive_back_at_seller"}


def _order(shipping_type: str, flow: str = "lazada"):
    return SimpleNamespace(flow=flow, shipping_type=shipping_type)


@pytest.mark.parametrize("shipping", ["cross_border", "local"])
@pytest.mark.parametrize("status", states.STATUSES)
def test_a_platform_shipped_package_is_never_offered_own_fleet_actions(shipping, status):
    assert not OWN_FLEET_ONLY & set(states.PACKAGE.allowed(status, _order(shipping)))


@pytest.mark.parametrize("status", states.STATUSES)
def test_an_own_fleet_package_is_never_offered_carrier_actions(status):
    assert not PLATFORM_ONLY & set(states.PACKAGE.allowed(status, _order("seller_own_fleet")))


def test_what_the_seller_may_do_with_a_ready_package_depends_on_who_carries_it():
    seller = states.SELLER_ACTIONS
    assert states.allowed(states.READY_TO_SHIP, _order("local"), seller) == [
        "cancel", "mark_failed_delivery"]
    assert states.allowed(states.READY_TO_SHIP, _order("seller_own_fleet"), seller) == [
        "cancel", "deliver_own_fleet", "fail_own_fleet_delivery"]
    assert states.allowed(states.PACKED, _order("seller_own_fleet"), seller) == [
        "ready_to_ship", "cancel", "repack"]


def test_check_refuses_the_other_kinds_action_naming_only_this_kinds():
    with pytest.raises(InvalidStateTransition) as raised:
        states.check("FP1", states.READY_TO_SHIP, "deliver_own_fleet", states.SELLER_ACTIONS,
                     order=_order("cross_border"))
    assert raised.value.allowed == ["cancel", "mark_failed_delivery"]
    with pytest.raises(InvalidStateTransition) as raised:
        states.check("FP2", states.READY_TO_SHIP, "deliver", states.CARRIER_ACTIONS,
                     order=_order("seller_own_fleet"))
    assert raised.value.allowed == []
    assert states.check("FP3", states.READY_TO_SHIP, "deliver_own_fleet", (),
                        order=_order("seller_own_fleet")) == states.DELIVERED
