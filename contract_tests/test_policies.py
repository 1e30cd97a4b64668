"""The policy table a sandbox enforces is readable through the API, with its overrides."""

from __future__ import annotations

import pytest
from mockplatform_client import BadRequestError

# The keys of POLICIES.md, per profile; a deployment may add keys, never drop these.
PROFILE_KEYS = {
    "lazada": {
        "order.rts_deadline", "order.late_rts_fine", "logistics.first_mile_scan_deadline",
        "logistics.journey", "delivery.max_attempts", "delivery.failure_reasons",
        "settlement.cycle", "settlement.seller_marked_failed", "tracking.report_max_range",
        "resale.eligible", "resale.qc_checks", "resale.relist_delay", "resale.window",
        "resale.stock_priority", "resale.second_failure", "return_service.option",
        "return_service.return_threshold", "return_service.worry_free", "resale.overview"},
    "tiktok_shop": {
        "reshipment.seller_response", "reshipment.partial_refund_response",
        "reshipment.alternative_more_favourable", "reshipment.ship_deadline",
        "reshipment.shipping", "return.seller_response", "return.buyer_ship_back",
        "return.seller_receive_review", "failed_return.seller_rejected",
        "failed_return.max_attempts", "failed_return.claim_window",
        "order.awaiting_collection_deadline", "order.collection_deadline"},
    "aliexpress": {
        "semi_hosted.ship_deadline", "semi_hosted.late_fine", "semi_hosted.cancel_after"},
}


def policies_by_key(client) -> dict:
    return {policy.key: policy for policy in client.policies.get().policies}


@pytest.mark.parametrize("platform", [
    pytest.param(platform, marks=pytest.mark.mockplatform_sandbox(platform=platform),
                 id=platform) for platform in PROFILE_KEYS])
def test_the_policy_table_lists_the_profiles_keys(client, platform):
    table = client.policies.get()

    assert (table.platform, table.market) == (platform, "MY")
    keys = [policy.key for policy in table.policies]
    assert PROFILE_KEYS[platform] <= set(keys)
    assert len(keys) == len(set(keys))
    assert not any(policy.overridden for policy in table.policies)


@pytest.mark.mockplatform_sandbox(platform="tiktok_shop", market="TH",
                                  policy_overrides={"reshipment.seller_response": "P3D"})
def test_an_override_shows_as_overridden_with_its_new_value_tiktok_shop(client):
    policies = policies_by_key(client)

    response = policies["reshipment.seller_response"]
    assert (response.overridden, response.value, response.default) == (True, "P3D", "P2D")
    assert response.calendar == "calendar_days"
    assert [key for key, policy in policies.items() if policy.overridden] == [
        "reshipment.seller_response"]


@pytest.mark.mockplatform_sandbox(platform="lazada", market="MY",
                                  policy_overrides={"order.rts_deadline": "PT36H"})
def test_an_override_shows_as_overridden_with_its_new_value_lazada(client, sandbox):
    rts = policies_by_key(client)["order.rts_deadline"]

    assert (rts.overridden, rts.value, rts.default) == (True, "PT36H", "P2D")
    assert sandbox.policy_overrides == {"order.rts_deadline": "PT36H"}


@pytest.mark.mockplatform_sandbox(platform="lazada", market="VN")
def test_a_market_default_applies_in_its_market(client):
    # Resale lasts 28 days, 60 in Vietnam (POLICIES.md, resale.window).
    window = policies_by_key(client)["resale.window"]

    assert (window.value, window.default, window.overridden) == ("P60D", "P60D", False)


def test_an_unknown_override_is_refused_naming_it(new_sandbox):
    with pytest.raises(BadRequestError) as raised:
        new_sandbox.create(platform="lazada", policy_overrides={"order.nap_time": "PT1H"})

    assert any("order.nap_time" in detail["field"] for detail in raised.value.details)
