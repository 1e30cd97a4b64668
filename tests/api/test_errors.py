"""Bad input is a precise 4xx in the error envelope, never a 500; every answer has a request id."""

from __future__ import annotations

import logging

import pytest

from mockplatform.app import create_app
from tests.api.support import assert_error

SANDBOXES = "/api/v1/sandboxes"
VALID = {"platform": "lazada", "market": "MY"}


def _post_raw(api, path: str, data, content_type: str | None = "application/json"):
    headers = {"Content-Type": content_type} if content_type else {}
    return api.http.post(path, data=data, headers={
        **headers, **({"Authorization": f"Bearer {api.token}"} if api.token else {})})


# -- bodies ---------------------------------------------------------------------------------------

def test_malformed_json_is_a_400_with_line_and_column(api):
    response = _post_raw(api, SANDBOXES, '{"platform": "lazada",\n "market": }')

    error = assert_error(response, 400, "malformed_json", field="", location="body")
    assert "line 2 column 12" in error["message"]
    assert (error["details"][0]["line"], error["details"][0]["column"]) == (2, 12)


@pytest.mark.parametrize("data", [b"\xff\xfe{}", "[" * 100_000, '{"a": ' * 50_000])
def test_undecodable_or_absurdly_nested_json_is_a_400(api, data):
    assert_error(_post_raw(api, SANDBOXES, data), 400, "malformed_json")


@pytest.mark.parametrize("data", ["[1, 2]", '"lazada"', "42", "null"])
def test_a_body_that_is_not_an_object_is_a_400(api, data):
    assert_error(_post_raw(api, SANDBOXES, data), 400, "validation_failed", field="",
                 location="body")


def test_wrong_types_name_each_field(api):
    response = api.post(SANDBOXES, json={"platform": 1, "market": "MY", "seed": "7",
                                         "clock_speed": "fast", "policy_overrides": []})

    error = assert_error(response, 400, "validation_failed")
    assert sorted(d["field"] for d in error["details"]) == [
        "clock_speed", "platform", "policy_overrides", "seed"]
    assert all(d["location"] == "body" for d in error["details"])


def test_an_unknown_field_lists_the_expected_fields(api):
    response = api.post(SANDBOXES, json={**VALID, "plattform": "lazada"})

    error = assert_error(response, 400, "validation_failed", field="plattform")
    expected = ("calendar_overrides, clock_mode, clock_speed, market, name, platform, "
                "policy_overrides, seed, start_at")
    assert error["details"][0]["message"] == f"unknown field; expected one of: {expected}"
    assert expected in error["message"]


def test_nested_errors_are_named_one_detail_per_field(api):
    response = api.post(SANDBOXES, json={**VALID, "calendar_overrides": [
        {"date": "2026-01-06", "working": True},
        {"date": "not a date", "holiday": True}]})

    error = assert_error(response, 400, "validation_failed")
    by_field = {d["field"]: d["message"] for d in error["details"]}
    assert set(by_field) == {"calendar_overrides.1.date", "calendar_overrides.1.working",
                             "calendar_overrides.1.holiday"}
    assert by_field["calendar_overrides.1.holiday"] == \
        "unknown field; expected one of: date, name, working"
    assert all(isinstance(message, str) for message in by_field.values())


def test_missing_required_fields_are_named(api):
    error = assert_error(api.post(SANDBOXES, json={}), 400, "validation_failed")

    assert sorted(d["field"] for d in error["details"]) == ["market", "platform"]


def test_a_body_over_the_limit_is_a_413(api, settings):
    response = api.post(SANDBOXES, json={**VALID, "name": "x" * settings.max_body_bytes})

    error = assert_error(response, 413, "payload_too_large")
    assert str(settings.max_body_bytes) in error["message"]


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "application/vnd.api+json", None])
def test_a_body_that_is_not_json_is_a_415(api, content_type):
    response = _post_raw(api, SANDBOXES, '{"platform": "lazada", "market": "MY"}',
                         content_type)

    assert_error(response, 415, "unsupported_media_type", field="Content-Type",
                 location="header")


def test_json_with_a_charset_is_json(api):
    response = _post_raw(api, SANDBOXES, '{"platform": "lazada", "market": "MY"}',
                         "application/json; charset=utf-8")

    assert response.status_code == 201


def test_a_body_where_none_is_taken_is_a_400(sbx):
    assert_error(sbx.post(f"{sbx.base}/clock/freeze", json={"at": "now"}), 400,
                 "validation_failed", location="body")
    assert_error(sbx.request("GET", "/api/v1/events", json={"limit": 1}), 400,
                 "validation_failed", location="body")


@pytest.mark.parametrize("spec", [
    {"name": "a\u0000b"}, {"policy_overrides": {"order.rts\u0000": "PT1H"}},
    {"name": "\ud800"}])
def test_text_no_database_can_store_is_a_400_on_every_database(api, spec):
    response = api.post(SANDBOXES, json={**VALID, **spec})

    assert_error(response, 400, "validation_failed", location="body")


