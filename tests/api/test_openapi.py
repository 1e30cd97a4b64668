"""The OpenAPI document: valid OpenAPI 3, lists every route the app serves; the docs page loads."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from mockplatform.fronts.native.openapi import ordered_tags

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Fronts the native document does not describe: they speak a platform's wire format.
OTHER_FRONTS = ("lazada.",)


def _document(api) -> dict:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3(api):
    document = _document(api)

    assert document["openapi"].startswith("3.")
    validate(document)  # raises on any violation


def test_the_document_lists_exactly_the_routes_the_app_serves(app, api):
    served = {(method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
              for rule in app.url_map.iter_rules()
              if not rule.endpoint.startswith(OTHER_FRONTS)
              for method in rule.methods - IGNORED_METHODS}
    documented = {(method.upper(), path) for path, operations in _document(api)["paths"].items()
                  for method in operations}

    assert served == documented


def test_every_operation_documents_its_answers_and_errors(api):
    document = _document(api)
    operation_ids = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            operation_ids.append(operation["operationId"])
            assert operation["summary"] and operation["responses"], (method, path)
            if path.startswith("/api/v1/sandboxes/{sandbox_id}"):
                assert operation["security"] == [{"bearer": []}]
                assert {"401", "404"} <= set(operation["responses"]), (method, path)
            if method == "post" and "requestBody" in operation:
                headers = [p["name"] for p in operation.get("parameters", [])
                           if p["in"] == "header"]
                assert "Idempotency-Key" in headers, path
                assert {"400", "409", "413", "415"} <= set(operation["responses"]), path
    assert len(operation_ids) == len(set(operation_ids))
    error = document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    assert set(error) == {"type", "code", "message", "details", "request_id"}


def test_the_query_parameters_are_documented(api):
    events = _document(api)["paths"]["/api/v1/events"]["get"]

    names = {p["name"] for p in events["parameters"] if p["in"] == "query"}
    assert names == {"type", "subject", "order_id", "occurred_from", "occurred_to", "after",
                     "until", "limit", "format"}


def test_the_docs_page_and_its_assets_load(api):
    page = api.get("/api/docs")

    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        response = api.get(asset)
        assert response.status_code == 200, asset
        assert response.mimetype in ("text/css", "text/javascript", "application/javascript")
        assert len(response.data) > 1000
    assert '"/api/v1/openapi.json"' in html


def test_the_tags_put_sandboxes_and_the_clock_first(api):
    document = _document(api)
    names = [tag["name"] for tag in document["tags"]]
    used = {tag for operations in document["paths"].values()
            for operation in operations.values() for tag in operation["tags"]}

    assert names[:2] == ["sandboxes", "clock"]  # Swagger UI shows the groups in this order
    assert names[-1] == "meta"
    assert len(names) == len(set(names)) and set(names) == used
    assert all(tag["description"] for tag in document["tags"])


def test_a_tag_not_in_the_order_comes_after_the_listed_ones_and_before_meta():
    paths = {"/a": {"get": {"tags": ["meta"]}}, "/b": {"get": {"tags": ["zeta"]}},
             "/c": {"post": {"tags": ["orders"]}, "get": {"tags": ["alpha"]}},
             "/d": {"get": {"tags": ["sandboxes"]}}}

    assert [tag["name"] for tag in ordered_tags(paths)] == [
        "sandboxes", "orders", "zeta", "alpha", "meta"]
