"""logistics.journey: every step of a readied package is planned from the seed, fires at its
instant with Lazada's tracking code, and does what the policy says (measure and charge at the
origin scan, items shipped at destination arrival)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from mockplatform.engine.policies import load_table
from mockplatform.logistics.milestones import MILESTONES
from tests.logistics.support import (
    ONE_SECOND,
    advance_by,
    advance_to,
    due,
    events,
    instant,
    item_statuses,
    ledger,
    milestones,
    new_sandbox,
    order_of,
    package_of,
    ship,
    timers,
    tracking,
)

JOURNEY = load_table("lazada", "MY").value("logistics.journey")
STEPS = list(JOURNEY)


def test_readying_plans_every_step_at_its_offset_from_ready_to_ship(api):
    sbx = new_sandbox(api)
    _, package = ship(sbx)

    ready = instant(package["ready_to_ship_at"])
    assert [entry["step"] for entry in package["journey"]] == STEPS
    assert {entry["step"]: instant(entry["due_at"]) - ready
            for entry in package["journey"]} == dict(JOURNEY)
    assert all(entry["done_at"] is None for entry in package["journey"])
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship"]
    # One step on the clock at a time (the cascade), beside the first-mile deadline.
    kinds = sorted(timer["kind"] for timer in timers(sbx)
                   if timer["subject"] == f"package:{package['package_id']}")
    assert kinds == ["logistics.first_mile_scan_deadline", "logistics.journey_step"]
    [step] = [t for t in timers(sbx) if t["kind"] == "logistics.journey_step"]
    assert step["description"] == f"package {package['package_id']}: pickup (logistics.journey)"
    assert instant(step["due_at"]) == due(package, "pickup")


def test_jitter_keeps_each_step_near_its_offset_and_the_steps_in_order(api):
    sbx = new_sandbox(api, overrides={"logistics.journey_jitter": "0.2"})
    plans = [ship(sbx)[1] for _ in range(6)]

    offsets = [timedelta(0), *JOURNEY.values()]
    for package in plans:
        ready = instant(package["ready_to_ship_at"])
        planned = [instant(entry["due_at"]) for entry in package["journey"]]
        assert [entry["step"] for entry in package["journey"]] == STEPS
        assert planned == sorted(planned)
        for index, at in enumerate(planned, start=1):
            before = offsets[index] - offsets[index - 1]
            after = offsets[index + 1] - offsets[index] if index + 1 < len(offsets) else before
            shift = at - ready - offsets[index]
            assert -before * 0.2 <= shift <= after * 0.2
            assert not shift.microseconds
    # Jitter is per package: not every package has the same plan.
    assert len({tuple(e["due_at"] for e in p["journey"]) for p in plans}) > 1


def test_the_plan_is_the_same_for_the_same_seed_and_differs_for_another(api):
    def plan(seed):
        sbx = new_sandbox(api, seed=seed, overrides={"logistics.journey_jitter": "0.2"})
        return [entry["due_at"] for entry in ship(sbx)[1]["journey"]]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


@pytest.mark.parametrize("step", STEPS[:-1])
def test_each_step_fires_at_its_instant_with_its_tracking_code(api, step):
    sbx = new_sandbox(api, overrides={"logistics.journey_jitter": "0.2"})
    _, package = ship(sbx)
    package_id = package["package_id"]
    at = due(package, step)

    advance_to(sbx, at - ONE_SECOND)
    assert step not in milestones(sbx, package_id)
    assert due(package_of(sbx, package_id), step) == at

    advance_to(sbx, at)
    [event] = [e for e in tracking(sbx, package_id) if e["milestone"] == step]
    assert instant(event["occurred_at"]) == at
    assert (event["status_code"], event["title"]) == (MILESTONES[step].status_code,
                                                      MILESTONES[step].title)
    assert event["location"]
    [entry] = [e for e in package_of(sbx, package_id)["journey"] if e["step"] == step]
    assert instant(entry["done_at"]) == at
    assert package_of(sbx, package_id)["journey_step"] == step


def test_items_become_shipped_at_destination_arrival(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, quantity=2)
    at = due(package, "destination_arrival")

    advance_to(sbx, at - ONE_SECOND)
    assert item_statuses(sbx, order["order_id"]) == ["ready_to_ship"]
    assert package_of(sbx, package["package_id"])["status"] == "ready_to_ship"
    assert events(sbx, "order.shipped") == []

    advance_to(sbx, at)
    assert item_statuses(sbx, order["order_id"]) == ["shipped"]
    assert package_of(sbx, package["package_id"])["status"] == "in_transit"
    [shipped] = events(sbx, "order.shipped")
    assert instant(shipped["occurred_at"]) == at
    assert len(shipped["data"]["order_item_ids"]) == 2
    assert shipped["data"]["package_id"] == package["package_id"]


def test_the_origin_scan_measures_and_charges_the_shipping_fee(api):
    sbx = new_sandbox(api)
    sku = {"package_weight": "0.400", "package_length": "20.0", "package_width": "10.0",
           "package_height": "5.0"}
    order, package = ship(sbx, quantity=3, sku=sku)
    at = due(package, "origin_sorting_scan")

    advance_to(sbx, at - ONE_SECOND)
    assert package_of(sbx, package["package_id"])["measured"] == {}
    assert ledger(sbx, kind="shipping_fee")["data"] == []

    advance_to(sbx, at)
    scanned = package_of(sbx, package["package_id"])
    assert instant(scanned["first_mile_scanned_at"]) == at
    measured = {name: Decimal(value) for name, value in scanned["measured"].items()}
    declared = {"weight_kg": Decimal("1.2"), "length_cm": Decimal("20"),
                "width_cm": Decimal("10"), "height_cm": Decimal("15")}
    for name, value in declared.items():  # within logistics.measurement_noise (5%)
        assert abs(measured[name] - value) <= value * Decimal("0.05"), name
    [scan] = [e for e in tracking(sbx, package["package_id"])
              if e["milestone"] == "origin_sorting_scan"]
    assert scan["details"]["measured"] == scanned["measured"]
    assert scanned["measured"]["weight_kg"] in scan["description"]

    [fee] = ledger(sbx, kind="shipping_fee")["data"]
    expected = (Decimal("1.00") + Decimal("6.00") * measured["weight_kg"]).quantize(
        Decimal("0.01"))
    assert (fee["amount"], fee["currency"], fee["direction"]) == (f"-{expected}", "USD",
                                                                  "debit")
    assert instant(fee["occurred_at"]) == at
    assert fee["policy_key"] == "logistics.shipping_fee"
    assert fee["subject"] == f"package:{package['package_id']}"
    assert fee["details"]["weight_kg"] == scanned["measured"]["weight_kg"]


def test_the_shipping_fee_follows_its_policy(api):
    sbx = new_sandbox(api, overrides={"logistics.shipping_fee": {
        "base": {"amount": "2.50", "currency": "MYR"},
        "per_kg": {"amount": "10", "currency": "MYR"}}})
    _, package = ship(sbx, sku={"package_weight": "1.000"})
    advance_to(sbx, due(package, "origin_sorting_scan"))

    weight = Decimal(package_of(sbx, package["package_id"])["measured"]["weight_kg"])
    [fee] = ledger(sbx, kind="shipping_fee")["data"]
    assert fee["amount"] == f"-{(Decimal('2.50') + 10 * weight).quantize(Decimal('0.01'))}"
    assert fee["currency"] == "MYR"


def test_the_origin_scan_meets_the_first_mile_deadline(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx)
    deadline = instant(package["first_mile_scan_deadline"])
    warning = deadline - timedelta(days=2)  # order.delayed_warning before the first-mile scan

    advance_to(sbx, due(package, "origin_sorting_scan") - ONE_SECOND)
    assert any(t["kind"] == "logistics.first_mile_scan_deadline" for t in timers(sbx))

    advance_to(sbx, due(package, "origin_sorting_scan"))
    assert not any(t["kind"] == "logistics.first_mile_scan_deadline" for t in timers(sbx))
    assert not any(t["kind"] == "order.delayed_warning" for t in timers(sbx))
    assert order_of(sbx, order["order_id"])["deadlines"]["first_mile_scan_deadline"] \
        == deadline.isoformat()

    advance_to(sbx, max(deadline, warning) + ONE_SECOND)
    assert "canceled" not in item_statuses(sbx, order["order_id"])
    assert events(sbx, "order.canceled") == []
    assert events(sbx, "order.delayed") == []
    assert not order_of(sbx, order["order_id"])["delayed"]


LATE_SCAN = {"origin_sorting_scan": "P8D", "uplift": "P9D", "destination_arrival": "P10D",
             "customs": "P10D", "last_mile_hub": "P11D", "out_for_delivery": "P12D",
             "delivery_attempt": "P12DT8H"}


def test_a_package_canceled_at_the_first_mile_deadline_takes_no_more_steps(api):
    sbx = new_sandbox(api, overrides={"logistics.journey": LATE_SCAN})
    order, package = ship(sbx)
    deadline = instant(package["first_mile_scan_deadline"])

    advance_to(sbx, deadline)
    assert item_statuses(sbx, order["order_id"]) == ["canceled"]
    assert [e["step"] for e in package_of(sbx, package["package_id"])["journey"]] == ["pickup"]
    assert [t for t in timers(sbx) if t["subject"] == f"package:{package['package_id']}"] == []

    advance_by(sbx, "P30D")
    assert milestones(sbx, package["package_id"]) == ["ready_to_ship", "pickup", "canceled"]
    assert ledger(sbx, kind="shipping_fee")["data"] == []


def test_a_package_canceled_by_the_seller_takes_no_more_steps(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx)
    advance_to(sbx, due(package, "pickup"))

    response = sbx.post(f"/api/v1/orders/{order['order_id']}/cancel",
                        json={"reason": "sourcing_delay"})
    assert response.status_code == 200, response.get_json()
    advance_by(sbx, "P60D")

    assert milestones(sbx, package["package_id"]) == ["ready_to_ship", "pickup", "canceled"]
    assert item_statuses(sbx, order["order_id"]) == ["canceled"]
    assert package_of(sbx, package["package_id"])["status"] == "canceled"


def test_a_local_package_crosses_no_border(api):
    sbx = new_sandbox(api)
    order, package = ship(sbx, shipping="local")

    steps = [entry["step"] for entry in package["journey"]]
    assert steps == [s for s in STEPS if s not in ("uplift", "customs")]
    advance_to(sbx, due(package, "destination_arrival"))
    assert item_statuses(sbx, order["order_id"]) == ["shipped"]
    [arrival] = [e for e in tracking(sbx, package["package_id"])
                 if e["milestone"] == "destination_arrival"]
    assert arrival["description"] == "Arrived at destination sorting centre"
    assert package_of(sbx, package["package_id"])["measured"]  # measured, but not charged
    assert ledger(sbx, kind="shipping_fee")["data"] == []


def test_a_partial_journey_override_moves_the_steps_it_names(api):
    sbx = new_sandbox(api, overrides={"logistics.journey": {"pickup": "PT2H"}})
    _, package = ship(sbx)
    ready = instant(package["ready_to_ship_at"])
    assert due(package, "pickup") - ready == timedelta(hours=2)
    assert due(package, "origin_sorting_scan") - ready == timedelta(days=1)
