"""A duration too long for any sandbox clock, or an instant plus a duration past the latest one a
clock reaches, is a 400 naming the field and that instant at every entry point, and writes
nothing: it used to be an OverflowError, a 500."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from mockplatform.store.models import Event, Sandbox, Timer
from tests.api.support import assert_error

LATEST = "6000-01-01T00:00:00+00:00"
TIMERS = "/api/v1/test_helpers/timers"
DEADLINE = "/api/v1/calendar/deadline"
# Each was a 500: past datetime's range once added to now, past timedelta's own range, a number
# of digits that makes a float infinite, and the same as a plain number of seconds.
TOO_LONG = ["P3000000D", "P999999999D", "PT100000000000000S", "P" + "9" * 10_000 + "D",
            "9" * 10_000, "1e999999"]


def _count(store, model, **where) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _names_latest(error: dict, field: str) -> None:
    assert LATEST in error["message"], error
    [detail] = [d for d in error["details"] if d["field"] == field]
    assert LATEST in detail["message"], detail
    assert len(error["message"]) < 300, "a ten-thousand-digit value is not echoed whole"


@pytest.fixture
def untouched(sbx, store):
    """Asserts after the test that the sandbox's clock, timers and events did not change."""
    before = (sbx.get(f"{sbx.base}/clock").get_json(),
              _count(store, Event, sandbox_id=sbx.sandbox["id"]))
    yield
    after = (sbx.get(f"{sbx.base}/clock").get_json(),
             _count(store, Event, sandbox_id=sbx.sandbox["id"]))
    assert after == before
    assert _count(store, Timer, sandbox_id=sbx.sandbox["id"]) == 0


# -- advance ------------------------------------------------------------------------------------

@pytest.mark.parametrize("by", [*TOO_LONG, "-P999999999D"])
def test_advance_by_a_duration_too_long_is_a_400_naming_by(sbx, untouched, by):
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": by})

    _names_latest(assert_error(response, 400, "validation_failed", field="by"), "by")


def test_advance_past_the_latest_instant_names_it_in_the_details_too(sbx):
    # P900000D is a length the API reads, but from 2026 it ends in 4490; P1500000D does not.
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": "P1500000D"})
    _names_latest(assert_error(response, 400, "validation_failed", field="by"), "by")

    assert sbx.post(f"{sbx.base}/clock/advance",
                    json={"to": "5000-01-01T00:00:00Z"}).status_code == 200
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": "P900000D"})
    error = assert_error(response, 400, "validation_failed", field="by")
    assert error["details"][0]["latest"] == LATEST
    assert "7464-02-13T00:00:00+00:00" in error["message"]  # where it would have gone
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == "5000-01-01T00:00:00+00:00"


def test_a_ten_thousand_digit_json_number_is_a_400_not_a_500(sbx, untouched):
    response = sbx.post(f"{sbx.base}/clock/advance", data='{"by": ' + "9" * 10_000 + "}",
                        headers={"Content-Type": "application/json"})

    assert_error(response, 400, "malformed_json")


# -- test timers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("delay", TOO_LONG)
def test_a_test_timer_delay_too_long_is_a_400_naming_delay(sbx, untouched, delay):
    response = sbx.post(TIMERS, json={"label": "far", "delay": delay})

    _names_latest(assert_error(response, 400, "validation_failed", field="delay"), "delay")


@pytest.mark.parametrize("every", TOO_LONG)
def test_a_test_timer_repeat_too_long_is_a_400_naming_repeat_every(sbx, untouched, every):
    response = sbx.post(TIMERS, json={"label": "far", "delay": "PT1H", "repeat_every": every,
                                      "repeat_times": 2})

    _names_latest(assert_error(response, 400, "validation_failed", field="repeat_every"),
                  "repeat_every")


@pytest.mark.parametrize("spec", [
    {"at": "5999-12-31T00:00:00Z", "repeat_every": "P1D", "repeat_times": 2},
    # every repetition of P3000D, 100,000 times: past datetime's range, not only past LATEST
    {"delay": "PT1H", "repeat_every": "P3000D", "repeat_times": 100_000},
])
def test_a_repeating_timer_whose_last_repetition_could_never_fire_is_a_400(sbx, untouched, spec):
    response = sbx.post(TIMERS, json={"label": "far", **spec})

    error = assert_error(response, 400, "validation_failed", field="repeat_every")
    assert error["details"][0]["latest"] == LATEST
    assert sbx.get("/api/v1/events?type=test_timer.scheduled").get_json()["data"] == []


