"""File upload bodies (``upload=``) and CSV answers (``csv=``) of the endpoint framework.

The endpoints are test-only, on a blueprint registered only on this module's app: the OpenAPI
document of every other app lists only the blueprints it serves, so they never leak there.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Blueprint
from marshmallow import Schema, fields, validate
from openapi_spec_validator import validate as validate_openapi

from mockplatform.app import create_app
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.schemas import list_schema, page
from mockplatform.fronts.native.uploads import MULTIPART_OVERHEAD_BYTES, UploadSpec
from mockplatform.settings import Settings
from tests.api.support import assert_error
from tests.conftest import DATABASE_URL, own_store

# The server-wide body limit of this module's app, and the file limits of its endpoints: one
# above it (the endpoint's own limit governs its body) and one below it.
SERVER_LIMIT = 2048
FILE_LIMIT = 4096
SMALL_FILE_LIMIT = 100

UPLOADS = "/api/v1/test_only/uploads"
SMALL_UPLOADS = "/api/v1/test_only/small_uploads"
MULTIPART_ONLY = "/api/v1/test_only/multipart_only"
ROWS = "/api/v1/test_only/rows"
REPORT = "/api/v1/test_only/groups/{group}/report"

CSV_TEXT = "sku,qty\r\nSKU-1,2\r\nSKU-2,5\r\n"

bp = Blueprint("test_only", __name__, url_prefix="/api/v1/test_only")


class NoteForm(Schema):
    note = fields.String(validate=validate.Length(max=50))
    copies = fields.Integer(load_default=1)


class LineSchema(Schema):
    line = fields.Integer()
    sku = fields.String()
    qty = fields.String()


class ReceiptSchema(Schema):
    id = fields.String()
    filename = fields.String(allow_none=True)
    content_type = fields.String()
    size = fields.Integer()
    note = fields.String(allow_none=True)
    copies = fields.Integer()
    rows = fields.List(fields.Nested(LineSchema))


def _receive(call: Call) -> dict:
    upload = call.upload
    rows = [{"line": number, "sku": row["sku"], "qty": row["qty"]}
            for number, row in enumerate(csv.DictReader(io.StringIO(upload.text)), start=2)]
    receipt_id = f"upl_{call.ctx.next_id('test_upload')}"
    call.ctx.record("test_upload.received", subject=receipt_id, data={"rows": len(rows)})
    return {"id": receipt_id, "filename": upload.filename, "content_type": upload.content_type,
            "size": len(upload.data), "note": call.body.get("note"),
            "copies": call.body.get("copies", 1), "rows": rows}


RECEIPT_CSV = CsvFormat(columns=("line", "sku", "qty"), rows=lambda receipt: receipt["rows"],
                        filename="receipt.csv")


@endpoint(bp, "/uploads", method="POST", upload=UploadSpec(max_bytes=FILE_LIMIT, form=NoteForm),
          response=ReceiptSchema, status=201, csv=RECEIPT_CSV, summary="Take a CSV file",
          tags=["test_only"])
def receive_upload(call: Call):
    return _receive(call)


@endpoint(bp, "/small_uploads", method="POST", upload=UploadSpec(max_bytes=SMALL_FILE_LIMIT),
          response=ReceiptSchema, status=201, summary="Take a small CSV file", tags=["test_only"])
def receive_small_upload(call: Call):
    return _receive(call)


@endpoint(bp, "/multipart_only", method="POST",
          upload=UploadSpec(field="report", raw_body=False, content_types=("text/csv",)),
          response=ReceiptSchema, status=201, summary="Take a CSV file part only",
          tags=["test_only"])
def receive_multipart_only(call: Call):
    return _receive(call)


class RowSchema(Schema):
    name = fields.String()
    count = fields.Raw()
    active = fields.Boolean()
    note = fields.String(allow_none=True)
    tags = fields.List(fields.String())


RowListSchema = list_schema(RowSchema, "TestOnlyRowList")

ROW_DATA = [
    {"name": "plain", "count": 3, "active": True, "note": None, "tags": ["a", "b"]},
    {"name": 'comma, "quoted"', "count": 0, "active": False, "note": "line1\nline2", "tags": []},
    {"name": "ünï", "count": -1.5, "active": True, "tags": []},  # no note at all
]
ROWS_CSV = ('name,count,active,note,tags\r\n'
            'plain,3,true,,"[""a"",""b""]"\r\n'
            '"comma, ""quoted""",0,false,"line1\nline2",[]\r\n'
            'ünï,-1.5,true,,[]\r\n')


