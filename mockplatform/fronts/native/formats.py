"""Answers in another format than JSON: an endpoint declared with ``csv=CsvFormat(...)`` also
answers ``text/csv`` when asked by ``?format=csv`` or by ``Accept: text/csv``.

The CSV is rendered from the JSON answer itself (the dumped payload, as JSON carries it), so the
two formats never disagree, and an idempotent replay, which keeps only the JSON text, renders
the same bytes again.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from werkzeug.datastructures import MultiDict

from mockplatform.errors import ValidationFailed

JSON = "json"
CSV = "csv"
# The query parameter that picks the format; reserved on every endpoint that has more than one.
FORMAT_PARAMETER = "format"
MEDIA_TYPES = {JSON: "application/json", CSV: "text/csv"}


def page_rows(payload: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """The rows of a list answer (``{"data": [...], "has_more", "next_cursor"}``)."""
    return payload["data"]


@dataclass(frozen=True)
class CsvFormat:
    """How an endpoint's answer reads as CSV.

    ``columns`` is the header row, in order; each row is a mapping from the JSON answer (by
    default the items of a list answer) whose values under those names fill the cells. A missing
    value or null is an empty cell, true/false are ``true``/``false``, objects and lists are
    compact JSON. ``filename`` may name path arguments (``"report-{report_id}.csv"``).
    """

    columns: tuple[str, ...]
    rows: Callable[[Any], Iterable[Mapping[str, Any]]] = page_rows
    filename: str = "export.csv"

    def __post_init__(self):
        if not self.columns or len(set(self.columns)) != len(self.columns):
            raise ValueError("CsvFormat.columns must name each column once")


def negotiate(formats: tuple[str, ...], args: MultiDict) -> str:
    """The format asked for: the ``format`` query parameter, else the Accept header, else JSON.
    An Accept header that names none of them still gets JSON, as every other endpoint does."""
    if FORMAT_PARAMETER in args:
        chosen = args.getlist(FORMAT_PARAMETER)[-1]
        if chosen not in formats:
            raise ValidationFailed.field(FORMAT_PARAMETER, f"must be one of: {', '.join(formats)}"
                                         f" (got {chosen!r})", location="query")
        return chosen
    best = request.accept_mimetypes.best_match([MEDIA_TYPES[f] for f in formats],
                                               default=MEDIA_TYPES[JSON])
    return next(f for f in formats if MEDIA_TYPES[f] == best)


def without_format(args: MultiDict) -> MultiDict:
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k != FORMAT_PARAMETER])


def csv_response(spec: CsvFormat, json_text: str, status: int, path_args: dict) -> Response:
    payload = json.loads(json_text)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: minimal quoting, \r\n line endings
    writer.writerow(spec.columns)
    for row in spec.rows(payload):
        writer.writerow([_cell(row.get(column)) for column in spec.columns])
    response = Response(buffer.getvalue(), status=status, mimetype=MEDIA_TYPES[CSV])
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{_safe_filename(spec.filename.format(**path_args))}"'
    link = _next_link(payload)
    if link:
        response.headers["Link"] = link
    return response


def _next_link(payload: Any) -> str | None:
    """A page of a list in CSV has no room for its cursor: the next page's URL goes in a
    ``Link: <...>; rel="next"`` header (RFC 8288), the same query with ``after`` moved on."""
    if not isinstance(payload, dict) or not payload.get("has_more") \
            or not payload.get("next_cursor"):
        return None
    args = MultiDict(request.args)
    args.setlist("after", [payload["next_cursor"]])
    return f'<{request.path}?{urlencode(list(args.items(multi=True)))}>; rel="next"'


# A cell a spreadsheet would run as a formula when the file is opened (OWASP's "CSV injection"):
# sellers type some of what reports show (a carrier's name, say).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text  # read as text, shown as typed
    return text


def _safe_filename(name: str) -> str:
    # Path arguments reach the name: keep it to characters no header or file system misreads.
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "export.csv"
