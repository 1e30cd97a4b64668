"""Tracking: a package's trace by tracking number or by order, and tracking reports by date
range, by a list of tracking numbers or by a CSV file of them, as JSON or as CSV text."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Literal

from .._encoding import Timestamp
from .._object import MockplatformObject
from ._base import Resource, quote_id

ReportFormat = Literal["json", "csv"]
UploadFile = str | os.PathLike | bytes | IO[bytes] | IO[str]
_PATH = "/api/v1/tracking"
_REPORTS = f"{_PATH}/reports"
DEFAULT_FILENAME = "tracking_numbers.csv"
CSV = "text/csv"


class Tracking(Resource):
    def get(self, tracking_number: str) -> MockplatformObject:
        """The package (order, provider, status, where it is in its journey) and its tracking
        events in the order they happened; an unknown number is a ``NotFoundError``."""
        return self._request("GET", f"{_PATH}/{quote_id(tracking_number)}")

    def for_order(self, order_id: int | str) -> MockplatformObject:
        """Every package of the order, each with its events (``packages``)."""
        return self._request("GET", f"/api/v1/orders/{quote_id(order_id)}/tracking")

    def report_by_range(self, start: Timestamp, end: Timestamp, *,
                        format: ReportFormat = "json") -> MockplatformObject | str:
        """The packages readied to ship at or after ``start`` and before ``end`` (at most the
        policy ``tracking.report_max_range`` apart): a report object, or its CSV text when
        ``format="csv"``."""
        return self._report("GET", _REPORTS, format, params={"from": start, "to": end})

    def report_by_numbers(self, tracking_numbers: Iterable[str], *,
                          format: ReportFormat = "json",
                          idempotency_key: str | None = None) -> MockplatformObject | str:
        """One row per distinct number, in the order given; unknown ones have the status
        ``not_found``."""
        numbers = [tracking_numbers] if isinstance(tracking_numbers, str) else \
            list(tracking_numbers)
        return self._report("POST", _REPORTS, format, json={"tracking_numbers": numbers},
                            idempotency_key=idempotency_key)

    def report_by_file(self, file: UploadFile, *, filename: str | None = None,
                       format: ReportFormat = "json",
                       idempotency_key: str | None = None) -> MockplatformObject | str:
        """Upload a CSV file of tracking numbers (one a line, optionally under a
        ``tracking_number`` header): ``file`` is a path, the file's bytes, or an open file."""
        content, name = _read(file)
        return self._report("POST", f"{_REPORTS}/upload", format,
                            files={"file": (filename or name or DEFAULT_FILENAME, content, CSV)},
                            idempotency_key=idempotency_key)

    def _report(self, method: str, path: str, format: ReportFormat, *,
                params: dict[str, Any] | None = None, **kwargs: Any) -> MockplatformObject | str:
        if format not in ("json", "csv"):
            raise ValueError(f"format must be 'json' or 'csv', not {format!r}")
        if format == "json":
            return self._client.request(method, path, params=params, **kwargs)
        return self._client.request_text(method, path, params={**(params or {}), "format": "csv"},
                                         accept=CSV, **kwargs)


def _read(file: UploadFile) -> tuple[bytes, str | None]:
    """The file's bytes and its name, if it has one."""
    if isinstance(file, bytes):
        return file, None
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        return path.read_bytes(), path.name
    content = file.read()
    name = getattr(file, "name", None)
    name = Path(name).name if isinstance(name, str) else None
    return (content.encode("utf-8") if isinstance(content, str) else content), name
