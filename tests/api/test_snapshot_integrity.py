"""Restore refuses a snapshot whose rows do not hang together: timer payloads that do not fit
their kind, rows naming rows the snapshot does not hold, counters about to overflow, JSON that
code parses in the wrong shape. Each refusal is a 400 naming the table, the row and the field,
writes nothing, and leaves the sandbox it was taken from advancing as before; restored as it
was taken, the same snapshot advances through every timer it holds."""

from __future__ import annotations

import copy
import uuid

import pytest
from sqlalchemy import func, select

from mockplatform.store.models import Sandbox, snapshot_tables
from tests.api.support import assert_error
from tests.logistics.support import advance_by, helper, new_sandbox, ok, place, ship

RESTORE = "/api/v1/sandboxes/restore"


@pytest.fixture
def taken(api):
    """A sandbox with a package on its journey (one failure queued for it), an order waiting to
    be readied, a week's settlement pending and a repeating test timer; and its snapshot."""
    sbx = new_sandbox(api)
    _, package = ship(sbx)
    place(sbx)
    ok(helper(sbx, package["package_id"], "fail_next_attempt"))
    ok(sbx.post("/api/v1/test_helpers/ledger/settleable",
                json={"subject": "order_item:1", "amount": "5.00"}), 201)
    ok(sbx.post("/api/v1/test_helpers/timers", json={
        "label": "tick", "delay": "PT1H", "repeat_every": "PT6H", "repeat_times": 3}), 201)
    sbx.snapshot = ok(sbx.post(f"{sbx.base}/snapshot"))
    return sbx


def _rows_written(store) -> dict[str, int]:
    with store.transaction() as session:
        # The tables a restore writes: not those kept apart from snapshots (the journal, the
        # webhook deliveries and attempts), which other threads write whenever they run (the
        # journal's writer; under PostgreSQL, every test's dispatcher polls one database).
        counts = {table.name: session.scalar(select(func.count()).select_from(table))
                  for table in snapshot_tables()}
        counts["sandboxes"] = session.scalar(select(func.count()).select_from(Sandbox))
    return counts


def _timer(snapshot: dict, kind: str) -> tuple[int, dict]:
    """The index and row of the first timer of ``kind``."""
    return next((index, row) for index, row in enumerate(snapshot["tables"]["timers"])
                if row["kind"] == kind)


def _refused(api, store, taken, snapshot: dict, field: str, *, table: str | None = None,
             row: int | None = None) -> dict:
    """Restore ``snapshot``: assert a 400 naming ``field`` (and the table and row), nothing
    written, and the sandbox it was taken from advancing through its timers still."""
    before = _rows_written(store)
    name = f"damaged-{uuid.uuid4().hex}"

    response = api.post(RESTORE, json={"snapshot": snapshot, "name": name})

    error = assert_error(response, 400, "validation_failed", field=field)
    assert _rows_written(store) == before
    [detail] = [d for d in error["details"] if d["field"] == field]
    if table is not None:
        assert (detail["table"], detail["row"]) == (table, row), detail
        named = snapshot["tables"][table][row]
        assert all(named[column] == value
                   for column, value in detail.get("key", {}).items()), detail
    assert advance_by(taken, "P30D")["timers_fired"] > 0
    return detail


def _damaged(taken) -> dict:
    return copy.deepcopy(taken.snapshot)


# -- the snapshot as taken -----------------------------------------------------------------------

def test_a_refusal_after_the_new_sandbox_was_created_writes_nothing_either(api, store, taken):
    """The sandbox's own settings are checked against its platform once it exists: the
    refusal rolls the creation back with everything else."""
    snapshot = _damaged(taken)
    snapshot["sandbox"]["policy_overrides"] = {"order.rts_deadline": "soon"}

    _refused(api, store, taken, snapshot,
             "snapshot.sandbox.policy_overrides.order.rts_deadline")


def test_the_snapshot_as_taken_restores_and_the_copy_advances_through_every_timer(api, taken):
    response = api.post(RESTORE, json={"snapshot": taken.snapshot})

    assert response.status_code == 201, response.get_json()
    restored = response.get_json()
    copy_api = api.as_(restored["credentials"]["api_key"])
    copy_api.base = f"/api/v1/sandboxes/{restored['id']}"
    assert advance_by(copy_api, "P30D")["timers_fired"] > 0
    for package in taken.snapshot["tables"]["packages"]:
        assert ok(copy_api.get(f"/api/v1/packages/{package['package_id']}"))["status"] in (
            "delivered", "returned")


# -- timer payloads ------------------------------------------------------------------------------

def test_a_timer_payload_emptied_is_refused_naming_each_missing_field(api, store, taken):
    snapshot = _damaged(taken)
    index, timer = _timer(snapshot, "logistics.journey_step")
    timer["payload"] = {}

    detail = _refused(api, store, taken, snapshot,
                      f"snapshot.tables.timers.{index}.payload.package_id",
                      table="timers", row=index)

    assert detail["key"] == {"seq": timer["seq"]}
    assert "missing" in detail["message"] and "logistics.journey_step" in detail["message"]


def test_a_timer_payload_naming_an_order_the_snapshot_does_not_hold_is_refused(api, store, taken):
    snapshot = _damaged(taken)
    index, timer = _timer(snapshot, "order.rts_deadline")
    timer["payload"] = {"order_id": 1}
    timer["subject"] = "order:1"

    detail = _refused(api, store, taken, snapshot,
                      f"snapshot.tables.timers.{index}.payload.order_id",
                      table="timers", row=index)

    assert "no such row of orders" in detail["message"]


@pytest.mark.parametrize(("payload", "field"), [
    (None, "payload"),
    ({"order_id": None}, "payload.order_id"),
])
def test_a_timer_payload_nulled_is_refused(api, store, taken, payload, field):
    snapshot = _damaged(taken)
    index, timer = _timer(snapshot, "order.rts_deadline")
    timer["payload"] = payload

    detail = _refused(api, store, taken, snapshot, f"snapshot.tables.timers.{index}.{field}",
                      table="timers", row=index)

    assert "must not be null" in detail["message"]


@pytest.mark.parametrize(("kind", "to", "field"), [
    # The same payload, but the kind is another flow's: its profile has none of the policies.
    ("order.rts_deadline", "semi_hosted.cancel_after", "payload.order_id"),
    ("order.rts_deadline", "semi_hosted.ship_deadline", "payload.order_id"),
    # Another payload altogether.
    ("logistics.journey_step", "order.rts_deadline", "payload.order_id"),
    ("order.delayed_warning", "finance.statement_close", "payload.statement_id"),
])
def test_a_timer_kind_swapped_for_another_real_kind_is_refused(api, store, taken, kind, to,
                                                              field):
    snapshot = _damaged(taken)
    index, timer = _timer(snapshot, kind)
    timer["kind"] = to

    _refused(api, store, taken, snapshot, f"snapshot.tables.timers.{index}.{field}",
             table="timers", row=index)


def test_a_timer_whose_subject_does_not_match_its_payload_is_refused(api, store, taken):
    snapshot = _damaged(taken)
    index, timer = _timer(snapshot, "logistics.journey_step")
    timer["subject"] = "package:FP000000000000001"

    _refused(api, store, taken, snapshot, f"snapshot.tables.timers.{index}.subject",
             table="timers", row=index)


# -- references between rows ---------------------------------------------------------------------

@pytest.mark.parametrize(("table", "column", "value"), [
    ("packages", "order_id", 1),
    ("order_items", "order_id", 1),
    ("order_items", "sku_id", 1),
    ("order_items", "package_id", "FP000000000000001"),
    ("tracking_events", "package_id", "FP000000000000001"),
    ("catalog_skus", "item_id", 1),
])
def test_a_row_naming_a_row_the_snapshot_does_not_hold_is_refused(api, store, taken, table,
                                                                   column, value):
    snapshot = _damaged(taken)
    snapshot["tables"][table][0][column] = value

    detail = _refused(api, store, taken, snapshot, f"snapshot.tables.{table}.0.{column}",
                      table=table, row=0)

    assert f"names {value!r}" in detail["message"]


def test_a_statement_timer_naming_a_statement_the_snapshot_does_not_hold_is_refused(
        api, store, taken):
    snapshot = _damaged(taken)
    snapshot["tables"]["settlement_statements"] = []
    index, _ = _timer(snapshot, "finance.statement_close")

    _refused(api, store, taken, snapshot,
             f"snapshot.tables.timers.{index}.payload.statement_id", table="timers", row=index)


# -- value ranges --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [2**63 - 1, 2**63 - 1000, 10**18])
def test_a_counter_near_the_top_of_its_column_is_refused(api, store, taken, value):
    snapshot = _damaged(taken)
    snapshot["sandbox"]["counters"]["timer"] = value

    detail = _refused(api, store, taken, snapshot, "snapshot.sandbox.counters.timer")

    assert "100000000000000000" in detail["message"]


@pytest.mark.parametrize("counter", ["orders.order", "orders.order_item", "catalog.sku",
                                     "catalog.item", "catalog.buyer", "logistics.package",
                                     "logistics.tracking_number"])
