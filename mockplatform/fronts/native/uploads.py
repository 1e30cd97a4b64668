"""File upload bodies of native endpoints: one text file (a CSV report, say), sent as a part of a
``multipart/form-data`` body or as the whole body (``Content-Type: text/csv``).

Everything a view could get wrong about a file is refused here, before any unit of work opens:
a body that is not multipart, a missing, doubled or unexpected file part, a file over the
endpoint's limit, an empty file, a file that is not UTF-8 text. A view receives an ``Upload``
whose ``text`` is ready to parse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import request
from marshmallow import Schema
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header

from mockplatform.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

MULTIPART = "multipart/form-data"
# What browsers and tools call a CSV file: curl -F sends a .csv as application/octet-stream,
# Excel on Windows as application/vnd.ms-excel. The content itself is checked to be text anyway.
TEXT_FILE_TYPES = ("text/csv", "text/plain", "application/vnd.ms-excel",
                   "application/octet-stream")
# A multipart body is larger than its file by the boundaries, the part headers and the small
# form fields; this much room is left for them above the file's own limit.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class UploadSpec:
    """How an endpoint takes its file (``@endpoint(..., upload=UploadSpec(...))``).

    ``field`` names the multipart file part; ``max_bytes`` limits the file itself (this limit, not
    the server's ``max_body_bytes``, applies to the endpoint's body); ``content_types`` are the
    media types accepted for the file part, and, when ``raw_body`` is set, for a body that is the
    file itself. ``form`` is the schema of the other multipart fields: their values reach the
    view as ``call.body`` (without a multipart body, the schema loads an empty form).
    """

    field: str = "file"
    max_bytes: int = 1024 * 1024
    content_types: tuple[str, ...] = TEXT_FILE_TYPES
    form: type[Schema] | None = None
    raw_body: bool = True
    description: str = ""

    def __post_init__(self):
        if self.max_bytes <= 0:
            raise ValueError("UploadSpec.max_bytes must be positive")
        if MULTIPART in self.content_types:
            raise ValueError(f"{MULTIPART} is the envelope of an upload, not a file type")


@dataclass(frozen=True)
class Upload:
    """The file a view receives as ``call.upload``: its bytes, and the same as text (UTF-8, a
    leading byte order mark removed). ``filename`` is the client's name for it, if it sent one."""

    filename: str | None
    content_type: str
    data: bytes
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_upload(spec: UploadSpec) -> tuple[Upload, MultiDict, str]:
    """The request's file, its other form fields, and where it came from (``"form"`` for a
    multipart part, ``"body"`` for a raw body): the location that errors about it name."""
    mimetype = request.mimetype
    if mimetype == MULTIPART:
        upload, form = _from_multipart(spec)
        return upload, form, "form"
    if spec.raw_body and mimetype in spec.content_types:
        return _from_raw_body(spec), MultiDict(), "body"
    accepted = [MULTIPART, *spec.content_types] if spec.raw_body else [MULTIPART]
    how = f"{MULTIPART} with a {spec.field!r} file part"
    if spec.raw_body:
        how += f", or as the whole body with Content-Type {' or '.join(spec.content_types)}"
    raise UnsupportedMediaType(
        f"send the file as {how} (got {mimetype or 'no content type'!r})",
        details=[{"field": "Content-Type", "location": "header",
                  "message": f"expected one of {', '.join(accepted)}"}])


