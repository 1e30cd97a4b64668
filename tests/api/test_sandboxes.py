"""Sandboxes over HTTP: create, get, list, delete and reset. Snapshot and restore are in
``test_sandbox_snapshots.py``; isolation, authentication and the admin token in
``test_sandbox_access.py``."""

from __future__ import annotations

import uuid

import pytest

from mockplatform.store.models import Event, IdempotencyRecord, Sandbox, Timer
from tests.api.sandbox_support import SANDBOXES, count_rows, events_of, instant, timer
from tests.api.support import assert_error

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
    assert instant(body["clock"]["now"]) >= instant("2026-03-02T02:00:00+00:00")
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
    first = events_of(bound)[0]
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
    assert count_rows(store, Sandbox, name=name) == 0


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
    timer(sbx, delay="PT1H")
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT30M"}, headers={"Idempotency-Key": "k"})
    sandbox_id = sbx.sandbox["id"]

    response = sbx.delete(sbx.base)

    assert response.status_code == 200
    assert response.get_json() == {"id": sandbox_id, "object": "sandbox", "deleted": True}
    assert_error(sbx.get(sbx.base), 401, "invalid_api_key")
    assert_error(sbx.get("/api/v1/events"), 401, "invalid_api_key")
    for model in (Event, Timer, IdempotencyRecord):
        assert count_rows(store, model, sandbox_id=sandbox_id) == 0
    assert count_rows(store, Sandbox, id=sandbox_id) == 0


# -- reset -----------------------------------------------------------------------------------------

def test_reset_returns_to_the_creation_state_with_the_same_id_seed_and_credentials(api):
    created, sbx = api.create_sandbox(seed=42, start_at="2026-02-02T00:00:00Z",
                                      policy_overrides={"order.rts_deadline": "PT72H"},
                                      calendar_overrides=[{"date": "2026-02-03",
                                                           "working": False}])
    base = f"{SANDBOXES}/{created['id']}"
    timer(sbx, "early", delay="PT1H")
    timer(sbx, "late", delay="P30D")
    sbx.post(f"{base}/clock/advance", json={"by": "PT2H"})

    response = sbx.post(f"{base}/reset")

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == created
    assert sbx.get(f"{base}/clock").get_json() == created["clock"]
    assert sbx.get(f"{base}/timers").get_json()["data"] == []
    events = events_of(sbx)
    assert [(e["id"], e["type"]) for e in events] == [("evt_00000001", "sandbox.created")]
    # Counters start again: the next timer and event get the first ids again.
    assert timer(sbx, "again", delay="PT1H")["id"] == "tmr_00000001"
    assert events_of(sbx)[-1]["id"] == "evt_00000002"
    policies = {p["key"]: p for p in sbx.get("/api/v1/policies").get_json()["policies"]}
    assert policies["order.rts_deadline"]["value"] == "P3D"  # 72 h, normalised

