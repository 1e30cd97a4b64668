"""Native API of after-sales requests (TikTok Shop, reshipment included; Lazada's reverse
orders): the seller's list, one request with its timeline, one endpoint per seller action; the
buyer's and the carrier's test helpers. A seller action the sandbox's profile does not offer is a
409 ``action_not_offered`` naming those it does; a sandbox whose profile has no after-sales
requests (AliExpress) answers 409 ``aftersales_not_available``."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.aftersales import actions, queries, service, units
from mockplatform.fronts.native.aftersales import presenters as present
from mockplatform.fronts.native.aftersales import schemas as s
from mockplatform.fronts.native.catalog.schemas import numeric_id
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.orders.service import OrderLine

bp = Blueprint("aftersales", __name__, url_prefix="/api/v1")

_REQUESTS = "/aftersales/requests"
_HELPERS = "/test_helpers/aftersales/requests"
ACTION_ERRORS = [400, 404, 409]
TAGS = ["aftersales"]
HELPER_TAGS = ["test_helpers"]


def _id(call: Call) -> int:
    service.require_available(call.ctx)
    return numeric_id(call.path["aftersales_id"], "aftersales_id", "path")


def _answer(call: Call, request) -> dict:
    return present.request_json(queries.detail(call.ctx, request),
                                queries.parcels(call.ctx, [request]))


@endpoint(bp, _REQUESTS, query=s.RequestListQuery, response=s.RequestListSchema,
          summary="List after-sales requests", tags=TAGS, errors=[400, 409])
def list_requests(call: Call):
    """Cancellation requests, refunds only and returns, in the order they were opened. Filter
    by ``type``, ``state``, ``order_id``, ``awaiting_seller`` (the seller's next action is due)
    and ``deadline_before`` (the next deadline is before that instant); page with ``after``
    (the ``next_cursor``) and ``limit`` (at most 100)."""
    query = dict(call.query)
    service.require_available(call.ctx)
    if "after" in query:
        query["after"] = numeric_id(query["after"], "after", "query")
    for name in ("type", "state"):
        query[name] = tuple(query.get(name, ()))
    page = queries.list_requests(call.ctx, queries.RequestFilter(**query))
    return present.page_json(call.ctx, page, queries.parcels(call.ctx, page.requests))


@endpoint(bp, f"{_REQUESTS}/<aftersales_id>", response=s.RequestSchema,
          summary="Get an after-sales request", tags=TAGS, errors=[400, 404, 409])
def get_request(call: Call):
    """Its state in our words and TikTok's (``platform_status``), the seller's next action and
    its deadline (``deadline_at``, ``deadline_policy``) before it passes, what each party may
    do now, its money, the return parcel and the failed return's notice, and its timeline."""
    return _answer(call, service.get(call.ctx, _id(call)))


def _action(base: str, tags: list[str]):
    """A decorator of one party's action on a request: POST ``<base>/<aftersales_id>/<rule>``
    answering the request, its ``doc`` as the operation's description."""
    def action(rule: str, summary: str, doc: str, body=None):
        def register(view):
            view.__doc__ = doc
            return endpoint(bp, f"{base}/<aftersales_id>/{rule}", method="POST", body=body,
                            response=s.RequestSchema, summary=summary, tags=tags,
                            errors=ACTION_ERRORS)(view)
        return register
    return action


_seller = _action(_REQUESTS, TAGS)


def _simple(party, rule: str, summary: str, doc: str, *, name: str | None = None) -> None:
    """An action whose only input is the request's id: its view calls ``actions.<rule>``
    (``name``: the operation's name, the rule's by default)."""
    act = getattr(actions, rule)

    def view(call: Call):
        return _answer(call, act(call.ctx, _id(call)))

    view.__name__ = view.__qualname__ = name or rule
    party(rule, summary, doc)(view)


_simple(_seller, "approve", "Approve a request",
        "A cancellation: its items are canceled and refunded. A refund only: refunded. A "
        "return: the buyer has return.buyer_ship_back to ship the item back. Only a "
        "``requested`` request (else 409 naming the state and the seller's allowed actions).",
        name="approve_request")


@_seller("reject", "Reject a request with a reason",
         "``reason``: one of the profile's aftersales.reasons (reject_cancellation for a "
         "cancellation, reject_request otherwise); ``comment`` up to 500 characters.",
         body=s.RejectSchema)
def reject_request(call: Call):
    return _answer(call, actions.reject(call.ctx, _id(call), reason=call.body["reason"],
                                        comment=call.body["comment"]))


@_seller("offer_partial_refund", "Offer a partial refund",
         "A refund only, a return or a reshipment: the buyer keeps the item for ``amount`` "
         "back (less than what it paid, in the request's currency). The buyer has "
         "return.partial_refund_response (a reshipment: reshipment.partial_refund_response) to "
         "answer; a rejection or silence gives the request back to the seller with a fresh "
         "seller window.", body=s.PartialRefundSchema)
def offer_partial_refund(call: Call):
    return _answer(call, actions.offer_partial_refund(
        call.ctx, _id(call), amount=call.body["amount"], currency=call.body["currency"]))


_simple(_seller, "propose_refund", "Propose a full refund instead of a reshipment",
        "A ``requested`` reshipment: the buyer gets everything it paid for the items back "
        "instead; more favourable to the buyer, it is approved at once "
        "(reshipment.alternative_more_favourable): ``refunded``, a refund ledger entry.")


_simple(_seller, "ship_reshipment", "Arrange shipment of an approved reshipment",
        "Before reshipment.ship_deadline (2 working days after approval; else a full refund "
        "charged to the seller): a package with a label and tracking number, with the original "
        "order's shipping option, its shipping fee (logistics.shipping_fee) debited to the "
        "seller (reshipment.shipping). Delivered to the buyer at the end of its journey "
        "(logistics.journey).")


_simple(_seller, "approve_package", "Approve the received return parcel",
        "The returned item is fine: the buyer is refunded. Only while "
        "``awaiting_package_review`` (return.seller_receive_review, else auto-refund).")


@_seller("reject_package", "Reject the received return parcel",
         "``reason`` from the profile's aftersales.reasons reject_package: no refund, and the "
         "parcel is destroyed on the platform's instruction (failed_return.seller_rejected).",
         body=s.RejectSchema)
def reject_package(call: Call):
    return _answer(call, actions.reject_package(call.ctx, _id(call), reason=call.body["reason"],
                                                comment=call.body["comment"]))


_simple(_seller, "instant_refund", "Refund at once, with no return (Lazada)",
        "A ``requested`` refund only or return: the buyer is refunded what it paid for the "
        "items and keeps them; no return parcel (Lazada's instantRefund). Not offered on "
        "TikTok Shop (409 action_not_offered).")


_simple(_seller, "confirm_delivery", "Confirm the return parcel arrived (Lazada)",
        "A return whose parcel is on its way (``buyer_shipped``, ``return_redelivering``): "
        "the parcel is delivered now and the seller has return.seller_receive_review to "
        "review it (Lazada's confirmDelivery). Under review already, nothing changes. Not "
        "offered on TikTok Shop (409 action_not_offered).")


_simple(_seller, "claim_return", "Claim a failed return parcel",
        "Within failed_return.claim_window of the last failed attempt: the carrier delivers it "
        "again (return.parcel_journey next_attempt).")


_simple(_seller, "return_not_needed", "Say a failed return parcel is not needed",
        "The parcel is destroyed now and the buyer refunded, as when the claim window ends.")


@endpoint(bp, _HELPERS, method="POST", body=s.OpenRequestSchema, response=s.RequestSchema,
          status=201, summary="Open an after-sales request, as the buyer", tags=HELPER_TAGS,
          errors=ACTION_ERRORS)
def open_request(call: Call):
    """``type``: ``cancellation`` (items not shipped yet, after the remorse window; their
    package mates come along), ``refund_only``, ``return_and_refund`` or ``reshipment`` (delivered
    items, inside return.request_window). ``reason`` from the profile's list for the type. Items of
    another order are a 400; items not in a state for the type, or in another request, a 409
    ``items_not_eligible``; after the window, a 409 ``request_window_closed``. The units may be
    named by ``items`` (``sku_id`` or ``seller_sku``, and ``quantity``) instead of
    ``order_item_ids``: a quantity above what the order bought of the SKU is a 400 naming
    ``items.<n>.quantity`` and the bought quantity (``bought_quantity``)."""
    body = call.body
    lines = [OrderLine(**line) for line in body["items"]] if "items" in body else None
    return _answer(call, units.open_request(
        call.ctx, type_=body["type"], order_id=body["order_id"], reason=body["reason"],
        item_ids=body.get("order_item_ids"), lines=lines, evidence=body.get("evidence")))


_helper = _action(_HELPERS, HELPER_TAGS)


_simple(_helper, "deliver_reshipment", "Deliver a reshipment to the buyer, as the carrier",
        "Now, before its planned delivery: the reshipment request is ``delivered``.")


_simple(_helper, "accept_partial_refund", "Accept the seller's partial refund, as the buyer",
        "The buyer is refunded the offered amount and keeps the item.")


_simple(_helper, "reject_partial_refund", "Reject the seller's partial refund, as the buyer",
        "The request goes back to the seller with a fresh return.seller_response window.")


@_helper("ship_back", "Ship the item back, as the buyer",
         "An approved return: a return parcel with the buyer's ``tracking_number`` (or one the "
         "platform draws) travels to the seller; a tracking number another package has is a "
         "409 tracking_number_taken.", body=s.ShipBackSchema)
def ship_back(call: Call):
    return _answer(call, actions.ship_back(
        call.ctx, _id(call), tracking_number=call.body.get("tracking_number"),
        shipment_provider=call.body.get("shipment_provider")))


_simple(_helper, "withdraw", "Withdraw a request, as the buyer",
        "Before the item is shipped back; the request closes with no refund.")


@_helper("fail_return_attempt", "Fail a delivery attempt of the return parcel, as the carrier",
         "The attempt is now; the next follows return.parcel_journey next_attempt, and the "
         "failed_return.max_attempts-th failure makes it a failed return (the seller is told "
         "the carrier's contact and a ticket link, and may claim it within "
         "failed_return.claim_window).", body=s.FailAttemptSchema)
def fail_return_attempt(call: Call):
    return _answer(call, actions.fail_return_attempt(call.ctx, _id(call),
                                                     reason=call.body["reason"]))


_simple(_helper, "deliver_return", "Deliver the return parcel to the seller, as the carrier",
        "Now: the seller has return.seller_receive_review to review it.")
