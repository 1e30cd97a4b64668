"""Tracking over the native API: a package's trace by tracking number and by order.

Packages are made the way a seller makes them (place an order, pack, ready to ship). The
tracking reports are in ``test_tracking_reports.py`` (by date range and by a list of tracking
numbers) and ``test_tracking_report_csv.py`` (by CSV file, and answered as CSV).
"""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import assert_error
from tests.logistics.support import advance_by, advance_to, due
from tests.logistics.tracking_support import (
    START,
    iso,
    order,
    pack,
    product,
    range_report,
    ready,
    shipped,
    sku_fixture,  # noqa: F401 (the sku fixture)
)

# -- by tracking number ---------------------------------------------------------------------------

def test_a_readied_package_is_tracked_by_its_number_with_its_first_event(sbx, sku):
    package = shipped(sbx, sku)

    response = sbx.get(f"/api/v1/tracking/{package['tracking_number']}")

    assert response.status_code == 200
    trace = response.get_json()
    assert trace["object"] == "package_tracking"
    assert {key: trace[key] for key in ("tracking_number", "package_id", "order_id",
                                        "shipment_provider", "status", "ready_to_ship_at",
                                        "first_mile_scan_deadline", "delivery_attempts",
                                        "delivered_at")} == {
        key: package[key] for key in ("tracking_number", "package_id", "order_id",
                                      "shipment_provider", "status", "ready_to_ship_at",
                                      "first_mile_scan_deadline", "delivery_attempts",
                                      "delivered_at")}
    assert trace["status"] == "ready_to_ship" and trace["seller_marked_failed"] is False
    first = trace["events"][0]
    assert first == {"object": "tracking_event", "milestone": "ready_to_ship",
                     "status_code": "1200", "detail_type": "ready_to",
                     "package_status": "READY_TO_SHIP", "title": "Packed by seller / warehouse",
                     "description": "Packed by seller / warehouse",
                     "location": first["location"], "occurred_at": iso(START), "details": {}}
    assert first["location"].endswith(", CN")  # cross-border: a consolidation hub in China


def test_events_come_in_the_order_they_happened_with_their_details(sbx, sku):
    package = shipped(sbx, sku)
    advance_to(sbx, due(package, "origin_sorting_scan"))
    measured = sbx.get(f"/api/v1/packages/{package['package_id']}").get_json()["measured"]

    events = sbx.get(f"/api/v1/tracking/{package['tracking_number']}").get_json()["events"]

    assert [(e["milestone"], e["status_code"], e["occurred_at"]) for e in events] == [
        ("ready_to_ship", "1200", iso(START)),
        ("pickup", "1300", iso(due(package, "pickup"))),
        ("origin_sorting_scan", "1400", iso(due(package, "origin_sorting_scan")))]
    assert events[2]["details"] == {"measured": measured}
    assert events[2]["package_status"] == "INFO_ST_FM_SORTING_CENTER"


def test_a_packed_package_has_a_trace_without_events(sbx, sku):
    placed = order(sbx, sku)
    package = pack(sbx, placed["order_id"])

    trace = sbx.get(f"/api/v1/tracking/{package['tracking_number']}").get_json()

    assert (trace["status"], trace["events"], trace["ready_to_ship_at"]) == ("packed", [], None)


def test_a_canceled_package_ends_with_its_cancel_event(sbx, sku):
    placed = order(sbx, sku)
    package = pack(sbx, placed["order_id"])
    ready(sbx, placed["order_id"])
    advance_by(sbx, "PT1H")
    response = sbx.post(f"/api/v1/orders/{placed['order_id']}/cancel",
                        json={"reason": "sourcing_delay"})
    assert response.status_code == 200, response.get_json()

    trace = sbx.get(f"/api/v1/tracking/{package['tracking_number']}").get_json()

    assert trace["status"] == "canceled"
    assert [(e["milestone"], e["package_status"]) for e in trace["events"]] == [
        ("ready_to_ship", "READY_TO_SHIP"), ("canceled", "CANCELLED")]


def test_an_unknown_tracking_number_is_a_404_naming_it(sbx, sku):
    shipped(sbx, sku)

    error = assert_error(sbx.get("/api/v1/tracking/LGSMY0000000000"), 404,
                         "tracking_number_not_found", field="tracking_number", location="path")

    assert "LGSMY0000000000" in error["message"]


def test_another_sandboxs_tracking_number_is_unknown_here(api, sbx, sku):
    package = shipped(sbx, sku)
    _, other = api.create_sandbox()

    assert_error(other.get(f"/api/v1/tracking/{package['tracking_number']}"), 404,
                 "tracking_number_not_found", field="tracking_number")


def test_a_semi_hosted_package_is_tracked_by_the_number_its_seller_uploaded(api):
    _, shop = api.create_sandbox(platform="aliexpress", start_at=iso(START))
    placed = order(shop, product(shop))
    for action, body in (("accept", None), ("pack", None), (
            "ship", {"shipment_provider": "YunExpress", "tracking_number": "YT2601050001"})):
        response = shop.post(f"/api/v1/orders/{placed['order_id']}/{action}", json=body)
        assert response.status_code in (200, 201), response.get_json()

    trace = shop.get("/api/v1/tracking/YT2601050001").get_json()
    [row] = range_report(shop, START, START + timedelta(days=1)).get_json()["rows"]

    assert (trace["shipment_provider"], trace["order_id"]) == ("YunExpress", placed["order_id"])
    assert [e["milestone"] for e in trace["events"]] == ["pickup"]
    assert trace["events"][0]["details"]["uploaded_by"] == "seller"
    assert (row["tracking_number"], row["last_event_code"]) == ("YT2601050001", "1300")


# -- by order -------------------------------------------------------------------------------------

def test_an_orders_tracking_lists_each_package_with_its_own_events(sbx, sku):
    placed = order(sbx, sku, quantity=2)
    first_item, second_item = (item["order_item_id"] for item in placed["items"])
    first = pack(sbx, placed["order_id"], [first_item])
    second = pack(sbx, placed["order_id"], [second_item])
    ready(sbx, placed["order_id"], [first["package_id"]])

    response = sbx.get(f"/api/v1/orders/{placed['order_id']}/tracking")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["object"], body["order_id"]) == ("order_tracking", placed["order_id"])
    assert [(p["package_id"], p["status"]) for p in body["packages"]] == [
        (first["package_id"], "ready_to_ship"), (second["package_id"], "packed")]
    assert [e["milestone"] for e in body["packages"][0]["events"]] == ["ready_to_ship"]
    assert body["packages"][1]["events"] == []
    assert body["packages"][0] == sbx.get(
        f"/api/v1/tracking/{first['tracking_number']}").get_json()


def test_an_order_not_packed_yet_has_no_packages_to_track(sbx, sku):
    placed = order(sbx, sku)

    body = sbx.get(f"/api/v1/orders/{placed['order_id']}/tracking").get_json()

    assert body == {"object": "order_tracking", "order_id": placed["order_id"], "packages": []}


def test_an_unknown_or_malformed_order_id_is_refused_naming_it(sbx):
    assert_error(sbx.get("/api/v1/orders/300000000000001/tracking"), 404, "order_not_found",
                 field="order_id", location="path")
    assert_error(sbx.get("/api/v1/orders/abc/tracking"), 400, "validation_failed",
                 field="order_id", location="path")

