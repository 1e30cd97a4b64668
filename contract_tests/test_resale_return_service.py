"""The seller's return service, through the SDK: what becomes of a unit that leaves resale
(return_service.option). Returned to the seller above return_service.return_threshold (USD 10
at the sandbox's rate) and destroyed at or below it; worry-free compensation (90%, a ledger
credit; refused in VN); local disposal; a resold unit whose resale order fails delivery again
(resale.second_failure). A unit leaves resale here by failing its inspection (the warehouse
test helper), at its inspection instant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from logistics_support import NO_JITTER, entries, events
from mockplatform_client import BadRequestError, ConflictError
from resale_support import (
    ALWAYS_ABSENT,
    at,
    fail_delivery,
    failed_unit,
    failed_units,
    occurred,
    order_item,
    relist,
    unit,
)

CENT = Decimal("0.01")


def rejected(client, *items) -> tuple:
    """Fail the units' inspection (due at one instant) and move the clock to it: (the units,
    the instant)."""
    [inspect_at] = {at(item.inspect_at) for item in items}
    for item in items:
        client.resale.script_inspection(item, "fail", check="complete")
    client.clock.advance(to=inspect_at)
    left = [unit(client, item) for item in items]
    assert {(u.exit_reason, at(u.exited_at)) for u in left} == {("qc_failed", inspect_at)}
    return left, inspect_at


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_the_threshold_on_both_sides_at_the_sandbox_rate(client):
    setting = client.return_service.get()
    assert setting.option == "return_to_seller"
    assert dict(setting.return_threshold) == {"amount": "10.00", "currency": "USD"}
    threshold = Decimal(setting.return_threshold_in_market_currency.amount)
    assert (threshold, setting.return_threshold_in_market_currency.currency) == (
        Decimal("44.70"), "MYR")  # USD 10.00 at finance/rates.yaml's 4.47
    just_above = (threshold / Decimal("10.00") * Decimal("10.01")).quantize(CENT)
    assert just_above == Decimal("44.74")  # USD 10.01

    at_threshold, above = failed_units(client, str(threshold), str(just_above))
    (destroyed, shipped), inspect_at = rejected(client, at_threshold, above)
    assert (destroyed.state, destroyed.outcome, at(destroyed.outcome_at)) == (
        "destroyed_locally", "destroyed_locally", inspect_at)
    [event] = [e for e in events(client, "return_service.destroyed_locally")
               if e.data.resale_item_id == at_threshold.resale_item_id]
    assert (event.data.why, event.data.threshold) == ("at_or_below_threshold", "44.70")
    assert order_item(client, destroyed.order_id, destroyed.order_item_id).status == \
        "package_scrapped"

    assert (shipped.state, shipped.return_service) == ("returning_to_seller", "return_to_seller")
    assert occurred(client, "return_service.shipped_back", above) == [inspect_at]
    assert order_item(client, shipped.order_id, shipped.order_item_id).status == "shipped_back"
    assert entries(client, "compensation") == []


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_worry_free_credits_90_percent_of_the_price(client):
    chosen = client.return_service.set("worry_free")
    assert (chosen.option, chosen.changed_at is not None) == ("worry_free", True)
    assert [e.data.option for e in events(client, "return_service.option_changed")] == [
        "worry_free"]

    [left], inspect_at = rejected(client, failed_unit(client, price="30.00"))
    assert (left.state, left.compensation, left.return_service) == (
        "worry_free_compensated", "27.00", "worry_free")
    [credit] = entries(client, "compensation")
    assert (credit.amount, credit.direction, credit.subject) == (
        "27.00", "credit", f"resale_item:{left.resale_item_id}")
    assert (credit.policy_key, at(credit.occurred_at)) == ("return_service.worry_free",
                                                           inspect_at)
    [event] = events(client, "return_service.worry_free_compensated")
    assert (event.data.compensation, event.data.ledger_entry_id) == ("27.00", credit.id)
    assert order_item(client, left.order_id, left.order_item_id).status == \
        "worry_free_compensated"


@pytest.mark.mockplatform_sandbox(market="VN", policy_overrides=NO_JITTER)
def test_worry_free_is_refused_in_vietnam(client):
    with pytest.raises(ConflictError) as refused:
        client.return_service.set("worry_free")
    assert refused.value.code == "return_service_unavailable"
    [detail] = refused.value.details
    assert (detail["field"], detail["rule"]) == ("option", "return_service.worry_free")
    assert detail["allowed_options"] == ["return_to_seller", "local_disposal"]
    setting = client.return_service.get()
    assert (setting.option, setting.changed_at) == ("return_to_seller", None)
    assert [o.option for o in setting.options if not o.available] == ["worry_free"]
    assert events(client, "return_service.option_changed") == []


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_local_disposal_destroys_whatever_the_price(client):
    client.return_service.set("local_disposal")
    [left], inspect_at = rejected(client, failed_unit(client, price="500.00"))
    assert (left.state, left.return_service) == ("destroyed_locally", "local_disposal")
    assert occurred(client, "return_service.destroyed_locally", left) == [inspect_at]
    assert entries(client, "compensation") == []


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_a_resold_unit_that_fails_delivery_again_leaves_resale(client):
    item = relist(client, failed_unit(client, price="100.00"))
    resale_order = client.resale.sell(item, buyer=ALWAYS_ABSENT)
    [resale_item] = resale_order["items"]
    assert resale_item.stock_source == "resale"

    failed_again_at = fail_delivery(client, client.packages.get(resale_order.package_ids[0]))
    left = unit(client, item)
    assert (left.state, left.exit_reason, at(left.exited_at)) == (
        "returning_to_seller", "second_failure", failed_again_at)
    assert occurred(client, "resale.second_failure", item) == [failed_again_at]
    assert client.resale.list(order_id=resale_order.order_id)[0].resale_item_id == \
        item.resale_item_id
    # The resale order's item rides back; the first order's story ended when it was resold.
    assert order_item(client, resale_order.order_id, resale_item.order_item_id).status == \
        "shipped_back"
    assert order_item(client, item.order_id, item.order_item_id).status == "resold"
    assert client.resale.list(state="listed").data == []


@pytest.mark.mockplatform_sandbox(policy_overrides=NO_JITTER)
def test_an_unknown_option_is_refused_naming_the_choices(client):
    with pytest.raises(BadRequestError) as refused:
        client.return_service.set("burn_it")
    [detail] = refused.value.details
    assert detail["field"] == "option"
    assert "return_to_seller, worry_free, local_disposal" in detail["message"]
    assert client.return_service.get().option == "return_to_seller"


@pytest.mark.mockplatform_sandbox(platform="aliexpress", market="MY")
def test_a_profile_without_resale_has_no_return_service(client):
    for call in (client.return_service.get, lambda: client.return_service.set("worry_free"),
                 client.resale.list):
        with pytest.raises(ConflictError) as refused:
            call()
        assert refused.value.code == "resale_not_available"