def test_nul_in_a_query_or_header_is_a_400(sbx):
    assert_error(sbx.get("/api/v1/events?type=a%00b"), 400, "validation_failed", field="type",
                 location="query")
    assert_error(sbx.get(f"{sbx.base}/timers?kind=a%00b"), 400, "validation_failed",
                 field="kind", location="query")
    assert_error(sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"},
                          headers={"Idempotency-Key": "a\u0000b"}),
                 400, "validation_failed", field="Idempotency-Key", location="header")


# -- routes, methods, query ------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/nope"), ("POST", "/api/v1/ordersx"), ("GET", "/nope"),
    ("GET", "/static/app.js"), ("GET", "/api/docs/static/nope.js"),
    ("GET", "/api/v1/sandboxes/sbx_1/clock/rewind")])
def test_an_unknown_route_is_a_404_route_not_found(api, method, path):
    error = assert_error(api.request(method, path), 404, "route_not_found")

    assert path in error["message"]


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", SANDBOXES, "GET, POST"),
    ("PATCH", "/api/v1/sandboxes/sbx_1", "DELETE, GET"),
    ("GET", "/api/v1/sandboxes/sbx_1/clock/advance", "POST"),
    ("DELETE", "/api/v1/events", "GET"),
    ("POST", "/api/v1/openapi.json", "GET"),
])
def test_a_wrong_method_is_a_405_with_an_allow_header(api, method, path, allowed):
    response = api.request(method, path)

    error = assert_error(response, 405, "method_not_allowed", field="method")
    assert response.headers["Allow"] == allowed
    assert error["details"][0]["allowed"] == allowed.split(", ")


@pytest.mark.parametrize("path", ["/clock?verbose=1", "/timers?sort=desc"])
def test_an_unknown_query_parameter_is_a_400(sbx, path):
    name = path.split("?")[1].split("=")[0]

    assert_error(sbx.get(f"{sbx.base}{path}"), 400, "validation_failed", field=name,
                 location="query")


def test_unknown_query_parameters_are_refused_beside_known_ones(sbx):
    error = assert_error(sbx.get("/api/v1/events?limit=5&cursor=evt_00000001"), 400,
                         "validation_failed", field="cursor", location="query")

    assert "after, limit, occurred_from, occurred_to, order_id, subject, type, until" in \
        error["details"][0]["message"]


# -- timestamps ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "body", "field"), [
    (SANDBOXES, {**VALID, "start_at": "2026-01-05T09:00:00"}, "start_at"),
    ("/clock/advance", {"to": "2026-01-06T09:00:00"}, "to"),
    ("/api/v1/test_helpers/timers", {"label": "x", "at": "2026-01-06T09:00:00"}, "at"),
])
def test_a_naive_timestamp_is_a_400_naming_the_field(api, sbx, path, body, field):
    caller = api if path == SANDBOXES else sbx
    url = f"{sbx.base}{path}" if path.startswith("/clock") else path

    error = assert_error(caller.post(url, json=body), 400, "validation_failed", field=field)

    assert "offset" in error["details"][0]["message"]


def test_a_naive_timestamp_in_a_query_is_a_400(sbx):
    assert_error(sbx.get("/api/v1/calendar/deadline?from=2026-01-05T09:00:00&duration=PT1H"
                         "&kind=hours"), 400, "validation_failed", field="from",
                 location="query")


@pytest.mark.parametrize("value", [
    "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00", "7000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z", "tomorrow", 1767571200])
def test_a_timestamp_out_of_range_or_malformed_is_a_400(sbx, value):
    assert_error(sbx.post(f"{sbx.base}/clock/advance", json={"to": value}), 400,
                 "validation_failed", field="to")
    assert_error(sbx.post("/api/v1/test_helpers/timers", json={"label": "x", "at": value}),
                 400, "validation_failed", field="at")
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == "2026-01-05T01:00:00+00:00"


# -- request ids and unexpected errors --------------------------------------------------------

def test_every_answer_carries_a_request_id(api, sbx):
    responses = [
        api.get("/healthz"), sbx.get(sbx.base), api.post(SANDBOXES, json={}),
        api.get("/api/v1/nope"), api.request("PUT", SANDBOXES), api.get("/api/v1/events"),
        api.get("/api/v1/openapi.json"), api.get("/api/docs"),
        sbx.post(f"{sbx.base}/clock/advance", json={"by": "-PT1H"})]

    ids = [response.headers.get("X-Request-Id") for response in responses]
    assert all(ids) and len(set(ids)) == len(ids)


def test_an_incoming_request_id_is_echoed(api):
    response = api.get("/api/v1/nope", headers={"X-Request-Id": "ci-job-42"})

    assert response.headers["X-Request-Id"] == "ci-job-42"
    assert response.get_json()["error"]["request_id"] == "ci-job-42"


def test_an_unexpected_exception_is_a_500_whose_request_id_is_logged(settings, store, caplog):
    app = create_app(settings, store=store)

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR, logger="mockplatform"):
        response = app.test_client().get("/boom")

    error = assert_error(response, 500, "internal_error")
    assert error["type"] == "api_error"
    assert "kaboom" not in response.get_data(as_text=True)
    request_id = error["request_id"]
    assert request_id in error["message"]
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError
