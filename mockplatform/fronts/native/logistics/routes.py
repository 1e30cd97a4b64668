"""Native API of logistics: a package's trace by tracking number or by order, and tracking
reports by date range, by a list of tracking numbers or by a CSV file of them."""

from __future__ import annotations

from flask import Blueprint, request

from mockplatform.fronts.native.catalog.schemas import numeric_id
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.logistics import schemas as s
from mockplatform.fronts.native.uploads import MULTIPART, UploadSpec
from mockplatform.logistics import reports
from mockplatform.logistics import service as logistics

bp = Blueprint("logistics", __name__, url_prefix="/api/v1")

# Every report answers CSV too (?format=csv or Accept: text/csv): its rows, a column each.
REPORT_CSV = CsvFormat(columns=reports.COLUMNS, rows=lambda report: report["rows"],
                       filename="tracking-report.csv")
UPLOAD = UploadSpec(field="file", max_bytes=reports.MAX_UPLOAD_BYTES, description=(
    "a CSV file of tracking numbers: one a line in the first column, or under a "
    "tracking_number header; blank lines skipped"))


@endpoint(bp, "/tracking/reports", query=s.RangeReportQuery, response=s.TrackingReportSchema,
          csv=REPORT_CSV, tags=["tracking"], errors=[400],
          summary="Tracking report of the packages readied to ship in a date range")
def report_by_range(call: Call):
    """One row per package readied to ship at or after ``from`` and before ``to`` (timestamps
    with a UTC offset), in the order they were readied: its status, journey step, latest
    tracking event, delivery attempts, measured weight and dimensions, deadlines. ``to`` must
    be after ``from`` and at most ``tracking.report_max_range`` (30 days) later; a report has
    at most 10,000 rows (a range with more packages is a 400: ask for a shorter one)."""
    return logistics.by_range(call.ctx, call.query["start"], call.query["end"])


@endpoint(bp, "/tracking/reports", method="POST", body=s.NumbersReportSchema,
          response=s.TrackingReportSchema, csv=REPORT_CSV,
          summary="Tracking report of a list of tracking numbers", tags=["tracking"],
          errors=[400])
def report_by_numbers(call: Call):
    """``tracking_numbers``: 1 to 10,000. One row per distinct number, in the order first
    given (``duplicate_count`` says how many repeats were folded); a number no package has is
    a row with the status ``not_found``, not an error."""
    return logistics.by_numbers(call.ctx, call.body["tracking_numbers"])


@endpoint(bp, "/tracking/reports/upload", method="POST", upload=UPLOAD,
          response=s.TrackingReportSchema, csv=REPORT_CSV,
          summary="Tracking report of a CSV file of tracking numbers", tags=["tracking"],
          errors=[400, 413, 415])
def report_by_upload(call: Call):
    """The file as the multipart part ``file`` or as the whole body (``Content-Type:
    text/csv``), UTF-8, at most 1 MiB: one tracking number a line, in the first column or
    under a ``tracking_number`` header (other columns ignored); blank lines skipped; at most
    10,000 numbers. The report is as for a list: one row per distinct number, unknown ones
    ``not_found``. A malformed line is a 400 naming its line number."""
    # Errors about the file name the multipart part, or the body when the body is the file.
    field, location = ("file", "form") if request.mimetype == MULTIPART else ("", "body")
    return logistics.by_csv(call.ctx, call.upload.text, field=field, location=location)


@endpoint(bp, "/tracking/<tracking_number>", response=s.PackageTrackingSchema,
          summary="Track a package by its tracking number", tags=["tracking"], errors=[404])
def track(call: Call):
    """The package (its order, provider, status and where it is in its journey) and its
    tracking events in the order they happened, each with Lazada's status code, title,
    location and time."""
    return logistics.by_tracking_number(call.ctx, call.path["tracking_number"])


@endpoint(bp, "/orders/<order_id>/tracking", response=s.OrderTrackingSchema,
          summary="Track every package of an order", tags=["tracking"], errors=[400, 404])
def track_order(call: Call):
    """Every package of the order, in the order they were packed, each with its tracking
    events; an order not packed yet has none."""
    return logistics.by_order(call.ctx, numeric_id(call.path["order_id"], "order_id", "path"))