def test_a_counter_behind_the_ids_drawn_from_it_is_refused(api, store, taken, counter):
    """Set back, the counter would draw an id the snapshot holds: every insert of a new one
    would fail, and a failed try draws nothing, so the next would fail too."""
    snapshot = _damaged(taken)
    snapshot["sandbox"]["counters"][counter] = 0

    detail = _refused(api, store, taken, snapshot, f"snapshot.sandbox.counters.{counter}")

    assert "the ids drawn next would repeat it" in detail["message"]


@pytest.mark.parametrize(("table", "column", "value"), [
    ("orders", "order_id", 2**63),
    ("orders", "order_id", -5),
    ("orders", "items_count", 2**31),  # an INTEGER column: 32 bits
    ("catalog_skus", "stock", -1),
])
def test_an_id_or_count_out_of_its_column_range_is_refused(api, store, taken, table, column,
                                                          value):
    snapshot = _damaged(taken)
    snapshot["tables"][table][0][column] = value

    _refused(api, store, taken, snapshot, f"snapshot.tables.{table}.0.{column}",
             table=table, row=0)


def test_an_order_in_a_currency_no_amount_can_be_formatted_in_is_refused(api, store, taken):
    snapshot = _damaged(taken)
    snapshot["tables"]["orders"][0]["currency"] = "XYZ"

    _refused(api, store, taken, snapshot, "snapshot.tables.orders.0.currency",
             table="orders", row=0)


@pytest.mark.parametrize(("table", "column"), [("timers", "due_at"), ("orders", "created_at")])
def test_an_instant_utc_cannot_express_is_refused(api, store, taken, table, column):
    snapshot = _damaged(taken)
    snapshot["tables"][table][0][column] = "9999-12-31T23:00:00-05:00"

    _refused(api, store, taken, snapshot, f"snapshot.tables.{table}.0.{column}",
             table=table, row=0)


def test_two_rows_sharing_a_unique_value_are_refused(api, store, taken):
    snapshot = _damaged(taken)
    skus = snapshot["tables"]["catalog_skus"]
    skus.append({**copy.deepcopy(skus[0]), "sku_id": skus[0]["sku_id"] + 10**6})

    detail = _refused(api, store, taken, snapshot, f"snapshot.tables.catalog_skus.{len(skus) - 1}",
                      table="catalog_skus", row=len(skus) - 1)

    assert "seller_sku" in detail["message"]


# -- JSON that code parses -----------------------------------------------------------------------

@pytest.mark.parametrize(("scripted", "field"), [
    ("failed", "scripted"),
    ([1], "scripted.0"),
    ([{"outcome": "failed", "queued_at": "2026-01-05T01:00:00+00:00"}], "scripted.0.reason"),
    ([{"outcome": "failed", "reason": 5, "queued_at": "2026-01-05T01:00:00+00:00"}],
     "scripted.0.reason"),
    ([{"outcome": "failed", "reason": "recipient_absent", "queued_at": "soon"}],
     "scripted.0.queued_at"),
])
def test_a_malformed_list_of_queued_failures_is_refused(api, store, taken, scripted, field):
    snapshot = _damaged(taken)
    package = snapshot["tables"]["packages"][0]
    assert package["scripted"], "the fixture queues a failure"
    package["scripted"] = scripted

    _refused(api, store, taken, snapshot, f"snapshot.tables.packages.0.{field}",
             table="packages", row=0)
    # The package the snapshot was taken from answers, queued failure and all.
    assert ok(taken.get(f"/api/v1/packages/{package['package_id']}"))["package_id"] == \
        package["package_id"]


@pytest.mark.parametrize(("damage", "field"), [
    (lambda plan: plan.update(teleport={"due_at": "2026-01-06T00:00:00+00:00",
                                        "done_at": None}), "journey.teleport"),
    (lambda plan: plan["pickup"].update(due_at="tomorrow"), "journey.pickup.due_at"),
    (lambda plan: plan.update(pickup=[]), "journey.pickup"),
])
def test_a_malformed_journey_plan_is_refused(api, store, taken, damage, field):
    snapshot = _damaged(taken)
    damage(snapshot["tables"]["packages"][0]["journey"])

    _refused(api, store, taken, snapshot, f"snapshot.tables.packages.0.{field}",
             table="packages", row=0)


def test_an_order_address_in_the_wrong_shape_is_refused(api, store, taken):
    snapshot = _damaged(taken)
    snapshot["tables"]["orders"][0]["address_shipping"] = ["1 Jalan Ampang"]

    _refused(api, store, taken, snapshot, "snapshot.tables.orders.0.address_shipping",
             table="orders", row=0)
