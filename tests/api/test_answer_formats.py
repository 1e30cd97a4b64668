"""CSV answers (``csv=``) of the endpoint framework, the declarations it refuses when a module
loads, and the OpenAPI document of uploads and CSV answers.

The endpoints are test-only (``endpoint_support.py``), on an app of this module's own. File
upload bodies are in ``test_uploads.py``.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Blueprint
from marshmallow import Schema, fields
from openapi_spec_validator import validate as validate_openapi

from mockplatform.app import create_app
from mockplatform.fronts.native.endpoint import endpoint
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.uploads import UploadSpec
from tests.api.endpoint_support import (
    FILE_LIMIT,
    MULTIPART_ONLY,
    REPORT,
    ROW_DATA,
    ROWS,
    ROWS_CSV,
    UPLOADS,
    NoteForm,
    endpoint_app,  # noqa: F401 (the app fixture, serving the test-only endpoints)
    endpoint_settings,  # noqa: F401 (the settings fixture: this module's body limit)
    endpoint_store,  # noqa: F401 (the store fixture)
)
from tests.api.support import assert_error

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
    by_accept = sbx.get(f"{sbx.base}/timers", headers={"Accept": "text/csv"})

    assert by_accept.mimetype == "application/json" and "Vary" not in by_accept.headers
    assert_error(sbx.get(f"{sbx.base}/timers?format=csv"), 400, "validation_failed", field="format",
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
