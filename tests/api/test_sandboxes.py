"""Sandboxes over HTTP: create, get, list, delete, reset, snapshot/restore, isolation, auth."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from mockplatform.store.models import Event, IdempotencyRecord, Sandbox, Timer
from tests.api.support import ADMIN_TOKEN, AdminServer, assert_error

SANDBOXES = "/api/v1/sandboxes"


def _timer(sbx, label: str = "t", **spec) -> dict:
    response = sbx.post("/api/v1/test_helpers/timers", json={"label": label, **spec})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _events(sbx, query: str = "") -> list[dict]:
    response = sbx.get(f"/api/v1/events{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _count(store, model, **where) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


# -- create -------------------------------------------------------------------------------------

def test_create_takes_every_setting_and_answers_with_id_key_and_lazada_credentials(api):
    response = api.post(SANDBOXES, json={
        "name": "checkout suite", "platform": "tiktok_shop", "market": "TH", "seed": 7,
        "start_at": "2026-03-02T09:00:00+07:00", "clock_mode": "running", "clock_speed": 60,
        "policy_overrides": {"reshipment.seller_response": "P3D"},
        "calendar_overrides": [{"date": "2026-03-04", "working": False, "name": "Shop party"}]})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"].startswith("sbx_")
    assert body["object"] == "sandbox"
    assert (body["name"], body["platform"], body["market"], body["seed"]) == (
        "checkout suite", "tiktok_shop", "TH", 7)
    assert body["start_at"] == "2026-03-02T02:00:00+00:00"
    assert body["clock"]["mode"] == "running" and body["clock"]["speed"] == 60.0
    assert _instant(body["clock"]["now"]) >= _instant("2026-03-02T02:00:00+00:00")
    assert body["policy_overrides"] == {"reshipment.seller_response": "P3D"}
    assert body["calendar_overrides"] == [
        {"date": "2026-03-04", "name": "Shop party", "working": False}]
    credentials = body["credentials"]
    assert set(credentials) == {"api_key", "app_key", "app_secret", "access_token"}
    assert credentials["api_key"].startswith("mp_test_")
    assert credentials["app_key"].isdigit() and len(credentials["app_key"]) == 6
    assert len(credentials["app_secret"]) >= 16 and credentials["access_token"]
    # The key works at once, and the creation is the sandbox's first event.
    bound = api.as_(credentials["api_key"])
    assert bound.get("/api/v1/sandbox").get_json()["id"] == body["id"]
    first = _events(bound)[0]
    # No subject: the random sandbox id never enters the sandbox's own (seeded) data.
    assert (first["id"], first["type"], first["subject"]) == (
        "evt_00000001", "sandbox.created", "")
    assert first["data"] == {"market": "TH", "platform": "tiktok_shop", "seed": 7}
    # Calendar overrides reach the calendar.
    calendar = bound.get("/api/v1/calendar?from=2026-03-04&to=2026-03-04").get_json()
    assert calendar["non_working_days"] == [{"date": "2026-03-04", "reason": "Shop party"}]


def test_create_defaults_to_a_frozen_clock_at_a_fixed_instant_and_seed_zero(api):
    body = api.post(SANDBOXES, json={"platform": "lazada", "market": "MY"}).get_json()

    assert body["seed"] == 0
    assert body["name"] == ""
    assert body["clock"] == {"object": "clock", "now": "2026-01-05T01:00:00+00:00",
                             "mode": "frozen", "speed": 1.0, "next_timer_at": None,
                             "timers_pending": 0}
    assert body["policy_overrides"] == {} and body["calendar_overrides"] == []


@pytest.mark.parametrize("platform", ["lazada", "tiktok_shop", "aliexpress"])
@pytest.mark.parametrize("market", ["MY", "SG", "TH", "VN", "PH", "ID"])
def test_every_platform_and_market_can_be_created(api, platform, market):
    body, bound = api.create_sandbox(platform=platform, market=market)

    assert (body["platform"], body["market"]) == (platform, market)
    table = bound.get("/api/v1/policies").get_json()
    assert (table["platform"], table["market"]) == (platform, market)


@pytest.mark.parametrize(("spec", "field"), [
    ({"platform": "ebay", "market": "MY"}, "platform"),
    ({"platform": "lazada", "market": "CN"}, "market"),
    ({"platform": "lazada", "market": "MY", "clock_mode": "paused"}, "clock_mode"),
    ({"platform": "lazada", "market": "MY", "clock_speed": 0}, "clock_speed"),
    ({"platform": "lazada", "market": "MY", "seed": -1}, "seed"),
    ({"platform": "lazada", "market": "MY", "seed": "1"}, "seed"),
    ({"platform": "lazada", "market": "MY", "start_at": "1999-12-31T00:00:00Z"}, "start_at"),
    ({"platform": "lazada", "market": "MY", "name": "x" * 201}, "name"),
    ({"platform": "lazada", "market": "MY",
      "calendar_overrides": [{"date": "2026-01-06", "working": False},
                             {"date": "2026-01-06", "working": True}]}, "calendar_overrides"),
    ({"platform": "lazada", "market": "MY", "calendar_overrides": [{"date": "soon",
                                                                    "working": True}]},
     "calendar_overrides.0.date"),
])
def test_create_refuses_bad_settings_naming_the_field_and_creates_nothing(api, store, spec,
                                                                          field):
    name = f"refused-{uuid.uuid4().hex}"
    response = api.post(SANDBOXES, json={"name": name, **spec})

    assert_error(response, 400, "validation_failed", field=field, location="body")
    assert _count(store, Sandbox, name=name) == 0


# -- get, list -----------------------------------------------------------------------------------

def test_get_answers_the_sandbox_by_path_and_by_key(sbx):
    by_path = sbx.get(sbx.base)
    by_key = sbx.get("/api/v1/sandbox")

    assert by_path.status_code == by_key.status_code == 200
    assert by_path.get_json() == by_key.get_json() == sbx.sandbox


def test_list_pages_with_after_and_limit_oldest_first(api):
    mine = [api.create_sandbox(name=f"page-{i}")[0]["id"] for i in range(3)]

    # Other suites may create sandboxes in the same database at the same time: walk the pages
    # after the first of ours and keep only ours.
    seen, after, pages = [], mine[0], 0
    while len(seen) < 2 and pages < 50:
        response = api.get(f"{SANDBOXES}?limit=2&after={after}")
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        assert page["object"] == "list" and len(page["data"]) <= 2
        seen += [item["id"] for item in page["data"] if item["id"] in mine]
        if not page["has_more"]:
            break
        assert page["next_cursor"] == page["data"][-1]["id"]
        after, pages = page["next_cursor"], pages + 1
    assert seen == mine[1:]

    first = api.get(f"{SANDBOXES}?limit=1&after={mine[1]}").get_json()
    assert first["data"][0]["id"] == mine[2]


def test_list_called_with_a_sandbox_key_shows_only_that_sandbox(api, sbx):
    api.create_sandbox()

    page = sbx.get(SANDBOXES).get_json()

    assert [item["id"] for item in page["data"]] == [sbx.sandbox["id"]]
    assert page["has_more"] is False and page["next_cursor"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("after=sbx_nope", "after"), ("limit=0", "limit"), ("limit=101", "limit"),
    ("limit=many", "limit"), ("order=desc", "order")])
def test_list_refuses_bad_paging(api, query, field):
    assert_error(api.get(f"{SANDBOXES}?{query}"), 400, "validation_failed", field=field,
                 location="query")


# -- delete ----------------------------------------------------------------------------------------

def test_delete_removes_the_sandbox_and_everything_in_it(api, sbx, store):
    _timer(sbx, delay="PT1H")
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT30M"}, headers={"Idempotency-Key": "k"})
    sandbox_id = sbx.sandbox["id"]

    response = sbx.delete(sbx.base)

    assert response.status_code == 200
    assert response.get_json() == {"id": sandbox_id, "object": "sandbox", "deleted": True}
    assert_error(sbx.get(sbx.base), 401, "invalid_api_key")
    assert_error(sbx.get("/api/v1/events"), 401, "invalid_api_key")
    for model in (Event, Timer, IdempotencyRecord):
        assert _count(store, model, sandbox_id=sandbox_id) == 0
    assert _count(store, Sandbox, id=sandbox_id) == 0


# -- reset -----------------------------------------------------------------------------------------

def test_reset_returns_to_the_creation_state_with_the_same_id_seed_and_credentials(api):
    created, sbx = api.create_sandbox(seed=42, start_at="2026-02-02T00:00:00Z",
                                      policy_overrides={"order.rts_deadline": "PT72H"},
                                      calendar_overrides=[{"date": "2026-02-03",
                                                           "working": False}])
    base = f"{SANDBOXES}/{created['id']}"
    _timer(sbx, "early", delay="PT1H")
    _timer(sbx, "late", delay="P30D")
    sbx.post(f"{base}/clock/advance", json={"by": "PT2H"})

    response = sbx.post(f"{base}/reset")

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == created
    assert sbx.get(f"{base}/clock").get_json() == created["clock"]
    assert sbx.get(f"{base}/timers").get_json()["data"] == []
    events = _events(sbx)
    assert [(e["id"], e["type"]) for e in events] == [("evt_00000001", "sandbox.created")]
    # Counters start again: the next timer and event get the first ids again.
    assert _timer(sbx, "again", delay="PT1H")["id"] == "tmr_00000001"
    assert _events(sbx)[-1]["id"] == "evt_00000002"
    policies = {p["key"]: p for p in sbx.get("/api/v1/policies").get_json()["policies"]}
    assert policies["order.rts_deadline"]["value"] == "P3D"  # 72 h, normalised


# -- snapshot and restore ---------------------------------------------------------------------

def _sandbox_with_history(api):
    body, sbx = api.create_sandbox(seed=3)
    sbx.base = f"{SANDBOXES}/{body['id']}"
    sbx.sandbox = body
    _timer(sbx, "tick", delay="PT1H", repeat_every="PT6H", repeat_times=20)
    _timer(sbx, "once", at="2026-01-07T00:00:00Z")
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT13H"})
    return sbx


def test_snapshot_is_one_json_document_of_the_whole_state(api):
    sbx = _sandbox_with_history(api)

    response = sbx.post(f"{sbx.base}/snapshot")

    assert response.status_code == 200
    snapshot = response.get_json()
    assert snapshot["object"] == "sandbox_snapshot" and snapshot["format"] == 1
    assert snapshot["sandbox_id"] == sbx.sandbox["id"]
    assert snapshot["taken_at"] == "2026-01-05T14:00:00+00:00"
    assert snapshot["sandbox"]["counters"] == {"event": 6, "timer": 5}
    assert [row["seq"] for row in snapshot["tables"]["events"]] == [1, 2, 3, 4, 5, 6]
    assert [row["seq"] for row in snapshot["tables"]["timers"]] == [2, 5]
    assert "idempotency_keys" not in snapshot["tables"]


def test_restore_makes_a_new_sandbox_with_the_same_clock_timers_events_and_counters(api):
    sbx = _sandbox_with_history(api)
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()

    response = api.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot, "name": "copy"})

    assert response.status_code == 201, response.get_json()
    restored = response.get_json()
    assert restored["id"] != sbx.sandbox["id"] and restored["name"] == "copy"
    for name, value in restored["credentials"].items():
        assert value != sbx.sandbox["credentials"][name]
    copy_api = api.as_(restored["credentials"]["api_key"])
    copy_base = f"{SANDBOXES}/{restored['id']}"
    assert copy_api.get(f"{copy_base}/clock").get_json() == sbx.get(f"{sbx.base}/clock").get_json()
    assert copy_api.get(f"{copy_base}/timers").get_data() == \
        sbx.get(f"{sbx.base}/timers").get_data()
    assert copy_api.get("/api/v1/events").get_data() == sbx.get("/api/v1/events").get_data()

    # From here on both live the same life: same ids, same bodies.
    for step in ({"by": "PT49H"}, {"to": "next_timer"}, {"by": "P10D"}):
        original = sbx.post(f"{sbx.base}/clock/advance", json=step)
        twin = copy_api.post(f"{copy_base}/clock/advance", json=step)
        assert original.status_code == twin.status_code == 200
        assert twin.get_data() == original.get_data()
    assert _timer(copy_api, "after", delay="PT1H") == _timer(sbx, "after", delay="PT1H")
    assert copy_api.get("/api/v1/events?after=evt_00000006").get_data() == \
        sbx.get("/api/v1/events?after=evt_00000006").get_data()


def test_a_restored_sandbox_resets_to_the_original_creation_state(api):
    created, sbx = api.create_sandbox(seed=8, clock_speed=60, start_at="2026-02-02T00:00:00Z",
                                      policy_overrides={"order.rts_deadline": "PT72H"})
    _timer(sbx, "x", delay="PT1H")
    snapshot = sbx.post(f"{SANDBOXES}/{created['id']}/snapshot").get_json()
    restored = api.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot}).get_json()
    copy_api = api.as_(restored["credentials"]["api_key"])

    reset = copy_api.post(f"{SANDBOXES}/{restored['id']}/reset").get_json()

    assert reset["clock"] == created["clock"]
    assert (reset["seed"], reset["policy_overrides"]) == (8, {"order.rts_deadline": "P3D"})
    assert [e["type"] for e in _events(copy_api)] == ["sandbox.created"]


def test_restore_of_a_running_clock_keeps_it_running_from_the_snapshot_instant(api):
    body, sbx = api.create_sandbox(clock_mode="running", clock_speed=1)
    snapshot = sbx.post(f"{SANDBOXES}/{body['id']}/snapshot").get_json()

    restored = api.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot}).get_json()

    assert restored["clock"]["mode"] == "running"
    assert _instant(restored["clock"]["now"]) >= _instant(snapshot["taken_at"])


def _damage(path: str, value=None, *, delete: bool = False, append_copy: bool = False):
    def apply(snapshot: dict) -> dict:
        snapshot = copy.deepcopy(snapshot)
        *parents, last = path.split(".")
        target = snapshot
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            last = int(last)
        if delete:
            del target[last]
        elif append_copy:
            target[last].append(copy.deepcopy(target[last][0]))
        else:
            target[last] = value
        return snapshot
    return apply


@pytest.mark.parametrize(("damage", "field"), [
    (_damage("object", "sandbox"), "snapshot"),
    (_damage("format", 99), "snapshot.format"),
    (_damage("sandbox", []), "snapshot.sandbox"),
    (_damage("tables", None), "snapshot.tables"),
    (_damage("tables.no_such_table", []), "snapshot.tables"),
    (_damage("sandbox.counters", None, delete=True), "snapshot.sandbox"),
    (_damage("sandbox.creation", 5), "snapshot.sandbox.creation"),
    (_damage("sandbox.creation.platform", None, delete=True), "snapshot.sandbox.creation"),
    (_damage("sandbox.creation.platform", "ebay"), "snapshot.sandbox.creation.platform"),
    (_damage("sandbox.creation.start_at", "yesterday"), "snapshot.sandbox.creation.start_at"),
    (_damage("sandbox.creation.seed", 2**70), "snapshot.sandbox.creation.seed"),
    (_damage("sandbox.creation.policy_overrides", {"order.nope": "PT1H"}),
     "snapshot.sandbox.creation.policy_overrides.order.nope"),
    (_damage("sandbox.creation.calendar_overrides", [{"date": "x", "working": True}]),
     "snapshot.sandbox.creation.calendar_overrides.0.date"),
    (_damage("sandbox.clock_mode", "bogus"), "snapshot.sandbox.clock_mode"),
    (_damage("sandbox.clock_speed", "fast"), "snapshot.sandbox.clock_speed"),
    (_damage("sandbox.clock_speed", -1), "snapshot.sandbox.clock_speed"),
    (_damage("sandbox.clock_anchor_virtual", "2026-01-05T01:00:00"),
     "snapshot.sandbox.clock_anchor_virtual"),
    (_damage("sandbox.seed", 2**70), "snapshot.sandbox.seed"),
    (_damage("sandbox.counters", 5), "snapshot.sandbox.counters"),
    (_damage("sandbox.counters.event", 1), "snapshot.sandbox.counters.event"),
    (_damage("sandbox.policy_overrides", {"order.rts_deadline": "soon"}),
     "snapshot.sandbox.policy_overrides.order.rts_deadline"),
    (_damage("tables.events", 5), "snapshot.tables.events"),
    (_damage("tables.events.0", 5), "snapshot.tables.events.0"),
    (_damage("tables.events.0.seq", None, delete=True), "snapshot.tables.events.0"),
    (_damage("tables.events.0.seq", "abc"), "snapshot.tables.events.0.seq"),
    (_damage("tables.events.0.bogus", 1), "snapshot.tables.events.0"),
    (_damage("tables.events.0.type", "a" * 500), "snapshot.tables.events.0.type"),
    (_damage("tables.events.0.data", "text"), "snapshot.tables.events.0.data"),
    (_damage("tables.events", None, append_copy=True), "snapshot.tables.events.6"),
    (_damage("tables.timers.0.kind", "nope"), "snapshot.tables.timers.0.kind"),
    (_damage("tables.timers.0.due_at", None), "snapshot.tables.timers.0.due_at"),
])
def test_restore_of_a_damaged_snapshot_is_a_400_naming_the_field_and_creates_nothing(
        api, store, damage, field):
    sbx = _sandbox_with_history(api)
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    name = f"damaged-{uuid.uuid4().hex}"

    response = api.post(f"{SANDBOXES}/restore", json={"snapshot": damage(snapshot),
                                                      "name": name})

    assert_error(response, 400, "validation_failed", field=field)
    assert _count(store, Sandbox, name=name) == 0


def test_restore_needs_a_snapshot(api):
    assert_error(api.post(f"{SANDBOXES}/restore", json={}), 400, "validation_failed",
                 field="snapshot")
    assert_error(api.post(f"{SANDBOXES}/restore", json={"snapshot": "x"}), 400,
                 "validation_failed", field="snapshot")


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
    _timer(b, "b-timer", delay="PT1H")
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
    assert _count(store, Sandbox, id=b_body["id"]) == 1
    assert all(e["subject"] != b_body["id"] for e in _events(a))
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