def test_a_timer_due_past_the_latest_instant_is_a_400_naming_delay(sbx, store):
    assert sbx.post(f"{sbx.base}/clock/advance",
                    json={"to": "5999-12-31T00:00:00Z"}).status_code == 200

    response = sbx.post(TIMERS, json={"label": "far", "delay": "P2D"})

    error = assert_error(response, 400, "validation_failed", field="delay")
    assert error["details"][0]["latest"] == LATEST
    assert "6000-01-02T00:00:00+00:00" in error["message"]
    assert _count(store, Timer, sandbox_id=sbx.sandbox["id"]) == 0


# -- the calendar deadline query -------------------------------------------------------------------

@pytest.mark.parametrize("duration", TOO_LONG)
def test_a_deadline_query_too_long_is_a_400_naming_duration(sbx, duration):
    response = sbx.get(DEADLINE, query_string={"from": "2026-01-05T00:00:00Z",
                                               "duration": duration, "kind": "hours"})

    error = assert_error(response, 400, "validation_failed", field="duration", location="query")
    _names_latest(error, "duration")


@pytest.mark.parametrize("kind", ["hours", "calendar_days", "working_days",
                                  "hours_excl_non_working", "end_of_working_day_n"])
def test_a_deadline_past_the_latest_instant_is_a_400_naming_it(sbx, kind):
    response = sbx.get(DEADLINE, query_string={"from": "5999-12-31T00:00:00Z",
                                               "duration": "P3000D", "kind": kind})

    error = assert_error(response, 400, "validation_failed", field="duration", location="query")
    assert error["details"][0]["latest"] == LATEST
    ok = sbx.get(DEADLINE, query_string={"from": "5999-12-01T00:00:00Z", "duration": "P3D",
                                         "kind": kind})
    assert ok.status_code == 200, ok.get_json()


# -- policy overrides at creation, and in a restored snapshot ----------------------------------------

@pytest.mark.parametrize("value", TOO_LONG)
@pytest.mark.parametrize(("key", "wrap"), [
    ("order.rts_deadline", lambda v: v),
    ("resale.relist_delay", lambda v: {"min": "P1D", "max": v}),
    ("logistics.journey", lambda v: {"out_for_delivery": v}),
])
def test_a_policy_override_too_long_is_a_400_naming_it_and_creates_nothing(api, store, key,
                                                                           wrap, value):
    name = f"refused-{uuid.uuid4().hex}"
    response = api.post("/api/v1/sandboxes", json={
        "name": name, "platform": "lazada", "market": "MY", "policy_overrides": {key: wrap(value)}})

    error = assert_error(response, 400, "validation_failed")
    [detail] = error["details"]
    assert detail["field"].startswith(f"policy_overrides.{key}"), detail
    assert LATEST in detail["message"], detail
    assert _count(store, Sandbox, name=name) == 0


def test_a_policy_override_longer_than_a_calendar_counts_is_a_400(api, store):
    """Deadlines walk the calendar day by day: a policy is at most what the deadline query
    counts, ten years."""
    name = f"refused-{uuid.uuid4().hex}"
    response = api.post("/api/v1/sandboxes", json={
        "name": name, "platform": "lazada", "market": "MY",
        "policy_overrides": {"order.rts_deadline": "P3661D"}})

    error = assert_error(response, 400, "validation_failed",
                         field="policy_overrides.order.rts_deadline")
    assert "at most P3660D" in error["message"]
    assert _count(store, Sandbox, name=name) == 0
    created, _ = api.create_sandbox(policy_overrides={"order.rts_deadline": "P3660D"})
    assert created["policy_overrides"] == {"order.rts_deadline": "P3660D"}


def test_a_restored_snapshot_with_a_policy_too_long_is_a_400(api, sbx, store):
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    snapshot["sandbox"]["policy_overrides"] = {"order.rts_deadline": "P999999999D"}
    name = f"refused-{uuid.uuid4().hex}"

    response = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot, "name": name})

    error = assert_error(response, 400, "validation_failed",
                         field="snapshot.sandbox.policy_overrides.order.rts_deadline")
    assert LATEST in error["message"]
    assert _count(store, Sandbox, name=name) == 0