def _from_multipart(spec: UploadSpec) -> tuple[Upload, MultiDict]:
    if not request.mimetype_params.get("boundary"):
        raise ValidationFailed("a multipart/form-data body needs a boundary parameter in its "
                               "Content-Type", details=[{"field": "Content-Type",
                                                         "location": "header",
                                                         "message": "missing boundary"}])
    _read_body(spec, spec.max_bytes + MULTIPART_OVERHEAD_BYTES, "form")
    try:
        files, form = request.files, request.form  # parsed from the body just read
    except RequestEntityTooLarge:  # werkzeug's limits on the number and size of form fields
        raise PayloadTooLarge("the multipart body has more parts, or longer form fields, than "
                              "are accepted", details=[{"field": "", "location": "form",
                                                        "message": "too many or too long parts"}]
                              ) from None
    unexpected = sorted(name for name in files if name != spec.field)
    if unexpected:
        raise ValidationFailed(
            f"unexpected file part {unexpected[0]!r}: send one file, as {spec.field!r}",
            details=[{"field": name, "location": "form",
                      "message": f"unexpected file part; the file goes in {spec.field!r}"}
                     for name in unexpected])
    parts: list[FileStorage] = files.getlist(spec.field)
    as_text = form.getlist(spec.field)
    if not parts and as_text:
        raise ValidationFailed.field(
            spec.field, "must be a file part, with a filename (curl -F "
            f"'{spec.field}=@report.csv'), not a plain form value", location="form")
    if not parts:
        raise ValidationFailed.field(spec.field, "missing: send the file as this part",
                                     location="form")
    if len(parts) + len(as_text) > 1:
        raise ValidationFailed.field(spec.field, f"exactly one file, got "
                                     f"{len(parts) + len(as_text)}", location="form")
    part = parts[0]
    # A file part without a Content-Type is application/octet-stream (RFC 7578, 4.4).
    content_type = part.mimetype or "application/octet-stream"
    if content_type not in spec.content_types:
        raise UnsupportedMediaType(
            f"{spec.field}: a {content_type} file is not accepted; send one of "
            f"{', '.join(spec.content_types)}",
            details=[{"field": spec.field, "location": "form",
                      "message": f"expected one of {', '.join(spec.content_types)}"}])
    data = part.stream.read(spec.max_bytes + 1)
    if len(data) > spec.max_bytes:
        raise _too_large(spec, "form")
    other_fields = MultiDict([(name, value) for name, value in form.items(multi=True)
                              if name != spec.field])
    return _text_file(spec, "form", part.filename, content_type, data), other_fields


def _from_raw_body(spec: UploadSpec) -> Upload:
    data = _read_body(spec, spec.max_bytes, "body")
    # A raw body may still carry its name the way a download does.
    _, options = parse_options_header(request.headers.get("Content-Disposition", ""))
    return _text_file(spec, "body", options.get("filename"), request.mimetype, data)


def _read_body(spec: UploadSpec, limit: int, location: str) -> bytes:
    """The body, under the endpoint's own limit (instead of the server-wide one).

    A body that says it is larger is refused unread. One that does not say (chunked) is read up
    to one byte past the limit: werkzeug silently cuts such a body at its maximum, and a cut file
    must be a 413, never a shorter file. The body is kept, and a multipart form is parsed from it.
    """
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(spec, location)
    request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=True, parse_form_data=False)
    except RequestEntityTooLarge:
        raise _too_large(spec, location) from None
    if len(data) > limit:
        raise _too_large(spec, location)
    return data


def _too_large(spec: UploadSpec, location: str) -> PayloadTooLarge:
    field = spec.field if location == "form" else ""
    return PayloadTooLarge(
        f"the file is larger than this endpoint's limit of {spec.max_bytes} bytes",
        details=[{"field": field, "location": location,
                  "message": f"larger than the limit of {spec.max_bytes} bytes",
                  "limit_bytes": spec.max_bytes}])


def _text_file(spec: UploadSpec, location: str, filename: str | None, content_type: str,
               data: bytes) -> Upload:
    field = spec.field if location == "form" else ""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(f"{field or location}: {message}", details=[
            {"field": field, "location": location, "message": message}])

    if not data or data == _BOM:
        raise refuse("the file is empty")
    if b"\x00" in data:
        raise refuse("not a CSV/text file: it contains NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(f"not a CSV/text file: it is not UTF-8 (byte {exc.start})") from None
    return Upload(filename=filename, content_type=content_type, data=data, text=text)


def request_fingerprint(upload: Upload, form: MultiDict) -> dict[str, Any]:
    """What an Idempotency-Key is bound to for an upload: the file's bytes (by their hash, so no
    copy of the file is kept), its name and the other form fields."""
    return {"upload": {"sha256": upload.sha256, "filename": upload.filename},
            "form": form.to_dict(flat=False)}
