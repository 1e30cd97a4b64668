"""Failed return packages and bad input of after-sales requests, through the SDK.

A return parcel that fails delivery to the seller ``failed_return.max_attempts`` (3) times
waits for the seller's claim with the carrier's contact and a ticket link; claimed one second
before ``failed_return.claim_window`` (7 days) ends it is delivered again, unclaimed it is
destroyed at the instant and the buyer refunded. Bad input is a precise 4xx naming the field
and nothing is written; an action on a closed request is a 409 naming its state and what the
seller may still do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aftersales_support import (
    ONE_SECOND,
    TIKTOK_MY,
    awaiting_shipment,
    deadline,
    delivered,
    events_of,
    instant,
    refunds,
)
from logistics_support import events, milestones
from mockplatform_client import BadRequestError, InvalidStateTransitionError

pytestmark = pytest.mark.mockplatform_sandbox(**TIKTOK_MY)


def failed_return(client):
    """A return shipped back whose parcel failed its three delivery attempts to the seller."""
    order, _ = delivered(client)
    request = client.aftersales.open("return_and_refund", order.order_id, "damaged_item")
    client.aftersales.approve(request)
    client.aftersales.ship_back(request, tracking_number=f"MYRET-{order.order_id}")
    for attempt in (1, 2):
        again = client.aftersales.fail_return_attempt(request, reason="seller_unreachable")
        assert (again.state, again.return_parcel.delivery_attempts) == ("buyer_shipped",
                                                                        attempt)
    assert events_of(client, "aftersales.fail_return", request) == []
    return client.aftersales.fail_return_attempt(request, reason="address_closed")


def test_three_failed_attempts_tell_the_seller_the_carrier_and_a_ticket_link(client):
    failed = failed_return(client)

    assert (failed.state, failed.seller_next_action, failed.deadline_policy) == (
        "awaiting_seller_claim", "SELLER_CLAIM_FAILED_RETURN", "failed_return.claim_window")
    assert failed.allowed_actions == ["claim_return", "return_not_needed"]
    notice, parcel = failed.failed_return, failed.return_parcel
    assert (parcel.status, parcel.delivery_attempts) == ("failed_delivery", 3)
    assert notice.carrier_contact
    assert notice.ticket_url.endswith(f"tracking_number={parcel.tracking_number}")
    assert instant(notice.claim_deadline) == deadline(failed)
    assert deadline(failed) - instant(failed.updated_at) == timedelta(days=7)
    [event] = events_of(client, "aftersales.fail_return", failed)
    assert (event.data.carrier_contact, event.data.ticket_url, event.data.attempts,
            event.data.policy_key) == (notice.carrier_contact, notice.ticket_url, 3,
                                       "failed_return.max_attempts")
    assert milestones(client, parcel.package_id)[-2:] == ["return_delivery_attempt_failed",
                                                          "return_failed"]


def test_a_failed_return_claimed_one_second_before_the_window_ends_is_delivered_again(client):
    failed = failed_return(client)
    client.clock.advance(to=deadline(failed) - ONE_SECOND)
    assert client.aftersales.get(failed).state == "awaiting_seller_claim"

    claimed = client.aftersales.claim_return(failed)

    assert (claimed.state, claimed.return_parcel.status) == ("return_redelivering", "returning")
    redelivery = instant(claimed.return_parcel.next_attempt_at)
    client.clock.advance(to=deadline(failed))  # the claim window's end passes: nothing
    assert client.aftersales.get(failed).state == "return_redelivering"
    assert events_of(client, "aftersales.destroy_unclaimed", failed) == []
    client.clock.advance(to=redelivery)
    review = client.aftersales.get(failed)
    assert (review.state, review.return_parcel.status) == ("awaiting_package_review",
                                                           "returned")
    assert instant(events_of(client, "aftersales.deliver_return", failed)[0].occurred_at) == \
        redelivery
    assert refunds(client, failed) == []


def test_an_unclaimed_failed_return_is_destroyed_at_seven_days_and_the_buyer_refunded(client):
    failed = failed_return(client)
    client.clock.advance(to=deadline(failed) - ONE_SECOND)
    assert client.aftersales.get(failed).return_parcel.status == "failed_delivery"
    assert refunds(client, failed) == []

    client.clock.advance(to=deadline(failed))

    gone = client.aftersales.get(failed)
    assert (gone.state, gone.platform_status, gone.return_parcel.status) == (
        "return_destroyed", "RETURN_OR_REFUND_REQUEST_COMPLETE", "destroyed")
    [event] = events_of(client, "aftersales.destroy_unclaimed", failed)
    assert (instant(event.occurred_at), event.data.policy_key, event.data.package_destroyed) == (
        deadline(failed), "failed_return.claim_window", True)
    [entry] = refunds(client, failed)
    assert (entry.amount, entry.currency, entry.id) == ("-30.00", "MYR",
                                                        event.data.ledger_entry_id)
    assert milestones(client, gone.return_parcel.package_id)[-1] == "return_destroyed"


def test_a_reason_not_in_the_profiles_list_is_a_400_naming_the_list(client):
    order, _ = delivered(client)
    with pytest.raises(BadRequestError) as bad:
        client.aftersales.open("refund_only", order.order_id, "changed_my_mind")
    assert bad.value.code == "unknown_reason"
    detail = bad.value.details[0]
    assert (detail["field"], "damaged_item" in detail["allowed_values"]) == ("reason", True)
    request = client.aftersales.open("refund_only", order.order_id, "damaged_item")
    with pytest.raises(BadRequestError) as rejected:
        client.aftersales.reject(request, "no_reason_at_all")
    assert rejected.value.details[0]["allowed_values"][0] == "insufficient_evidence"
    assert client.aftersales.get(request).state == "requested"


def test_items_of_another_order_are_a_400_and_nothing_is_written(client):
    order, _ = delivered(client)
    other = awaiting_shipment(client)
    with pytest.raises(BadRequestError) as bad:
        client.aftersales.open("refund_only", order.order_id, "wrong_item",
                               order_item_ids=[other["items"][0].order_item_id])
    assert bad.value.details[0]["field"] == "order_item_ids"
    assert str(other["items"][0].order_item_id) in bad.value.message
    assert list(client.aftersales.list()) == []
    assert events(client, "aftersales.requested") == []


def test_a_partial_refund_above_the_paid_amount_or_in_another_currency_is_refused(client):
    order, _ = delivered(client)
    request = client.aftersales.open("refund_only", order.order_id, "not_as_described")
    for amount, currency, field in (("30.00", "MYR", "amount"), ("45.00", "MYR", "amount"),
                                    ("5.00", "SGD", "currency")):
        with pytest.raises(BadRequestError) as bad:
            client.aftersales.offer_partial_refund(request, amount, currency)
        assert (bad.value.code, bad.value.details[0]["field"]) == ("invalid_refund_offer",
                                                                   field), amount
    unchanged = client.aftersales.get(request)
    assert (unchanged.state, unchanged.partial_refund) == ("requested", None)
    assert events_of(client, "aftersales.offer_partial_refund", request) == []


def test_an_action_on_a_closed_request_is_a_409_naming_its_state(client):
    order = awaiting_shipment(client)
    request = client.aftersales.open("cancellation", order.order_id, "shipping_too_slow")
    client.aftersales.reject(request, "seller_reject_apply_product_has_been_packed")

    with pytest.raises(InvalidStateTransitionError) as refused:
        client.aftersales.approve(request)

    error = refused.value
    assert (error.status, error.current_state, error.action, error.allowed_actions) == (
        409, "rejected", "approve", [])
    assert "closed" in error.message
    with pytest.raises(InvalidStateTransitionError) as buyer:
        client.aftersales.withdraw(request)
    assert buyer.value.current_state == "rejected"
    assert client.aftersales.get(request).state == "rejected"
