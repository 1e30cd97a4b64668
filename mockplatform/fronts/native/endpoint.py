"""What every native endpoint does around its one service call.

A view is declared with ``@endpoint(...)``: its body and query schemas (or the file it takes,
``upload=``), who may call it, its response schema (and its CSV form, ``csv=``). The wrapper
parses and validates the input, opens the unit of work, identifies and locks the sandbox, fires
the timers already due by its clock (catch-up), honours ``Idempotency-Key``, calls the view,
dumps the result and commits. The same declarations feed the OpenAPI document, so the spec can
never drift from what is served.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, wraps
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from marshmallow import Schema, ValidationError, fields
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from mockplatform.control import sandboxes as sandbox_service
from mockplatform.control.errors import SandboxNotFound
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import (
    AuthenticationFailed,
    InvalidRequest,
    MockplatformError,
    UnsupportedMediaType,
    ValidationFailed,
)
from mockplatform.fronts.native import bodies, formats, uploads
from mockplatform.fronts.native.dumping import dumper
from mockplatform.fronts.native.errors import envelope
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.uploads import Upload, UploadSpec
from mockplatform.fronts.pipeline import Access, Answer, Pipeline, Request, Unit
from mockplatform.settings import Settings
from mockplatform.store import jsoncodec

# Who may call an endpoint.
PUBLIC = "public"  # anyone
# The admin token when one is configured; otherwise anyone, and a caller who sends a sandbox's
# api key acts as that sandbox (a list then shows only it).
ADMIN = "admin"
SANDBOX = "sandbox"  # a sandbox's api key (the sandbox it names)
SANDBOX_PATH = "sandbox_path"  # the api key of the sandbox in the path, or the admin token
# The sandbox in the path, by the admin token when one is configured, else by its api key.
SANDBOX_PATH_ADMIN = "sandbox_path_admin"
OPTIONAL_SANDBOX = "optional_sandbox"  # a sandbox's api key if given, else public
# The tags of the control plane: calls that manage a sandbox rather than act in it, neither
# faulted nor journaled (fronts/observe.py).
TEST_HELPER_TAG = "test_helpers"
CONTROL_TAGS = frozenset({"sandboxes", "clock", "faults", "journal", "webhooks", "scenarios",
                          "summary"})


@dataclass
class EndpointSpec:
    rule: str
    method: str
    auth: str
    summary: str
    tags: list[str]
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    description: str = ""
    errors: list[int] = field(default_factory=list)
    upload: UploadSpec | None = None
    csv: CsvFormat | None = None
    body_limit: str | None = None  # the Settings field bounding its body (see bodies.py)
    # The blueprint that serves it: the OpenAPI document of an app lists only what it serves.
    blueprint: Blueprint | None = field(default=None, repr=False, compare=False)

    @property
    def control_plane(self) -> bool:
        return not CONTROL_TAGS.isdisjoint(self.tags)

    @property
    def test_helper(self) -> bool:
        return TEST_HELPER_TAG in self.tags

    @property
    def formats(self) -> tuple[str, ...]:
        return (formats.JSON, formats.CSV) if self.csv else (formats.JSON,)


@dataclass
class Call:
    """What a view receives."""

    session: Session
    settings: Settings
    body: dict[str, Any]
    query: dict[str, Any]
    path: dict[str, Any]
    ctx: SandboxContext | None
    is_admin: bool
    upload: Upload | None = None  # the file of an ``upload=`` endpoint
    format: str = formats.JSON  # the answer's format; the view returns the same data for each


ENDPOINTS: list[EndpointSpec] = []


def endpoint(bp: Blueprint, rule: str, *, method: str = "GET", auth: str = SANDBOX,
             summary: str, tags: list[str], body: type[Schema] | None = None,
             query: type[Schema] | None = None, response: type[Schema] | None = None,
             status: int = 200, errors: list[int] | None = None,
             upload: UploadSpec | None = None, csv: CsvFormat | None = None,
             body_limit: str | None = None) -> Callable:
    """Declare a native endpoint.

    ``upload`` makes it take one file instead of a JSON body (see ``UploadSpec``); the view gets
    it as ``call.upload`` and the other form fields, loaded by ``upload.form``, as ``call.body``.
    ``csv`` lets it answer CSV as well as JSON, chosen by ``?format=csv`` or ``Accept:
    text/csv``; the query parameter ``format`` is then reserved. ``body_limit`` names the
    Settings field that bounds its JSON body instead of ``max_body_bytes`` (see bodies.py).
    """
    if upload is not None and body is not None:
        raise TypeError(f"{rule}: an upload endpoint takes its form fields from upload.form, "
                        "not body=")
    if upload is not None and method not in ("POST", "PUT", "PATCH"):
        raise TypeError(f"{rule}: a {method} request carries no file")
    if upload is not None and upload.form is not None and upload.field in {
            f.data_key or name for name, f in schema_instance(upload.form).fields.items()}:
        raise TypeError(f"{rule}: the form field {upload.field!r} is the file's part")
    if csv is not None and query is not None and formats.FORMAT_PARAMETER in {
            f.data_key or name for name, f in schema_instance(query).fields.items()}:
        raise TypeError(f"{rule}: the query parameter {formats.FORMAT_PARAMETER!r} is reserved "
                        "for the answer's format on an endpoint with csv=")

    def register(view: Callable[[Call], Any]) -> Callable:
        spec = EndpointSpec(rule=(bp.url_prefix or "") + rule, method=method, auth=auth,
                            summary=summary, tags=tags, body=body, query=query,
                            response=response, status=status,
                            description=(view.__doc__ or "").strip(), errors=errors or [],
                            upload=upload, csv=csv, body_limit=body_limit, blueprint=bp)
        ENDPOINTS.append(spec)

        @wraps(view)
        def handle(**path_args):
            return _handle(spec, view, path_args)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[method])
        return view

    return register


@cache
def schema_instance(schema: type[Schema]) -> Schema:
    """One instance per schema class: building one costs far more than using it, and marshmallow
    schemas keep no per-call state."""
    return schema()


def _handle(spec: EndpointSpec, view: Callable[[Call], Any], path_args: dict) -> Response:
    pipeline: Pipeline = current_app.extensions["mockplatform"]["pipeline"]
    key = request.headers.get("Idempotency-Key") if spec.method == "POST" else None
    handler = _Handler(spec, view, path_args)
    answer = pipeline.run(
        Request(front=FRONT, operation=view.__name__, method=request.method, path=request.path,
                write=spec.method != "GET", idempotency_key=key or None,
                control_plane=spec.control_plane, test_helper=spec.test_helper), handler)
    if answer.error:
        response = Response(answer.text, status=answer.status, mimetype="application/json")
    else:
        response = _answer(spec, answer.status, answer.text, handler.format, path_args)
    for name, value in answer.headers.items():
        response.headers[name] = value
    return response


FRONT = "native"


class _Handler:
    """The native front's part of the pipeline for one request of ``spec``."""

    def __init__(self, spec: EndpointSpec, view: Callable[[Call], Any], path_args: dict):
        self.spec, self.view, self.path_args = spec, view, path_args
        self.format = formats.JSON
        self._loaded: tuple | None = None

    def authenticate(self, session: Session, settings: Settings, *, lock: bool) -> Access:
        return _authorise(self.spec, session, settings, self.path_args, lock=lock)

    def load(self) -> tuple[dict, Any]:
        if self._loaded is None:  # a read redone as a write loads once
            self._loaded = _load_input(self)
        return self._loaded

    def call(self, unit: Unit) -> Any:
        body, query, upload = unit.input
        call = Call(session=unit.session, settings=unit.settings, body=body, query=query,
                    path=self.path_args, ctx=unit.ctx, is_admin=unit.is_admin, upload=upload,
                    format=self.format)
        result = self.view(call)
        unit.ctx = call.ctx  # a view that creates (or deletes) a sandbox hands its context back
        return result

    def render(self, result: Any, unit: Unit) -> Answer:
        spec = self.spec
        payload = dumper(schema_instance(spec.response))(result) if spec.response else result
        return Answer(spec.status, jsoncodec.compact(payload))

    def replay(self, status: int, text: str) -> Answer:
        return Answer(status, text, {"Idempotent-Replayed": "true"})

    def render_error(self, error: MockplatformError) -> Answer:
        return Answer(error.status, envelope(error), dict(error.headers))


