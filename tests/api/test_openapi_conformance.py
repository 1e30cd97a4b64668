"""The OpenAPI document is exactly as strict as the server, checked by schemathesis.

For every operation of the document, a bounded, derandomized property-based run against the app:

- positive mode (requests the document calls valid, with the sandbox's own key and, where the
  path names one, a real order, product, SKU, buyer or package of a seeded sandbox): no 5xx, the
  answer matches the document (status, content type, headers, body schema), and no 400 unless
  it names a rule that JSON Schema cannot state and the document states in words
  (``RULES_IN_WORDS``: a range between two fields, the sandbox's clock, an opaque cursor);
- negative mode (requests the document calls invalid): no 5xx, and the answer matches the
  document.

Examples per operation: ``MOCKPLATFORM_CONFORMANCE_EXAMPLES`` (default 20 positive, half as
many negative); the same examples every run (derandomized), so a failure reproduces.
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockplatform.app import create_app
from mockplatform.settings import Settings

EXAMPLES = int(os.environ.get("MOCKPLATFORM_CONFORMANCE_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]

# Rules the server applies that JSON Schema (OpenAPI 3.0) cannot state: each is said in words in
# the document and answered with a 400 naming the field. Operation -> (field, message pattern).
_RANGE = [("created_before", "must not be before"), ("updated_before", "must not be before")]
RULES_IN_WORDS: dict[str, list[tuple[str, str]]] = {
    "GET /api/v1/orders": [*_RANGE, ("after", "not a cursor of this list"),
                           ("platform_status", "only a tiktok_shop sandbox")],
    "GET /api/v1/resale/items": [("relisted_to", "must not be before"),
                                 ("exited_to", "must not be before")],
    "POST /api/v1/sandboxes/{sandbox_id}/clock/advance": [("by", "would move the clock to")],
    "POST /api/v1/sandboxes": [(r"policy_overrides\..*", "")],  # by GET /policies of its profile
    "POST /api/v1/products": [("skus", "seller_sku repeated")],
    "POST /api/v1/test_helpers/packages/{package_id}/fail_next_attempt": [
        ("reason", "is not one of this sandbox's delivery.failure_reasons")],
    "GET /api/v1/sandboxes": [("after", "expected a sandbox id")],
    # A scenario is a language of its own (the step table), checked on load as the document
    # says: each problem named by its path in the scenario, or in params.
    "POST /api/v1/sandboxes/{sandbox_id}/scenarios/run": [(".*", "")],
    "POST /api/v1/sandboxes/restore": [("snapshot", "expected a document made by")],
    "GET /api/v1/policies": [("platform", "the sandbox's own platform"),
                             ("market", "the sandbox's own platform")],
    "POST /api/v1/sandboxes/{sandbox_id}/faults": [("when.until", "must be after 'from'")],
    "PUT /api/v1/sandboxes/{sandbox_id}/faults": [(r"rules\.\d+\.when\.until",
                                                   "must be after 'from'")],
    "GET /api/v1/sandboxes/{sandbox_id}/journal": [("to", "must be after 'from'")],
    "GET /api/v1/calendar": [("to", "at most 3660 days after"), ("to", "must not be before")],
    "GET /api/v1/tracking/reports": [("to", "must be after from"), ("to", "at most")],
    "GET /api/v1/resale/overview": [("to", "must be after from"), ("to", "at most"),
                                    ("to", "required with from"), ("from", "required with to"),
                                    ("period", "either period or from and to")],
    "POST /api/v1/test_helpers/timers": [("at", "is before the sandbox's now"),
                                         ("repeat_every", "would make repetition")],
    "POST /api/v1/test_helpers/ledger/entries": [
        ("amount", "an adjustment must not be zero"), ("amount", "a .* is always a"),
        ("amount", ".* amounts have"), ("amount", "converts to"),
        ("currency", "the sandbox's rate table has no rate")],
    "POST /api/v1/test_helpers/ledger/settleable": [
        ("amount", "a .* is always a"), ("amount", ".* amounts have"), ("amount", "converts to")],
    "GET /api/v1/ledger": [("occurred_before", "must not be before")],
    "GET /api/v1/events": [("occurred_to", "must not be before"),
                           ("subject", "give subject or order_id, not both"),
                           ("subject", "at most 20 subjects")],  # counted after the commas
    "GET /api/v1/orders/{order_id}/timeline": [("occurred_to", "must not be before")],
    # a type the sandbox's profile does not offer (a reshipment on Lazada)
    "POST /api/v1/test_helpers/aftersales/requests": [("type", "expected one of")],
    "GET /api/v1/calendar/deadline": [("duration", "a .* duration must be a whole number")],
    # a file of any bytes is a "binary" string to the document: the server takes UTF-8 text
    # of tracking numbers, one a line
    "POST /api/v1/tracking/reports/upload": [
        ("file|", r"must be a file part|not a CSV/text file|the file is empty|line \d+: ")],
    # webhook endpoints: the URL's scheme and host, patterns against the event catalogue and
    # the format, the secret's characters (all stated in the fields' descriptions)
    "POST /api/v1/sandboxes/{sandbox_id}/webhook_endpoints": [
        ("url", "http:// or https://|spaces or control"), (r"event_types(\[\d+\])?", "matches no"),
        ("secret", "printable ASCII")],
    "PATCH /api/v1/sandboxes/{sandbox_id}/webhook_endpoints/{endpoint_id}": [
        ("url", "http:// or https://|spaces or control"), (r"event_types(\[\d+\])?", "matches no")],
}
# Seeding is bounded in this run: the document allows 10,000 of each a call.
SEED_CAP = 5


def _document() -> dict:
    app = create_app(Settings(database_url="sqlite://"))
    return app.test_client().get("/api/v1/openapi.json").get_json()


SCHEMA = schemathesis.openapi.from_dict(_document())
SCHEMA.config.generation.update(allow_x00=False, codec="utf-8")
OPERATIONS = {f"{op.method.upper()} {op.path}": op
              for op in (result.ok() for result in SCHEMA.get_all_operations())
              if op.path.startswith("/api/v1/") and op.path != "/api/v1/openapi.json"}


def _sandbox(api, wanted: set[str]) -> tuple[dict, dict]:
    sandbox, sbx = api.create_sandbox(seed=11)
    seeded = sbx.post("/api/v1/test_helpers/seed", json={
        "products": 2, "orders": 4, "fulfilment": {"pending": 1, "packed": 1,
                                                   "ready_to_ship": 2}})
    assert seeded.status_code == 201, seeded.get_json()
    order = sbx.get("/api/v1/orders?limit=1&status=ready_to_ship").get_json()["data"][0]
    product = sbx.get("/api/v1/products?limit=1").get_json()["data"][0]
    item = order["items"][0]
    ids = {"sandbox_id": sandbox["id"], "order_id": str(order["order_id"]),
           "order_item_id": str(item["order_item_id"]),
           "item_id": str(product["item_id"]), "sku_id": str(product["skus"][0]["sku_id"]),
           "buyer_id": str(order["buyer_id"]), "package_id": item["package_id"],
           "tracking_number": item["tracking_code"],
           # No such after-sales request in the Lazada sandbox: a 404.
           "aftersales_id": "600000000000001",
           "name": "failed_delivery_then_resold",  # a shipped scenario
           "rule_id": "flt_1"}  # no such rule: its DELETE is a 404
    if wanted & {"endpoint_id", "delivery_id"}:
        ids.update(_webhook_delivery(sbx, sandbox))
    if "resale_item_id" in wanted:
        ids["resale_item_id"] = _listed_resale_item(sbx, sandbox, product["skus"][0]["sku_id"])
    return sandbox, ids


def _webhook_delivery(sbx, sandbox: dict) -> dict:
    """An endpoint (to a port nobody listens on) and a delivery of one event to it."""
    base = f"/api/v1/sandboxes/{sandbox['id']}"
    endpoint = sbx.post(f"{base}/webhook_endpoints", json={"url": "http://127.0.0.1:9/"})
    assert endpoint.status_code == 201, endpoint.get_json()
    assert sbx.post("/api/v1/test_helpers/timers", json={"label": "x", "delay": 0}).status_code \
        < 300
    delivery = sbx.get(f"{base}/webhook_deliveries").get_json()["data"][0]
    return {"endpoint_id": endpoint.get_json()["id"], "delivery_id": delivery["id"]}


def _listed_resale_item(sbx, sandbox: dict, sku_id: int) -> str:
    """A unit whose delivery failed, relisted: what the resale operations act on."""
    placed = sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": sku_id}], "buyer": {"address1": "FAIL:recipient_absent"}})
    assert placed.status_code == 201, placed.get_json()
    order_id = placed.get_json()["order_id"]
    for action in ("pack", "ready_to_ship"):
        assert sbx.post(f"/api/v1/orders/{order_id}/{action}", json={}).status_code < 300
    advanced = sbx.post(f"/api/v1/sandboxes/{sandbox['id']}/clock/advance",
                        json={"by": "P20D"})
    assert advanced.status_code == 200, advanced.get_json()
    [unit] = sbx.get(f"/api/v1/resale/items?order_id={order_id}").get_json()["data"]
    assert unit["state"] == "listed", unit
    return str(unit["resale_item_id"])


def _bounded(case) -> None:
    """Keep a seeding case small (see SEED_CAP)."""
    if isinstance(case.body, dict) and case.path.endswith("/test_helpers/seed"):
        for name in ("products", "buyers", "orders"):
            if isinstance(case.body.get(name), int) and case.body[name] > SEED_CAP:
                case.body[name] = SEED_CAP


def _refusal_allowed(label: str, response) -> bool:
    """A 400 to a schema-valid request is allowed only for a rule the document states in
    words (RULES_IN_WORDS), every detail of it."""
    error = response.json()["error"]
    if error["code"].startswith("unknown_"):  # names something the sandbox does not have
        return True
    rules = RULES_IN_WORDS.get(label, [])
    return bool(error["details"]) and all(
        any(re.fullmatch(field, d["field"], re.S) and re.search(pattern, d["message"])
            for field, pattern in rules)
        for d in error["details"])


def _run(app, label: str, mode: GenerationMode, path: dict, key: str, examples: int):
    operation = OPERATIONS[label]
    failures: list[str] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path,
                                      headers={"Authorization": f"Bearer {key}"}))
    def check(case):
        _bounded(case)
        response = case.call(app=app)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as exc:  # schemathesis raises a group of its failures
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{case.as_curl_command()}\n  -> {response.status_code}: "
                            f"{str(exc)[:800]}")
            return
        if (mode is GenerationMode.POSITIVE and response.status_code == 400
                and not _refusal_allowed(label, response)):
            failures.append(f"{case.as_curl_command()}\n  -> refused a schema-valid request: "
                            f"{response.text[:500]}")

    try:
        check()
    except Unsatisfiable:
        # nothing the document calls invalid can be sent (no parameter, no body)
        if mode is GenerationMode.POSITIVE:
            raise
    return failures


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_document_is_as_strict_as_the_server(label, app, api):
    wanted = set(re.findall(r"{([a-z_]+)}", OPERATIONS[label].path))
    sandbox, ids = _sandbox(api, wanted)
    key = sandbox["credentials"]["api_key"]
    positive = _run(app, label, GenerationMode.POSITIVE,
                    {name: ids[name] for name in wanted}, key, EXAMPLES)
    negative = _run(app, label, GenerationMode.NEGATIVE,
                    {"sandbox_id": ids["sandbox_id"]} if "sandbox_id" in wanted else {}, key,
                    max(1, EXAMPLES // 2))
    failures = positive + negative
    assert not failures, f"{len(failures)} failures, the first:\n" + "\n\n".join(failures[:3])
