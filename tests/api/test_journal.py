"""The request journal on the native front: what an entry holds, filters, paging, CSV,
clearing, the cap, body limits, the control plane left out, and reset."""

from __future__ import annotations

import csv
import io

import pytest

from mockplatform.app import create_app
from mockplatform.settings import Settings
from tests.api.support import assert_error
from tests.conftest import Api, own_store

EVENTS = "/api/v1/events"


def journal(sbx, **query) -> dict:
    response = sbx.get(f"{sbx.base}/journal", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def bound(api) -> Api:
    body, caller = api.create_sandbox()
    caller.sandbox, caller.base = body, f"/api/v1/sandboxes/{body['id']}"
    return caller


def test_a_call_is_in_the_journal_as_soon_as_it_is_answered(sbx):
    timer = sbx.post("/api/v1/test_helpers/timers", json={"label": "x", "delay": "PT1H"})

    [entry] = journal(sbx)["data"]

    assert entry["id"].startswith("jrn_") and entry["object"] == "journal_entry"
    assert (entry["front"], entry["method"], entry["path"], entry["operation"]) == (
        "native", "POST", "/api/v1/test_helpers/timers", "schedule_test_timer")
    assert entry["status"] == 201 and entry["latency_ms"] > 0
    assert entry["sandbox_at"] == "2026-01-05T01:00:00+00:00" and entry["wall_at"]
    assert entry["request_body"] == '{"label": "x", "delay": "PT1H"}'
    assert entry["response_body"] == timer.get_data(as_text=True)
    assert entry["fault_rule"] is None and entry["request_truncated"] is False


def test_errors_are_journaled_and_the_fault_that_answered_is_named(sbx):
    sbx.post(f"{sbx.base}/faults", json={"effect": {"type": "error", "status": 503},
                                         "when": {"first": 1}})
    sbx.get(EVENTS)
    sbx.get(EVENTS)
    sbx.get("/api/v1/orders/999", query_string={"x": "1"})

    entries = journal(sbx)["data"]

    assert [(e["operation"], e["status"], e["fault_rule"], e["fault_effect"])
            for e in entries] == [("events", 503, "flt_1", "error"), ("events", 200, None, None),
                                  ("get_order", 400, None, None)]
    assert entries[2]["query"] == "x=1"


def test_control_plane_calls_are_not_journaled(sbx):
    sbx.get(f"{sbx.base}/clock")
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"})
    sbx.get(f"{sbx.base}/faults")
    sbx.get(f"/api/v1/sandboxes/{sbx.sandbox['id']}")
    assert journal(sbx)["data"] == []


def test_filters_by_operation_status_front_and_sandbox_time(sbx):
    sbx.get(EVENTS)
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"})
    sbx.get(EVENTS)
    sbx.get("/api/v1/orders/999")

    assert len(journal(sbx, operation="events")["data"]) == 2
    assert [e["operation"] for e in journal(sbx, status=404)["data"]] == ["get_order"]
    assert len(journal(sbx, status=[200, 404])["data"]) == 3
    assert journal(sbx, front="lazada")["data"] == []
    later = journal(sbx, **{"from": "2026-01-05T02:00:00Z"})["data"]
    assert [e["sandbox_at"] for e in later] == ["2026-01-05T02:00:00+00:00"] * 2
    # "to" is exclusive: one second past the first hour holds only the first call.
    assert len(journal(sbx, to="2026-01-05T01:00:01Z")["data"]) == 1
    assert journal(sbx, to="2026-01-05T01:00:00Z")["data"] == []


def test_pages_with_a_cursor(sbx):
    for _ in range(5):
        sbx.get(EVENTS)
    first = journal(sbx, limit=2)
    assert first["has_more"] and len(first["data"]) == 2
    second = journal(sbx, limit=2, after=first["next_cursor"])
    rest = journal(sbx, limit=2, after=second["next_cursor"])
    ids = [e["id"] for page in (first, second, rest) for e in page["data"]]
    assert len(ids) == 5 == len(set(ids)) and ids == sorted(ids) and not rest["has_more"]


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2026-01-06T00:00:00Z", "to": "2026-01-05T00:00:00Z"}, "to"),
    ({"from": "2026-01-05T00:00:00Z", "to": "2026-01-05T00:00:00Z"}, "to"),
    ({"status": "abc"}, "status.0"),
    ({"front": "tiktok"}, "front"),
    ({"after": "evt_00000001"}, "after"),
    ({"sort": "x"}, "sort"),
])
def test_bad_queries_are_400s_naming_the_field(sbx, query, field):
    assert_error(sbx.get(f"{sbx.base}/journal", query_string=query), 400, "validation_failed",
                 field=field)