class RowsQuery(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1))


@endpoint(bp, "/rows", query=RowsQuery, response=RowListSchema,
          csv=CsvFormat(columns=("name", "count", "active", "note", "tags"), filename="rows.csv"),
          summary="Rows as JSON or CSV", tags=["test_only"])
def list_rows(call: Call):
    rows = ROW_DATA[:call.query["limit"]]
    return page(rows, len(ROW_DATA) > len(rows), lambda row: row["name"])


@endpoint(bp, "/groups/<group>/report", response=RowListSchema,
          csv=CsvFormat(columns=("name", "count"), filename="report-{group}.csv"),
          summary="A report named after its path", tags=["test_only"])
def group_report(call: Call):
    return page(ROW_DATA, False, lambda row: row["name"])


# Its own settings (the body limit), and an app with the test-only routes: not the shared app.
@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(database_url=DATABASE_URL, max_body_bytes=SERVER_LIMIT)


@pytest.fixture(scope="module")
def store(settings):
    yield from own_store(settings)


@pytest.fixture(scope="module")
def app(settings, store):
    app = create_app(settings, store=store)
    app.register_blueprint(bp)
    return app


def _multipart(sbx, path: str = UPLOADS, files=None, headers=None, **form):
    data = {**form, **({"file": files} if files is not None else {})}
    return sbx.post(path, data=data, content_type="multipart/form-data", headers=headers)


def _file(content: bytes | str, filename: str = "report.csv", content_type: str = "text/csv"):
    data = content.encode() if isinstance(content, str) else content
    return (io.BytesIO(data), filename, content_type)


def _raw(sbx, data: bytes | str, content_type: str | None = "text/csv", path: str = UPLOADS,
         headers=None):
    return sbx.post(path, data=data, headers={
        **({"Content-Type": content_type} if content_type else {}), **(headers or {})})


def _handmade_multipart(file_data: bytes) -> tuple[bytes, str]:
    """One file part with no Content-Type of its own (the test client always adds one)."""
    body = (b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n\r\n'
            + file_data + b"\r\n--XyZ--\r\n")
    return body, "multipart/form-data; boundary=XyZ"


def _streamed(sbx, body: bytes, content_type: str):
    """``body`` sent without Content-Length, as a chunked request reaches the app."""
    return sbx.http.post(UPLOADS, input_stream=io.BytesIO(body),
                         environ_overrides={"wsgi.input_terminated": True}, headers={
                             "Content-Type": content_type, "Transfer-Encoding": "chunked",
                             "Authorization": f"Bearer {sbx.token}"})


def _events(sbx) -> list[dict]:
    return sbx.get("/api/v1/events?type=test_upload.received").get_json()["data"]


# -- uploads: what a view receives ------------------------------------------------------------

def test_a_multipart_file_reaches_the_view_as_text_with_its_form_fields(sbx):
    response = _multipart(sbx, files=_file(b"\xef\xbb\xbf" + CSV_TEXT.encode()),
                          note="weekly", copies="2")

    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    assert receipt == {
        "id": "upl_1", "filename": "report.csv", "content_type": "text/csv",
        "size": len(CSV_TEXT) + 3, "note": "weekly", "copies": 2,
        "rows": [{"line": 2, "sku": "SKU-1", "qty": "2"}, {"line": 3, "sku": "SKU-2", "qty": "5"}]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/vnd.ms-excel",
                                          "application/octet-stream"])
def test_a_csv_file_part_is_taken_under_the_types_tools_give_it(sbx, content_type):
    # curl -F names a .csv application/octet-stream; Excel on Windows application/vnd.ms-excel.
    response = _multipart(sbx, files=(io.BytesIO(CSV_TEXT.encode()), "r.csv", content_type))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["content_type"] == content_type


def test_a_file_part_without_a_content_type_is_octet_stream(sbx):
    body, content_type = _handmade_multipart(CSV_TEXT.encode())

    response = _raw(sbx, body, content_type)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["content_type"] == "application/octet-stream"
    assert response.get_json()["filename"] == "r.csv"


def test_the_raw_body_with_content_type_text_csv_is_the_file(sbx):
    plain = _raw(sbx, CSV_TEXT)
    named = _raw(sbx, CSV_TEXT, headers={
        "Content-Disposition": 'attachment; filename="stock.csv"'})

    assert plain.status_code == named.status_code == 201, plain.get_json()
    assert plain.get_json()["filename"] is None
    assert plain.get_json()["content_type"] == "text/csv"
    assert plain.get_json()["note"] is None and plain.get_json()["copies"] == 1
    assert [r["sku"] for r in plain.get_json()["rows"]] == ["SKU-1", "SKU-2"]
    assert named.get_json()["filename"] == "stock.csv"


