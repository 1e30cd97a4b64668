"""Tracking reports: one row per package, where it stands and its latest tracking event.

Three ways to ask (POLICIES.md, cross-profile rules):
- by date range: the packages readied to ship in ``[start, end)`` (half open, so consecutive
  ranges never count a package twice), in the order they were readied; a range longer than
  ``tracking.report_max_range`` is refused;
- by a list of tracking numbers, or by a CSV file of them: one row per distinct number in the
  order first given; a number no package has is a row with the status ``not_found``.

A report has at most ``MAX_ROWS`` rows, and is refused rather than cut short beyond that. Rows
carry Python values; the report schema renders them for the wire, as JSON or as CSV (a column
each, in ``COLUMNS`` order).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.durations import format_duration
from mockplatform.errors import ValidationFailed
from mockplatform.logistics import trace
from mockplatform.logistics.errors import (
    InvalidRange,
    ReportRangeTooLong,
    ReportTooLarge,
    TooManyRows,
)
from mockplatform.logistics.models import TrackingEvent
from mockplatform.orders.models import Package

RANGE_POLICY = "tracking.report_max_range"
MAX_ROWS = 10_000
# A file of MAX_ROWS numbers of the longest kind (60 characters) and CRLF line ends fits.
MAX_UPLOAD_BYTES = 1024 * 1024
NOT_FOUND = "not_found"
HEADER = "tracking_number"
MAX_TRACKING_NUMBER = 60
# Letters and digits, and the separators carriers put in their numbers; no spaces, slashes,
# commas or quotes, so a number is the same in a URL path, a CSV cell and a JSON string.
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TRACKING_NUMBER_RULE = (f"1 to {MAX_TRACKING_NUMBER} letters, digits, '-', '_' or '.', "
                        f"starting with a letter or digit")
# Bad lines of a file named in one error, at most.
MAX_LINE_ERRORS = 20

# The sorting centre's measurements (``Package.measured``) and the report columns they fill.
MEASURED = (("measured_weight_kg", "weight_kg"), ("measured_length_cm", "length_cm"),
            ("measured_width_cm", "width_cm"), ("measured_height_cm", "height_cm"))

COLUMNS = (
    "tracking_number", "status", "package_id", "order_id", "shipment_provider", "packed_at",
    "ready_to_ship_at", "first_mile_scan_deadline", "first_mile_scanned_at", "journey_step",
    "next_step", "next_step_due_at", "last_event_code", "last_event_status", "last_event_title",
    "last_event_location", "last_event_at", "events_count", "delivery_attempts",
    "failure_reason", *(column for column, _ in MEASURED), "seller_marked_failed",
    "delivered_at",
)


def is_tracking_number(value: str) -> bool:
    return len(value) <= MAX_TRACKING_NUMBER and TRACKING_NUMBER.fullmatch(value) is not None


# -- rows -----------------------------------------------------------------------------------------

def package_row(package: Package, last: tuple[TrackingEvent, int] | None) -> dict[str, Any]:
    summary = trace.summary(package)
    event, count = last if last is not None else (None, 0)
    row = {column: summary.get(column) for column in COLUMNS}
    row.update({
        "last_event_code": event.status_code if event else None,
        "last_event_status": event.package_status if event else None,
        "last_event_title": event.title if event else None,
        "last_event_location": event.location if event else None,
        "last_event_at": event.occurred_at if event else None,
        "events_count": count})
    measured = summary["measured"]
    row.update({column: None if measured.get(key) is None else str(measured[key])
                for column, key in MEASURED})
    return row


def not_found_row(tracking_number: str) -> dict[str, Any]:
    row = dict.fromkeys(COLUMNS)
    row.update(tracking_number=tracking_number, status=NOT_FOUND)
    return row


def _rows(ctx: SandboxContext, packages: Sequence[Package]) -> list[dict[str, Any]]:
    last = trace.last_events_of(ctx, packages)
    return [package_row(package, last.get(package.package_id)) for package in packages]


def _report(ctx: SandboxContext, kind: str, rows: list[dict[str, Any]], *,
            start: datetime | None = None, end: datetime | None = None,
            requested: int | None = None) -> dict[str, Any]:
    found = sum(1 for row in rows if row["status"] != NOT_FOUND)
    return {"kind": kind, "start": start, "end": end, "generated_at": ctx.now,
            "requested_count": requested,
            "duplicate_count": None if requested is None else requested - len(rows),
            "row_count": len(rows), "found_count": found, "not_found_count": len(rows) - found,
            "columns": list(COLUMNS), "rows": rows}


# -- by date range --------------------------------------------------------------------------------

def spoken(duration: timedelta) -> str:
    """``30 days and 1 second``: a duration as an error message says it."""
    seconds = int(duration.total_seconds())
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    if not parts:
        return "less than a second"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def check_range(ctx: SandboxContext, start: datetime, end: datetime, *,
                location: str = "query") -> None:
    if end <= start:
        raise InvalidRange(
          f"to: must be after from (from {start.isoformat()}, to {end.isoformat()})",
          details=[{"field": "to", "location": location, "message": "must be after from"}])
    limit = ctx.policies.duration(RANGE_POLICY)
    if end - start > limit:
        raise ReportRangeTooLong(
                f"to: the range from {start.isoformat()} to {end.isoformat()} is "
                f"{spoken(end - start)} long; {RANGE_POLICY} allows at most {spoken(limit)}",
                details=[{"field": "to", "location": location,
                          "message": f"at most {format_duration(limit)} after from "
                                     f"({RANGE_POLICY})",
                          "policy": RANGE_POLICY, "limit": format_duration(limit)}])


def by_range(ctx: SandboxContext, start: datetime, end: datetime, *,
             location: str = "query") -> dict[str, Any]:
    """The packages readied to ship in ``[start, end)``, in the order they were readied."""
    check_range(ctx, start, end, location=location)
    packages = list(ctx.session.scalars(select(Package).where(
        Package.sandbox_id == ctx.id, Package.ready_to_ship_at >= start,
        Package.ready_to_ship_at < end)
        .order_by(Package.ready_to_ship_at, Package.package_id).limit(MAX_ROWS + 1)))
    if len(packages) > MAX_ROWS:
        raise ReportTooLarge(
           f"more than {MAX_ROWS} packages were readied to ship in this range; a report has "
           f"at most {MAX_ROWS} rows: ask for a shorter range",
           details=[{"field": "to", "location": location,
                     "message": f"more than {MAX_ROWS} packages in the range",
                     "limit": MAX_ROWS}])
    return _report(ctx, "date_range", _rows(ctx, packages), start=start, end=end)


# -- by tracking numbers --------------------------------------------------------------------------

def by_numbers(ctx: SandboxContext, numbers: Sequence[str], *,
               kind: str = "tracking_numbers") -> dict[str, Any]:
    """One row per distinct number, in the order first given; unknown ones ``not_found``."""
    if len(numbers) > MAX_ROWS:  # the schemas and the file reader refuse this first
        raise ValidationFailed.field("tracking_numbers", f"at most {MAX_ROWS} numbers")
    distinct = list(dict.fromkeys(numbers))
    packages = trace.packages_by_number(ctx, distinct)
    last = trace.last_events_of(ctx, list(packages.values()))
    rows = [package_row(packages[number], last.get(packages[number].package_id))
            if number in packages else not_found_row(number) for number in distinct]
    return _report(ctx, kind, rows, requested=len(numbers))


def numbers_from_csv(text: str, *, field: str = "file", location: str = "form") -> list[str]:
    """The tracking numbers of a CSV file, in file order.

    One number per row, in the first column, or in the column headed ``tracking_number`` when
    the first row is a header (``Tracking Number`` and ``tracking-number`` count too). Cells are
    trimmed; blank lines are skipped; other columns are ignored. A malformed line is refused,
    naming it; so is a file without numbers or with more than ``MAX_ROWS``.
    """

    def refuse(message: str, *, code: str = "validation_failed",
               details: list[dict[str, Any]] | None = None, **extra: Any) -> ValidationFailed:
        error = TooManyRows if code == TooManyRows.code else ValidationFailed
        return error(f"{field or location}: {message}", code=code, details=details or [
            {"field": field, "location": location, "message": message, **extra}])

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    numbers: list[str] = []
    bad: list[dict[str, Any]] = []
    column: int | None = None
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if column is None:
                headings = [re.sub(r"[\s-]+", "_", cell.lower()) for cell in cells]
                if HEADER in headings:
                    column = headings.index(HEADER)
                    continue
                column = 0
            if len(numbers) == MAX_ROWS:
                raise refuse(f"more than {MAX_ROWS} tracking numbers; a report takes at most "
                             f"{MAX_ROWS}", code=TooManyRows.code, limit=MAX_ROWS)
            value = cells[column] if column < len(cells) else ""
            if not is_tracking_number(value):
                problem = "no tracking number" if not value else \
                    f"{value[:80]!r} is not a tracking number: expected {TRACKING_NUMBER_RULE}"
                bad.append({"field": field, "location": location, "line": reader.line_num,
                            "message": f"line {reader.line_num}: {problem}"})
                if len(bad) == MAX_LINE_ERRORS:
                    break
            numbers.append(value)
    except csv.Error as exc:
        raise refuse(f"not a valid CSV file: line {reader.line_num}: {exc}",
                     line=reader.line_num) from None
    if bad:
        raise refuse("; ".join(d["message"] for d in bad[:3])
                     + (f"; and {len(bad) - 3} more" if len(bad) > 3 else ""), details=bad)
    if not numbers:
        raise refuse(f"no tracking numbers in the file: give one per line, optionally under a "
                     f"{HEADER} header")
    return numbers


def by_csv(ctx: SandboxContext, text: str, *, field: str = "file",
           location: str = "form") -> dict[str, Any]:
    return by_numbers(ctx, numbers_from_csv(text, field=field, location=location),
                      kind="upload")
