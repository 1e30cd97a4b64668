"""The Lazada Open Platform gateway, under ``/rest``: what ``lazop-sdk`` 1.0.3 sends, answered
as Lazada answers, through the same pipeline as the native API.

Transport (reference section 1.1): the parameters of a GET are its query string; those of a POST
its form body, urlencoded or multipart (a file part is never a parameter and is never signed).
Both are merged, the form winning, and a repeated name keeps its last value.

Authentication, in this order, before any business parameter is looked at: the system
parameters (``app_key``, ``sign_method``, ``timestamp``, ``sign``) are present
(``MissingParameter``); the ``app_key`` is a Lazada sandbox's (``InvalidAppKey``); the signature
verifies with its secret (``IncompleteSignature``); the ``timestamp`` is within 7200 s of the
wall clock (``InvalidTimestamp``); the method is one the API declares, or the sandbox's policy
``gateway.http_methods`` is ``lenient`` (``UnsupportedHTTPMethod``); a seller API's
``access_token`` is the sandbox's own or one its OAuth issued and still live on the sandbox
clock (``MissingParameter``, ``IllegalAccessToken``). An unknown path is ``InvalidApiPath``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from mockplatform.control import authorizations
from mockplatform.control import sandboxes as sandbox_service
from mockplatform.control.errors import InjectedFault
from mockplatform.engine import clock as clocks
from mockplatform.engine.policies import table_for
from mockplatform.errors import MockplatformError
from mockplatform.fronts.lazada import (
    auth,
    cancel,
    fulfilment,
    orders,
    products,
    reverse,
    reverse_actions,
    signing,
    tracking,
)
from mockplatform.fronts.lazada.errors import LazadaError, envelope, invalid, missing
from mockplatform.fronts.lazada.table import APIS, GET, POST, Api
from mockplatform.fronts.pipeline import Access, Answer, Pipeline, Request, Unit
from mockplatform.settings import Settings
from mockplatform.store import jsoncodec

# What fills the table (``table.APIS``).
API_MODULES = (auth, orders, fulfilment, tracking, cancel, products, reverse, reverse_actions)
FRONT = "lazada"
PLATFORM = "lazada"  # the profile whose sandboxes the gateway serves
SYSTEM_PARAMETERS = ("app_key", "sign_method", "timestamp", "sign")
TIMESTAMP_WINDOW = timedelta(seconds=7200)
HTTP_METHODS_POLICY = "gateway.http_methods"
# NUL cannot be stored or compared in PostgreSQL text; an unpaired surrogate cannot be encoded.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

bp = Blueprint("lazada", __name__, url_prefix="/rest")
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("", defaults={"name": ""}, methods=_METHODS, strict_slashes=False)
@bp.route("/<path:name>", methods=_METHODS)
def gateway(name: str) -> Response:
    pipeline: Pipeline = current_app.extensions["mockplatform"]["pipeline"]
    api_name = "/" + name
    api = APIS.get(api_name)
    handler = _Handler(api, api_name)
    answer = pipeline.run(Request(front=FRONT, operation=api_name, method=request.method,
                                  path=request.path, write=api is not None and api.write),
                          handler)
    # 200 for every answer of Lazada's own, errors included; a fault rule's status otherwise.
    response = Response(answer.text, status=answer.status, mimetype="application/json")
    response.headers.update(answer.headers)
    return response


def _request_id() -> str:
    return getattr(g, "request_id", "")


def read_parameters() -> dict[str, str]:
    """The request's parameters as the SDK sends them (see the module's docstring)."""
    params = dict(request.args.items())
    if request.method == POST:
        try:
            params.update(request.form.items())
        except HTTPException as exc:  # a body too large, a malformed multipart body
            raise invalid("body", f"the form body cannot be read: {exc.description}") from None
    for key, value in params.items():
        if _UNSTORABLE.search(key) or _UNSTORABLE.search(value):
            raise invalid(key, "must not contain NUL characters or unpaired surrogates")
    return params


def parse_timestamp(raw: str) -> datetime:
    """Epoch milliseconds (what the SDK sends: seconds and "000"), epoch seconds, or an ISO 8601
    instant (UTC when it has no offset), as the docs accept."""
    try:
        if raw.isdigit() and len(raw) <= 16:
            number = int(raw)
            return datetime.fromtimestamp(number / 1000 if number > 10 ** 11 else number, UTC)
        instant = datetime.fromisoformat(raw)
        return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant
    except (ValueError, OverflowError, OSError):
        raise LazadaError("InvalidTimestamp", f"timestamp {raw[:40]!r} is neither epoch "
                          "milliseconds nor an ISO 8601 instant") from None


class _Handler:
    """The gateway's part of the pipeline for one request."""

    def __init__(self, api: Api | None, api_name: str):
        self.api, self.api_name = api, api_name
        self._params: dict[str, str] | None = None
        self._loaded: tuple[Any, Any] | None = None

    def params(self) -> dict[str, str]:
        if self._params is None:
            self._params = read_parameters()
        return self._params

    def authenticate(self, session: Session, settings: Settings, *, lock: bool) -> Access:
        api = self.api
        if request.method not in (GET, POST):
            raise LazadaError("UnsupportedHTTPMethod", f"{request.method} is not supported; "
                              "call the gateway with GET or POST")
        if api is None:
            raise LazadaError("InvalidApiPath", f"The specified API path {self.api_name!r} "
                              "is invalid")
        params = self.params()
        for name in SYSTEM_PARAMETERS:
            if not params.get(name):
                raise missing(name)
        method = params["sign_method"]
        if method not in signing.SIGN_METHODS:
            raise LazadaError("IncompleteSignature", f"sign_method {method[:20]!r} is not "
                              f"supported; use one of {', '.join(signing.SIGN_METHODS)}")
        app_key = params["app_key"]
        sandbox = sandbox_service.by_app_key(session, app_key, lock=lock) \
            if len(app_key) <= 20 else None
        if sandbox is None or sandbox.platform != PLATFORM:
            raise LazadaError("InvalidAppKey", "The specified app_key is not a Lazada "
                              "sandbox's; it may belong to a deleted sandbox or another profile")
        if not signing.verify(sandbox.app_secret, self.api_name, params, params["sign"],
                              method):
            raise LazadaError("IncompleteSignature", "The request signature does not conform "
                              "to lazop standards")
        sent = parse_timestamp(params["timestamp"])
        if abs(sent - clocks.wall_now()) > TIMESTAMP_WINDOW:
            raise LazadaError("InvalidTimestamp", "timestamp is more than 7200 seconds from "
                              "the current time (UTC); send the real time, not the sandbox's")
        if request.method not in api.methods and table_for(
                sandbox.platform, sandbox.market, sandbox.policy_overrides
        ).value(HTTP_METHODS_POLICY) == "strict":
            raise LazadaError("UnsupportedHTTPMethod", f"{self.api_name} is called with "
                              f"{' or '.join(api.methods)}, not {request.method}")
        if api.token:
            token = params.get("access_token")
            if not token:
                raise missing("access_token")
            now = clocks.Clock(mode=sandbox.clock_mode, speed=sandbox.clock_speed,
                               anchor_virtual=sandbox.clock_anchor_virtual,
                               anchor_wall=sandbox.clock_anchor_wall).now()
            if not authorizations.access_allowed(session, sandbox, token, now):
                raise LazadaError("IllegalAccessToken",
                                  "The specified access token is invalid or expired")
        return Access(sandbox)

    def load(self) -> tuple[Any, Any]:
        if self._loaded is None:  # a read redone as a write reads once
            self._loaded = (self.api.parse(self.params()), None)
        return self._loaded

    def call(self, unit: Unit) -> Any:
        return self.api.run(unit.ctx, unit.input)

    def render(self, result: dict[str, Any], unit: Unit) -> Answer:
        body = {**result, "code": "0", "request_id": _request_id()}
        return Answer(200, jsoncodec.compact(body))

    def render_error(self, error: MockplatformError) -> Answer:
        if isinstance(error, InjectedFault):  # a fault rule's own status and Retry-After
            return Answer(error.gateway_status, envelope(error, _request_id()),
                          dict(error.headers))
        return Answer(200, envelope(error, _request_id()))

    def replay(self, status: int, text: str) -> Answer:  # Lazada has no Idempotency-Key
        return Answer(status, text)
