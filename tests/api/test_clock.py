"""The sandbox clock over HTTP: read, advance, freeze, run; the timers list."""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time

from tests.api.support import assert_error

TIMERS = "/api/v1/test_helpers/timers"


def _timer(sbx, label: str, **spec) -> dict:
    response = sbx.post(TIMERS, json={"label": label, **spec})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _advance(sbx, **body) -> dict:
    response = sbx.post(f"{sbx.base}/clock/advance", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _clock(sbx) -> dict:
    return sbx.get(f"{sbx.base}/clock").get_json()


def _fired(sbx) -> list[tuple[str, str]]:
    events = sbx.get("/api/v1/events?type=test_timer.fired").get_json()["data"]
    return [(e["data"]["label"], e["occurred_at"]) for e in events]


# -- reading -------------------------------------------------------------------------------------

def test_the_clock_reads_now_mode_speed_and_the_next_timer(sbx):
    assert _clock(sbx) == {"object": "clock", "now": "2026-01-05T01:00:00+00:00",
                           "mode": "frozen", "speed": 1.0, "next_timer_at": None,
                           "timers_pending": 0}

    _timer(sbx, "later", delay="PT5H")
    _timer(sbx, "sooner", at="2026-01-05T09:00:00+08:00")  # 01:00Z: due now

    clock = _clock(sbx)
    assert clock["timers_pending"] == 1  # "sooner" was due at once and fired on the next call
    assert clock["next_timer_at"] == "2026-01-05T06:00:00+00:00"
    assert _fired(sbx) == [("sooner", "2026-01-05T01:00:00+00:00")]


# -- advancing -------------------------------------------------------------------------------------

def test_a_deadline_fires_at_its_instant_not_a_second_before(sbx):
    _timer(sbx, "rts", delay="PT48H")

    before = _advance(sbx, by="PT47H59M59S")
    assert before["timers_fired"] == 0 and before["events"]["data"] == []
    assert _fired(sbx) == []

    at = _advance(sbx, by="PT1S")
    assert at["timers_fired"] == 1
    assert at["previous_now"] == "2026-01-07T00:59:59+00:00"
    assert at["clock"]["now"] == "2026-01-07T01:00:00+00:00"
    [event] = at["events"]["data"]
    assert (event["type"], event["occurred_at"], event["data"]["label"]) == (
        "test_timer.fired", "2026-01-07T01:00:00+00:00", "rts")


@pytest.mark.parametrize(("body", "now"), [
    ({"by": "PT49H"}, "2026-01-07T02:00:00+00:00"),
    ({"by": "P2D"}, "2026-01-07T01:00:00+00:00"),
    ({"by": 3600}, "2026-01-05T02:00:00+00:00"),
    ({"by": 0.5}, "2026-01-05T01:00:00.500000+00:00"),
    ({"by": "90"}, "2026-01-05T01:01:30+00:00"),
    ({"by": "PT0S"}, "2026-01-05T01:00:00+00:00"),
    ({"to": "2026-01-06T09:00:00+08:00"}, "2026-01-06T01:00:00+00:00"),
    ({"to": "2026-01-05T01:00:00Z"}, "2026-01-05T01:00:00+00:00"),
])
def test_advance_by_a_duration_or_to_an_instant(sbx, body, now):
    result = _advance(sbx, **body)

    assert result["object"] == "clock_advance"
    assert result["previous_now"] == "2026-01-05T01:00:00+00:00"
    assert result["clock"]["now"] == now == _clock(sbx)["now"]


def test_advance_to_next_timer_stops_at_each_timer_in_turn(sbx):
    _timer(sbx, "b", delay="PT2H")
    _timer(sbx, "a", delay="PT1H")
    _timer(sbx, "c", delay="PT2H")  # same instant as b: fires after it, in scheduling order

    steps = [_advance(sbx, to="next_timer") for _ in range(3)]

    assert [s["clock"]["now"] for s in steps] == [
        "2026-01-05T02:00:00+00:00", "2026-01-05T03:00:00+00:00", "2026-01-05T03:00:00+00:00"]
    assert [s["timers_fired"] for s in steps] == [1, 2, 0]
    assert _fired(sbx) == [("a", "2026-01-05T02:00:00+00:00"), ("b", "2026-01-05T03:00:00+00:00"),
                           ("c", "2026-01-05T03:00:00+00:00")]
    # With nothing left, next_timer is now: the clock stays.
    assert _advance(sbx, to="next_timer")["clock"]["now"] == "2026-01-05T03:00:00+00:00"


def test_every_timer_fires_at_its_own_instant_in_order_within_one_advance(sbx):
    _timer(sbx, "third", delay="P3D")
    _timer(sbx, "first", delay="PT1H")
    _timer(sbx, "second", at="2026-01-06T00:00:00Z")

    result = _advance(sbx, by="P30D")

    assert result["timers_fired"] == 3
    assert [(e["data"]["label"], e["occurred_at"]) for e in result["events"]["data"]] == [
        ("first", "2026-01-05T02:00:00+00:00"), ("second", "2026-01-06T00:00:00+00:00"),
        ("third", "2026-01-08T01:00:00+00:00")]
    assert result["clock"]["now"] == "2026-02-04T01:00:00+00:00"
    assert result["clock"]["timers_pending"] == 0 and result["clock"]["next_timer_at"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"by": "-PT1H"}, "by"), ({"by": -1}, "by"), ({"to": "2026-01-05T00:59:59Z"}, "to")])
