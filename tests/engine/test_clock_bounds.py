"""The rule behind the API's 400s: the control layer refuses, with a ``BeyondLatest`` naming the
field, any duration or instant that would take a sandbox past ``clock.LATEST``, before it changes
anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from mockplatform.control import clock as clock_service
from mockplatform.control import sandboxes, test_timers
from mockplatform.engine.clock import EARLIEST, LATEST, RUNNING, BeyondLatest, Clock
from mockplatform.errors import Conflict

NEAR_THE_END = datetime(5999, 12, 31, tzinfo=UTC)


@pytest.fixture
def ctx(store, settings):
    with store.transaction() as session:
        ctx = sandboxes.create(session, settings, {"platform": "lazada", "market": "MY",
                                                   "seed": 1, "start_at": NEAR_THE_END})
        yield ctx


def _unchanged(ctx) -> None:
    assert ctx.now == NEAR_THE_END
    assert ctx.timers.pending_count() == 0


@pytest.mark.parametrize(("spec", "field"), [
    ({"by": timedelta(days=1, microseconds=1)}, "by"),
    ({"by": timedelta(days=999_999_999)}, "by"),  # past datetime's range, not only LATEST
    ({"to": datetime(6000, 1, 1, 0, 0, 1, tzinfo=UTC)}, "to"),
])
def test_advance_past_the_latest_instant_is_refused_naming_the_field(ctx, spec, field):
    with pytest.raises(BeyondLatest) as raised:
        clock_service.advance(ctx, **spec)

    assert (raised.value.field_name, raised.value.latest, raised.value.status) == (
        field, LATEST, 400)
    _unchanged(ctx)


def test_advance_to_the_latest_instant_itself_is_allowed(ctx):
    assert clock_service.advance(ctx, by=timedelta(days=1)).clock.now == LATEST


def test_advance_by_a_negative_duration_beyond_year_1_is_a_backwards_conflict(ctx):
    with pytest.raises(Conflict) as raised:
        clock_service.advance(ctx, by=-timedelta(days=999_999_999))

    assert raised.value.code == "clock_cannot_go_backwards"
    assert raised.value.details[0]["requested"] is None
    _unchanged(ctx)


@pytest.mark.parametrize(("spec", "field"), [
    ({"at": None, "delay": timedelta(days=2)}, "delay"),
    ({"at": datetime(6000, 1, 2, tzinfo=UTC), "delay": None}, "at"),
    ({"at": None, "delay": timedelta(0), "repeat_every": timedelta(hours=12),
      "repeat_times": 3}, "repeat_every"),
    ({"at": None, "delay": timedelta(0), "repeat_every": timedelta(days=999_999_999),
      "repeat_times": 100_000}, "repeat_every"),
])
def test_a_test_timer_past_the_latest_instant_is_refused_naming_the_field(ctx, spec, field):
    spec = {"repeat_every": None, "repeat_times": None, **spec}
    with pytest.raises(BeyondLatest) as raised:
        test_timers.schedule(ctx, label="far", **spec)

    assert raised.value.field_name == field
    _unchanged(ctx)
# -- a running clock never overflows, whichever way wall time moves ------------------------------

def test_wall_time_behind_a_fast_clocks_anchor_moves_it_back_no_further_than_earliest():
    anchor_wall = datetime(2030, 1, 1, tzinfo=UTC)
    clock = Clock(mode=RUNNING, speed=1_000_000.0, anchor_virtual=datetime(2026, 1, 5, tzinfo=UTC),
                  anchor_wall=anchor_wall)
    with freeze_time(anchor_wall - timedelta(days=3650)):
        assert clock.now() == EARLIEST
    with freeze_time(anchor_wall - timedelta(seconds=1)):
        assert clock.now() == datetime(2026, 1, 5, tzinfo=UTC) - timedelta(seconds=1_000_000)


def test_wall_time_far_past_a_fast_clocks_anchor_stops_it_at_latest():
    anchor_wall = datetime(2026, 1, 1, tzinfo=UTC)
    clock = Clock(mode=RUNNING, speed=1_000_000.0, anchor_virtual=datetime(2026, 1, 5, tzinfo=UTC),
                  anchor_wall=anchor_wall)
    with freeze_time(anchor_wall + timedelta(days=3650)):
        assert clock.now() == LATEST
