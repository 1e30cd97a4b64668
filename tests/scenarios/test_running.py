"""Every shipped scenario passes its own expectations; a run is deterministic; a failed
expectation says which and why; a refused step keeps nothing; the summary counts right."""

from __future__ import annotations

import pytest

from mockplatform.control.scenarios import library
from tests.scenarios.support import errors, failed, run, run_ok, sandbox_for

SHIPPED = library.names()


def test_one_scenario_is_shipped_per_seed_flow():
    assert {"failed_delivery_then_resold", "resold_then_failed_again",
            "resale_window_expires_return_to_seller", "resale_window_expires_worry_free",
            "resale_window_expires_local_disposal", "reshipment_ignored_by_seller",
            "partial_refund_rejected", "return_parcel_unclaimed_destroyed",
            "late_rts_fined_and_canceled", "semi_hosted_shipped_late"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_scenario_passes_its_own_expectations(api, name):
    assert library.describe(name)["name"] == name  # the file is named as the scenario
    sandbox, sbx = sandbox_for(api, name)
    answer = run_ok(sbx, sandbox, name=name)
    assert answer["passed"], failed(answer)
    assert answer["expectations"] and len(answer["steps"]) == library.describe(name)["steps"]


def test_the_same_seed_and_scenario_give_the_same_run(api):
    name = "resold_then_failed_again"
    first = [run_ok(sbx, sandbox, name=name) for sandbox, sbx in [sandbox_for(api, name)]][0]
    sandbox, sbx = sandbox_for(api, name)
    second = run_ok(sbx, sandbox, name=name)
    for answer in (first, second):
        answer.pop("sandbox_id"), answer["summary"].pop("sandbox_id")
    assert first == second


def test_a_failed_expectation_says_which_and_why_and_the_run_is_kept(api):
    name = "late_rts_fined_and_canceled"
    sandbox, sbx = sandbox_for(api, name)
    answer = run_ok(sbx, sandbox, name=name, params={"quantity": 3})
    assert not answer["passed"]
    [miss] = answer["failed"]
    assert (miss["section"], miss["name"], miss["expected"], miss["actual"]) == (
        "ledger", "fine", "-44.70", "-67.05")
    assert miss["why"] == "expected a fine total of -44.70 MYR, found -67.05"
    kept = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/summary").get_json()
    assert kept["items"]["by_status"] == {"canceled": 3}


def test_count_bounds_and_prefixes(api):
    sandbox, sbx = sandbox_for(api, "late_rts_fined_and_canceled")
    document = dict(library.raw("late_rts_fined_and_canceled"))
    document["expect"] = {"events": {"order.*": {"at_least": 3, "at_most": 5},
                                     "ledger.entry_posted": {"at_least": 3}},
                          "summary": {"orders": {"total": 1}}}
    answer = run_ok(sbx, sandbox, scenario=document)
    assert failed(answer) == ["events ledger.entry_posted: ledger.entry_posted events: "
                              "expected at least 3, found 2"]
    assert answer["expectations"][0]["actual"] == 4  # created, packed, delayed, canceled


def test_a_step_the_domain_refuses_is_a_409_naming_it_and_nothing_is_kept(api):
    sandbox, sbx = sandbox_for(api)
    document = {"name": "too_soon", "steps": [
        {"product": {"name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "10.00",
                                                  "stock": 3}]}},
        {"place_order": {"as": "o1", "items": [{"seller_sku": "K-1"}]}},
        {"ready_to_ship": {"order": "o1"}}]}
    [detail] = errors(run(sbx, sandbox, scenario=document), 409)
    assert detail["field"] == "steps[2].ready_to_ship" and detail["steps_done"] == 2
    assert detail["error"]["code"]
    summary = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/summary").get_json()
    assert summary["orders"]["total"] == 0 and summary["events"]["by_type"] == {
        "sandbox.created": 1}


def test_a_sandbox_of_another_platform_is_a_409(api):
    sandbox, sbx = sandbox_for(api, platform="tiktok_shop", market="TH")
    [detail] = errors(run(sbx, sandbox, name="failed_delivery_then_resold"), 409)
    assert detail["field"] == "sandbox.platform" and detail["actual"] == "tiktok_shop"


