"""Sandboxes over HTTP: snapshot and restore, and every way a damaged snapshot is refused."""

from __future__ import annotations

import copy
import uuid

import pytest

from mockplatform.store.models import Sandbox
from tests.api.sandbox_support import SANDBOXES, count_rows, events_of, instant, timer
from tests.api.support import assert_error

# -- snapshot and restore ---------------------------------------------------------------------

def _sandbox_with_history(api):
    body, sbx = api.create_sandbox(seed=3)
    sbx.base = f"{SANDBOXES}/{body['id']}"
    sbx.sandbox = body
    timer(sbx, "tick", delay="PT1H", repeat_every="PT6H", repeat_times=20)
    timer(sbx, "once", at="2026-01-07T00:00:00Z")
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
    assert timer(copy_api, "after", delay="PT1H") == timer(sbx, "after", delay="PT1H")
    assert copy_api.get("/api/v1/events?after=evt_00000006").get_data() == \
        sbx.get("/api/v1/events?after=evt_00000006").get_data()


def test_a_restored_sandbox_resets_to_the_original_creation_state(api):
    created, sbx = api.create_sandbox(seed=8, clock_speed=60, start_at="2026-02-02T00:00:00Z",
                                      policy_overrides={"order.rts_deadline": "PT72H"})
    timer(sbx, "x", delay="PT1H")
    snapshot = sbx.post(f"{SANDBOXES}/{created['id']}/snapshot").get_json()
    restored = api.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot}).get_json()
    copy_api = api.as_(restored["credentials"]["api_key"])

    reset = copy_api.post(f"{SANDBOXES}/{restored['id']}/reset").get_json()

    assert reset["clock"] == created["clock"]
    assert (reset["seed"], reset["policy_overrides"]) == (8, {"order.rts_deadline": "P3D"})
    assert [e["type"] for e in events_of(copy_api)] == ["sandbox.created"]


def test_restore_of_a_running_clock_keeps_it_running_from_the_snapshot_instant(api):
    body, sbx = api.create_sandbox(clock_mode="running", clock_speed=1)
    snapshot = sbx.post(f"{SANDBOXES}/{body['id']}/snapshot").get_json()

    restored = api.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot}).get_json()

    assert restored["clock"]["mode"] == "running"
    assert instant(restored["clock"]["now"]) >= instant(snapshot["taken_at"])


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
    assert count_rows(store, Sandbox, name=name) == 0


def test_restore_needs_a_snapshot(api):
    assert_error(api.post(f"{SANDBOXES}/restore", json={}), 400, "validation_failed",
                 field="snapshot")
    assert_error(api.post(f"{SANDBOXES}/restore", json={"snapshot": "x"}), 400,
                 "validation_failed", field="snapshot")