def test_the_clock_never_goes_backwards_409_says_to_restore_a_snapshot(sbx, body, field):
    response = sbx.post(f"{sbx.base}/clock/advance", json=body)

    error = assert_error(response, 409, "clock_cannot_go_backwards", field=field)
    assert "restore a snapshot" in error["message"]
    assert error["details"][0]["now"] == "2026-01-05T01:00:00+00:00"
    assert _clock(sbx)["now"] == "2026-01-05T01:00:00+00:00"


@pytest.mark.parametrize("body", [{}, {"by": "PT1H", "to": "next_timer"},
                                  {"by": "PT1H", "to": "2026-02-01T00:00:00Z"}])
def test_advance_takes_exactly_one_of_by_and_to(sbx, body):
    error = assert_error(sbx.post(f"{sbx.base}/clock/advance", json=body), 400,
                         "validation_failed", field="by", location="body")

    assert "'by'" in error["message"] and "'to'" in error["message"]


@pytest.mark.parametrize(("body", "field"), [
    ({"by": "P1M"}, "by"), ({"by": "P1Y"}, "by"), ({"by": "soon"}, "by"), ({"by": True}, "by"),
    ({"by": None}, "by"), ({"by": "P2000000D"}, "by"), ({"by": 1e12}, "by"),
    ({"to": "later"}, "to"), ({"to": 5}, "to"), ({"when": "PT1H"}, "when")])
def test_advance_refuses_bad_durations_and_instants(sbx, body, field):
    assert_error(sbx.post(f"{sbx.base}/clock/advance", json=body), 400, "validation_failed",
                 field=field, location="body")


def test_the_clock_stops_at_its_latest_instant_with_a_400(sbx):
    _advance(sbx, to="5999-12-31T00:00:00Z")

    assert_error(sbx.post(f"{sbx.base}/clock/advance", json={"by": "P2D"}), 400,
                 "validation_failed", field="by")
    assert _advance(sbx, by="P1D")["clock"]["now"] == "6000-01-01T00:00:00+00:00"
    # A timer it could never reach is refused too, naming the bound; one due at it is not.
    error = assert_error(sbx.post(TIMERS, json={"label": "far", "delay": "P1000D"}), 400,
                         "validation_failed", field="delay")
    assert error["details"][0]["latest"] == "6000-01-01T00:00:00+00:00"
    assert _timer(sbx, "last", delay="PT0S")["due_at"] == "6000-01-01T00:00:00+00:00"