def test_the_summary_groups_a_seeded_population(api):
    sandbox, sbx = sandbox_for(api, seed=9, policy_overrides={
        "delivery.failure_rate": {"first_attempt": 0.3, "later_attempts": 1}})
    seeded = sbx.post("/api/v1/test_helpers/seed", json={
        "products": 10, "buyers": 10, "orders": 60, "fulfilment": {"ready_to_ship": 1}})
    assert seeded.status_code == 201, seeded.get_json()
    sbx.post(f"/api/v1/sandboxes/{sandbox['id']}/clock/advance", json={"by": "P30D"})
    summary = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/summary").get_json()

    orders = sbx.get("/api/v1/orders?limit=100").get_json()["data"]
    items = [item for order in orders for item in order["items"]]
    assert summary["orders"]["total"] == len(orders) == 60
    statuses = {}
    for item in items:
        statuses[item["status"]] = statuses.get(item["status"], 0) + 1
    assert summary["items"]["by_status"] == statuses
    failed_items = [i for i in items if i["failed_delivery_at"]]
    assert 0 < summary["items"]["ever_failed_delivery"] == len(failed_items)
    assert sum(summary["failure_reasons"].values()) == len(failed_items)
    assert summary["orders"]["ever_failed_delivery"] == len(
        {o["order_id"] for o in orders if any(i["failed_delivery_at"] for i in o["items"])})
    assert summary["resale_items"]["total"] == sum(summary["resale_items"]["by_state"].values())
    ledger = sbx.get("/api/v1/ledger?limit=100").get_json()
    assert summary["ledger"]["total"] == ledger["balance"]["amount"]
    timers = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/timers?limit=100").get_json()["data"]
    assert summary["timers"]["pending"] == len(timers)
    if timers:
        assert summary["timers"]["next_due_at"] == timers[0]["due_at"]


def test_advance_to_a_timestamp_and_a_refused_one(api):
    sandbox, sbx = sandbox_for(api)
    later = {"name": "later", "steps": [{"advance": {"to": "2026-01-06T00:00:00+08:00"}}]}
    answer = run_ok(sbx, sandbox, scenario=later)
    assert answer["finished_at"] == "2026-01-05T16:00:00+00:00"
    earlier = {"name": "earlier", "steps": [{"advance": {"to": "2020-01-01T00:00:00Z"}}]}
    [detail] = errors(run(sbx, sandbox, scenario=earlier), 409)
    assert detail["error"]["code"] == "clock_cannot_go_backwards"


SPLIT = [{"product": {"name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "10.00",
                                                   "stock": 5}]}},
         {"place_order": {"as": "o1", "items": [{"seller_sku": "K-1", "quantity": 2}]}}]


@pytest.mark.parametrize(("steps", "field", "words"), [
    ([{"pack": {"order": "o1", "items": [{"seller_sku": "K-1", "quantity": 3}]}}],
     "steps[2].pack", "2 pending unit(s) of 'K-1' left to pack, not 3"),
    ([{"pack": {"order": "o1", "items": [{"seller_sku": "K-2"}]}}],
     "steps[2].pack", "no pending unit of 'K-2' left to pack"),
    ([{"pack": {"order": "o1", "items": [{"seller_sku": "K-1"}]}}, {"pack": {"order": "o1"}},
      {"ready_to_ship": {"order": "o1"}}, {"deliver": {"order": "o1", "package": 3}}],
     "steps[5].deliver", "has 2 package(s) not canceled, not 3"),
])
def test_a_unit_or_a_package_the_order_has_not_is_refused_by_step(api, steps, field, words):
    sandbox, sbx = sandbox_for(api)
    [detail] = errors(run(sbx, sandbox, scenario={"name": "split", "steps": [*SPLIT, *steps]}),
                      409)
    assert detail["field"] == field and words in detail["message"], detail
    assert sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/summary").get_json()["orders"][
        "total"] == 0  # nothing kept


def test_a_package_number_is_checked_when_the_scenario_loads(api):
    sandbox, sbx = sandbox_for(api)
    details = errors(run(sbx, sandbox, scenario={"name": "split", "steps": [
        *SPLIT, {"lose": {"order": "o1", "package": 0}}]}))
    assert [d["field"] for d in details] == ["steps[2].lose.package"]
