"""Every timed rule of resale and the return service at its boundary, through the native API:
one second before, nothing; at the instant, the effect and its event. The deadlines are read
from the events that announce them (``resale.item_received``: inspect_at and relist_at;
``resale.relisted``: window_ends_at; ``return_service.shipped_back``: return_arrives_at) and
from the timers list, which describes each in words."""

from __future__ import annotations

from datetime import timedelta

from tests.logistics.support import (
    advance_to,
    events,
    instant,
    item_statuses,
    new_sandbox,
    ok,
    order_of,
)
from tests.resale.support import cross, fail, item_status, of_subject, sku_of, timers_of, until

CHECKS = ["sku_listed", "no_defects", "matches_description", "correct_item", "complete",
          "packaging_intact", "not_restricted"]


def test_the_inspection_is_due_a_day_after_the_failure_and_is_on_the_timers_list(api):
    sbx = new_sandbox(api)
    order, package, received = fail(sbx, price="200.00")
    unit, order_id = received["subject"], order["order_id"]
    failed_at, inspect_at = instant(received["occurred_at"]), instant(
        received["data"]["inspect_at"])
    assert inspect_at == failed_at + timedelta(days=1)
    assert received["data"]["eligible"] is True and received["data"]["state"] == \
        "inspection_pending"
    [timer] = timers_of(sbx, unit)
    assert (timer["kind"], instant(timer["due_at"])) == ("resale.inspection", inspect_at)
    assert "quality inspection" in timer["description"] and "resale.qc_checks" in \
        timer["description"]
    # The parcel stays at the local reverse centre: no return leg.
    assert ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))["status"] == \
        "failed_delivery"

    def before():
        assert item_statuses(sbx, order_id) == ["failed_delivery"]

    inspected = cross(sbx, inspect_at, "resale.inspected", unit, before=before)

    data = inspected["data"]
    assert (data["passed"], data["failed_checks"], data["policy_key"]) == (
        True, [], "resale.qc_checks")
    assert [(r["check"], r["passed"], r["decided_by"]) for r in data["results"]] == [
        (check, True, "default") for check in CHECKS]
    assert item_statuses(sbx, order_id) == ["resale_pending"]
    [timer] = timers_of(sbx, unit)
    assert (timer["kind"], timer["due_at"]) == ("resale.relist", received["data"]["relist_at"])
    assert "list for resale" in timer["description"]


def test_each_unit_is_relisted_five_to_eight_whole_days_after_the_failure(api):
    sbx = new_sandbox(api)
    order, _, _ = fail(sbx, price="200.00", quantity=4)
    received = events(sbx, "resale.item_received")
    assert len(received) == 4
    failed_at = instant(received[0]["occurred_at"])
    delays = [instant(e["data"]["relist_at"]) - failed_at for e in received]
    assert all(delay in [timedelta(days=n) for n in range(5, 9)] for delay in delays), delays
    # Drawn per unit from the seed: a twin sandbox draws the same delays for the same units.
    twin = new_sandbox(api)
    fail(twin, price="200.00", quantity=4)
    assert [e["data"]["relist_at"] for e in events(twin, "resale.item_received")] == [
        e["data"]["relist_at"] for e in received]

    first = min(received, key=lambda e: (e["data"]["relist_at"], e["data"]["resale_item_id"]))
    relist_at, item_id = instant(first["data"]["relist_at"]), first["data"]["order_item_id"]
    stock = sku_of(sbx, order["items"][0]["sku_id"])["stock"]

    def before():
        assert item_status(sbx, order["order_id"], item_id) == "resale_pending"

    relisted = cross(sbx, relist_at, "resale.relisted", first["subject"], before=before)

    window_ends_at = instant(relisted["data"]["window_ends_at"])
    assert window_ends_at == relist_at + timedelta(days=28)
    assert relisted["data"]["policy_key"] == "resale.relist_delay"
    assert item_status(sbx, order["order_id"], item_id) == "resale_listed"
    # Resale stock is the warehouse's, not the seller's.
    assert sku_of(sbx, order["items"][0]["sku_id"])["stock"] == stock
    [timer] = timers_of(sbx, first["subject"])
    assert (timer["kind"], instant(timer["due_at"])) == ("resale.window_end", window_ends_at)
    assert "leave resale" in timer["description"] and "resale.window" in timer["description"]