def test_csv_export(sbx):
    sbx.get(EVENTS)
    response = sbx.get(f"{sbx.base}/journal", query_string={"format": "csv"})
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["operation"], r["status"], r["front"]) for r in rows] == [
        ("events", "200", "native")]


def test_clear_and_reset_empty_the_journal(sbx):
    sbx.get(EVENTS)
    assert sbx.delete(f"{sbx.base}/journal").get_json() == {"object": "journal", "deleted": 1}
    assert journal(sbx)["data"] == []
    sbx.get(EVENTS)
    assert sbx.post(f"{sbx.base}/reset").status_code == 200
    assert journal(sbx)["data"] == []


def test_each_sandbox_sees_only_its_own_calls(api, sbx):
    other = bound(api)
    other.get(EVENTS)
    sbx.get(EVENTS)
    assert len(journal(sbx)["data"]) == 1 and len(journal(other)["data"]) == 1


@pytest.fixture
def small_app():
    settings = Settings(database_url="sqlite://", journal_max_entries=3, journal_body_bytes=20)
    for store in own_store(settings):
        yield create_app(settings, store=store)


def test_the_cap_keeps_the_newest_entries_of_each_sandbox(small_app):
    sbx, other = bound(Api(small_app)), bound(Api(small_app))
    other.get(EVENTS)
    for number in range(5):
        sbx.get(EVENTS, query_string={"n": str(number)})

    assert [e["query"] for e in journal(sbx)["data"]] == ["n=2", "n=3", "n=4"]
    assert len(journal(other)["data"]) == 1


def test_the_cap_holds_across_writes_and_numbers_go_on(small_app):
    sbx = bound(Api(small_app))
    for number in range(5):
        sbx.get(EVENTS, query_string={"n": str(number)})
        journal(sbx)  # (each entry its own write: the trim deletes written entries)

    entries = journal(sbx)["data"]
    assert [(e["id"], e["query"]) for e in entries] == [
        ("jrn_00000003", "n=2"), ("jrn_00000004", "n=3"), ("jrn_00000005", "n=4")]
    assert journal(sbx, after="jrn_00000003")["data"] == entries[1:]


def test_entries_are_numbered_per_sandbox_and_a_clear_keeps_the_numbering(api):
    sbx, other = bound(api), bound(api)
    other.get(EVENTS)
    sbx.get(EVENTS)
    sbx.get(EVENTS, query_string={"n": "1"})
    assert [e["id"] for e in journal(sbx)["data"]] == ["jrn_00000001", "jrn_00000002"]
    assert [e["id"] for e in journal(other)["data"]] == ["jrn_00000001"]

    assert sbx.delete(f"{sbx.base}/journal").get_json()["deleted"] == 2
    sbx.get(EVENTS, query_string={"n": "2"})

    # A cursor taken before the clear still finds what came after it.
    assert [(e["id"], e["query"]) for e in journal(sbx, after="jrn_00000002")["data"]] == [
        ("jrn_00000003", "n=2")]


def test_a_reset_clears_the_journal_and_keeps_its_numbering(sbx):
    sbx.get(EVENTS)
    assert [e["id"] for e in journal(sbx)["data"]] == ["jrn_00000001"]
    assert sbx.post(f"{sbx.base}/reset").status_code == 200
    assert journal(sbx)["data"] == []
    sbx.get(EVENTS)
    assert [e["id"] for e in journal(sbx)["data"]] == ["jrn_00000002"]


def test_bodies_are_cut_at_the_limit_and_say_so(small_app):
    sbx = bound(Api(small_app))
    sbx.post("/api/v1/test_helpers/timers", json={"label": "x" * 50, "delay": "PT1H"})
    [entry] = journal(sbx)["data"]
    assert len(entry["request_body"]) == 20 and entry["request_truncated"] is True
    assert len(entry["response_body"]) == 20 and entry["response_truncated"] is True


def test_the_journal_can_be_turned_off():
    settings = Settings(database_url="sqlite://", journal=False)
    for store in own_store(settings):
        sbx = bound(Api(create_app(settings, store=store)))
        sbx.get(EVENTS)
        assert journal(sbx)["data"] == []