def _load_input(handler: _Handler) -> tuple[tuple[dict, dict, Upload | None], Any]:
    """The body, query and upload of the request, validated: ``((body, query, upload),
    fingerprint)``, the fingerprint being what an Idempotency-Key is bound to."""
    spec, path_args = handler.spec, handler.path_args
    upload = None
    if spec.upload:
        raw_body, body, upload = _upload_body(spec.upload)
    else:
        raw_body = _json_body(spec, current_app.extensions["mockplatform"]["settings"])
    _reject_unstorable(list(path_args.items()), "path")
    _reject_unstorable(list(request.args.items(multi=True)), "query")
    if not spec.upload:
        body = _load(spec.body, raw_body, "body") if spec.body else {}
    args = request.args
    if spec.csv:
        handler.format = formats.negotiate(spec.formats, args)
        args = formats.without_format(args)
    query = _load(spec.query, _query_args(spec.query, args), "query") if spec.query else {}
    if not spec.query and args:
        besides = f" other than {formats.FORMAT_PARAMETER!r}" if spec.csv else ""
        raise ValidationFailed(f"this endpoint takes no query parameters{besides}; got "
                               f"{sorted(args)}", details=[
            {"field": name, "location": "query", "message": "unknown parameter"}
            for name in sorted(args)])
    return (body, query, upload), raw_body


