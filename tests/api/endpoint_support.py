"""The test-only endpoints of the endpoint framework's file uploads (``upload=``) and CSV answers
(``csv=``), and the app that serves them: shared by ``test_uploads.py`` and
``test_answer_formats.py``.

The endpoints are on a blueprint registered only on the app of a module that imports this
module's fixtures: the OpenAPI document of every other app lists only the blueprints it serves,
so they never leak there.
"""

from __future__ import annotations

import csv
import io

import pytest
from flask import Blueprint
from marshmallow import Schema, fields, validate

from mockplatform.app import create_app
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.schemas import list_schema, page
from mockplatform.fronts.native.uploads import UploadSpec
from mockplatform.settings import Settings
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


# A test module's own settings (the body limit), and an app with the test-only routes: not the
# shared app. A module takes them by importing these three fixtures.
@pytest.fixture(scope="module", name="settings")
def endpoint_settings() -> Settings:
    return Settings(database_url=DATABASE_URL, max_body_bytes=SERVER_LIMIT)


@pytest.fixture(scope="module", name="store")
def endpoint_store(settings):
    yield from own_store(settings)


@pytest.fixture(scope="module", name="app")
def endpoint_app(settings, store):
    app = create_app(settings, store=store)
    app.register_blueprint(bp)
    return app

