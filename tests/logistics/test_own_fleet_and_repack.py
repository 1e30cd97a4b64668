"""A seller-own-fleet order on the native API (no carrier journey; the seller reports delivered
or failed), and repacking a packed package."""

from __future__ import annotations

from tests.api.support import assert_error
from tests.logistics.support import (
    events,
    helper,
    item_statuses,
    milestones,
    new_sandbox,
    ok,
    order_of,
    package_of,
    place,
    ship,
    timers,
)


def _own_fleet(sbx, package_id: str, outcome: str):
    return sbx.post(f"/api/v1/packages/{package_id}/own_fleet_{outcome}")


def test_a_seller_own_fleet_package_has_no_journey_and_no_label(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, shipping="seller_own_fleet")
    assert order["shipping_type"] == "seller_own_fleet"
    assert package["shipment_provider"] == "Seller Own Fleet"
    assert package["tracking_number"].startswith("SOFMY")
    assert package["journey"] == [] and package["first_mile_scan_deadline"] is None
    assert not [t for t in timers(sbx) if t["subject"] == f"package:{package['package_id']}"]
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship"]
    assert_error(sbx.get(f"/api/v1/packages/{package['package_id']}/label"), 409, "no_label")
    # The carrier's helpers do not apply: no platform carrier carries it.
    assert_error(helper(sbx, package["package_id"], "deliver"), 409, "not_platform_shipped")


def test_the_seller_reports_its_own_fleet_delivered(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, shipping="seller_own_fleet", quantity=2)
    delivered = ok(_own_fleet(sbx, package["package_id"], "delivered"))
    assert (delivered["status"], delivered["delivery_attempts"]) == ("delivered", 1)
    assert item_statuses(sbx, order["order_id"]) == ["delivered"]
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship", "delivered"]
    assert "order.delivered" in [e["type"] for e in events(sbx, "order.*")]
    assert_error(_own_fleet(sbx, package["package_id"], "failed_delivery"), 409,
                 "invalid_state_transition")


def test_the_seller_reports_its_own_fleet_failed(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, shipping="seller_own_fleet")
    failed = ok(_own_fleet(sbx, package["package_id"], "failed_delivery"))
    assert failed["status"] == "failed_delivery"
    assert item_statuses(sbx, order["order_id"]) == ["failed_delivery"]
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship", "failed_delivery"]


def test_own_fleet_reports_refuse_other_packages_and_other_states(api):
    sbx = new_sandbox(api)
    _, platform_package = ship(sbx, shipping="local")
    assert_error(_own_fleet(sbx, platform_package["package_id"], "delivered"), 409,
                 "not_seller_own_fleet")
    order = place(sbx, shipping="seller_own_fleet")
    packed = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
    assert_error(_own_fleet(sbx, packed["package_id"], "delivered"), 409,
                 "invalid_state_transition")
    assert item_statuses(sbx, order["order_id"]) == ["packed"]


def test_repack_dissolves_a_packed_package(api):
    sbx = new_sandbox(api)
    order = place(sbx, quantity=2)
    packed = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
    repacked = ok(sbx.post(f"/api/v1/packages/{packed['package_id']}/repack"))
    assert repacked["statuses"] == ["pending"]
    assert all(item["package_id"] is None for item in repacked["items"])
    assert package_of(sbx, packed["package_id"])["status"] == "canceled"
    again = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
    assert again["package_id"] != packed["package_id"]
    ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))
    assert_error(sbx.post(f"/api/v1/packages/{again['package_id']}/repack"), 409,
                 "invalid_state_transition")
    assert order_of(sbx, order["order_id"])["statuses"] == ["ready_to_ship"]


def test_a_refused_action_offers_only_what_the_packages_shipping_allows(api):
    sbx = new_sandbox(api)
    for shipping, allowed in (
            ("local", ["cancel", "mark_failed_delivery"]),
            ("cross_border", ["cancel", "mark_failed_delivery"]),
            ("seller_own_fleet", ["cancel", "deliver_own_fleet", "fail_own_fleet_delivery"])):
        _, package = ship(sbx, shipping=shipping)
        error = assert_error(sbx.post(f"/api/v1/packages/{package['package_id']}/repack"), 409,
                             "invalid_state_transition")
        assert error["details"][0]["allowed_actions"] == allowed, shipping
        assert ", ".join(allowed) in error["message"]
        assert package_of(sbx, package["package_id"])["status"] == "ready_to_ship"
