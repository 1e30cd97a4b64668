"""Tracking reports and CSV: the report by a CSV file of tracking numbers (a multipart upload
or the whole body), and every report answered as CSV.

Packages are made the way a seller makes them (place an order, pack, ready to ship). Where a
test needs more of the journey than readying records, it writes tracking events the way the
journey does (``logistics.tracking.record``) in a unit of work of its own.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import timedelta

import pytest

from mockplatform.control import sandboxes
from mockplatform.engine.context import SandboxContext
from mockplatform.logistics import reports, tracking
from mockplatform.orders.models import Order, Package
from tests.api.support import assert_error
from tests.logistics.tracking_support import (
    REPORTS,
    START,
    feed,
    iso,
    order,
    product,
    shipped,
    sku_fixture,  # noqa: F401 (the sku fixture)
)

UPLOAD = "/api/v1/tracking/reports/upload"


# -- arranging ------------------------------------------------------------------------------------

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
