"""Who gets a second sale (``resale.eligible``) and what decides the inspection
(``resale.qc_checks``, ``resale.qc_failure_rate``): Singapore, delisted and restricted
products go straight to the return service; a product delisted before the inspection fails
``sku_listed`` by itself; a magic value fails a check; a failure rate of 1 fails them all."""

from __future__ import annotations

from datetime import timedelta

from tests.logistics.support import (
    advance_to,
    events,
    instant,
    item_statuses,
    new_product,
    new_sandbox,
    ok,
    ship,
)
from tests.resale.support import FAIL, fail, timers_of, until

CHECKS = ["sku_listed", "no_defects", "matches_description", "correct_item", "complete",
          "packaging_intact", "not_restricted"]


def _straight_to_the_return_service(sbx, received: dict, reasons: list[str]) -> None:
    """The unit was refused at once: no inspection, no timer but the return's."""
    data = received["data"]
    assert (data["eligible"], data["ineligible_reasons"], data["policy_key"]) == (
        False, reasons, "resale.eligible")
    assert "inspect_at" not in data and "relist_at" not in data
    [shipped] = [e for e in events(sbx, "return_service.shipped_back")
                 if e["subject"] == received["subject"]]
    assert (shipped["occurred_at"], shipped["data"]["exit_reason"]) == (
        received["occurred_at"], "ineligible")
    assert [t["kind"] for t in timers_of(sbx, received["subject"])] == [
        "return_service.arrival"]
    assert events(sbx, "resale.inspected") == []


def test_singapore_is_not_eligible(api):
    sbx = new_sandbox(api, market="SG")
    order, _, received = fail(sbx, price="200.00")

    _straight_to_the_return_service(sbx, received, ["market_excluded:SG"])
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back"]


def test_a_product_delisted_before_the_failure_is_not_eligible(api):
    sbx = new_sandbox(api)
    product = new_product(sbx, price="200.00")
    order, _ = ship(sbx, sku_id=product["skus"][0]["sku_id"], buyer=FAIL)
    ok(sbx.post(f"/api/v1/products/{product['item_id']}/delist"))

    [received] = until(sbx, "resale.item_received")

    assert received["data"]["order_id"] == order["order_id"]
    _straight_to_the_return_service(sbx, received, ["sku_delisted"])


def test_a_restricted_product_is_not_eligible(api):
    sbx = new_sandbox(api)
    product = new_product(sbx, price="200.00", restricted=True)
    ship(sbx, sku_id=product["skus"][0]["sku_id"], buyer=FAIL)

    [received] = until(sbx, "resale.item_received")

    _straight_to_the_return_service(sbx, received, ["restricted_item"])


def test_a_product_delisted_between_the_failure_and_the_inspection_fails_sku_listed(api):
    sbx = new_sandbox(api)
    order, _, received = fail(sbx, price="200.00")
    assert received["data"]["eligible"] is True
    inspect_at = instant(received["data"]["inspect_at"])
    advance_to(sbx, inspect_at - timedelta(hours=1))
    ok(sbx.post(f"/api/v1/products/{order['items'][0]['item_id']}/delist"))

    advance_to(sbx, inspect_at)

    [inspected] = events(sbx, "resale.inspected")
    results = {r["check"]: (r["passed"], r["decided_by"]) for r in inspected["data"]["results"]}
    assert results == {check: (False, "automatic") if check == "sku_listed" else (True, "default")
                       for check in CHECKS}
    assert (inspected["data"]["passed"], inspected["data"]["failed_checks"]) == (
        False, ["sku_listed"])
    [shipped] = events(sbx, "return_service.shipped_back")
    assert (shipped["occurred_at"], shipped["data"]["exit_reason"]) == (
        inspected["occurred_at"], "qc_failed")
    # Its relisting will not come.
    assert [t["kind"] for t in timers_of(sbx, received["subject"])] == [
        "return_service.arrival"]


def _inspected(sbx, **order_spec) -> dict:
    fail(sbx, **order_spec)
    [inspected] = until(sbx, "resale.inspected")
    return inspected


def test_qcfail_in_the_product_name_fails_no_defects(api):
    sbx = new_sandbox(api)
    product = new_product(sbx, price="200.00", name="Kettle QCFAIL")

    inspected = _inspected(sbx, sku_id=product["skus"][0]["sku_id"])

    results = {r["check"]: (r["passed"], r["decided_by"]) for r in inspected["data"]["results"]}
    assert results == {check: (check != "no_defects", "magic_value") for check in CHECKS}
    assert inspected["data"]["failed_checks"] == ["no_defects"]


def test_qcfail_naming_a_check_in_the_seller_sku_fails_that_check(api):
    sbx = new_sandbox(api)

    inspected = _inspected(sbx, price="200.00", sku={"seller_sku": "KETTLE-QCFAIL:complete"})

    assert inspected["data"]["failed_checks"] == ["complete"]
    [note] = [r["note"] for r in inspected["data"]["results"] if not r["passed"]]
    assert "QCFAIL" in note


def test_a_qc_failure_rate_of_1_fails_every_check_by_the_rate(api):
    sbx = new_sandbox(api, overrides={"resale.qc_failure_rate": 1})

    inspected = _inspected(sbx, price="200.00")

    assert [(r["check"], r["passed"], r["decided_by"]) for r in inspected["data"]["results"]] \
        == [(check, False, "failure_rate") for check in CHECKS]
    assert inspected["data"]["failed_checks"] == CHECKS

