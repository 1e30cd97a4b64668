"""Reading a JSON request body: its size limit, and ``Content-Encoding: gzip``.

Every body is bounded by a setting: ``MOCKPLATFORM_MAX_BODY_BYTES`` for most endpoints, a larger
one for an endpoint declared with it (``@endpoint(..., body_limit="max_restore_bytes")``: a
snapshot restore). A gzip body is decompressed here, and the same limit bounds what it
decompresses to: a gzip bomb is a 413 after at most ``limit + 1`` bytes of output, never a
server out of memory. Every refusal names the limit and its setting.
"""

from __future__ import annotations

import zlib

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from mockplatform.errors import (
    AuthenticationFailed,
    InvalidRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from mockplatform.settings import Settings

DEFAULT_LIMIT = "max_body_bytes"
GZIP = ("gzip", "x-gzip")
IDENTITY = ("", "identity")
_CHUNK = 1024 * 1024


def setting_name(limit: str) -> str:
    """The environment variable of a limit: ``MOCKPLATFORM_MAX_RESTORE_BYTES``."""
    return f"MOCKPLATFORM_{limit.upper()}"


def read(settings: Settings, limit: str | None = None) -> bytes:
    """The request's body, decompressed if it is gzip, at most ``settings.<limit>`` bytes."""
    limit = limit or DEFAULT_LIMIT
    max_bytes: int = getattr(settings, limit)
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in GZIP + IDENTITY:
        raise UnsupportedMediaType(
            f"Content-Encoding {encoding!r} is not supported; send the body as it is or "
            "compressed with gzip", headers={"Accept-Encoding": "gzip"},
            details=[{"field": "Content-Encoding", "location": "header",
                      "message": "expected gzip or identity"}])
    if max_bytes > settings.max_body_bytes and request.content_length != 0:
        _larger_limit_is_for_the_admin(settings)
    # A body that says it is larger is refused unread. One that does not say (chunked) is read
    # to one byte past the limit: werkzeug cuts such a body silently at its maximum, and a cut
    # document must be a 413, never a shorter (and then malformed) one.
    if request.content_length is not None and request.content_length > max_bytes:
        raise _too_large(limit, max_bytes)
    request.max_content_length = max_bytes + 1
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large(limit, max_bytes) from None
    if len(data) > max_bytes:
        raise _too_large(limit, max_bytes)
    if encoding in GZIP:
        data = gunzip(data, max_bytes, limit)
    return data


def gunzip(data: bytes, max_bytes: int, limit: str = DEFAULT_LIMIT) -> bytes:
    """``data`` decompressed (one gzip member or several, one after the other), refused with a
    413 as soon as the output passes ``max_bytes`` and with a 400 if it is not gzip."""
    out = bytearray()
    rest = data
    try:
        while True:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header and trailer
            while not inflater.eof:
                chunk = inflater.decompress(rest, min(_CHUNK, max_bytes + 1 - len(out)))
                out += chunk
                if len(out) > max_bytes:
                    raise _too_large(limit, max_bytes, decompressed=True)
                rest = inflater.unconsumed_tail
                if not chunk and not rest:
                    raise _not_gzip("it ends before its gzip stream does")
            rest = inflater.unused_data
            if not rest.strip(b"\x00"):  # some tools pad a stream with NUL bytes
                return bytes(out)
    except zlib.error as exc:
        raise _not_gzip(f"it is not valid gzip ({exc})") from None


def _larger_limit_is_for_the_admin(settings: Settings) -> None:
    """An endpoint with a larger limit is an admin's (restore): when the server has an admin
    token, anyone else is refused before their body is read, as they would be after."""
    if settings.admin_token is None:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() != settings.admin_token:
        raise AuthenticationFailed(
            "this call needs the admin token (the server has MOCKPLATFORM_ADMIN_TOKEN set)",
            code="admin_token_required")


def _too_large(limit: str, max_bytes: int, *, decompressed: bool = False) -> PayloadTooLarge:
    what = "decompresses to more than" if decompressed else "is larger than"
    message = f"larger than the limit of {max_bytes} bytes ({setting_name(limit)})"
    return PayloadTooLarge(
        f"request body {what} {max_bytes} bytes, this endpoint's limit (set by the server's "
        f"{setting_name(limit)})",
        details=[{"field": "", "location": "body", "message": message,
                  "limit_bytes": max_bytes, "setting": setting_name(limit)}])


def _not_gzip(why: str) -> InvalidRequest:
    return InvalidRequest(
        f"request body was sent with Content-Encoding: gzip, but {why}", code="malformed_gzip",
        details=[{"field": "Content-Encoding", "location": "header",
                  "message": f"the body is not gzip: {why}"}])
