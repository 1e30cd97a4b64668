"""The return service (``return_service.*``), as the sandbox's policy sets it: a unit leaving
resale is shipped back above USD 10 (converted at the sandbox's rate) and destroyed at or below
it, compensated at 90% by worry-free, destroyed by local disposal; with ``resale.service`` off
the failed parcel rides back to the seller whole, as before resale existed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mockplatform.finance.service import default_rates, round_money
from tests.logistics.support import events, item_statuses, ledger, new_sandbox, ok, ship
from tests.resale.support import FAIL, fail, until

# Fails inspection (the magic value; README.md, "Magic values"): the unit leaves resale at once.
QCFAIL = "KETTLE-QCFAIL"


def threshold(currency: str) -> Decimal:
    """``return_service.return_threshold`` (USD 10.00) in ``currency`` at the sandbox's rate."""
    return round_money(Decimal("10.00") * default_rates().rate("USD", currency), currency)


def _leaves_resale(sbx, price: str, seller_sku: str = QCFAIL) -> tuple[dict, dict]:
    """A unit that fails its inspection: (its order, its return service event)."""
    before = len(events(sbx, "return_service.*"))
    order, _, received = fail(sbx, price=price, sku={"seller_sku": seller_sku})
    [outcome] = [event for event in until(sbx, "return_service.*", before + 1)
                 if event["subject"] == received["subject"]]
    assert outcome["data"]["exit_reason"] == "qc_failed"
    return order, outcome


@pytest.mark.parametrize(("above", "event", "status"), [
    (0, "return_service.destroyed_locally", "package_scrapped"),
    (1, "return_service.shipped_back", "shipped_back"),
])
def test_the_return_threshold_on_both_sides(api, above, event, status):
    sbx = new_sandbox(api)
    limit = threshold("MYR")
    assert limit == Decimal("44.70")
    price = limit + Decimal(above) / 100  # one minor unit above, or the threshold itself

    order, outcome = _leaves_resale(sbx, str(price))

    assert outcome["type"] == event
    assert (outcome["data"]["price"], outcome["data"]["return_service"]) == (
        str(price), "return_to_seller")
    assert item_statuses(sbx, order["order_id"]) == [status]
    if above:
        assert outcome["data"]["threshold"] == str(limit)
    else:
        assert (outcome["data"]["why"], outcome["data"]["threshold"],
                outcome["data"]["policy_key"]) == (
            "at_or_below_threshold", str(limit), "return_service.return_threshold")


def test_the_threshold_in_a_currency_without_minor_units(api):
    sbx = new_sandbox(api, market="VN")
    limit = threshold("VND")

    _, at = _leaves_resale(sbx, str(limit), f"{QCFAIL}-1")
    _, above = _leaves_resale(sbx, str(limit + 1), f"{QCFAIL}-2")

    assert (at["type"], above["type"]) == ("return_service.destroyed_locally",
                                           "return_service.shipped_back")
    assert above["data"]["threshold"] == str(limit)


def test_worry_free_credits_90_percent_of_the_price(api):
    sbx = new_sandbox(api, overrides={"return_service.option": "worry_free"})

    order, outcome = _leaves_resale(sbx, "200.00")

    assert outcome["type"] == "return_service.worry_free_compensated"
    assert (outcome["data"]["compensation"], outcome["data"]["policy_key"]) == (
        "180.00", "return_service.worry_free")
    [entry] = ledger(sbx, kind="compensation")["data"]
    assert (entry["direction"], entry["amount"], entry["currency"], entry["policy_key"]) == (
        "credit", "180.00", "MYR", "return_service.worry_free")
    assert entry["id"] == outcome["data"]["ledger_entry_id"]
    assert entry["details"]["order_item_id"] == order["items"][0]["order_item_id"]
    assert item_statuses(sbx, order["order_id"]) == ["worry_free_compensated"]


def test_worry_free_where_it_is_not_offered_returns_the_unit(api):
    # An override of the policy's default cannot give Vietnam a service it does not have.
    sbx = new_sandbox(api, market="VN", overrides={"return_service.option": "worry_free"})

    _, outcome = _leaves_resale(sbx, "1000000")

    assert (outcome["type"], outcome["data"]["return_service"]) == (
        "return_service.shipped_back", "return_to_seller")
    assert ledger(sbx, kind="compensation")["data"] == []


def test_local_disposal_destroys_the_unit_whatever_its_price(api):
    sbx = new_sandbox(api, overrides={"return_service.option": "local_disposal"})

    order, outcome = _leaves_resale(sbx, "200.00")

    assert outcome["type"] == "return_service.destroyed_locally"
    assert (outcome["data"]["why"], outcome["data"]["return_service"],
            outcome["data"]["policy_key"]) == (
        "local_disposal", "local_disposal", "return_service.option")
    assert item_statuses(sbx, order["order_id"]) == ["package_scrapped"]
    assert ledger(sbx, kind="compensation")["data"] == []


def test_without_the_resale_service_the_parcel_rides_back_whole(api):
    sbx = new_sandbox(api, overrides={"resale.service": False})
    order, package = ship(sbx, price="200.00", buyer=FAIL)

    until(sbx, "order.shipped_back_success")

    assert events(sbx, "resale.*") == [] and events(sbx, "return_service.*") == []
    assert [event["type"] for event in events(sbx, "order.*")
            if event["data"]["order_id"] == order["order_id"]][-3:] == [
        "order.failed_delivery", "order.shipped_back", "order.shipped_back_success"]
    assert item_statuses(sbx, order["order_id"]) == ["shipped_back_success"]
    assert ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))["status"] == "returned"
