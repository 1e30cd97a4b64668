"""File upload bodies (``upload=``) of the endpoint framework: what a view receives, every way a
body can be wrong, and Idempotency-Key on uploads.

The endpoints are test-only (``endpoint_support.py``), on an app of this module's own. CSV
answers, declarations and the OpenAPI document are in ``test_answer_formats.py``.
"""

from __future__ import annotations

import io

import pytest

from mockplatform.fronts.native.uploads import MULTIPART_OVERHEAD_BYTES
from tests.api.endpoint_support import (
    CSV_TEXT,
    FILE_LIMIT,
    MULTIPART_ONLY,
    SERVER_LIMIT,
    SMALL_FILE_LIMIT,
    SMALL_UPLOADS,
    UPLOADS,
    endpoint_app,  # noqa: F401 (the app fixture, serving the test-only endpoints)
    endpoint_settings,  # noqa: F401 (the settings fixture: this module's body limit)
    endpoint_store,  # noqa: F401 (the store fixture)
)
from tests.api.support import assert_error


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
