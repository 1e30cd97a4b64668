"""Renders every error in the native envelope: ``{"error": {type, code, message, details}}``."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from mockplatform.errors import (
    InvalidRequest,
    MethodNotAllowed,
    MockplatformError,
    NotFound,
    PayloadTooLarge,
)

log = logging.getLogger("mockplatform")


def request_id() -> str:
    return getattr(g, "request_id", "")


def envelope(error: MockplatformError) -> str:
    """The native envelope's text: ``{"error": {type, code, message, details, request_id}}``."""
    return json.dumps({"error": {**error.to_dict(), "request_id": request_id()}},
                      ensure_ascii=False)


def render(error: MockplatformError) -> Response:
    response = Response(envelope(error), status=error.status, mimetype="application/json")
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _from_http(exc: HTTPException) -> MockplatformError:
    if exc.code == 404:
        return NotFound(f"no route {request.path}", code="route_not_found")
    if exc.code == 405:
        allowed = sorted(m for m in (exc.valid_methods or []) if m not in ("HEAD", "OPTIONS"))
        return MethodNotAllowed(f"{request.method} is not allowed on {request.path}; allowed: "
                                f"{', '.join(allowed)}", headers={"Allow": ", ".join(allowed)},
                                details=[{"field": "method", "location": "request",
                                          "message": f"allowed: {', '.join(allowed)}",
                                          "allowed": allowed}])
    if exc.code == 413:
        return PayloadTooLarge(f"request body is larger than the limit of "
                               f"{request.max_content_length} bytes")
    if exc.code and 400 <= exc.code < 500:
        error = InvalidRequest(exc.description or exc.name)
        error.status = exc.code
        return error
    error = MockplatformError(exc.description or exc.name)
    error.status = exc.code or 500
    return error


def init_app(app: Flask) -> None:
    @app.errorhandler(MockplatformError)
    def _domain_error(error: MockplatformError):
        return render(error)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return render(_from_http(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error in request %s %s %s", request_id(), request.method,
                      request.path)
        return render(MockplatformError(
            f"unexpected server error; quote request id {request_id()} when reporting it"))
