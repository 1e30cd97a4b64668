"""Declared payloads: the shapes themselves, every timer kind declaring one, and the payloads the
real code schedules fitting what their kinds declare."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockplatform.control import snapshots
from mockplatform.engine.payloads import (
    INSTANT_EXPECTED,
    Duration,
    Instant,
    Integer,
    Key,
    ListOf,
    MapOf,
    Object,
    PayloadSpec,
    PrefixedId,
    Shape,
    Text,
)
from mockplatform.engine.scheduler import kinds, timer_kind
from mockplatform.store.models import Base, snapshot_tables
from tests.logistics.support import advance_by, helper, new_sandbox, ok, place, ship

ORDER = PayloadSpec({"order_id": Integer(refers_to="orders.order_id"), "at": Instant(),
                     "tags": ListOf(Integer(maximum=9), optional=True)},
                    subject="order:{order_id}")


# -- the shapes -----------------------------------------------------------------------------------

def test_a_payload_that_fits_has_no_problem_and_names_its_rows_and_subject():
    payload = {"order_id": 7, "at": "2026-01-05T01:00:00+00:00", "tags": [1, 2]}

    assert ORDER.check(payload) == []
    assert [(r.path, r.target, r.key) for r in ORDER.references(payload)] == [
        ("order_id", "orders.order_id", 7)]
    assert ORDER.subject_of(payload) == "order:7"


@pytest.mark.parametrize(("payload", "problems"), [
    (None, [("", "must not be null")]),
    ([], [("", "expected an object")]),
    ({}, [("order_id", "missing"), ("at", "missing")]),
    ({"order_id": None, "at": "2026-01-05T01:00:00+00:00"}, [("order_id", "must not be null")]),
    ({"order_id": -1, "at": "2026-01-05T01:00:00+00:00"},
     [("order_id", "expected a whole number from 0 to 9223372036854775807")]),
    ({"order_id": 2**63, "at": "2026-01-05T01:00:00+00:00"},
     [("order_id", "expected a whole number from 0 to 9223372036854775807")]),
    ({"order_id": True, "at": "2026-01-05T01:00:00+00:00"},
     [("order_id", "expected a whole number from 0 to 9223372036854775807")]),
    ({"order_id": 1, "at": "2026-01-05T01:00:00"}, [("at", INSTANT_EXPECTED)]),
    ({"order_id": 1, "at": "9999-12-31T23:00:00-05:00"}, [("at", INSTANT_EXPECTED)]),
    ({"order_id": 1, "at": "2026-01-05T01:00:00Z", "tags": [1, 10, "x"]},
     [("tags.1", "expected a whole number from 0 to 9"),
      ("tags.2", "expected a whole number from 0 to 9")]),
    ({"order_id": 1, "at": "2026-01-05T01:00:00Z", "extra": 1},
     [("extra", "not a field; expected some of ['at', 'order_id', 'tags']")]),
])
def test_a_payload_that_does_not_fit_is_told_each_field_that_does_not(payload, problems):
    assert ORDER.check(payload) == problems


def test_the_other_shapes_name_the_nested_field_at_fault():
    plan = MapOf(Text(choices=("pickup",)), Object({"due_at": Instant(),
                                                    "done_at": Instant(nullable=True)}))
    assert plan.problems({"pickup": {"due_at": "2026-01-05T01:00:00Z", "done_at": None}}) == []
    assert plan.problems({"teleport": {"due_at": "x", "done_at": None}}) == [
        ("teleport", "not an expected key: expected one of pickup"),
        ("teleport.due_at", INSTANT_EXPECTED)]
    statement = PrefixedId("stm_", refers_to="settlement_statements.seq")
    assert statement.problems("stm_00000012") == []
    assert [r.key for r in statement.references("stm_00000012")] == [12]
    assert statement.problems("stm_12x") == [("", "expected an id like stm_00000001")]
    assert Duration().problems("PT6H") == []
    assert Duration().problems("PT0S") == [("", "expected an ISO 8601 duration above zero, "
                                                "such as PT6H")]
    assert Text(max_length=3).problems("abcd") == [("", "expected a string of at most 3 "
                                                        "characters")]


def test_a_reference_can_require_what_the_named_row_is():
    lazada_order = Integer(refers_to="orders.order_id").having(flow="lazada")

    [reference] = lazada_order.references(5, "order_id")

    assert reference == ("order_id", "orders.order_id", 5, {"flow": "lazada"})


# -- every kind declares its payload --------------------------------------------------------------

def test_a_timer_kind_cannot_be_registered_without_a_payload_spec():
    with pytest.raises(TypeError):
        timer_kind("tests.no_payload", describe="x")
    with pytest.raises(TypeError):
        timer_kind("tests.dict_payload", payload={"order_id": int}, describe="x")
    assert "tests.no_payload" not in kinds() and "tests.dict_payload" not in kinds()


def _shapes(shape: Shape) -> Iterator[Shape]:
    yield shape
    if isinstance(shape, Object):
        for field in shape.fields.values():
            yield from _shapes(field)
    elif isinstance(shape, ListOf):
        yield from _shapes(shape.item)
    elif isinstance(shape, MapOf):
        yield from _shapes(shape.key)
        yield from _shapes(shape.value)


def test_every_kind_declares_a_payload_and_every_declared_reference_names_a_real_column(app):
    tables = {table.name: table for table in snapshot_tables()}
    declared = [(f"timer kind {name}", registered.payload)
                for name, registered in kinds().items()]
    declared += [(f"{table.name}.{column.name}", column.info["shape"])
                 for table in Base.metadata.sorted_tables for column in table.c
                 if "shape" in column.info]
    targets = [(f"{table.name}.{column.name}", column.info["refers_to"])
               for table in Base.metadata.sorted_tables for column in table.c
               if "refers_to" in column.info]
    for where, spec in declared:
        if where.startswith("timer kind"):
            assert isinstance(spec, PayloadSpec), where
        targets += [(where, shape.refers_to) for shape in _shapes(spec)
                    if isinstance(shape, Key) and shape.refers_to is not None]
        for shape in _shapes(spec):
            for column in (getattr(shape, "where", None) or {}):
                table = tables[shape.refers_to.partition(".")[0]]
                assert column in table.c, (where, shape)

    assert {"order.rts_deadline", "logistics.journey_step", "finance.statement_close",
            "semi_hosted.cancel_after", "test_helpers.timer", "noop"} <= set(kinds())
    for where, target in targets:
        table, _, column = target.partition(".")
        assert table in tables and column in tables[table].c, (where, target)
    # Every JSON column that code reads back declares its shape.
    assert {name for name, _ in declared} >= {"packages.journey", "packages.scripted",
                                              "packages.measured", "orders.address_shipping"}


# -- what the code schedules fits ------------------------------------------------------------------

def _check_snapshot(sbx, seen: set[str]) -> None:
    """Every timer of the sandbox fits its kind's spec and subject, and the whole snapshot hangs
    together (the check restore makes)."""
    snapshot = ok(sbx.post(f"{sbx.base}/snapshot"))
    for row in snapshot["tables"]["timers"]:
        spec = kinds()[row["kind"]].payload
        assert spec.check(row["payload"]) == [], row
        assert spec.subject_of(row["payload"]) == row["subject"], row
        seen.add(row["kind"])
    snapshots.check(snapshot)


def test_the_payloads_real_journeys_schedule_fit_their_specs_and_their_snapshots_restore(api):
    seen: set[str] = set()
    sbx = new_sandbox(api)
    _, package = ship(sbx)
    place(sbx)  # left pending: its ready-to-ship deadline passes
    ok(helper(sbx, package["package_id"], "fail_next_attempt"))
    ok(sbx.post("/api/v1/test_helpers/timers", json={
        "label": "tick", "delay": "PT1H", "repeat_every": "PT12H", "repeat_times": 3}), 201)
    _check_snapshot(sbx, seen)
    for _ in range(24):  # the first attempt fails, the second delivers, the week is paid
        advance_by(sbx, "P1D")
        _check_snapshot(sbx, seen)

    # A failed delivery's units through resale: inspected, relisted, unsold at the window's
    # end, shipped back to the seller and arriving there.
    resale = new_sandbox(api)
    ship(resale, price="200.00", buyer={"address1": "1 Jalan FAIL:recipient_absent"})
    for _ in range(80):
        advance_by(resale, "PT23H")
        _check_snapshot(resale, seen)

    # A fill placed over time: each order waits for its instant on a timer.
    seeded = new_sandbox(api)
    ok(seeded.post("/api/v1/test_helpers/seed", json={
        "products": 5, "buyers": 3, "orders": 6, "fulfilment": {"ready_to_ship": 1},
        "placed_over": "P2D"}), 201)
    for _ in range(3):
        _check_snapshot(seeded, seen)
        advance_by(seeded, "P1D")

    # A TikTok Shop return and refund: the seller's answer awaited, the buyer's ship-back,
    # the return parcel's attempts to the seller, the review.
    from tests.aftersales import support as aftersales  # noqa: PLC0415

    returns = aftersales.tiktok(api)
    request = aftersales.open_request(returns, "return_and_refund", aftersales.delivered(returns),
                                      "defective_item")
    _check_snapshot(returns, seen)
    advance_by(returns, "P2D")  # auto-approved: the ship-back deadline waits
    _check_snapshot(returns, seen)
    aftersales.helper(returns, request, "ship_back")
    for _ in range(6):
        _check_snapshot(returns, seen)
        advance_by(returns, "PT23H")
    # A reshipment: approved, shipped, its package on its way to the buyer.
    resent = aftersales.open_request(returns, "reshipment", aftersales.delivered(returns),
                                     "missing_items")
    aftersales.act(returns, resent, "approve")
    aftersales.act(returns, resent, "ship_reshipment")
    for _ in range(8):
        _check_snapshot(returns, seen)
        advance_by(returns, "P1D")
    # A buyer whose address opens a refund on its own an hour after each delivery.
    aftersales.delivered(returns, buyer={"address1": "1 Jalan AFTERSALES:refund_only:damaged_item"})
    _check_snapshot(returns, seen)
    advance_by(returns, "PT1H")
    _check_snapshot(returns, seen)

    body, aliexpress = api.create_sandbox(platform="aliexpress", market="MY")
    aliexpress.base = f"/api/v1/sandboxes/{body['id']}"
    place(aliexpress)
    for _ in range(4):
        _check_snapshot(aliexpress, seen)
        advance_by(aliexpress, "P3D")

    # A TikTok Shop order: on hold, readied, collected, delivered, completed.
    body, tiktok = api.create_sandbox(platform="tiktok_shop", market="TH")
    tiktok.base = f"/api/v1/sandboxes/{body['id']}"
    order = place(tiktok)
    _check_snapshot(tiktok, seen)
    advance_by(tiktok, "PT1H")
    ok(tiktok.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
    ok(tiktok.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))
    for _ in range(6):
        advance_by(tiktok, "P2D")
        _check_snapshot(tiktok, seen)

    real_kinds = {name for name in kinds() if name != "noop" and not name.startswith("tests.")}
    assert seen == real_kinds


@pytest.mark.parametrize(("platform", "fulfilment"), [
    ("lazada", {"pending": 1, "packed": 1, "ready_to_ship": 2}),
    ("aliexpress", {"pending": 1, "accepted": 1, "packed": 1, "shipped": 1}),
    ("tiktok_shop", {"pending": 1, "packed": 1, "ready_to_ship": 2}),
])
def test_seeded_fills_snapshot_into_documents_restore_accepts(api, platform, fulfilment):
    body, sbx = api.create_sandbox(platform=platform, market="MY")
    sbx.base = f"/api/v1/sandboxes/{body['id']}"
    ok(sbx.post("/api/v1/test_helpers/seed", json={
        "products": 10, "buyers": 5, "orders": 30, "fulfilment": fulfilment}), 201)
    seen: set[str] = set()
    for _ in range(3):
        _check_snapshot(sbx, seen)
        advance_by(sbx, "P4D")
    assert seen
