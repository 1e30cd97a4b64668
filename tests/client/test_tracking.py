"""The tracking resource: what ``client.tracking`` sends for a trace and for each kind of
report, JSON or CSV, and the multipart upload of a CSV file."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from mockplatform_client import MockplatformError
from mockplatform_client.errors import BadRequestError, NotFoundError

TRACE = {"object": "package_tracking", "tracking_number": "LGSMY1", "events": []}
REPORT = {"object": "tracking_report", "kind": "tracking_numbers", "rows": []}
CSV_TEXT = "tracking_number,status\r\nLGSMY1,ready_to_ship\r\nNOPE,not_found\r\n"
START = datetime(2026, 1, 1, tzinfo=UTC)


def csv_reply(server, text: str = CSV_TEXT) -> None:
    server.reply(200, text=text, headers={"Content-Type": "text/csv; charset=utf-8"})


def test_get_quotes_the_tracking_number_into_the_path(make_client, server):
    server.reply(200, TRACE)

    trace = make_client(api_key="sk_1").tracking.get("LGS MY/1")

    assert trace.tracking_number == "LGSMY1"
    assert (server.requests[0].method, server.requests[0].path) == (
        "GET", "/api/v1/tracking/LGS%20MY%2F1")


def test_for_order_reads_the_orders_tracking(make_client, server):
    server.reply(200, {"object": "order_tracking", "order_id": 3, "packages": []})

    assert make_client(api_key="sk_1").tracking.for_order(3).packages == []
    assert server.requests[0].path == "/api/v1/orders/3/tracking"


def test_an_unknown_number_raises_not_found(make_client, server):
    server.reply(404, {"error": {"type": "not_found_error", "code": "tracking_number_not_found",
                                 "message": "no package", "details": []}})

    with pytest.raises(NotFoundError) as raised:
        make_client(api_key="sk_1").tracking.get("X1")
    assert raised.value.code == "tracking_number_not_found"


def test_a_range_report_sends_the_bounds_as_timestamps_with_offsets(make_client, server):
    server.reply(200, {**REPORT, "kind": "date_range"})

    report = make_client(api_key="sk_1").tracking.report_by_range(
        START, START + timedelta(days=30))

    assert report.kind == "date_range"
    request = server.requests[0]
    assert (request.method, request.path) == ("GET", "/api/v1/tracking/reports")
    assert request.query == {"from": "2026-01-01T00:00:00+00:00",
                             "to": "2026-01-31T00:00:00+00:00"}
    assert request.headers["accept"] == "application/json"


def test_a_naive_bound_is_refused_before_sending(make_client, server):
    with pytest.raises(ValueError, match="naive"):
        make_client(api_key="sk_1").tracking.report_by_range(datetime(2026, 1, 1), START)
    assert server.requests == []


def test_a_csv_report_asks_for_csv_and_returns_the_text(make_client, server):
    csv_reply(server)

    text = make_client(api_key="sk_1").tracking.report_by_range(
        "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", format="csv")

    assert text == CSV_TEXT
    request = server.requests[0]
    assert request.query["format"] == "csv" and request.headers["accept"] == "text/csv"


def test_a_csv_report_answered_with_something_else_is_an_error(make_client, server):
    server.reply(200, REPORT)

    with pytest.raises(MockplatformError, match="text/csv"):
        make_client(api_key="sk_1").tracking.report_by_numbers(["X1"], format="csv")


def test_a_list_report_posts_the_numbers_with_an_idempotency_key(make_client, server):
    server.reply(200, REPORT).reply(200, REPORT)
    tracking = make_client(api_key="sk_1").tracking

    tracking.report_by_numbers(iter(["LGSMY1", "NOPE"]))
    tracking.report_by_numbers("LGSMY1", idempotency_key="k-1")

    first, second = server.requests
    assert (first.method, first.path, first.json) == (
        "POST", "/api/v1/tracking/reports", {"tracking_numbers": ["LGSMY1", "NOPE"]})
    assert first.headers["idempotency-key"]
    assert second.json == {"tracking_numbers": ["LGSMY1"]}
    assert second.headers["idempotency-key"] == "k-1"


def test_a_list_report_in_csv(make_client, server):
    csv_reply(server)

    text = make_client(api_key="sk_1").tracking.report_by_numbers(["LGSMY1"], format="csv")

    assert text.splitlines()[0] == "tracking_number,status"
    assert server.requests[0].query == {"format": "csv"}


def test_an_unknown_format_is_refused_before_sending(make_client, server):
    with pytest.raises(ValueError, match="format"):
        make_client(api_key="sk_1").tracking.report_by_numbers(["X1"], format="xml")
    assert server.requests == []


def _part(request) -> tuple[str, bytes]:
    """The ``Content-Disposition`` line and the content of the one multipart part sent."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    [part] = [p for p in request.body.split(b"--" + boundary)[1:-1]]
    head, _, content = part.partition(b"\r\n\r\n")
    return head.decode(), content.removesuffix(b"\r\n")


def test_uploading_a_path_sends_the_file_as_a_csv_part_with_its_name(make_client, server,
                                                                     tmp_path):
    server.reply(200, {**REPORT, "kind": "upload"})
    path = tmp_path / "march.csv"
    path.write_bytes(b"tracking_number\r\nLGSMY1\r\n")

    report = make_client(api_key="sk_1").tracking.report_by_file(path)

    assert report.kind == "upload"
    request = server.requests[0]
    assert (request.method, request.path) == ("POST", "/api/v1/tracking/reports/upload")
    head, content = _part(request)
    assert 'name="file"' in head and 'filename="march.csv"' in head
    assert "Content-Type: text/csv" in head
    assert content == b"tracking_number\r\nLGSMY1\r\n"
    assert request.headers["idempotency-key"]


def test_uploading_bytes_or_an_open_file(make_client, server, tmp_path):
    csv_reply(server)
    server.reply(200, REPORT)
    tracking = make_client(api_key="sk_1").tracking

    assert tracking.report_by_file(b"LGSMY1\n", format="csv") == CSV_TEXT
    tracking.report_by_file(io.StringIO("LGSMY2\n"), filename="list.csv")

    first, second = server.requests
    assert first.query == {"format": "csv"} and first.headers["accept"] == "text/csv"
    assert 'filename="tracking_numbers.csv"' in _part(first)[0]
    assert _part(first)[1] == b"LGSMY1\n"
    assert 'filename="list.csv"' in _part(second)[0] and _part(second)[1] == b"LGSMY2\n"


def test_a_refused_upload_raises_with_the_servers_code(make_client, server):
    server.reply(400, {"error": {"type": "invalid_request_error", "code": "too_many_rows",
                                 "message": "file: more than 10000 tracking numbers",
                                 "details": [{"field": "file", "location": "form",
                                              "message": "too many", "limit": 10000}]}})

    with pytest.raises(BadRequestError) as raised:
        make_client(api_key="sk_1").tracking.report_by_file(b"X1\n")
    assert raised.value.code == "too_many_rows"
