"""The OpenAPI document, generated from the endpoint declarations and their marshmallow schemas,
and the interactive documentation page (Swagger UI, served from the bundled package)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, jsonify, send_from_directory

from mockplatform import __version__
from mockplatform.fronts.native import endpoint as ep
from mockplatform.fronts.native import formats, jsonschema
from mockplatform.fronts.native.uploads import UploadSpec

if TYPE_CHECKING:
    from apispec.ext.marshmallow import MarshmallowPlugin

bp = Blueprint("docs", __name__)

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {
        "type": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"}},
        "request_id": {"type": "string"}}}},
}
_STATUS_TEXT = {400: "Invalid input", 401: "Missing or unknown credentials",
                404: "Not found (or not visible to this key)", 409: "Conflict with the current state",
                413: "Body too large", 415: "Body is not JSON"}
_UPLOAD_STATUS_TEXT = {413: "File too large",
                       415: "Body is not multipart/form-data, or the file is not of a type taken"}
# The groups of the document in the order Swagger UI shows them: what a new user needs first
# (a sandbox, then its clock), then an order's life. A tag not listed here comes after these,
# and meta last.
TAGS = {
    "sandboxes": "Start here: create a sandbox; its api key is the bearer of every other call",
    "clock": "The sandbox's virtual clock, and the timers due on it",
    "faults": "Make the sandbox's API misbehave on purpose: latency, errors, rate limits, "
              "malformed answers, dropped connections",
    "journal": "What was called in the sandbox, on every front, and what it answered",
    "test_helpers": "Act as the buyer, the carrier or the test itself",
    "events": "Everything that happened in the sandbox, in order",
    "policies": "The policies the sandbox enforces, and its market's calendar",
    "products": "The seller's catalog",
    "buyers": "The sandbox's buyers",
    "orders": "Orders, the seller's actions and packages",
    "tracking": "Tracking events and reports",
    "ledger": "Fees, fines and settlements",
    "resale": "A failed delivery's second sale (Lazada), the return service and the Resale "
              "Overview",
    "aftersales": "Buyers' cancellation requests, refunds only and returns (TikTok Shop), the "
                  "return parcel and failed returns",
    "scenarios": "Named stories run in a sandbox in one request (fixtures/scenarios/), with "
                 "expectations on its summary, events and ledger",
    "webhooks": "Endpoints the sandbox pushes its events to (native, Lazada or TikTok Shop "
                "format), their deliveries, attempts and resend",
    "meta": "Liveness and this documentation",
}


DESCRIPTION = (
    "A marketplace sandbox with a controllable clock per sandbox. Text anywhere in a request "
    "(the body, its keys, the query, the path) must not contain NUL (U+0000) or an unpaired "
    "surrogate, which no database stores: such a request is a 400 naming the field.")


def build_spec() -> dict:
    """The document of the current app: the endpoints of the blueprints it serves."""
    from apispec import APISpec  # noqa: PLC0415 - only a document needs it (jsonschema.plugin)

    marshmallow = jsonschema.plugin()
    spec = APISpec(
        title="mockplatform", version=__version__, openapi_version="3.0.3",
        info={"description": DESCRIPTION}, plugins=[marshmallow])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    served = {id(blueprint) for blueprint in current_app.blueprints.values()}
    paths: dict[str, dict] = {}
    for e in ep.ENDPOINTS:
        if id(e.blueprint) not in served:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", e.rule)
        operation: dict = {"summary": e.summary, "tags": e.tags,
                           "operationId": f"{e.method.lower()}_{path.strip('/').replace('/', '_')}"
                           .replace("{", "").replace("}", "")}
        if e.description:
            operation["description"] = e.description
        if e.auth != ep.PUBLIC:
            operation["security"] = [{"bearer": []}]
        parameters = [{"in": "path", "name": name, "required": True,
                       "schema": jsonschema.PATH_PARAMETERS.get(name, jsonschema.TEXT)}
                      for name in re.findall(r"{([a-z_]+)}", path)]
        if e.query:
            parameters.append({"in": "query", "schema": e.query})
        if e.csv:
            parameters.append({
                "in": "query", "name": formats.FORMAT_PARAMETER, "required": False,
                "schema": {"type": "string", "enum": list(e.formats), "default": formats.JSON},
                "description": "the answer's format; without it, Accept: text/csv asks for CSV"})
        if e.method == "POST":
            parameters.append({"in": "header", "name": "Idempotency-Key", "required": False,
                               "schema": jsonschema.IDEMPOTENCY_KEY,
                               "description": "replays the first answer for 24 h of sandbox "
                                              "time; reused with another body is a 409"})
        if parameters:
            operation["parameters"] = parameters
        if e.body:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": e.body}}}
        if e.upload:
            operation["requestBody"] = _upload_body(e.upload, marshmallow)
        responses = {str(e.status): _success(e)}
        codes = {400} | ({401, 404} if e.auth != ep.PUBLIC else set()) | set(e.errors)
        if e.body:  # a POST's Idempotency-Key reused with another body is a 409
            codes |= {413, 415} | ({409} if e.method == "POST" else set())
        if e.upload:
            codes |= {413, 415} | ({409} if e.method == "POST" else set())
        status_text = {**_STATUS_TEXT, **(_UPLOAD_STATUS_TEXT if e.upload else {})}
        for code in sorted(codes):
            responses[str(code)] = {"description": status_text.get(code, "Error"), "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        operation["responses"] = responses
        paths.setdefault(path, {})[e.method.lower()] = operation
    paths.update(_DOCUMENTATION_PATHS)
    for tag in ordered_tags(paths):
        spec.tag(tag)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def ordered_tags(paths: dict[str, dict]) -> list[dict]:
    """The tags the operations use, in the order of TAGS (Swagger UI's order of groups)."""
    used = dict.fromkeys(tag for operations in paths.values()
                         for operation in operations.values() for tag in operation["tags"])
    rank = {name: i for i, name in enumerate(TAGS)}
    ordered = sorted(used, key=lambda tag: (tag == "meta", rank.get(tag, len(TAGS))))
    return [{"name": tag, **({"description": TAGS[tag]} if tag in TAGS else {})}
            for tag in ordered]


def _success(e: ep.EndpointSpec) -> dict:
    content = {"application/json": {"schema": e.response}} if e.response else {}
    if not e.csv:
        return {"description": "OK", "content": content} if content else {"description": "OK"}
    content[formats.MEDIA_TYPES[formats.CSV]] = {"schema": {
        "type": "string", "description": f"columns: {', '.join(e.csv.columns)}"}}
    return {"description": "OK; CSV (UTF-8, a header row) when asked for", "content": content,
            "headers": {"Content-Disposition": {
                "description": "attachment; filename=... (CSV answers only)",
                "schema": {"type": "string"}}}}


def _upload_body(upload: UploadSpec, marshmallow: MarshmallowPlugin) -> dict:
    """A multipart body with the file part beside the form's fields, and, if the endpoint takes
    one, the file itself as the body."""
    form = (marshmallow.converter.schema2jsonschema(upload.form) if upload.form
            else {"type": "object", "properties": {}})
    file_part = {"type": "string", "format": "binary",
                 "description": f"UTF-8 text, at most {upload.max_bytes} bytes"}
    multipart = {**form, "properties": {upload.field: file_part, **form["properties"]},
                 "required": sorted({upload.field, *form.get("required", [])})}
    content = {"multipart/form-data": {
        "schema": multipart,
        "encoding": {upload.field: {"contentType": ", ".join(upload.content_types)}}}}
    if upload.raw_body:
        for media_type in upload.content_types:
            content[media_type] = {"schema": {"type": "string", "format": "binary"}}
    body = {"required": True, "content": content}
    if upload.description:
        body["description"] = upload.description
    return body


# The routes of this module, which serve the documentation rather than the API, so that the
# document lists every route the app serves.
_DOCUMENTATION_PATHS = {
    "/api/v1/openapi.json": {"get": {
        "summary": "This OpenAPI document", "tags": ["meta"], "operationId": "get_openapi",
        "responses": {"200": {"description": "OpenAPI 3 document", "content": {
            "application/json": {"schema": {"type": "object"}}}}}}},
    "/api/docs": {"get": {
        "summary": "Interactive documentation (Swagger UI)", "tags": ["meta"],
        "operationId": "get_docs", "responses": {"200": {"description": "HTML page", "content": {
            "text/html": {"schema": {"type": "string"}}}}}}},
    "/api/docs/static/{filename}": {"get": {
        "summary": "Scripts and stylesheets of the documentation page", "tags": ["meta"],
        "operationId": "get_docs_static",
        "parameters": [{"in": "path", "name": "filename", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The asset"},
                      "404": {"description": "No such asset", "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/Error"}}}}}}},
}


@bp.get("/api/v1/openapi.json")
def openapi_json():
    state = current_app.extensions["mockplatform"]
    if "openapi" not in state:
        state["openapi"] = build_spec()
    return jsonify(state["openapi"])


DOCS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>mockplatform API</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#docs",
  persistAuthorization: true});</script></body></html>"""


@bp.get("/api/docs")
def docs_page():
    return Response(DOCS_PAGE, mimetype="text/html")


@bp.get("/api/docs/static/<path:filename>")
def docs_static(filename: str):
    import swagger_ui_bundle  # noqa: PLC0415 - only the docs page's assets need it

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
