"""Tracking over the native API: a package's trace by tracking number and by order, and the
tracking reports by date range, by a list of tracking numbers and by a CSV file of them.

Packages are made the way a seller makes them (place an order, pack, ready to ship). Where a
test needs more of the journey than readying records, it writes tracking events the way the
journey does (``logistics.tracking.record``) in a unit of work of its own.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from mockplatform.control import sandboxes
from mockplatform.engine.context import SandboxContext
from mockplatform.logistics import reports, tracking
from mockplatform.orders.models import Order, Package
from tests.api.support import assert_error

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # the sbx fixture's clock
REPORTS = "/api/v1/tracking/reports"
UPLOAD = "/api/v1/tracking/reports/upload"


# -- arranging ------------------------------------------------------------------------------------

def product(sbx, stock: int = 50) -> int:
    response = sbx.post("/api/v1/products", json={
        "name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "30.00", "stock": stock}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["skus"][0]["sku_id"]


def order(sbx, sku_id: int, quantity: int = 1, **spec) -> dict:
    response = sbx.post("/api/v1/test_helpers/orders",
                        json={"items": [{"sku_id": sku_id, "quantity": quantity}], **spec})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def pack(sbx, order_id: int, item_ids: list[int] | None = None) -> dict:
    body = {"order_item_ids": item_ids} if item_ids else {}
    response = sbx.post(f"/api/v1/orders/{order_id}/pack", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ready(sbx, order_id: int, package_ids: list[str] | None = None) -> None:
    body = {"package_ids": package_ids} if package_ids else {}
    response = sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json=body)
    assert response.status_code == 200, response.get_json()


def shipped(sbx, sku_id: int) -> dict:
    """A package readied to ship now: the package as ``GET /packages/{id}`` shows it."""
    placed = order(sbx, sku_id)
    package = pack(sbx, placed["order_id"])
    ready(sbx, placed["order_id"])
    return sbx.get(f"/api/v1/packages/{package['package_id']}").get_json()


def advance(sbx, by: str) -> None:
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": by})
    assert response.status_code == 200, response.get_json()


def now(sbx) -> datetime:
    return datetime.fromisoformat(sbx.get(f"{sbx.base}/clock").get_json()["now"])


@contextmanager
def unit(store, settings, sbx):
    """A unit of work on the sandbox, as a timer handler would have one; committed on exit."""
    with store.transaction() as session:
        ctx = SandboxContext(session, sandboxes.get(session, sbx.sandbox["id"]), settings)
        ctx.catch_up()
        yield ctx
        ctx.finish()


def record(store, settings, sbx, package: dict, milestone: str, **kwargs) -> None:
    with unit(store, settings, sbx) as ctx:
        tracking.record(ctx, ctx.session.get(Order, (ctx.id, package["order_id"])),
                        ctx.session.get(Package, (ctx.id, package["package_id"])), milestone,
                        **kwargs)


def feed(sbx) -> list[dict]:
    return sbx.get("/api/v1/events?limit=100").get_json()["data"]


def iso(value: datetime) -> str:
    return value.isoformat()


@pytest.fixture
def sku(sbx) -> int:
    return product(sbx)


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


def due(package: dict, step: str) -> datetime:
    [entry] = [entry for entry in package["journey"] if entry["step"] == step]
    return datetime.fromisoformat(entry["due_at"])


def advance_to(sbx, moment: datetime) -> None:
    response = sbx.post(f"{sbx.base}/clock/advance", json={"to": moment.isoformat()})
    assert response.status_code == 200, response.get_json()


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
    advance(sbx, "PT1H")
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


# -- report by date range -------------------------------------------------------------------------

def range_report(sbx, start: datetime, end: datetime, **params):
    return sbx.get(REPORTS, query_string={"from": iso(start), "to": iso(end), **params})


def test_a_range_report_has_the_packages_readied_in_the_half_open_range(sbx, sku):
    before = shipped(sbx, sku)
    advance(sbx, "PT1H")
    at_start = shipped(sbx, sku)
    advance(sbx, "PT1H")
    inside = shipped(sbx, sku)
    pack(sbx, order(sbx, sku)["order_id"])  # packed, never readied: not in any range
    advance(sbx, "PT1H")
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


# -- report by CSV upload -------------------------------------------------------------------------

def upload(sbx, content: bytes | str, *, filename: str = "numbers.csv",
           content_type: str = "text/csv", query: dict | None = None, headers=None):
    """Post ``content`` as the multipart file part ``file``."""
    data = content.encode() if isinstance(content, str) else content
    return sbx.post(UPLOAD, data={"file": (io.BytesIO(data), filename, content_type)},
                    content_type="multipart/form-data", query_string=query or {},
                    headers=headers)


def test_an_uploaded_file_is_a_report_like_a_list(sbx, sku):
    first, second = shipped(sbx, sku), shipped(sbx, sku)
    text = (f"tracking_number\r\n{second['tracking_number']}\r\n\r\nNOPE-1\r\n"
            f" {first['tracking_number']} \r\n,\r\n{second['tracking_number']}\r\n")

    response = upload(sbx, text)

    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    listed = sbx.post(REPORTS, json={"tracking_numbers": [
        second["tracking_number"], "NOPE-1", first["tracking_number"],
        second["tracking_number"]]}).get_json()
    assert report["kind"] == "upload"
    assert {**report, "kind": "tracking_numbers"} == listed
    assert (report["requested_count"], report["duplicate_count"], report["not_found_count"]) == (
        4, 1, 1)


@pytest.mark.parametrize("content", [
    "{number}\nNOPE-1\n",                                   # no header, Unix line ends
    "\ufeffTracking Number\r\n{number}\r\nNOPE-1",            # BOM, a spoken header, no final EOL
    "order_ref,tracking-number,note\nA1,{number},first\nA2,NOPE-1,\"late, sorry\"\n",
    "{number},ignored\n\n   \nNOPE-1\n",                       # blank lines skipped
])
def test_the_file_may_have_a_header_several_columns_and_blank_lines(sbx, sku, content):
    package = shipped(sbx, sku)

    response = upload(sbx, content.format(number=package["tracking_number"]))

    assert response.status_code == 200, response.get_json()
    assert [(row["tracking_number"], row["status"]) for row in response.get_json()["rows"]] == [
        (package["tracking_number"], "ready_to_ship"), ("NOPE-1", "not_found")]


def test_the_file_may_be_the_whole_body(sbx, sku):
    package = shipped(sbx, sku)

    response = sbx.post(UPLOAD, data=f"{package['tracking_number']}\n",
                        headers={"Content-Type": "text/csv"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["rows"][0]["package_id"] == package["package_id"]


def test_a_file_of_the_maximum_rows_is_accepted(sbx, sku):
    package = shipped(sbx, sku)
    numbers = [f"X{i}" for i in range(reports.MAX_ROWS - 1)] + [package["tracking_number"]]

    report = upload(sbx, "tracking_number\n" + "\n".join(numbers) + "\n").get_json()

    assert (report["row_count"], report["found_count"]) == (reports.MAX_ROWS, 1)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.mark.parametrize(("content", "filename", "content_type", "status", "code", "message"), [
    (b"", "a.csv", "text/csv", 400, "validation_failed", "empty"),
    (b"\xef\xbb\xbf", "a.csv", "text/csv", 400, "validation_failed", "empty"),
    (b"\n\n  \n", "a.csv", "text/csv", 400, "validation_failed", "no tracking numbers"),
    (b"tracking_number\n", "a.csv", "text/csv", 400, "validation_failed", "no tracking numbers"),
    (PNG, "a.csv", "text/csv", 400, "validation_failed", "not a CSV"),
    ("LGSMY1\nCAF\u00c9\n".encode("latin-1"), "a.csv", "text/csv", 400, "validation_failed",
     "not UTF-8"),
    (PNG, "a.png", "image/png", 415, "unsupported_media_type", "image/png"),
    (b"LGSMY1\n", "a.json", "application/json", 415, "unsupported_media_type", "application/json"),
    (b"LGSMY1\nLGS MY2\n", "a.csv", "text/csv", 400, "validation_failed", "line 2"),
    (b"LGSMY1\n,note\n", "a.csv", "text/csv", 400, "validation_failed",
     "line 2: no tracking number"),
    (("X" * 61 + "\n").encode(), "a.csv", "text/csv", 400, "validation_failed", "line 1"),
    (b'{"tracking_numbers": ["LGSMY1"]}', "a.csv", "text/csv", 400, "validation_failed",
     "line 1"),
    (b'LGSMY1\n"LGSMY2\n', "a.csv", "text/csv", 400, "validation_failed", "not a valid CSV"),
    (b'LGSMY1\nLGS"MY2"\n', "a.csv", "text/csv", 400, "validation_failed", "line 2"),
    (("tracking_number\n" + "\n".join(f"X{i}" for i in range(reports.MAX_ROWS + 1))).encode(),
     "a.csv", "text/csv", 400, "too_many_rows", "at most 10000"),
    (b"X" * (reports.MAX_UPLOAD_BYTES + 1), "a.csv", "text/csv", 413, "payload_too_large",
     str(reports.MAX_UPLOAD_BYTES)),
])
def test_bad_files_are_refused_naming_the_file_and_nothing_is_written(
        sbx, content, filename, content_type, status, code, message):
    before = feed(sbx)

    error = assert_error(upload(sbx, content, filename=filename, content_type=content_type),
                         status, code, field="file", location="form")

    assert message in error["message"], error
    assert feed(sbx) == before


def test_bad_lines_are_each_named_with_their_line_number(sbx):
    text = "tracking_number\nLGSMY1\nbad one\n\nLGSMY2\n\"quoted space\"\n" + "#x\n" * 30

    error = assert_error(upload(sbx, text), 400, "validation_failed", field="file")

    lines = [detail["line"] for detail in error["details"]]
    assert lines[:3] == [3, 6, 7] and len(lines) == reports.MAX_LINE_ERRORS
    assert error["details"][0]["message"] == (
        "line 3: 'bad one' is not a tracking number: expected " + reports.TRACKING_NUMBER_RULE)
    assert "and 17 more" in error["message"]


def test_too_many_rows_names_the_limit(sbx):
    text = "\n".join(f"X{i}" for i in range(reports.MAX_ROWS + 1))

    error = assert_error(upload(sbx, text), 400, "too_many_rows", field="file")

    assert error["details"][0]["limit"] == reports.MAX_ROWS


@pytest.mark.parametrize(("data", "content_type", "status", "field", "location"), [
    (b"LGSMY1\n", "application/json", 415, "Content-Type", "header"),
    (b"LGSMY1\n", "application/x-www-form-urlencoded", 415, "Content-Type", "header"),
    (PNG, "image/png", 415, "Content-Type", "header"),
    (PNG, "text/csv", 400, "", "body"),
    (b"LGSMY1\nbad one\n", "text/csv", 400, "", "body"),
    (b"X" * (reports.MAX_UPLOAD_BYTES + 1), "text/csv", 413, "", "body"),
])
def test_a_bad_raw_body_is_refused_naming_where(sbx, data, content_type, status, field,
                                                location):
    response = sbx.post(UPLOAD, data=data, headers={"Content-Type": content_type})

    assert_error(response, status, response.get_json()["error"]["code"], field=field,
                 location=location)


def test_an_upload_without_the_file_part_names_it(sbx):
    response = sbx.post(UPLOAD, data={"other": (io.BytesIO(b"LGSMY1\n"), "a.csv", "text/csv")},
                        content_type="multipart/form-data")

    assert_error(response, 400, "validation_failed", field="other", location="form")
    response = sbx.post(UPLOAD, data={"file": "LGSMY1"}, content_type="multipart/form-data")
    assert_error(response, 400, "validation_failed", field="file", location="form")


# -- CSV answers ----------------------------------------------------------------------------------

def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(reports.COLUMNS)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def cells(row: dict) -> dict[str, str]:
    """A JSON report row as its CSV line reads."""
    return {column: "" if row[column] is None else
            ("true" if row[column] else "false") if isinstance(row[column], bool) else
            str(row[column]) for column in reports.COLUMNS}


def test_every_report_answers_csv_with_the_same_rows_as_json(sbx, sku, store, settings):
    first, second = shipped(sbx, sku), shipped(sbx, sku)
    record(store, settings, sbx, first, "pickup")
    numbers = [first["tracking_number"], "NOPE-1", second["tracking_number"]]
    start, end = iso(START), iso(START + timedelta(days=1))

    as_json = {
        "range": sbx.get(REPORTS, query_string={"from": start, "to": end}).get_json(),
        "list": sbx.post(REPORTS, json={"tracking_numbers": numbers}).get_json(),
        "upload": upload(sbx, "\n".join(numbers)).get_json()}
    as_csv = {
        "range": csv_rows(sbx.get(REPORTS, query_string={"from": start, "to": end,
                                                         "format": "csv"})),
        "list": csv_rows(sbx.post(REPORTS, json={"tracking_numbers": numbers},
                                  headers={"Accept": "text/csv"})),
        "upload": csv_rows(upload(sbx, "\n".join(numbers), query={"format": "csv"}))}

    for kind in as_json:
        assert as_csv[kind] == [cells(row) for row in as_json[kind]["rows"]], kind
    assert [row["status"] for row in as_csv["list"]] == [
        "ready_to_ship", "not_found", "ready_to_ship"]
    assert as_csv["list"][0]["last_event_title"] == "Picked up by logistics partner"


def test_a_csv_answer_is_an_attachment_and_byte_for_byte_repeatable(sbx, sku):
    shipped(sbx, sku)
    query = {"from": iso(START), "to": iso(START + timedelta(days=1)), "format": "csv"}

    first, again = sbx.get(REPORTS, query_string=query), sbx.get(REPORTS, query_string=query)

    assert first.headers["Content-Disposition"] == \
        'attachment; filename="tracking-report.csv"'
    assert first.data == again.data and first.data.endswith(b"\r\n")
    assert first.data.count(b"\r\n") == 2  # the header and one package


def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted_as_text(api):
    # A semi-hosted seller names its own carrier: any printable text.
    _, shop = api.create_sandbox(platform="aliexpress", start_at=iso(START))
    placed = order(shop, product(shop))
    for action, body in (("accept", None), ("pack", None), (
            "ship", {"shipment_provider": '=HYPERLINK("http://x","y")',
                     "tracking_number": "YT2601050001"})):
        response = shop.post(f"/api/v1/orders/{placed['order_id']}/{action}", json=body)
        assert response.status_code in (200, 201), response.get_json()
    query = {"from": iso(START), "to": iso(START + timedelta(days=1))}

    [as_json] = shop.get(REPORTS, query_string=query).get_json()["rows"]
    [as_csv] = csv_rows(shop.get(REPORTS, query_string={**query, "format": "csv"}))

    assert as_json["shipment_provider"] == '=HYPERLINK("http://x","y")'
    assert as_csv["shipment_provider"] == '\'=HYPERLINK("http://x","y")'
    assert as_csv["events_count"] == str(as_json["events_count"])  # numbers stay numbers


def test_an_unknown_format_is_refused_naming_it(sbx):
    query = {"from": iso(START), "to": iso(START + timedelta(days=1)), "format": "xlsx"}

    assert_error(sbx.get(REPORTS, query_string=query), 400, "validation_failed",
                 field="format", location="query")
