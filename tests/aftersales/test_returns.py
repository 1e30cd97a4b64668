"""A return and refund: the buyer's ship-back deadline, the return parcel's journey and the
seller's review, and the failed return package (seed 002), each at its boundary."""

from __future__ import annotations

from datetime import timedelta

from tests.aftersales.support import (
    ONE_SECOND,
    act,
    advance_to,
    deadline,
    delivered,
    get,
    helper,
    instant,
    of_request,
    ok,
    open_request,
    refunds,
    tiktok,
)


def approved_return(sbx) -> dict:
    request = open_request(sbx, "return_and_refund", delivered(sbx), "defective_item")
    approved = act(sbx, request, "approve")
    assert (approved["state"], approved["deadline_policy"]) == ("awaiting_buyer_ship",
                                                               "return.buyer_ship_back")
    return approved


def test_a_return_not_shipped_back_closes_at_five_days(api):
    sbx = tiktok(api)
    request = approved_return(sbx)
    advance_to(sbx, deadline(request) - ONE_SECOND)
    assert get(sbx, request)["state"] == "awaiting_buyer_ship"
    advance_to(sbx, deadline(request))
    closed = get(sbx, request)
    assert (closed["state"], closed["platform_status"]) == ("closed",
                                                            "RETURN_OR_REFUND_REQUEST_CANCEL")
    assert len(of_request(sbx, "aftersales.close_unshipped", request)) == 1
    assert refunds(sbx, request) == []


def test_the_parcel_arrives_and_an_unreviewed_one_is_refunded_at_48_hours(api):
    sbx = tiktok(api)
    request = approved_return(sbx)
    shipped = helper(sbx, request, "ship_back", tracking_number="RET-0001")
    parcel = shipped["return_parcel"]
    assert (parcel["tracking_number"], parcel["status"]) == ("RET-0001", "returning")
    trace = ok(sbx.get("/api/v1/tracking/RET-0001"))
    assert [e["milestone"] for e in trace["events"]] == ["return_shipped"]
    first = instant(parcel["next_attempt_at"])
    advance_to(sbx, first - ONE_SECOND)
    assert get(sbx, request)["state"] == "buyer_shipped"
    advance_to(sbx, first)
    review = get(sbx, request)
    assert review["state"] == "awaiting_package_review"
    assert review["seller_next_action"] == "SELLER_RESPOND_RECEIVE_PACKAGE"
    advance_to(sbx, deadline(review) - ONE_SECOND)
    assert get(sbx, request)["state"] == "awaiting_package_review"
    advance_to(sbx, deadline(review))
    assert get(sbx, request)["state"] == "refunded"
    assert len(of_request(sbx, "aftersales.auto_refund", request)) == 1
    assert [e["amount"] for e in refunds(sbx, request)] == ["-30.00"]


def test_a_received_parcel_the_seller_rejects_is_destroyed_and_not_refunded(api):
    sbx = tiktok(api)
    request = approved_return(sbx)
    helper(sbx, request, "ship_back")
    helper(sbx, request, "deliver_return")
    rejected = act(sbx, request, "reject_package", reason="item_used")
    assert (rejected["state"], rejected["platform_status"]) == ("package_rejected",
                                                                "REJECT_RECEIVE_PACKAGE")
    assert rejected["return_parcel"]["status"] == "destroyed"
    assert refunds(sbx, request) == []


def failed_return(sbx) -> dict:
    request = approved_return(sbx)
    helper(sbx, request, "ship_back")
    for attempt in (1, 2):
        assert helper(sbx, request, "fail_return_attempt")["state"] == "buyer_shipped", attempt
    failed = helper(sbx, request, "fail_return_attempt")
    assert (failed["state"], failed["seller_next_action"]) == ("awaiting_seller_claim",
                                                               "SELLER_CLAIM_FAILED_RETURN")
    [event] = of_request(sbx, "aftersales.fail_return", request)
    assert event["data"]["carrier_contact"] == failed["failed_return"]["carrier_contact"]
    assert failed["failed_return"]["ticket_url"].endswith(
        failed["return_parcel"]["tracking_number"])
    return failed


def test_a_failed_return_claimed_on_day_seven_is_delivered_again(api):
    sbx = tiktok(api)
    request = failed_return(sbx)
    assert deadline(request) - instant(request["updated_at"]) == timedelta(days=7)
    advance_to(sbx, deadline(request) - ONE_SECOND)
    claimed = act(sbx, request, "claim_return")
    assert claimed["state"] == "return_redelivering"
    advance_to(sbx, instant(claimed["return_parcel"]["next_attempt_at"]))
    assert get(sbx, request)["state"] == "awaiting_package_review"


def test_an_unclaimed_failed_return_is_destroyed_at_seven_days_and_the_buyer_refunded(api):
    sbx = tiktok(api)
    request = failed_return(sbx)
    advance_to(sbx, deadline(request) - ONE_SECOND)
    assert get(sbx, request)["state"] == "awaiting_seller_claim"
    advance_to(sbx, deadline(request))
    gone = get(sbx, request)
    assert gone["state"] == "return_destroyed"
    assert gone["return_parcel"]["status"] == "destroyed"
    assert len(of_request(sbx, "aftersales.destroy_unclaimed", request)) == 1
    assert [e["amount"] for e in refunds(sbx, request)] == ["-30.00"]
