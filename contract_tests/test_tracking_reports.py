"""Tracking through the SDK: a package's trace, and the tracking reports of POLICIES.md's
cross-profile rules: by date range (at most ``tracking.report_max_range``), by a list of
tracking numbers and by a CSV file of them, as JSON and as CSV.

Orders are placed and fulfilled with ``client.request`` on the native paths (the buyer's test
helper, pack, ready to ship), the same calls any HTTP client would make.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from mockplatform_client import BadRequestError, NotFoundError

START = "2026-03-02T01:00:00+00:00"
pytestmark = pytest.mark.mockplatform_sandbox(start_at=START, seed=5)


def ship(client) -> dict:
    """Place an order, pack it and ready it to ship: the package's tracking number and ids."""
    product = client.products.create(name="Lamp", skus=[
        {"seller_sku": f"LAMP-{len(client.products.list().data)}", "price": "45.00",
         "stock": 5}])
    order = client.request("POST", "/api/v1/test_helpers/orders",
                           json={"items": [{"sku_id": product.skus[0].sku_id, "quantity": 1}]})
    package = client.request("POST", f"/api/v1/orders/{order.order_id}/pack", json={})
    client.request("POST", f"/api/v1/orders/{order.order_id}/ready_to_ship", json={})
    return {"tracking_number": package.tracking_number, "package_id": package.package_id,
            "order_id": order.order_id}


def limit_of(client) -> timedelta:
    """The sandbox's ``tracking.report_max_range``, as the policy table serves it."""
    [policy] = [p for p in client.policies.get().policies if p.key == "tracking.report_max_range"]
    assert policy.value == "P30D"
    return timedelta(days=30)


def now(client) -> datetime:
    return datetime.fromisoformat(client.clock.get().now)


def test_a_package_is_tracked_by_number_and_by_order(client):
    package = ship(client)

    trace = client.tracking.get(package["tracking_number"])
    by_order = client.tracking.for_order(package["order_id"])

    assert (trace.package_id, trace.order_id, trace.status) == (
        package["package_id"], package["order_id"], "ready_to_ship")
    assert [(e.status_code, e.package_status) for e in trace.events][:1] == [
        ("1200", "READY_TO_SHIP")]
    assert [p.package_id for p in by_order.packages] == [package["package_id"]]
    assert by_order.packages[0].to_dict() == trace.to_dict()
    with pytest.raises(NotFoundError) as unknown:
        client.tracking.get("LGSMY0000000000")
    assert unknown.value.code == "tracking_number_not_found"


def test_a_range_of_exactly_the_report_limit_is_accepted_and_one_second_more_refused(client):
    package = ship(client)
    limit = limit_of(client)
    start = now(client) - timedelta(days=1)

    report = client.tracking.report_by_range(start, start + limit)
    with pytest.raises(BadRequestError) as refused:
        client.tracking.report_by_range(start, start + limit + timedelta(seconds=1))

    assert [row.tracking_number for row in report.rows] == [package["tracking_number"]]
    assert refused.value.code == "report_range_too_long"
    assert "tracking.report_max_range" in str(refused.value)
    assert refused.value.details[0]["field"] == "to"


def test_an_inverted_range_is_refused_naming_to(client):
    start = now(client)

    with pytest.raises(BadRequestError) as refused:
        client.tracking.report_by_range(start, start - timedelta(seconds=1))

    assert refused.value.code == "invalid_range"
    assert refused.value.details[0]["field"] == "to"


def test_unknown_numbers_are_rows_of_their_own_not_errors(client):
    first, second = ship(client), ship(client)

    report = client.tracking.report_by_numbers(
        [second["tracking_number"], "NOPE-1", first["tracking_number"], "NOPE-1"])

    assert [(row.tracking_number, row.status) for row in report.rows] == [
        (second["tracking_number"], "ready_to_ship"), ("NOPE-1", "not_found"),
        (first["tracking_number"], "ready_to_ship")]
    assert (report.found_count, report.not_found_count, report.duplicate_count) == (2, 1, 1)
    assert report.rows[1].package_id is None


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_csv_report_round_trips_through_an_upload(client, tmp_path):
    first, second = ship(client), ship(client)
    numbers = [first["tracking_number"], "NOPE-1", second["tracking_number"]]

    listed = client.tracking.report_by_numbers(numbers, format="csv")
    path = tmp_path / "report.csv"
    path.write_text(listed, encoding="utf-8", newline="")
    uploaded = client.tracking.report_by_file(path, format="csv")

    assert uploaded == listed
    rows = parse(listed)
    assert [(row["tracking_number"], row["status"]) for row in rows] == [
        (first["tracking_number"], "ready_to_ship"), ("NOPE-1", "not_found"),
        (second["tracking_number"], "ready_to_ship")]
    assert rows[1]["package_id"] == "" and rows[0]["order_id"] == str(first["order_id"])


def test_a_range_report_reads_the_same_in_csv_and_json(client):
    ship(client)
    client.clock.advance(by="PT1H")
    ship(client)
    start = now(client) - timedelta(days=1)

    as_json = client.tracking.report_by_range(start, start + timedelta(days=2))
    as_csv = parse(client.tracking.report_by_range(start, start + timedelta(days=2),
                                                   format="csv"))

    assert list(as_csv[0]) == list(as_json.columns)
    assert [row["tracking_number"] for row in as_csv] == [
        row.tracking_number for row in as_json.rows]
    assert [row["ready_to_ship_at"] for row in as_csv] == [
        row.ready_to_ship_at for row in as_json.rows]


def test_a_file_that_is_not_csv_is_refused(client):
    with pytest.raises(BadRequestError) as refused:
        client.tracking.report_by_file(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    assert refused.value.details[0]["field"] == "file"
