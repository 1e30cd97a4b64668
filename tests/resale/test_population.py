"""A seeded population that exercises resale, as a QA run would make it: 300 orders placed over
a month (``test_helpers/seed`` with ``placed_over``) in a sandbox created with 30% of parcels
failing delivery for good and each inspection check failing 20% of the units it decides
(``policy_overrides``). Seventy days later every branch of resale and the return service has
been taken, and the same seed tells the same story, event for event."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from tests.conftest import Api
from tests.logistics.support import advance_by, advance_to, events, instant, new_sandbox, ok

# The first attempt fails 30% of parcels, and the later ones fail them all: 30% fail for good.
OVERRIDES = {"delivery.failure_rate": {"first_attempt": 0.3, "later_attempts": 1},
             "resale.qc_failure_rate": 0.2}
FILL = {"products": 60, "buyers": 30, "orders": 300, "fulfilment": {"ready_to_ship": 1},
        "placed_over": "P30D"}
RESALE = ("resale.*", "return_service.*")


def populate(api) -> tuple[object, dict]:
    sbx = new_sandbox(api, overrides=OVERRIDES)
    result = ok(sbx.post("/api/v1/test_helpers/seed", json=FILL), 201)
    return sbx, result


def story(sbx, *types: str) -> list[tuple]:
    """The events of ``types`` (every type when none), as compared byte for byte."""
    found = sorted((e for type_ in types or (None,) for e in events(sbx, type_)),
                   key=lambda e: e["id"])
    return [(e["type"], e["subject"], e["occurred_at"], e["data"]) for e in found]


@pytest.fixture(scope="module")
def twins(app) -> list:
    """Two sandboxes with the same seed, the same fill and seventy days."""
    api, made = Api(app), []
    for _ in range(2):
        sbx, _ = populate(api)
        advance_by(sbx, "P70D")
        made.append(sbx)
    return made


def test_seventy_days_of_a_seeded_population_take_every_branch(twins):
    sbx = twins[0]
    found = story(sbx, *RESALE)
    types = Counter(entry[0] for entry in found)
    assert set(types) >= {
        "resale.item_received", "resale.inspected", "resale.relisted", "resale.resold",
        "resale.sold", "resale.second_failure", "resale.window_expired",
        "return_service.shipped_back", "return_service.returned_to_seller",
        "return_service.destroyed_locally"}, types
    received = [data for kind, _, _, data in found if kind == "resale.item_received"]
    assert {reason for data in received for reason in data.get("ineligible_reasons", [])} == {
        "restricted_item"}
    inspected = [data for kind, _, _, data in found if kind == "resale.inspected"]
    assert {True, False} == {data["passed"] for data in inspected}
    assert {result["decided_by"] for data in inspected for result in data["results"]} == {
        "failure_rate"}
    exits = {data["exit_reason"] for kind, _, _, data in found
             if kind.startswith("return_service.")}
    assert exits == {"ineligible", "qc_failed", "window_expired", "second_failure"}
    # Every order was placed, over the month, and resold units went to later orders.
    created = events(sbx, "order.created")
    assert len(created) == FILL["orders"] and events(sbx, "orders.seed_order_skipped") == []
    first, last = instant(created[0]["occurred_at"]), instant(created[-1]["occurred_at"])
    assert timedelta(days=25) < last - first <= timedelta(days=30)
    from_resale = [e for e in created if e["data"].get("resale_stock_order_item_ids")]
    assert len(from_resale) == types["resale.resold"] > 0


def test_the_same_seed_tells_the_same_story(twins):
    mine, theirs = (story(sbx) for sbx in twins)
    assert len(mine) > 5000
    assert mine == theirs


def test_a_snapshot_mid_population_restores_its_future(api, twins):
    sbx, _ = populate(api)
    advance_by(sbx, "P20D")  # orders still to place, units in every state
    snapshot = ok(sbx.post(f"{sbx.base}/snapshot"))
    kinds = Counter(row["kind"] for row in snapshot["tables"]["timers"])
    assert kinds["seed.place_order"] and kinds["resale.relist"] and kinds["resale.window_end"]
    restored = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})
    assert restored.status_code == 201, restored.get_json()
    body = restored.get_json()
    copy = api.as_(body["credentials"]["api_key"])
    copy.base = f"/api/v1/sandboxes/{body['id']}"

    advance_to(copy, instant(ok(twins[0].get(f"{twins[0].base}/clock"))["now"]))

    assert story(copy) == story(twins[0])
