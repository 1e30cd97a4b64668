"""Tracking reports over the native API: by date range and by a list of tracking numbers.

Packages are made the way a seller makes them (place an order, pack, ready to ship). The
report by CSV file, and reports answered as CSV, are in ``test_tracking_report_csv.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from mockplatform.logistics import reports
from tests.api.support import assert_error
from tests.logistics.support import advance_by, advance_to, due
from tests.logistics.tracking_support import (
    REPORTS,
    START,
    feed,
    iso,
    order,
    pack,
    range_report,
    shipped,
    sku_fixture,  # noqa: F401 (the sku fixture)
)

# -- report by date range -------------------------------------------------------------------------

def test_a_range_report_has_the_packages_readied_in_the_half_open_range(sbx, sku):
    before = shipped(sbx, sku)
    advance_by(sbx, "PT1H")
    at_start = shipped(sbx, sku)
    advance_by(sbx, "PT1H")
    inside = shipped(sbx, sku)
    pack(sbx, order(sbx, sku)["order_id"])  # packed, never readied: not in any range
    advance_by(sbx, "PT1H")
    at_end = shipped(sbx, sku)
    start, end = START + timedelta(hours=1), START + timedelta(hours=3)

    response = range_report(sbx, start, end)

    assert response.status_code == 200
    report = response.get_json()
    assert {key: report[key] for key in ("object", "kind", "from", "to", "generated_at",
                                         "requested_count", "duplicate_count", "row_count",
                                         "found_count", "not_found_count")} == {
        "object": "tracking_report", "kind": "date_range", "from": iso(start), "to": iso(end),
        "generated_at": iso(START + timedelta(hours=3)), "requested_count": None,
        "duplicate_count": None, "row_count": 2, "found_count": 2, "not_found_count": 0}
    assert [row["tracking_number"] for row in report["rows"]] == [
        at_start["tracking_number"], inside["tracking_number"]]
    assert before["tracking_number"] not in str(report) and at_end["tracking_number"] not in \
        str(report)


def test_a_report_row_says_where_the_package_stands(sbx, sku):
    package = shipped(sbx, sku)
    scanned_at = due(package, "origin_sorting_scan")
    advance_to(sbx, scanned_at)
    measured = sbx.get(f"/api/v1/packages/{package['package_id']}").get_json()["measured"]

    [row] = range_report(sbx, START, START + timedelta(days=1)).get_json()["rows"]

    assert list(row) == list(reports.COLUMNS)
    assert row == {
        "tracking_number": package["tracking_number"], "status": "ready_to_ship",
        "package_id": package["package_id"], "order_id": package["order_id"],
        "shipment_provider": package["shipment_provider"], "packed_at": iso(START),
        "ready_to_ship_at": iso(START), "first_mile_scan_deadline": iso(START + timedelta(days=7)),
        "first_mile_scanned_at": iso(scanned_at), "journey_step": "origin_sorting_scan",
        "next_step": "uplift", "next_step_due_at": iso(due(package, "uplift")),
        "last_event_code": "1400", "last_event_status": "INFO_ST_FM_SORTING_CENTER",
        "last_event_title": "Arrived at origin sorting centre",
        "last_event_location": row["last_event_location"],
        "last_event_at": iso(scanned_at), "events_count": 3,
        "delivery_attempts": 0, "failure_reason": None,
        "measured_weight_kg": measured["weight_kg"], "measured_length_cm": measured["length_cm"],
        "measured_width_cm": measured["width_cm"], "measured_height_cm": measured["height_cm"],
        "seller_marked_failed": False, "delivered_at": None}


def test_a_range_of_exactly_the_policy_limit_is_accepted_and_one_second_more_refused(sbx, sku):
    shipped(sbx, sku)
    start = START - timedelta(days=1)

    accepted = range_report(sbx, start, start + timedelta(days=30))
    refused = range_report(sbx, start, start + timedelta(days=30, seconds=1))

    assert accepted.status_code == 200 and accepted.get_json()["row_count"] == 1
    error = assert_error(refused, 400, "report_range_too_long", field="to", location="query")
    assert "tracking.report_max_range" in error["message"] and "30 days" in error["message"]
    assert error["details"][0]["policy"] == "tracking.report_max_range"
    assert error["details"][0]["limit"] == "P30D"


def test_the_range_limit_follows_the_sandboxs_policy_override(api):
    _, sbx = api.create_sandbox(policy_overrides={"tracking.report_max_range": "P7D"})

    assert range_report(sbx, START, START + timedelta(days=7)).status_code == 200
    error = assert_error(range_report(sbx, START, START + timedelta(days=8)), 400,
                         "report_range_too_long", field="to")
    assert "7 days" in error["message"] and error["details"][0]["limit"] == "P7D"


@pytest.mark.parametrize(("query", "field", "code"), [
    ({}, "from", "validation_failed"),
    ({"from": "2026-01-01T00:00:00Z"}, "to", "validation_failed"),
    ({"to": "2026-01-01T00:00:00Z"}, "from", "validation_failed"),
    ({"from": "yesterday", "to": "2026-01-02T00:00:00Z"}, "from", "validation_failed"),
    ({"from": "2026-01-01T00:00:00Z", "to": "2026-02-30T00:00:00Z"}, "to", "validation_failed"),
    ({"from": "2026-01-01T00:00:00", "to": "2026-01-02T00:00:00Z"}, "from",
     "validation_failed"),
    ({"from": "2026-01-01", "to": "2026-01-02T00:00:00Z"}, "from", "validation_failed"),
    ({"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "to", "invalid_range"),
    ({"from": "2026-01-02T08:00:00+08:00", "to": "2026-01-02T00:00:00Z"}, "to",
     "invalid_range"),
    ({"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z", "limit": "5"}, "limit",
     "validation_failed"),
])
def test_bad_range_queries_are_refused_naming_the_field(sbx, query, field, code):
    before = feed(sbx)

    assert_error(sbx.get(REPORTS, query_string=query), 400, code, field=field,
                 location="query")

    assert feed(sbx) == before


def test_a_range_with_more_packages_than_a_report_holds_is_refused(sbx, sku, monkeypatch):
    for _ in range(3):
        shipped(sbx, sku)
    monkeypatch.setattr(reports, "MAX_ROWS", 2)

    error = assert_error(range_report(sbx, START, START + timedelta(hours=1)), 400,
                         "report_too_large", field="to")

    assert error["details"][0]["limit"] == 2
    monkeypatch.setattr(reports, "MAX_ROWS", 3)
    assert range_report(sbx, START, START + timedelta(hours=1)).get_json()["row_count"] == 3


# -- report by tracking numbers -------------------------------------------------------------------

def test_a_list_report_has_a_row_per_distinct_number_and_unknown_ones_not_found(sbx, sku):
    first, second = shipped(sbx, sku), shipped(sbx, sku)
    numbers = [second["tracking_number"], "LGSMY0000000001", first["tracking_number"],
               second["tracking_number"]]

    response = sbx.post(REPORTS, json={"tracking_numbers": numbers})

    assert response.status_code == 200
    report = response.get_json()
    assert (report["kind"], report["from"], report["to"]) == ("tracking_numbers", None, None)
    assert (report["requested_count"], report["duplicate_count"], report["row_count"],
            report["found_count"], report["not_found_count"]) == (4, 1, 3, 2, 1)
    assert [(row["tracking_number"], row["status"]) for row in report["rows"]] == [
        (second["tracking_number"], "ready_to_ship"), ("LGSMY0000000001", "not_found"),
        (first["tracking_number"], "ready_to_ship")]
    unknown = report["rows"][1]
    assert unknown == {**dict.fromkeys(reports.COLUMNS), "tracking_number": "LGSMY0000000001",
                       "status": "not_found"}
    by_range = range_report(sbx, START, START + timedelta(hours=1)).get_json()["rows"]
    assert report["rows"][2] == by_range[0] and report["rows"][0] == by_range[1]


def test_a_list_of_only_unknown_numbers_is_a_report_not_an_error(sbx):
    report = sbx.post(REPORTS, json={"tracking_numbers": ["NOPE-1"]}).get_json()

    assert (report["found_count"], report["not_found_count"]) == (0, 1)


def test_a_list_of_the_maximum_length_is_accepted(sbx, sku):
    package = shipped(sbx, sku)
    numbers = [f"X{i}" for i in range(reports.MAX_ROWS - 1)] + [package["tracking_number"]]

    report = sbx.post(REPORTS, json={"tracking_numbers": numbers}).get_json()

    assert (report["row_count"], report["found_count"]) == (reports.MAX_ROWS, 1)
    assert report["rows"][-1]["package_id"] == package["package_id"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "tracking_numbers"),
    ({"tracking_numbers": "LGSMY1"}, "tracking_numbers"),
    ({"tracking_numbers": []}, "tracking_numbers"),
    ({"tracking_numbers": ["LGSMY1", 42]}, "tracking_numbers.1"),
    ({"tracking_numbers": ["LGSMY1", None]}, "tracking_numbers.1"),
    ({"tracking_numbers": [["LGSMY1"]]}, "tracking_numbers.0"),
    ({"tracking_numbers": ["LGSMY1", ""]}, "tracking_numbers.1"),
    ({"tracking_numbers": ["LGS MY1"]}, "tracking_numbers.0"),
    ({"tracking_numbers": ["X" * 61]}, "tracking_numbers.0"),
    ({"tracking_numbers": [f"X{i}" for i in range(reports.MAX_ROWS + 1)]}, "tracking_numbers"),
    ({"tracking_numbers": ["LGSMY1"], "from": "2026-01-01T00:00:00Z"}, "from"),
])
def test_bad_lists_are_refused_naming_the_field(sbx, body, field):
    before = feed(sbx)

    assert_error(sbx.post(REPORTS, json=body), 400, "validation_failed", field=field,
                 location="body")

    assert feed(sbx) == before


def test_a_list_that_is_not_json_is_a_415(sbx):
    response = sbx.post(REPORTS, data="LGSMY1\n", headers={"Content-Type": "text/plain"})

    assert_error(response, 415, "unsupported_media_type", field="Content-Type",
                 location="header")