def test_a_file_over_the_server_wide_body_limit_is_taken_when_the_endpoint_allows_it(sbx):
    big = "sku,qty\r\n" + "SKU-9,1\r\n" * ((SERVER_LIMIT + 500) // 9)
    assert SERVER_LIMIT < len(big) <= FILE_LIMIT

    assert _multipart(sbx, files=_file(big)).status_code == 201
    assert _raw(sbx, big).status_code == 201
    # ... and the server-wide limit still holds for every JSON body.
    error = assert_error(sbx.post("/api/v1/test_helpers/timers",
                                  json={"label": "x" * SERVER_LIMIT, "delay": "PT1H"}),
                         413, "payload_too_large")
    assert str(SERVER_LIMIT) in error["message"]


# -- uploads: every way a body can be wrong -------------------------------------------------------

@pytest.mark.parametrize("data,content_type", [
    ('{"file": "sku,qty"}', "application/json"),
    ("sku,qty\r\nSKU-1,2\r\n", "application/x-www-form-urlencoded"),  # curl --data-binary alone
    ("", None),
])
def test_a_body_that_is_not_multipart_nor_a_text_file_is_a_415(sbx, data, content_type):
    error = assert_error(_raw(sbx, data, content_type), 415, "unsupported_media_type",
                         field="Content-Type", location="header")

    assert "multipart/form-data" in error["message"] and "text/csv" in error["message"]


def test_an_endpoint_without_raw_bodies_takes_only_multipart(sbx):
    error = assert_error(_raw(sbx, CSV_TEXT, path=MULTIPART_ONLY), 415, "unsupported_media_type",
                         field="Content-Type", location="header")

    assert "'report' file part" in error["message"]
    assert error["details"][0]["message"] == "expected one of multipart/form-data"


def test_a_file_part_of_a_type_not_taken_is_a_415_naming_the_field(sbx):
    assert_error(_multipart(sbx, files=_file(CSV_TEXT, "r.png", "image/png")), 415,
                 "unsupported_media_type", field="file", location="form")
    assert_error(sbx.post(MULTIPART_ONLY, content_type="multipart/form-data",
                          data={"report": _file(CSV_TEXT, "r.txt", "text/plain")}),
                 415, "unsupported_media_type", field="report", location="form")


def test_a_missing_file_part_is_a_400_naming_the_field(sbx):
    error = assert_error(_multipart(sbx, note="no file"), 400, "validation_failed",
                         field="file", location="form")

    assert error["message"].startswith("file: missing")
    assert _events(sbx) == []


def test_the_file_sent_as_a_plain_form_value_is_a_400_that_says_how_to_send_it(sbx):
    error = assert_error(_multipart(sbx, file=CSV_TEXT), 400, "validation_failed",
                         field="file", location="form")

    assert "file part" in error["message"] and "@" in error["message"]


def test_more_than_one_file_is_a_400(sbx):
    error = assert_error(_multipart(sbx, files=[_file(CSV_TEXT), _file(CSV_TEXT, "b.csv")]),
                         400, "validation_failed", field="file", location="form")

    assert "exactly one file, got 2" in error["message"]


def test_a_file_under_another_part_name_is_a_400_naming_that_part(sbx):
    response = sbx.post(UPLOADS, content_type="multipart/form-data",
                        data={"file": _file(CSV_TEXT), "attachment": _file(CSV_TEXT)})

    assert_error(response, 400, "validation_failed", field="attachment", location="form")


def test_a_multipart_body_without_a_boundary_is_a_400(sbx):
    response = _raw(sbx, "--x\r\n", "multipart/form-data")

    assert_error(response, 400, "validation_failed", field="Content-Type", location="header")


def test_a_file_over_the_endpoints_limit_is_a_413_naming_the_limit(sbx):
    one_too_many = "x" * (FILE_LIMIT + 1)

    for response, field, location in [
            (_multipart(sbx, files=_file(one_too_many)), "file", "form"),
            (_raw(sbx, one_too_many), "", "body")]:
        error = assert_error(response, 413, "payload_too_large", field=field, location=location)
        assert f"{FILE_LIMIT} bytes" in error["message"]
        assert error["details"][0]["limit_bytes"] == FILE_LIMIT
    assert _events(sbx) == []


def test_a_body_far_over_the_limit_is_refused_by_its_content_length_before_it_is_read(sbx):
    huge = "x" * (FILE_LIMIT + MULTIPART_OVERHEAD_BYTES + 1)

    error = assert_error(_multipart(sbx, files=_file(huge)), 413, "payload_too_large",
                         field="file", location="form")
    assert error["details"][0]["limit_bytes"] == FILE_LIMIT


@pytest.mark.parametrize("extra", [1, 10_000])
def test_a_streamed_body_over_the_limit_is_a_413_not_a_shorter_file(sbx, extra):
    # Without Content-Length the limit is only found by reading; werkzeug alone would hand the
    # view the first FILE_LIMIT bytes as if they were the whole file.
    raw = _streamed(sbx, b"x" * (FILE_LIMIT + extra), "text/csv")
    body, content_type = _handmade_multipart(
        b"x" * (FILE_LIMIT + MULTIPART_OVERHEAD_BYTES + extra))
    multipart = _streamed(sbx, body, content_type)

    error = assert_error(raw, 413, "payload_too_large", field="", location="body")
    assert f"{FILE_LIMIT} bytes" in error["message"]
    assert_error(multipart, 413, "payload_too_large", field="file", location="form")
    assert _events(sbx) == []


def test_a_streamed_body_within_the_limit_is_read_whole(sbx):
    content = ("sku,qty\r\n" + "SKU-7,1\r\n" * 500)[:FILE_LIMIT]
    body, content_type = _handmade_multipart(content.encode())

    raw = _streamed(sbx, content.encode(), "text/csv")
    multipart = _streamed(sbx, body, content_type)

    assert raw.status_code == multipart.status_code == 201, raw.get_json()
    assert raw.get_json()["size"] == multipart.get_json()["size"] == FILE_LIMIT


def test_an_endpoint_limit_below_the_server_wide_one_is_a_clear_413_too(sbx):
    small = "x" * (SMALL_FILE_LIMIT + 1)
    assert len(small) < SERVER_LIMIT

    error = assert_error(_multipart(sbx, SMALL_UPLOADS, files=_file(small)), 413,
                         "payload_too_large", field="file", location="form")
    assert f"{SMALL_FILE_LIMIT} bytes" in error["message"]
    assert_error(_raw(sbx, small, path=SMALL_UPLOADS), 413, "payload_too_large", location="body")


@pytest.mark.parametrize("content,reason", [
    (b"sku,qty\r\nSKU-1,\x002\r\n", "NUL bytes"),
    ("sku,qty\r\nCAFÉ,2\r\n".encode("latin-1"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
])
def test_a_file_that_is_not_text_is_a_400(sbx, content, reason):
    for response, field, location in [
            (_multipart(sbx, files=_file(content)), "file", "form"),
            (_raw(sbx, content), "", "body")]:
        error = assert_error(response, 400, "validation_failed", field=field, location=location)
        assert "not a CSV/text file" in error["message"] and reason in error["message"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"])
def test_an_empty_file_is_a_400(sbx, content):
    for response, field, location in [
            (_multipart(sbx, files=_file(content)), "file", "form"),
            (_raw(sbx, content), "", "body")]:
        error = assert_error(response, 400, "validation_failed", field=field, location=location)
        assert "empty" in error["message"]


def test_the_form_fields_are_validated_by_the_form_schema(sbx):
    error = assert_error(_multipart(sbx, files=_file(CSV_TEXT), copies="two", colour="red"),
                         400, "validation_failed")

    assert {(d["field"], d["location"]) for d in error["details"]} == {
        ("copies", "form"), ("colour", "form")}
    assert_error(_multipart(sbx, files=_file(CSV_TEXT), note="a\x00b"), 400,
                 "validation_failed", field="note", location="form")


def test_an_endpoint_without_a_form_schema_takes_no_other_fields(sbx):
    response = _multipart(sbx, SMALL_UPLOADS, files=_file(CSV_TEXT), note="x")

    assert_error(response, 400, "validation_failed", field="note", location="form")


# -- uploads: Idempotency-Key ------------------------------------------------------------------

def test_an_upload_replays_for_the_same_key_and_file_and_happens_once(sbx):
    key = {"Idempotency-Key": "upload-1"}
    first = _multipart(sbx, files=_file(CSV_TEXT), headers=key, note="n")
    second = _multipart(sbx, files=_file(CSV_TEXT), headers=key, note="n")

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_data() == first.get_data()
    assert len(_events(sbx)) == 1


def test_the_same_key_with_another_file_name_or_form_is_a_409(sbx):
    key = {"Idempotency-Key": "upload-2"}
    _multipart(sbx, files=_file(CSV_TEXT), headers=key)

    for other in [_multipart(sbx, files=_file(CSV_TEXT + "SKU-3,1\r\n"), headers=key),
                  _multipart(sbx, files=_file(CSV_TEXT, "other.csv"), headers=key),
                  _multipart(sbx, files=_file(CSV_TEXT), headers=key, note="changed"),
                  _raw(sbx, CSV_TEXT, headers=key)]:
        assert_error(other, 409, "idempotency_key_reused", field="Idempotency-Key",
                     location="header")
    assert len(_events(sbx)) == 1


def test_a_raw_upload_replays_too(sbx):
    key = {"Idempotency-Key": "upload-3"}
    first = _raw(sbx, CSV_TEXT, headers=key)
    second = _raw(sbx, CSV_TEXT, headers=key)

    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_data() == first.get_data()


def test_a_replay_answers_in_the_format_asked_for_now(sbx):
    key = {"Idempotency-Key": "upload-4"}
    as_csv = _multipart(sbx, files=_file(CSV_TEXT), headers={**key, "Accept": "text/csv"})
    as_json = _multipart(sbx, files=_file(CSV_TEXT), headers=key)
    as_csv_again = _multipart(sbx, files=_file(CSV_TEXT), headers={**key, "Accept": "text/csv"})

    assert as_csv.status_code == 201 and as_csv.mimetype == "text/csv"
    assert as_csv.get_data(as_text=True) == "line,sku,qty\r\n2,SKU-1,2\r\n3,SKU-2,5\r\n"
    assert as_json.headers["Idempotent-Replayed"] == "true" and as_json.get_json()["id"] == "upl_1"
    assert as_csv_again.headers["Idempotent-Replayed"] == "true"
    assert as_csv_again.get_data() == as_csv.get_data()
    assert len(_events(sbx)) == 1


# -- CSV answers ------------------------------------------------------------------------------

def test_json_stays_the_default_answer(sbx):
    response = sbx.get(ROWS)

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["data"][0] == ROW_DATA[0]
    assert "Content-Disposition" not in response.headers
    assert response.headers["Vary"] == "Accept"


def test_format_csv_answers_deterministic_csv_as_an_attachment(sbx):
    response = sbx.get(f"{ROWS}?format=csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="rows.csv"'
    assert response.headers["Vary"] == "Accept"
    assert response.get_data() == ROWS_CSV.encode()  # fixed columns, \r\n, no BOM
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True))))[2][3] == "line1\nline2"


@pytest.mark.parametrize("accept,expected", [
    ("text/csv", "text/csv"),
    ("text/csv, application/json;q=0.5", "text/csv"),
    ("application/json", "application/json"),
    ("text/csv;q=0.5, application/json", "application/json"),
    ("*/*", "application/json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),  # a browser
    ("application/xml", "application/json"),  # nothing offered: JSON, as everywhere else
])
def test_the_accept_header_picks_the_format(sbx, accept, expected):
    response = sbx.get(ROWS, headers={"Accept": accept})

    assert response.status_code == 200 and response.mimetype == expected


def test_the_format_parameter_wins_over_the_accept_header(sbx):
    response = sbx.get(f"{ROWS}?format=json", headers={"Accept": "text/csv"})

    assert response.mimetype == "application/json"


@pytest.mark.parametrize("value", ["xml", "CSV", ""])
def test_an_unknown_format_is_a_400_listing_the_formats(sbx, value):
    error = assert_error(sbx.get(f"{ROWS}?format={value}"), 400, "validation_failed",
                         field="format", location="query")

    assert "json, csv" in error["details"][0]["message"]


def test_the_format_parameter_sits_beside_the_query_schema(sbx):
    response = sbx.get(f"{ROWS}?limit=1&format=csv")

    assert response.get_data(as_text=True) == "\r\n".join(ROWS_CSV.split("\r\n")[:2]) + "\r\n"
    assert_error(sbx.get(f"{ROWS}?limit=0&format=csv", headers={"Accept": "text/csv"}), 400,
                 "validation_failed", field="limit", location="query")  # errors stay JSON
    assert_error(sbx.get(f"{ROWS}?format=csv&colour=red"), 400, "validation_failed",
                 field="colour", location="query")


def test_an_endpoint_without_a_query_schema_takes_only_format(sbx):
    path = REPORT.format(group="north")

    assert sbx.get(f"{path}?format=csv").status_code == 200
    error = assert_error(sbx.get(f"{path}?format=csv&page=2"), 400, "validation_failed",
                         field="page", location="query")
    assert "other than 'format'" in error["message"]


def test_the_file_name_takes_path_arguments_made_safe_for_a_header(sbx):
    named = sbx.get(f"{REPORT.format(group='north')}?format=csv")
    odd = sbx.get(REPORT.format(group='N%C3%B6rth%20%22east%22%0D%0A'), headers={
        "Accept": "text/csv"})

    assert named.headers["Content-Disposition"] == 'attachment; filename="report-north.csv"'
    assert odd.headers["Content-Disposition"] == 'attachment; filename="report-N_rth_east_.csv"'
    assert named.get_data(as_text=True).startswith("name,count\r\nplain,3\r\n")


def test_endpoints_without_csv_are_unchanged(sbx):
    by_accept = sbx.get("/api/v1/events", headers={"Accept": "text/csv"})

    assert by_accept.mimetype == "application/json" and "Vary" not in by_accept.headers
    assert_error(sbx.get("/api/v1/events?format=csv"), 400, "validation_failed", field="format",
                 location="query")


# -- declarations --------------------------------------------------------------------------------

def test_declarations_that_cannot_work_are_refused_when_the_module_loads():
    scratch = Blueprint("scratch", __name__)

    class FormatQuery(Schema):
        format = fields.String()

    with pytest.raises(TypeError, match="reserved"):
        endpoint(scratch, "/a", query=FormatQuery, csv=CsvFormat(columns=("x",)),
                 summary="", tags=[])
    with pytest.raises(TypeError, match="upload.form"):
        endpoint(scratch, "/b", method="POST", body=NoteForm, upload=UploadSpec(),
                 summary="", tags=[])
    with pytest.raises(TypeError, match="carries no file"):
        endpoint(scratch, "/c", upload=UploadSpec(), summary="", tags=[])
    with pytest.raises(TypeError, match="file's part"):
        endpoint(scratch, "/d", method="POST", upload=UploadSpec(field="note", form=NoteForm),
                 summary="", tags=[])
    with pytest.raises(ValueError):
        CsvFormat(columns=("x", "x"))
    with pytest.raises(ValueError):
        UploadSpec(max_bytes=0)


# -- the OpenAPI document -------------------------------------------------------------------------

def test_the_document_describes_uploads_and_csv_answers_and_stays_valid(app, api):
    document = api.get("/api/v1/openapi.json").get_json()
    validate_openapi(document)
    served = {(m, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
              for rule in app.url_map.iter_rules() for m in rule.methods - {"HEAD", "OPTIONS"}
              if not rule.endpoint.startswith("lazada.")}  # the Lazada gateway's own wire
    assert served == {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}

    upload = document["paths"][UPLOADS]["post"]
    content = upload["requestBody"]["content"]
    multipart = content["multipart/form-data"]
    assert multipart["schema"]["properties"]["file"] == {
        "type": "string", "format": "binary",
        "description": f"UTF-8 text, at most {FILE_LIMIT} bytes"}
    assert set(multipart["schema"]["properties"]) == {"file", "note", "copies"}
    assert multipart["schema"]["required"] == ["file"]
    assert multipart["encoding"]["file"]["contentType"].startswith("text/csv, text/plain")
    assert content["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    assert {"400", "409", "413", "415"} <= set(upload["responses"])
    assert set(upload["responses"]["201"]["content"]) == {"application/json", "text/csv"}
    only = document["paths"][MULTIPART_ONLY]["post"]["requestBody"]["content"]
    assert set(only) == {"multipart/form-data"}

    rows = document["paths"][ROWS]["get"]
    assert set(rows["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    format_parameter = next(p for p in rows["parameters"] if p["name"] == "format")
    assert format_parameter["schema"]["enum"] == ["json", "csv"]
    assert {p["name"] for p in rows["parameters"] if p["in"] == "query"} == {"limit", "format"}


def test_test_only_endpoints_stay_out_of_other_apps_documents(settings, store):
    other = create_app(settings, store=store)

    paths = other.test_client().get("/api/v1/openapi.json").get_json()["paths"]

    assert paths and not [path for path in paths if path.startswith("/api/v1/test_only")]