def test_an_advance_answers_the_first_100_events_and_a_cursor_to_the_rest(sbx):
    _timer(sbx, "tick", delay="PT1H", repeat_every="PT1H", repeat_times=149)

    result = _advance(sbx, by="P7D")

    assert result["timers_fired"] == 150
    events = result["events"]
    assert events["object"] == "list" and len(events["data"]) == 100
    assert events["has_more"] is True
    assert events["next_cursor"] == events["data"][-1]["id"] == "evt_00000102"
    assert [e["data"]["iteration"] for e in events["data"]] == list(range(100))

    rest = sbx.get(f"/api/v1/events?after={events['next_cursor']}").get_json()
    assert [e["data"]["iteration"] for e in rest["data"]] == list(range(100, 150))
    assert rest["has_more"] is False and rest["next_cursor"] is None
    occurred = [e["occurred_at"] for e in events["data"] + rest["data"]]
    assert occurred[0] == "2026-01-05T02:00:00+00:00"
    assert occurred[-1] == "2026-01-11T07:00:00+00:00"  # the 150th hour
    assert occurred == sorted(occurred)


def test_an_advance_with_exactly_100_events_has_no_more(sbx):
    _timer(sbx, "tick", delay="PT1H", repeat_every="PT1H", repeat_times=99)

    events = _advance(sbx, by="P7D")["events"]

    assert len(events["data"]) == 100
    assert events["has_more"] is False and events["next_cursor"] is None


# -- freeze and run ---------------------------------------------------------------------------

def test_run_moves_the_clock_at_its_speed_and_freeze_stops_it(sbx):
    with freeze_time("2030-06-01T00:00:00Z") as wall:
        running = sbx.post(f"{sbx.base}/clock/run", json={"speed": 3600})
        assert running.status_code == 200
        assert running.get_json() == {**_clock(sbx), "mode": "running", "speed": 3600.0}

        wall.tick(2)  # two wall seconds are two virtual hours
        assert _clock(sbx)["now"] == "2026-01-05T03:00:00+00:00"

        frozen = sbx.post(f"{sbx.base}/clock/freeze")
        assert frozen.status_code == 200
        assert frozen.get_json()["mode"] == "frozen"
        assert frozen.get_json()["now"] == "2026-01-05T03:00:00+00:00"

        wall.tick(60)
        assert _clock(sbx)["now"] == "2026-01-05T03:00:00+00:00"


def test_a_running_clock_fires_due_timers_on_the_next_request(api):
    with freeze_time("2030-06-01T00:00:00Z") as wall:
        body, sbx = api.create_sandbox(clock_mode="running", clock_speed=3600)
        sbx.base = f"/api/v1/sandboxes/{body['id']}"
        _timer(sbx, "soon", delay="PT30M")
        _timer(sbx, "later", delay="PT3H")

        wall.tick(1)  # one virtual hour

        assert _fired(sbx) == [("soon", "2026-01-05T01:30:00+00:00")]
        assert _clock(sbx)["timers_pending"] == 1


def test_an_advance_after_a_long_catch_up_still_answers_its_own_events(api):
    """The catch-up of a running clock fires 150 timers first; the advance that follows in the
    same request must still answer with the events *it* produced."""
    with freeze_time("2030-06-01T00:00:00Z") as wall:
        body, sbx = api.create_sandbox(clock_mode="running", clock_speed=3600)
        sbx.base = f"/api/v1/sandboxes/{body['id']}"
        _timer(sbx, "tick", delay="PT1S", repeat_every="PT1S", repeat_times=149)
        _timer(sbx, "target", delay="PT10H")
        wall.tick(1)

        result = _advance(sbx, by="PT10H")

    assert result["timers_fired"] == 1
    [event] = result["events"]["data"]
    assert event["data"]["label"] == "target"
    assert result["events"]["has_more"] is False and result["events"]["next_cursor"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"speed": 0}, "speed"), ({"speed": -1}, "speed"), ({"speed": "fast"}, "speed"),
    ({"speed": 1e8}, "speed"), ({"rate": 2}, "rate")])
def test_run_refuses_a_bad_speed(sbx, body, field):
    assert_error(sbx.post(f"{sbx.base}/clock/run", json=body), 400, "validation_failed",
                 field=field)
    assert _clock(sbx)["mode"] == "frozen"


def test_run_without_a_body_runs_in_real_time(sbx):
    response = sbx.post(f"{sbx.base}/clock/run")

    assert response.status_code == 200
    assert (response.get_json()["mode"], response.get_json()["speed"]) == ("running", 1.0)


# -- test timers and the timers list -----------------------------------------------------------

