"""The cyclic garbage collector is paused while timers fire and, inside a unit of work, until
it has closed; it always runs again afterwards, whatever happened."""

from __future__ import annotations

import gc

import pytest

from mockplatform.engine import collector
from mockplatform.store.session import ON_CLOSE


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    assert gc.isenabled(), "a test left the collector paused"
    if not was:
        gc.disable()


def test_pauses_nest_and_the_collector_runs_again_after_the_last():
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_inside_a_unit_of_work_the_pause_lasts_until_it_closes(store):
    with store.transaction() as session:
        with collector.paused_for(session):
            pass
        assert not gc.isenabled(), "the flush and commit after the firing run paused too"
        with collector.paused_for(session):  # a second advance in the same unit: one hold
            pass
        assert session.info[collector.HELD] is True
    assert gc.isenabled()
    assert ON_CLOSE not in session.info and collector.HELD not in session.info


def test_a_unit_of_work_that_fails_still_resumes_the_collector(store):
    with pytest.raises(RuntimeError), store.transaction() as session:
        with collector.paused_for(session):
            raise RuntimeError("a handler failed")
    assert gc.isenabled()


def test_outside_a_unit_of_work_the_pause_is_the_block(store):
    session = store._sessions()
    try:
        with collector.paused_for(session):
            assert not gc.isenabled()
        assert gc.isenabled()
    finally:
        session.close()


def test_an_advance_through_the_api_leaves_the_collector_running(sbx):
    response = sbx.post("/api/v1/test_helpers/timers", json={"label": "t", "delay": "PT1H"})
    assert response.status_code == 201, response.get_json()
    answer = sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT2H"}).get_json()
    assert answer["timers_fired"] == 1
    assert gc.isenabled()
