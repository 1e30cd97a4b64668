"""The event feed, the policy table and the market calendar over HTTP."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from mockplatform.store.models import Sandbox
from tests.api.support import assert_error

TIMERS = "/api/v1/test_helpers/timers"
EVENTS = "/api/v1/events"


def _feed(sbx, query: str = "") -> dict:
    response = sbx.get(f"{EVENTS}{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def busy(sbx):
    """A sandbox with 1 creation, 3 scheduled and 3 fired test-timer events (7 in all)."""
    for label in ("a", "b", "c"):
        assert sbx.post(TIMERS, json={"label": label, "delay": "PT1H"}).status_code == 201
    assert sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"}).status_code == 200
    return sbx


# -- events ------------------------------------------------------------------------------------

def test_the_feed_lists_every_event_in_order(busy):
    feed = _feed(busy)

    assert feed["object"] == "list" and feed["has_more"] is False and feed["next_cursor"] is None
    assert [e["id"] for e in feed["data"]] == [f"evt_{n:08d}" for n in range(1, 8)]
    assert [e["type"] for e in feed["data"]] == ["sandbox.created"] + [
        "test_timer.scheduled"] * 3 + ["test_timer.fired"] * 3
    fired = feed["data"][-1]
    assert fired == {"id": "evt_00000007", "object": "event", "type": "test_timer.fired",
                     "occurred_at": "2026-01-05T02:00:00+00:00", "subject": "c",
                     "data": {"due_at": "2026-01-05T02:00:00+00:00", "iteration": 0,
                              "label": "c", "timer_id": "tmr_00000003"}}


def test_the_feed_pages_with_after_and_limit(busy):
    ids, after = [], None
    for _ in range(10):
        feed = _feed(busy, "?limit=3" + (f"&after={after}" if after else ""))
        assert len(feed["data"]) <= 3
        ids += [e["id"] for e in feed["data"]]
        if not feed["has_more"]:
            assert feed["next_cursor"] is None
            break
        assert feed["next_cursor"] == feed["data"][-1]["id"]
        after = feed["next_cursor"]

    assert ids == [f"evt_{n:08d}" for n in range(1, 8)]
    assert _feed(busy, "?after=evt_00000007")["data"] == []
    assert _feed(busy, "?after=evt_00000099")["data"] == []


@pytest.mark.parametrize(("query", "ids"), [
    ("?type=test_timer.fired", [5, 6, 7]),
    ("?type=test_timer.*", [2, 3, 4, 5, 6, 7]),
    ("?type=sandbox.created,test_timer.fired", [1, 5, 6, 7]),
    ("?type=sandbox.created&type=test_timer.scheduled", [1, 2, 3, 4]),
    ("?type=sandbox.*,test_timer.fired&after=evt_00000001&limit=2", [5, 6]),
    ("?type=test_timer", []),
    ("?type=test_%.*", []),
    ("?type=order.*", []),
])
def test_the_feed_filters_by_type_prefix_and_lists_of_types(busy, query, ids):
    assert [e["id"] for e in _feed(busy, query)["data"]] == [f"evt_{n:08d}" for n in ids]


@pytest.mark.parametrize(("query", "field"), [
    ("?after=42", "after"), ("?after=tmr_00000001", "after"), ("?after=evt_", "after"),
    ("?after=evt_99999999999999999999999", "after"), ("?after=evt_%D9%A3", "after"),
    ("?limit=101", "limit"), ("?limit=0", "limit"), ("?limit=-5", "limit"),
    ("?limit=ten", "limit"), ("?type=", "type.0"), ("?since=evt_00000001", "since")])
def test_the_feed_refuses_bad_paging_with_a_400_naming_the_parameter(sbx, query, field):
    error = assert_error(sbx.get(f"{EVENTS}{query}"), 400, "validation_failed", field=field,
                         location="query")

    if field == "limit":
        assert "limit" in error["message"]


def test_the_feed_shows_only_the_calling_sandboxs_events(api, busy):
    _, other = api.create_sandbox()

    assert [e["type"] for e in _feed(other)["data"]] == ["sandbox.created"]


def test_an_event_reads_the_same_in_the_advance_answer_and_in_the_feed(sbx):
    sbx.post(TIMERS, json={"label": "x", "delay": "PT1H"})

    answered = sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"}).get_json()
    fed = _feed(sbx, "?type=test_timer.fired")

    assert answered["events"]["data"] == fed["data"]


# -- policies ------------------------------------------------------------------------------------

def _policies(response) -> dict[str, dict]:
    assert response.status_code == 200, response.get_json()
    table = response.get_json()
    assert table["object"] == "policy_table"
    return {p["key"]: p for p in table["policies"]}


def test_the_policy_table_of_a_sandbox_has_its_overrides_applied_and_marked(api):
    _, sbx = api.create_sandbox(policy_overrides={"order.rts_deadline": "PT72H",
                                                  "order.late_rts_fine": {"amount": "7.50",
                                                                          "currency": "USD"}})

    table = sbx.get("/api/v1/policies").get_json()
    policies = _policies(sbx.get("/api/v1/policies"))

    assert (table["platform"], table["market"]) == ("lazada", "MY")
    rts = policies["order.rts_deadline"]
    assert (rts["value"], rts["default"], rts["overridden"]) == ("P3D", "P2D", True)
    assert rts["calendar"] == "hours_excl_non_working"
    fine = policies["order.late_rts_fine"]
    assert fine["value"] == {"amount": "7.50", "currency": "USD"} and fine["overridden"] is True
    others = [p for key, p in policies.items() if key not in ("order.rts_deadline",
                                                               "order.late_rts_fine")]
    assert others and all(p["overridden"] is False and p["value"] == p["default"]
                          for p in others)


def test_without_a_key_the_table_of_the_platform_in_the_query_is_served(api, sbx):
    defaults = _policies(api.get("/api/v1/policies?platform=lazada"))
    tiktok = api.get("/api/v1/policies?platform=tiktok_shop&market=TH").get_json()

    assert defaults == _policies(sbx.get("/api/v1/policies"))
    assert all(p["overridden"] is False for p in defaults.values())
    assert (tiktok["platform"], tiktok["market"]) == ("tiktok_shop", "TH")
    assert "reshipment.seller_response" in {p["key"] for p in tiktok["policies"]}


@pytest.mark.parametrize(("caller", "query", "field"), [
    ("anonymous", "", "platform"),
    ("anonymous", "?platform=ebay", "platform"),
    ("anonymous", "?platform=lazada&market=CN", "market"),
    ("anonymous", "?platform=lazada&region=MY", "region"),
    ("sandbox", "?platform=lazada", "platform"),
])
def test_the_policy_table_refuses_bad_queries(api, sbx, caller, query, field):
    who = api if caller == "anonymous" else sbx

    assert_error(who.get(f"/api/v1/policies{query}"), 400, "validation_failed", field=field,
                 location="query")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"order.rts_deadlin": "PT72H"}, "policy_overrides.order.rts_deadlin"),
    ({"order.rts_deadline": "PT72"}, "policy_overrides.order.rts_deadline"),
    ({"order.rts_deadline": "P1M"}, "policy_overrides.order.rts_deadline"),
    ({"order.rts_deadline": "-PT1H"}, "policy_overrides.order.rts_deadline"),
    ({"logistics.first_mile_scan_deadline": "PT36H"},
     "policy_overrides.logistics.first_mile_scan_deadline"),
    ({"reshipment.seller_response": "P3D"}, "policy_overrides.reshipment.seller_response"),
])
def test_a_bad_override_at_creation_is_a_400_naming_it_and_nothing_is_created(
        api, store, overrides, field):
    name = f"overrides-{uuid.uuid4().hex}"

    response = api.post("/api/v1/sandboxes", json={"platform": "lazada", "market": "MY",
                                                   "name": name, "policy_overrides": overrides})

    error = assert_error(response, 400, "validation_failed", field=field, location="body")
    assert field in error["message"]
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Sandbox)
                              .where(Sandbox.name == name)) == 0


def test_an_unknown_override_suggests_the_close_key(api):
    response = api.post("/api/v1/sandboxes", json={
        "platform": "lazada", "market": "MY", "policy_overrides": {"order.rts_deadlin": "P3D"}})

    error = assert_error(response, 400, "validation_failed")
    assert "'order.rts_deadline'" in error["details"][0]["message"]


# -- calendar --------------------------------------------------------------------------------------

def test_the_calendar_lists_weekends_holidays_and_overrides_of_the_market(api):
    _, sbx = api.create_sandbox(calendar_overrides=[
        {"date": "2026-02-17", "working": True}, {"date": "2026-02-20", "working": False,
                                                   "name": "Stocktake"}])

    calendar = sbx.get("/api/v1/calendar?from=2026-02-14&to=2026-02-22").get_json()

    assert calendar["object"] == "calendar"
    assert (calendar["market"], calendar["timezone"], calendar["today"]) == (
        "MY", "Asia/Kuala_Lumpur", "2026-01-05")
    assert calendar["non_working_days"] == [
        {"date": "2026-02-14", "reason": "Saturday"}, {"date": "2026-02-15", "reason": "Sunday"},
        {"date": "2026-02-18", "reason": "Chinese New Year (Second Day)"},
        {"date": "2026-02-20", "reason": "Stocktake"},
        {"date": "2026-02-21", "reason": "Saturday"}, {"date": "2026-02-22", "reason": "Sunday"}]


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-02-01&to=2026-01-01", "to"), ("to=2026-01-01", "from"),
    ("from=2026-01-01", "to"), ("from=2026-13-01&to=2026-12-31", "from"),
    ("from=2026-01-01&to=2040-01-01", "to"), ("from=9999-12-01&to=9999-12-31", "to"),
    ("from=2026-01-01&to=2026-01-02&market=SG", "market")])
def test_the_calendar_refuses_bad_ranges(sbx, query, field):
    assert_error(sbx.get(f"/api/v1/calendar?{query}"), 400, "validation_failed", field=field,
                 location="query")


@pytest.mark.parametrize(("duration", "kind", "due_at"), [
    ("PT49H", "hours", "2026-01-11T02:00:00+00:00"),
    ("P2D", "calendar_days", "2026-01-11T01:00:00+00:00"),
    ("P1D", "working_days", "2026-01-12T01:00:00+00:00"),  # Friday + 1 working day: Monday
    ("PT48H", "hours_excl_non_working", "2026-01-13T01:00:00+00:00"),
    ("P2D", "end_of_working_day_n", "2026-01-13T15:59:59+00:00"),
])
def test_the_deadline_of_a_duration_in_each_calendar_kind(sbx, duration, kind, due_at):
    response = sbx.get(f"/api/v1/calendar/deadline?from=2026-01-09T09:00:00%2B08:00"
                       f"&duration={duration}&kind={kind}")

    assert response.status_code == 200, response.get_json()
    deadline = response.get_json()
    assert deadline["object"] == "deadline"
    assert (deadline["from"], deadline["kind"], deadline["due_at"]) == (
        "2026-01-09T01:00:00+00:00", kind, due_at)
    assert deadline["due_at_local"].endswith("+08:00")


@pytest.mark.parametrize(("query", "field"), [
    ("duration=P1D&kind=business_days", "kind"),
    ("duration=PT12H&kind=calendar_days", "duration"),
    ("duration=PT36H&kind=working_days", "duration"),
    ("duration=PT1H&kind=end_of_working_day_n", "duration"),
    ("duration=-P1D&kind=hours", "duration"),
    ("duration=P1M&kind=calendar_days", "duration"),
    ("duration=P100000D&kind=hours_excl_non_working", "duration"),
    ("kind=hours", "duration"),
])
def test_the_deadline_refuses_bad_input(sbx, query, field):
    assert_error(sbx.get(f"/api/v1/calendar/deadline?from=2026-01-09T01:00:00Z&{query}"), 400,
                 "validation_failed", field=field, location="query")


def test_the_deadline_refuses_an_instant_out_of_range(sbx):
    for start in ("9999-12-31T00:00:00Z", "9999-12-31T23:00:00-05:00"):
        assert_error(sbx.get(f"/api/v1/calendar/deadline?from={start.replace('+', '%2B')}"
                             f"&duration=P1000D&kind=calendar_days"), 400,
                     "validation_failed", field="from", location="query")