@pytest.mark.parametrize(("body", "field"), [
    ({"label": "x"}, "at"),
    ({"label": "x", "delay": "PT1H", "at": "2026-02-01T00:00:00Z"}, "at"),
    ({"label": "x", "at": "2026-01-05T00:59:59Z"}, "at"),
    ({"label": "x", "delay": "-PT1H"}, "delay"),
    ({"label": "x", "delay": "PT1H", "repeat_every": "PT1H"}, "repeat_every"),
    ({"label": "x", "delay": "PT1H", "repeat_every": "PT0S", "repeat_times": 2}, "repeat_every"),
    ({"label": "x", "delay": "PT1H", "repeat_every": "PT1H", "repeat_times": 0},
     "repeat_times"),
    ({"label": "", "delay": "PT1H"}, "label"),
    ({"delay": "PT1H"}, "label"),
])
def test_a_bad_test_timer_is_a_400_naming_the_field(sbx, body, field):
    assert_error(sbx.post(TIMERS, json=body), 400, "validation_failed", field=field)
    assert _clock(sbx)["timers_pending"] == 0


def test_timers_are_listed_in_firing_order_with_a_description(sbx):
    _timer(sbx, "third", delay="P3D")
    _timer(sbx, "first", delay="PT1H", repeat_every="PT12H", repeat_times=3)
    _timer(sbx, "second", at="2026-01-06T00:00:00Z")

    page = sbx.get(f"{sbx.base}/timers").get_json()

    assert page["object"] == "list" and page["has_more"] is False
    assert [(t["id"], t["due_at"], t["subject"]) for t in page["data"]] == [
        ("tmr_00000002", "2026-01-05T02:00:00+00:00", "first"),
        ("tmr_00000003", "2026-01-06T00:00:00+00:00", "second"),
        ("tmr_00000001", "2026-01-08T01:00:00+00:00", "third")]
    assert page["data"][0]["description"] == \
        "test timer 'first': record test_timer.fired, then repeat every PT12H (3 more)"
    assert page["data"][1]["description"] == "test timer 'second': record test_timer.fired"
    assert {t["kind"] for t in page["data"]} == {"test_helpers.timer"}

    _advance(sbx, by="PT1H")  # "first" fires and schedules its next run
    after = sbx.get(f"{sbx.base}/timers").get_json()["data"]
    assert after[0]["id"] == "tmr_00000004"
    assert after[0]["description"].endswith("(2 more)")
    assert after[0]["due_at"] == "2026-01-05T14:00:00+00:00"


def test_the_timers_list_pages_in_firing_order(sbx):
    # Scheduled latest first, so that firing order and id order differ.
    for hours in range(7, 0, -1):
        _timer(sbx, f"h{hours}", delay=f"PT{hours}H")

    labels, after = [], None
    for _ in range(10):
        query = "?limit=3" + (f"&after={after}" if after else "")
        page = sbx.get(f"{sbx.base}/timers{query}").get_json()
        assert len(page["data"]) <= 3
        labels += [t["subject"] for t in page["data"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        assert page["next_cursor"] == page["data"][-1]["id"]
        after = page["next_cursor"]

    assert labels == [f"h{h}" for h in range(1, 8)]


def test_the_timers_list_filters_by_kind(sbx):
    _timer(sbx, "x", delay="PT1H")

    assert len(sbx.get(f"{sbx.base}/timers?kind=test_helpers.timer").get_json()["data"]) == 1
    assert sbx.get(f"{sbx.base}/timers?kind=order.rts").get_json()["data"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("after=evt_00000001", "after"), ("after=tmr_x", "after"),
    ("after=tmr_9999999999999999999999", "after"), ("limit=101", "limit"), ("limit=0", "limit")])
def test_the_timers_list_refuses_bad_paging(sbx, query, field):
    assert_error(sbx.get(f"{sbx.base}/timers?{query}"), 400, "validation_failed", field=field,
                 location="query")


def test_a_timer_due_now_fires_on_the_next_request_and_is_stamped_now(sbx):
    created = _timer(sbx, "now", at="2026-01-05T01:00:00Z")

    assert created["due_at"] == "2026-01-05T01:00:00+00:00"
    assert _clock(sbx)["timers_pending"] == 0
    [(label, occurred_at)] = _fired(sbx)
    assert datetime.fromisoformat(occurred_at) == datetime.fromisoformat(created["due_at"])