def _relisted(sbx, **order_spec) -> tuple[dict, dict]:
    order, _, received = fail(sbx, **order_spec)
    [relisted] = of_subject(until(sbx, "resale.relisted"), received["subject"])
    return order, relisted


def test_an_unsold_unit_leaves_resale_when_its_28_day_window_ends(api):
    sbx = new_sandbox(api)
    order, relisted = _relisted(sbx, price="200.00")
    unit, window_ends_at = relisted["subject"], instant(relisted["data"]["window_ends_at"])
    assert window_ends_at == instant(relisted["data"]["relisted_at"]) + timedelta(days=28)

    def before():
        assert item_statuses(sbx, order["order_id"]) == ["resale_listed"]
        assert of_subject(events(sbx, "return_service.*"), unit) == []

    expired = cross(sbx, window_ends_at, "resale.window_expired", unit, before=before)

    assert expired["data"]["policy_key"] == "resale.window"
    [shipped] = of_subject(events(sbx, "return_service.shipped_back"), unit)
    assert (shipped["occurred_at"], shipped["data"]["exit_reason"]) == (
        expired["occurred_at"], "window_expired")
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]
    assert [t["kind"] for t in timers_of(sbx, unit)] == ["return_service.arrival"]


def test_vietnams_window_is_60_days(api):
    sbx = new_sandbox(api, market="VN")
    order, relisted = _relisted(sbx, price="1000000")
    unit, window_ends_at = relisted["subject"], instant(relisted["data"]["window_ends_at"])
    assert window_ends_at == instant(relisted["data"]["relisted_at"]) + timedelta(days=60)

    def before():
        assert item_statuses(sbx, order["order_id"]) == ["resale_listed"]

    cross(sbx, window_ends_at, "resale.window_expired", unit, before=before)
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]


def test_a_returned_unit_arrives_back_at_the_seller_30_days_after_it_was_shipped_back(api):
    sbx = new_sandbox(api)
    order, _, received = fail(sbx, price="200.00", sku={"seller_sku": "KETTLE-QCFAIL"})
    unit = received["subject"]
    [shipped] = until(sbx, "return_service.shipped_back")
    assert (shipped["subject"], shipped["data"]["exit_reason"]) == (unit, "qc_failed")
    arrives_at = instant(shipped["data"]["return_arrives_at"])
    assert arrives_at == instant(shipped["occurred_at"]) + timedelta(days=30)
    [timer] = timers_of(sbx, unit)
    assert (timer["kind"], instant(timer["due_at"])) == ("return_service.arrival", arrives_at)
    assert "arrives back at the seller" in timer["description"]

    def before():
        assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]

    arrived = cross(sbx, arrives_at, "return_service.returned_to_seller", unit, before=before)

    assert (arrived["data"]["policy_key"], arrived["data"]["state"]) == (
        "return_service.return_threshold", "returned_to_seller")
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back_success"]
    assert timers_of(sbx, unit) == []


def test_restoring_a_snapshot_mid_resale_keeps_the_units_future(api):
    sbx = new_sandbox(api)
    order, relisted = _relisted(sbx, price="200.00")
    # Another unit still waits for its inspection when the snapshot is taken.
    fail(sbx, price="15.00")
    snapshot = ok(sbx.post(f"{sbx.base}/snapshot"))
    taken = len(events(sbx))
    restored = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})
    assert restored.status_code == 201, restored.get_json()
    body = restored.get_json()
    copy = api.as_(body["credentials"]["api_key"])
    copy.base = f"/api/v1/sandboxes/{body['id']}"
    assert len(events(copy)) == taken

    end = instant(relisted["data"]["window_ends_at"]) + timedelta(days=31)
    for sandbox in (sbx, copy):
        advance_to(sandbox, end)
    story = [[(e["type"], e["subject"], e["occurred_at"], e["data"])
              for e in events(sandbox)[taken:]] for sandbox in (sbx, copy)]
    assert story[0] == story[1]
    assert {"resale.inspected", "resale.relisted", "resale.window_expired",
            "return_service.shipped_back", "return_service.returned_to_seller",
            "return_service.destroyed_locally"} <= {entry[0] for entry in story[0]}
    assert order_of(copy, order["order_id"])["statuses"] == ["shipped_back_success"]
