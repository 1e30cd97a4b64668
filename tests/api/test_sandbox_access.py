"""Sandboxes over HTTP: isolation (a key never reaches another sandbox) and authentication (the
bearer key on every sandbox route, and the admin token for managing sandboxes)."""

from __future__ import annotations

import pytest

from mockplatform.store.models import Sandbox
from tests.api.sandbox_support import SANDBOXES, count_rows, events_of, timer
from tests.api.support import ADMIN_TOKEN, AdminServer, assert_error

# -- isolation and authentication --------------------------------------------------------------

# A valid body where a route needs one, so that only the key decides the answer.
_BODIES = {"/clock/advance": {"by": "PT1H"}, "/clock/run": {"speed": 2}}


def _sandbox_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "<sandbox_id>" in rule.rule:
            routes += [(method, rule.rule) for method in sorted(rule.methods - {"HEAD",
                                                                                  "OPTIONS"})]
    return routes


def _call(caller, method: str, rule: str, sandbox_id: str):
    path = rule.replace("<sandbox_id>", sandbox_id)
    body = next((b for suffix, b in _BODIES.items() if rule.endswith(suffix)), None)
    return caller.request(method, path, json=body)


def test_every_sandbox_route_is_covered_here(app):
    routes = {rule.rsplit("<sandbox_id>", 1)[1] or "/" for _, rule in _sandbox_routes(app)}
    assert routes >= {"/", "/reset", "/snapshot", "/clock", "/clock/advance", "/clock/freeze",
                      "/clock/run", "/timers"}


def test_a_key_never_reads_or_changes_another_sandbox_it_gets_404(app, api, store):
    a_body, a = api.create_sandbox(name="a")
    b_body, b = api.create_sandbox(name="b", seed=9)
    b_base = f"{SANDBOXES}/{b_body['id']}"
    timer(b, "b-timer", delay="PT1H")
    b_before = (b.get(b_base).get_data(), b.get(f"{b_base}/timers").get_data(),
                b.get("/api/v1/events").get_data())

    for method, rule in _sandbox_routes(app):
        response = _call(a, method, rule, b_body["id"])
        error = assert_error(response, 404, "sandbox_not_found")
        # The same answer as for a sandbox that does not exist: nothing tells B exists.
        missing = _call(a, method, rule, "sbx_00000000000000000000")
        assert assert_error(missing, 404, "sandbox_not_found")["message"] == \
            error["message"].replace(b_body["id"], "sbx_00000000000000000000")

    assert (b.get(b_base).get_data(), b.get(f"{b_base}/timers").get_data(),
            b.get("/api/v1/events").get_data()) == b_before
    assert count_rows(store, Sandbox, id=b_body["id"]) == 1
    assert all(e["subject"] != b_body["id"] for e in events_of(a))
    assert a.get("/api/v1/sandbox").get_json()["id"] == a_body["id"]


@pytest.mark.parametrize(("headers", "code"), [
    ({}, "authentication_required"),
    ({"Authorization": "Bearer mp_test_unknown"}, "invalid_api_key"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "invalid_authorization_header"),
    ({"Authorization": "Bearer "}, "invalid_authorization_header"),
])
def test_a_missing_or_invalid_bearer_is_a_401_on_every_sandbox_route(app, api, sbx, headers,
                                                                      code):
    calls = [(method, rule.replace("<sandbox_id>", sbx.sandbox["id"]),
              next((b for suffix, b in _BODIES.items() if rule.endswith(suffix)), None))
             for method, rule in _sandbox_routes(app)]
    calls += [("GET", "/api/v1/events", None), ("GET", "/api/v1/sandbox", None),
              ("POST", "/api/v1/test_helpers/timers", {"label": "x", "delay": "PT1H"}),
              ("GET", "/api/v1/calendar?from=2026-01-01&to=2026-01-31", None),
              ("GET", "/api/v1/calendar/deadline?from=2026-01-05T00:00:00Z&duration=P1D"
                      "&kind=working_days", None)]
    for method, path, body in calls:
        assert_error(api.request(method, path, json=body, headers=headers), 401, code)
    assert sbx.get(sbx.base).status_code == 200  # nothing was deleted or reset


# -- admin token ---------------------------------------------------------------------------------

@pytest.fixture
def admin_server():
    server = AdminServer()
    yield server
    server.close()


def test_with_an_admin_token_creating_listing_restoring_and_deleting_need_it(admin_server):
    anonymous, admin = admin_server.anonymous, admin_server.admin
    spec = {"platform": "lazada", "market": "MY"}

    assert_error(anonymous.post(SANDBOXES, json=spec), 401, "admin_token_required")
    assert_error(anonymous.as_("wrong").post(SANDBOXES, json=spec), 401, "admin_token_required")
    created = admin.post(SANDBOXES, json=spec)
    assert created.status_code == 201
    body = created.get_json()
    own = anonymous.as_(body["credentials"]["api_key"])
    base = f"{SANDBOXES}/{body['id']}"

    # Sandbox management is the admin's, even with the sandbox's own key.
    for caller in (anonymous, own):
        assert_error(caller.get(SANDBOXES), 401, "admin_token_required")
        assert_error(caller.post(SANDBOXES, json=spec), 401, "admin_token_required")
        assert_error(caller.delete(base), 401, "admin_token_required")
    snapshot = own.post(f"{base}/snapshot").get_json()
    assert_error(own.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot}), 401,
                 "admin_token_required")

    # The sandbox's own key still drives its own clock, timers, reset and snapshot.
    assert own.get(base).status_code == 200
    assert own.post(f"{base}/clock/advance", json={"by": "PT1H"}).status_code == 200
    assert own.get(f"{base}/clock").get_json()["now"] == "2026-01-05T02:00:00+00:00"
    assert own.post("/api/v1/test_helpers/timers",
                    json={"label": "x", "delay": "PT1H"}).status_code == 201
    assert own.get(f"{base}/timers").status_code == 200
    assert own.post(f"{base}/reset").status_code == 200

    # The admin token lists, reads, restores and deletes.
    listed = admin.get(f"{SANDBOXES}?limit=100").get_json()
    assert listed["object"] == "list"
    assert admin.get(base).get_json()["id"] == body["id"]
    restored = admin.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot})
    assert restored.status_code == 201
    assert admin.delete(base).status_code == 200
    assert admin.delete(f"{SANDBOXES}/{restored.get_json()['id']}").status_code == 200
    assert_error(admin.get(base), 404, "sandbox_not_found")
    assert ADMIN_TOKEN not in created.get_data(as_text=True)


def test_with_an_admin_token_another_sandboxs_key_still_gets_404(admin_server):
    admin = admin_server.admin
    a = admin.post(SANDBOXES, json={"platform": "lazada", "market": "MY"}).get_json()
    b = admin.post(SANDBOXES, json={"platform": "lazada", "market": "MY"}).get_json()
    a_key = admin_server.anonymous.as_(a["credentials"]["api_key"])

    assert_error(a_key.get(f"{SANDBOXES}/{b['id']}/clock"), 404, "sandbox_not_found")
    assert_error(a_key.post(f"{SANDBOXES}/{b['id']}/reset"), 404, "sandbox_not_found")
    assert a_key.get(f"{SANDBOXES}/{a['id']}").status_code == 200