def _answer(spec: EndpointSpec, status: int, text: str, answer_format: str,
            path_args: dict) -> Response:
    """The JSON answer ``text``, or its rendering in the format the caller asked for."""
    if answer_format == formats.CSV:
        response = formats.csv_response(spec.csv, text, status, path_args)
    else:
        response = Response(text, status=status, mimetype="application/json")
    if spec.csv:
        response.vary.add("Accept")  # the same URL answers differently by Accept
    return response


# -- input ------------------------------------------------------------------------------------

def _json_body(spec: EndpointSpec, settings: Settings) -> Any:
    if not request.content_length and "chunked" not in request.headers.get(
            "Transfer-Encoding", "").lower():
        return {}  # no body at all: nothing to read (most GETs)
    data = bodies.read(settings, spec.body_limit)
    if not data.strip():
        return {}
    if spec.body is None:
        raise ValidationFailed("this endpoint takes no request body",
                               details=[{"field": "", "location": "body",
                                         "message": "unexpected request body"}])
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            f"send the body as JSON with Content-Type: application/json "
            f"(got {request.mimetype or 'no content type'!r})",
            details=[{"field": "Content-Type", "location": "header",
                      "message": "expected application/json"}])
    try:
        parsed = json.loads(data)
    except UnicodeDecodeError:
        raise InvalidRequest("request body is not UTF-8", code="malformed_json") from None
    except RecursionError:
        raise InvalidRequest("request body is not valid JSON we accept: it is nested too deeply",
                             code="malformed_json",
                             details=[{"field": "", "location": "body",
                                       "message": "nested too deeply"}]) from None
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"request body is not valid JSON: {exc.msg} at line {exc.lineno} "
                             f"column {exc.colno}", code="malformed_json",
                             details=[{"field": "", "location": "body", "message": exc.msg,
                                       "line": exc.lineno, "column": exc.colno}]) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise InvalidRequest("request body is not valid JSON we accept: a number has too many "
                             "digits", code="malformed_json",
                             details=[{"field": "", "location": "body",
                                       "message": "a number has too many digits"}]) from None
    if not isinstance(parsed, dict):
        raise ValidationFailed("request body must be a JSON object",
                               details=[{"field": "", "location": "body",
                                         "message": "expected a JSON object"}])
    # Only an escape (\u0000, \ud800) puts NUL or a surrogate in JSON text: without one, the
    # walk through every value (a million in a large snapshot) has nothing to find.
    if data[:4].count(0) or _UNSTORABLE_ESCAPE.search(data):
        _reject_unstorable([("", parsed)], "body")
    return parsed


# NUL cannot be stored in a PostgreSQL text or JSONB value, and an unpaired surrogate (a JSON
# "\ud800") cannot be encoded at all: refused up front, on both databases alike.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _reject_unstorable(values: list[tuple[str, Any]], location: str) -> None:
    """Refuse ``values`` (pairs of field name and value) if any text in them is unstorable."""
    details = []
    stack = list(values)
    while stack:  # not recursive: a body may be nested as deeply as the JSON parser allows
        path, item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                details.append({"field": path, "location": location, "message":
                                "must not contain NUL characters or unpaired surrogates"})
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                if _UNSTORABLE.search(str(key)):
                    details.append({"field": name, "location": location, "message":
                                    "names must not contain NUL characters or unpaired "
                                    "surrogates"})
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{index}" if path else str(index), child)
                         for index, child in enumerate(item))
    if details:
        details.sort(key=lambda d: d["field"])
        raise ValidationFailed(f"invalid {location}: " + "; ".join(
            f"{d['field']}: {d['message']}" for d in details[:5]), details=details)


def _upload_body(spec: UploadSpec) -> tuple[dict[str, Any], dict[str, Any], Upload]:
    """The file, and the other form fields loaded by ``spec.form``; the first value is what an
    Idempotency-Key is bound to (it stands where a JSON body would)."""
    upload, form, location = uploads.read_upload(spec)
    _reject_unstorable(list(form.items(multi=True)), "form")
    if location == "form":
        _reject_unstorable([(f"{spec.field}.filename", upload.filename or "")], "form")
    else:
        _reject_unstorable([("Content-Disposition", upload.filename or "")], "header")
    if spec.form:
        body = _load(spec.form, _query_args(spec.form, form), "form")
    elif form:
        raise ValidationFailed(f"this endpoint takes no form fields besides {spec.field!r}; got "
                               f"{sorted(form)}", details=[
            {"field": name, "location": "form", "message": "unknown field"}
            for name in sorted(form)])
    else:
        body = {}
    return uploads.request_fingerprint(upload, form), body, upload


