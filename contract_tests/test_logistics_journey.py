"""logistics.journey at its boundaries, through the SDK: each step of a readied package fires
at its planned instant (one second before: not yet), with Lazada's tracking code; items become
shipped at destination arrival; the origin scan measures, charges the shipping fee and meets the
first-mile deadline. Same seed and calls, same tracking events."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from logistics_support import (
    NO_JITTER,
    ONE_SECOND,
    due,
    entries,
    events,
    instant,
    milestones,
    ship,
    statuses,
    tracking,
)

STEPS = ["pickup", "origin_sorting_scan", "uplift", "destination_arrival", "customs",
         "last_mile_hub", "out_for_delivery", "delivery_attempt"]
# The codes of the Lazada-style trace (mockplatform/logistics/milestones.py), as the wire has them.
CODES = {"pickup": "1300", "origin_sorting_scan": "1400", "uplift": "1500",
         "destination_arrival": "1600", "customs": "1700", "last_mile_hub": "1800",
         "out_for_delivery": "1900"}


def journey_policy(client):
    [policy] = [p for p in client.policies.get().policies if p.key == "logistics.journey"]
    return policy.value


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_every_step_is_planned_at_its_offset_from_ready_to_ship(client):
    _, package = ship(client)
    ready = instant(package.ready_to_ship_at)
    offsets = journey_policy(client)
    assert [entry.step for entry in package.journey] == STEPS
    for entry in package.journey:
        assert instant(entry.due_at) - ready == duration(offsets[entry.step]), entry.step
        assert entry.done_at is None


def duration(iso: str) -> timedelta:
    """An ISO 8601 duration as the policy table writes them (P4DT12H, PT12H, P1D)."""
    days, hours, minutes, seconds = (int(part or 0) for part in re.fullmatch(
        r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", iso).groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


@pytest.mark.parametrize("step", STEPS[:-1])
def test_each_step_fires_at_its_planned_instant(client, step):
    _, package = ship(client)  # default jitter: the plan names the instants
    at = due(package, step)

    client.clock.advance(to=at - ONE_SECOND)
    assert step not in milestones(client, package.package_id)

    client.clock.advance(to=at)
    [event] = [e for e in tracking(client, package.package_id) if e.milestone == step]
    assert instant(event.occurred_at) == at
    assert event.status_code == CODES[step]
    assert event.title and event.location
    assert client.packages.get(package.package_id).journey_step == step


def test_items_are_shipped_at_destination_arrival(client):
    order, package = ship(client, quantity=2)
    at = due(package, "destination_arrival")

    client.clock.advance(to=at - ONE_SECOND)
    assert statuses(client, order.order_id) == ["ready_to_ship"]
    assert events(client, "order.shipped") == []

    client.clock.advance(to=at)
    assert statuses(client, order.order_id) == ["shipped"]
    assert client.packages.get(package.package_id).status == "in_transit"
    [shipped] = events(client, "order.shipped")
    assert instant(shipped.occurred_at) == at


def test_the_origin_scan_measures_charges_and_meets_the_first_mile_deadline(client):
    order, package = ship(client, quantity=2)
    scan, deadline = due(package, "origin_sorting_scan"), instant(package.first_mile_scan_deadline)

    client.clock.advance(to=scan - ONE_SECOND)
    assert entries(client, "shipping_fee") == []
    assert [t.kind for t in client.timers.list().auto_paging_iter()].count(
        "logistics.first_mile_scan_deadline") == 1

    client.clock.advance(to=scan)
    scanned = client.packages.get(package.package_id)
    assert instant(scanned.first_mile_scanned_at) == scan
    assert set(scanned.measured) == {"weight_kg", "length_cm", "width_cm", "height_cm"}
    [fee] = entries(client, "shipping_fee")
    assert instant(fee.occurred_at) == scan and fee.direction == "debit"
    assert Decimal(fee.details.weight_kg) == Decimal(scanned.measured.weight_kg)
    assert "logistics.first_mile_scan_deadline" not in [
        t.kind for t in client.timers.list().auto_paging_iter()]

    client.clock.advance(to=deadline + ONE_SECOND)
    assert "canceled" not in statuses(client, order.order_id)
    assert events(client, "order.canceled") == []


def _tracking_of_a_run(new_sandbox, seed):
    client = new_sandbox.create(seed=seed, start_at=datetime(2026, 3, 2, 1, 0).isoformat() + "Z",
                                policy_overrides={"delivery.failure_rate": {
                                    "first_attempt": "0.5", "later_attempts": "0.5"}})
    for _ in range(3):
        ship(client)
    client.clock.advance(by="P30D")
    return [dict(event.data) for event in events(client, "tracking.updated")]


def test_same_seed_and_calls_give_identical_tracking_events(new_sandbox):
    first = _tracking_of_a_run(new_sandbox, 5)
    assert first == _tracking_of_a_run(new_sandbox, 5)
    assert first != _tracking_of_a_run(new_sandbox, 6)
