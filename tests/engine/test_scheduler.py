"""The timer engine, through its service layer: order, instants, cascades, bound, catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from mockplatform.control import clock as clock_service
from mockplatform.control import sandboxes
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.events import list_events
from mockplatform.engine.payloads import Anything, PayloadSpec, Text
from mockplatform.engine.scheduler import timer_kind
from mockplatform.errors import AdvanceLimitReached, Conflict

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
FIRED: list[tuple[str, datetime]] = []


@timer_kind("tests.record", payload=PayloadSpec({"then": Anything(optional=True, nullable=True)}),
            describe="record {subject}")
def _record(ctx, timer):
    FIRED.append((timer.subject, ctx.now))
    ctx.record("tests.fired", subject=timer.subject, data={"at": ctx.now.isoformat()})
    then = timer.payload.get("then")
    if then:
        ctx.timers.schedule("tests.record", ctx.now + timedelta(seconds=then["after"]),
                            subject=then["subject"], payload={"then": then.get("then")})


@pytest.fixture(autouse=True)
def _clear():
    FIRED.clear()


def open_ctx(store, settings, sandbox_id: str) -> SandboxContext:
    """What a request does: lock the sandbox, build its context, catch up."""
    session = store._sessions()
    ctx = SandboxContext(session, sandboxes.get(session, sandbox_id), settings)
    ctx.catch_up()
    return ctx


class Unit:
    """One unit of work over a sandbox, committed on exit."""

    def __init__(self, store, settings, sandbox_id):
        self.store, self.settings, self.sandbox_id = store, settings, sandbox_id

    def __enter__(self) -> SandboxContext:
        self._tx = self.store.transaction()
        session = self._tx.__enter__()
        self.ctx = SandboxContext(session, sandboxes.get(session, self.sandbox_id), self.settings)
        self.ctx.catch_up()
        return self.ctx

    def __exit__(self, *exc):
        if exc[0] is None:
            self.ctx.finish()
        return self._tx.__exit__(*exc)


@pytest.fixture
def make_sandbox(store, settings):
    def make(**spec):
        with store.transaction() as session:
            ctx = sandboxes.create(session, settings, {
                "platform": "lazada", "market": "MY", "seed": 3, "start_at": START, **spec})
            ctx.finish()
            sandbox_id = ctx.sandbox.id
        return lambda: Unit(store, settings, sandbox_id)
    return make


def test_timers_fire_in_due_order_each_at_its_own_instant(make_sandbox):
    unit = make_sandbox()
    with unit() as ctx:
        for subject, hours in [("c", 3), ("a", 1), ("b", 2), ("a2", 1)]:
            ctx.timers.schedule("tests.record", START + timedelta(hours=hours), subject=subject)
    with unit() as ctx:
        result = clock_service.advance(ctx, by=timedelta(hours=5))
    assert result.timers_fired == 4
    # equal due instants fire in the order they were scheduled (seq)
    assert FIRED == [("a", START + timedelta(hours=1)), ("a2", START + timedelta(hours=1)),
                     ("b", START + timedelta(hours=2)), ("c", START + timedelta(hours=3))]
    assert [e.occurred_at for e in result.events] == [t for _, t in FIRED]
    assert result.clock.now == START + timedelta(hours=5)


def test_one_second_before_nothing_fires_at_the_instant_it_does(make_sandbox):
    unit = make_sandbox()
    due = START + timedelta(hours=48)
    with unit() as ctx:
        ctx.timers.schedule("tests.record", due, subject="deadline")
    with unit() as ctx:
        assert clock_service.advance(ctx, to=due - timedelta(seconds=1)).timers_fired == 0
    assert FIRED == []
    with unit() as ctx:
        assert clock_service.advance(ctx, by=timedelta(seconds=1)).timers_fired == 1
    assert FIRED == [("deadline", due)]


def test_cascades_fire_in_the_same_advance_when_due_before_the_target(make_sandbox):
    unit = make_sandbox()
    with unit() as ctx:
        chain = {"subject": "second", "after": 60, "then": {"subject": "third", "after": 60}}
        ctx.timers.schedule("tests.record", START + timedelta(minutes=10), subject="first",
                            payload={"then": chain})
        ctx.timers.schedule("tests.record", START + timedelta(minutes=11, seconds=30),
                            subject="between")
    with unit() as ctx:
        result = clock_service.advance(ctx, by=timedelta(minutes=11, seconds=30))
    assert [s for s, _ in FIRED] == ["first", "second", "between"]
    assert result.timers_fired == 3
    with unit() as ctx:  # "third" is due at 12:00, after the target: still pending
        assert ctx.timers.pending_count() == 1
        assert ctx.timers.next_due_at() == START + timedelta(minutes=12)


def test_cascades_merge_into_order_across_batches(make_sandbox, monkeypatch):
    from mockplatform.engine import scheduler
    monkeypatch.setattr(scheduler, "BATCH", 3)
    unit = make_sandbox()
    with unit() as ctx:
        for minute in range(1, 10):
            ctx.timers.schedule("tests.record", START + timedelta(minutes=minute),
                                subject=f"t{minute}",
                                payload={"then": {"subject": f"t{minute}+90s", "after": 90}}
                                if minute == 1 else {})
    with unit() as ctx:
        clock_service.advance(ctx, by=timedelta(hours=1))
    times = [t for _, t in FIRED]
    assert times == sorted(times)
    assert [s for s, _ in FIRED][:3] == ["t1", "t2", "t1+90s"]
    assert len(FIRED) == 10


def test_each_timer_fires_exactly_once(make_sandbox):
    unit = make_sandbox()
    with unit() as ctx:
        ctx.timers.schedule("tests.record", START + timedelta(hours=1), subject="once")
    for _ in range(3):
        with unit() as ctx:
            clock_service.advance(ctx, by=timedelta(hours=1))
    assert FIRED == [("once", START + timedelta(hours=1))]


def test_a_failing_handler_rolls_back_the_whole_advance(make_sandbox):
    @timer_kind("tests.explode", payload=PayloadSpec({}), describe="explode")
    def _explode(ctx, timer):
        raise RuntimeError("boom")

    unit = make_sandbox()
    with unit() as ctx:
        ctx.timers.schedule("tests.record", START + timedelta(hours=1), subject="ok")
        ctx.timers.schedule("tests.explode", START + timedelta(hours=2))
    with pytest.raises(RuntimeError), unit() as ctx:
        clock_service.advance(ctx, by=timedelta(hours=3))
    with unit() as ctx:
        assert ctx.now == START
        assert ctx.timers.pending_count() == 2


def test_advance_stops_at_the_bound_at_a_consistent_point(make_sandbox, settings):
    unit = make_sandbox()
    unit_ = unit()
    unit_.settings = settings.with_(max_timers_per_advance=5)
    with unit() as ctx:
        for minute in range(1, 9):
            ctx.timers.schedule("tests.record", START + timedelta(minutes=minute),
                                subject=f"t{minute}")
    with pytest.raises(AdvanceLimitReached) as raised, unit_ as ctx:
        clock_service.advance(ctx, by=timedelta(hours=1))
    assert "5 timers" in raised.value.message
    assert len(FIRED) == 5
    with unit() as ctx:  # the stop was kept: clock at the fifth timer, three still pending
        assert ctx.now == START + timedelta(minutes=5)
        assert ctx.timers.pending_count() == 3
        # ... and so was everything the five recorded, buffered writes included
        assert [e.subject for e in list_events(ctx, types=["tests.fired"])[0]] == [
            f"t{minute}" for minute in range(1, 6)]
        assert clock_service.advance(ctx, by=timedelta(hours=1)).timers_fired == 3
    assert len(FIRED) == 8
    with unit() as ctx:
        fired = list_events(ctx, types=["tests.fired"])[0]
        assert [e.subject for e in fired] == [f"t{minute}" for minute in range(1, 9)]
        assert [e.seq for e in fired] == sorted({e.seq for e in fired})


def test_timers_scheduled_by_handlers_are_counted_when_the_bound_stops_an_advance(
        make_sandbox, settings, monkeypatch):
    from mockplatform.engine import scheduler
    monkeypatch.setattr(scheduler, "BATCH", 2)
    unit = make_sandbox()
    unit_ = unit()
    unit_.settings = settings.with_(max_timers_per_advance=5)
    with unit() as ctx:
        for minute in range(1, 5):  # each schedules a follow-up, due an hour later
            ctx.timers.schedule("tests.record", START + timedelta(minutes=minute),
                                subject=f"t{minute}",
                                payload={"then": {"subject": f"t{minute}+1h", "after": 3600}})
    with pytest.raises(AdvanceLimitReached), unit_ as ctx:
        clock_service.advance(ctx, by=timedelta(hours=3))
    with unit() as ctx:
        rows = ctx.timers.list(limit=100)[0]
        # t1..t4 and t1+1h fired; t2+1h, t3+1h, t4+1h are left, and the count says so.
        assert [timer.subject for timer in rows] == ["t2+1h", "t3+1h", "t4+1h"]
        assert ctx.timers.pending_count() == 3
        assert ctx.timers.next_due_at() == START + timedelta(minutes=62)
        clock_service.advance(ctx, by=timedelta(hours=3))
        assert ctx.timers.pending_count() == 0
        assert ctx.timers.next_due_at() is None


def test_the_clock_never_moves_backwards(make_sandbox):
    unit = make_sandbox()
    with pytest.raises(Conflict) as raised, unit() as ctx:
        clock_service.advance(ctx, by=timedelta(seconds=-1))
    assert raised.value.code == "clock_cannot_go_backwards"
    assert "snapshot" in raised.value.message


def test_a_timer_cannot_be_due_before_the_instant_that_scheduled_it(make_sandbox):
    unit = make_sandbox()
    with unit() as ctx:
        timer = ctx.timers.schedule("tests.record", START - timedelta(days=1), subject="late")
    assert timer.due_at == START


def test_cancel_drops_pending_timers_of_a_subject(make_sandbox):
    unit = make_sandbox()
    with unit() as ctx:
        ctx.timers.schedule("tests.record", START + timedelta(hours=1), subject="keep")
        ctx.timers.schedule("tests.record", START + timedelta(minutes=30), subject="drop")
        assert ctx.timers.cancel(subject="drop") == 1
        assert ctx.timers.next_due_at() == START + timedelta(hours=1)
    with unit() as ctx:
        clock_service.advance(ctx, by=timedelta(hours=2))
    assert [s for s, _ in FIRED] == ["keep"]


def test_running_clock_catches_up_at_the_start_of_any_request(make_sandbox):
    with freeze_time("2030-01-01T00:00:00Z") as wall:
        unit = make_sandbox(clock_mode="running", clock_speed=3600.0)  # an hour a second
        with unit() as ctx:
            ctx.timers.schedule("tests.record", START + timedelta(hours=2), subject="due")
        wall.tick(timedelta(seconds=1))
        with unit() as ctx:
            assert FIRED == []
            assert ctx.now == START + timedelta(hours=1)
        wall.tick(timedelta(seconds=1))
        with unit() as ctx:  # any request fires what is due: no thread needed
            assert FIRED == [("due", START + timedelta(hours=2))]
            assert ctx.now == START + timedelta(hours=2)


def test_freeze_and_run(make_sandbox):
    with freeze_time("2030-01-01T00:00:00Z") as wall:
        unit = make_sandbox()
        with unit() as ctx:
            clock_service.run(ctx, speed=60.0)
        wall.tick(timedelta(seconds=10))
        with unit() as ctx:
            assert ctx.now == START + timedelta(minutes=10)
            clock_service.freeze(ctx)
        wall.tick(timedelta(seconds=10))
        with unit() as ctx:
            assert ctx.now == START + timedelta(minutes=10)
            assert ctx.clock.mode == "frozen"


def test_a_handler_cancelling_a_loaded_timer_stops_it_firing_in_the_same_advance(make_sandbox):
    @timer_kind("tests.cancel_other", payload=PayloadSpec({"victim": Text()}),
                describe="cancel {subject}")
    def _cancel_other(ctx, timer):
        FIRED.append((timer.subject, ctx.now))
        ctx.timers.cancel(subject=timer.payload["victim"])

    unit = make_sandbox()
    with unit() as ctx:
        ctx.timers.schedule("tests.cancel_other", START + timedelta(minutes=1), subject="killer",
                            payload={"victim": "victim"})
        ctx.timers.schedule("tests.record", START + timedelta(minutes=2), subject="victim")
        ctx.timers.schedule("tests.record", START + timedelta(minutes=3), subject="survivor")
    with unit() as ctx:
        assert clock_service.advance(ctx, by=timedelta(hours=1)).timers_fired == 2
        assert ctx.timers.pending_count() == 0
    assert [s for s, _ in FIRED] == ["killer", "survivor"]


def test_a_handler_cancelling_its_own_subject_counts_each_timer_once(make_sandbox):
    """A deadline that closes its subject cancels the subject's timers, its own row included
    (still in the table until the batch ends) and those that fired before it in the batch:
    neither may be counted as cancelled, or the pending count goes below the truth."""
    @timer_kind("tests.close_subject", payload=PayloadSpec({}), describe="close {subject}")
    def _close(ctx, timer):
        FIRED.append((timer.subject, ctx.now))
        ctx.timers.cancel(subject=timer.subject)

    unit = make_sandbox()
    with unit() as ctx:
        ctx.timers.schedule("tests.record", START + timedelta(minutes=1), subject="parcel")
        ctx.timers.schedule("tests.close_subject", START + timedelta(minutes=2),
                            subject="parcel")
        ctx.timers.schedule("tests.record", START + timedelta(minutes=3), subject="parcel")
        ctx.timers.schedule("tests.record", START + timedelta(minutes=4), subject="other")
    with unit() as ctx:
        assert clock_service.advance(ctx, by=timedelta(minutes=2)).timers_fired == 2
        assert ctx.timers.pending_count() == 1
        assert [t.subject for t in ctx.timers.list()[0]] == ["other"]
    with unit() as ctx:
        assert clock_service.advance(ctx, by=timedelta(hours=1)).timers_fired == 1
        assert ctx.timers.pending_count() == 0
    assert [s for s, _ in FIRED] == ["parcel", "parcel", "other"]


def test_pending_count_follows_schedule_fire_and_cancel(make_sandbox):
    unit = make_sandbox()
    with unit() as ctx:
        for minute in range(1, 6):
            ctx.timers.schedule("tests.record", START + timedelta(minutes=minute),
                                subject=f"t{minute}")
        assert ctx.timers.pending_count() == 5
        ctx.timers.cancel(subject="t5")
        assert ctx.timers.pending_count() == 4
    with unit() as ctx:
        clock_service.advance(ctx, by=timedelta(minutes=2))
        assert ctx.timers.pending_count() == 2
        assert len(ctx.timers.list()[0]) == 2


def test_the_bound_error_names_the_setting_with_a_message(make_sandbox, settings):
    unit = make_sandbox()
    bounded = unit()
    bounded.settings = settings.with_(max_timers_per_advance=1)
    with unit() as ctx:
        for minute in (1, 2):
            ctx.timers.schedule("tests.record", START + timedelta(minutes=minute), subject="t")
    with pytest.raises(AdvanceLimitReached) as raised, bounded:
        clock_service.advance(bounded.ctx, by=timedelta(hours=1))
    detail = raised.value.details[0]
    assert detail["field"] == "max_timers_per_advance"
    assert detail["message"] == "at most 1 timers fire in one advance"