def _query_args(schema: type[Schema], args: MultiDict) -> dict[str, Any]:
    """``args`` (query parameters or form fields) as ``schema`` loads them: a list for a List
    field, else the last value given."""
    list_fields = {f.data_key or name for name, f in schema_instance(schema).fields.items()
                   if isinstance(f, fields.List)}
    return {key: (args.getlist(key) if key in list_fields
                  else args.getlist(key)[-1]) for key in args}


def _load(schema: type[Schema], data: Any, location: str) -> dict[str, Any]:
    try:
        return schema_instance(schema).load(data)
    except ValidationError as exc:
        details = list(_flatten(exc.messages, location, schema_instance(schema)))
        summary = "; ".join(f"{d['field'] or location}: {d['message']}" for d in details[:5])
        raise ValidationFailed(f"invalid {location}: {summary}", details=details) from None


def _flatten(messages: Any, location: str, schema: Schema, path: tuple[str, ...] = ()):
    """marshmallow's nested error messages as one detail per bad field, ``a.0.b`` style."""
    if not isinstance(messages, dict):
        for message in messages if isinstance(messages, list) else [messages]:
            yield {"field": ".".join(path), "location": location, "message": str(message)}
        return
    for key, value in messages.items():
        field_path = path if key == "_schema" else (*path, str(key))
        if isinstance(value, dict):
            yield from _flatten(value, location, schema, field_path)
            continue
        for message in value if isinstance(value, list) else [value]:
            if isinstance(message, dict):
                yield from _flatten(message, location, schema, field_path)
                continue
            if message == "Unknown field.":
                message = _unknown_field_message(_schema_at(schema, path))
            yield {"field": ".".join(field_path), "location": location, "message": str(message)}


def _unknown_field_message(schema: Schema | None) -> str:
    if schema is None:
        return "unknown field"
    allowed = sorted(f.data_key or name for name, f in schema.fields.items() if not f.dump_only)
    return f"unknown field; expected one of: {', '.join(allowed)}"


def _schema_at(schema: Schema, path: tuple[str, ...]) -> Schema | None:
    """The nested schema that ``path`` (wire names, list indexes) leads to, if any."""
    for part in path:
        if part.isdigit():
            continue
        found = next((f for name, f in schema.fields.items() if (f.data_key or name) == part),
                     None)
        while isinstance(found, fields.List):
            found = found.inner
        if not isinstance(found, fields.Nested):
            return None
        schema = found.schema
    return schema


# -- who is calling -----------------------------------------------------------------------------

def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        if header:
            raise AuthenticationFailed("Authorization header must be 'Bearer <api key>'",
                                       code="invalid_authorization_header")
        return None
    return token.strip()


def _authorise(spec: EndpointSpec, session: Session, settings: Settings,
               path_args: dict, *, lock: bool) -> Access:
    """Who is calling, and the sandbox they act on (locked when ``lock``: a writing request).

    ``is_admin`` holds only for the admin token of a server that has one: where there is none,
    anyone may create and list sandboxes, but nobody is shown another sandbox's keys."""
    token = _bearer()
    admin_token = settings.admin_token
    is_admin = admin_token is not None and token == admin_token
    if spec.auth == PUBLIC:
        return Access(None, is_admin)
    if spec.auth in (ADMIN, SANDBOX_PATH_ADMIN) and admin_token is not None and not is_admin:
        raise AuthenticationFailed(
            "this call needs the admin token (the server has MOCKPLATFORM_ADMIN_TOKEN set)",
            code="admin_token_required")
    if spec.auth == ADMIN:
        if is_admin or token is None:
            return Access(None, is_admin)
        return Access(_sandbox_for_key(session, token, lock), False)
    if spec.auth in (SANDBOX_PATH, SANDBOX_PATH_ADMIN):
        sandbox_id = path_args["sandbox_id"]
        if is_admin:
            return Access(sandbox_service.get(session, sandbox_id, lock=lock), True)
        sandbox = _sandbox_for_key(session, token, lock)
        if sandbox.id != sandbox_id:
            # 404, not 403: a key must not tell whether another sandbox exists.
            raise SandboxNotFound(f"no sandbox {sandbox_id!r}")
        return Access(sandbox, False)
    if spec.auth == OPTIONAL_SANDBOX and token is None:
        return Access(None, False)
    return Access(_sandbox_for_key(session, token, lock), False)


def _sandbox_for_key(session: Session, token: str | None, lock: bool):
    if token is None:
        raise AuthenticationFailed("send the sandbox's api key as 'Authorization: Bearer <key>'")
    sandbox = sandbox_service.by_api_key(session, token, lock=lock)
    if sandbox is None:
        raise AuthenticationFailed("unknown api key; it may belong to a deleted sandbox",
                                   code="invalid_api_key")
    return sandbox


def request_id() -> str:
    return getattr(g, "request_id", "")
