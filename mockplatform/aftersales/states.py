"""The after-sales request's life, as data: one state machine per request type, the deadline
each state waits on (its policy, what happens when it passes, and what the seller must do
meanwhile), and the platform's vocabulary for each state (TikTok Shop's ``cancel_status`` and
``return_status``, reference/tiktok-api.md section 7.2; platform-policies.md section 2.3).

A new type (reshipment) is a new machine in ``MACHINES``, its deadlines in ``DEADLINES`` and
its words in ``PLATFORM_STATUS``; the service and the timer read only these tables. Which types
and which seller actions a platform profile offers is data too (``PROFILES``): Lazada's reverse
orders are the same machines, without reshipment and partial refunds, with two actions of their
own (``instant_refund``, ``confirm_delivery``), in Lazada's words (``LAZADA_REQUEST_TYPE``,
``LAZADA_REVERSE_STATUS``, ``LAZADA_OFC_STATUS``).

::

    cancellation (before the order ships)
      requested ──approve / auto_approve (cancellation.seller_response)──> refunded
      requested ──reject──> rejected          requested ──withdraw──> withdrawn

    refund_only (after delivery, inside return.request_window)
      requested ──approve / auto_approve (return.seller_response)──> refunded
      requested ──reject──> rejected
      requested ──instant_refund (Lazada)──> refunded
      requested ──offer_partial_refund──> partial_refund_offered
      partial_refund_offered ──accept_partial_refund──> refunded (the offered amount)
      partial_refund_offered ──reject_partial_refund / partial_refund_lapsed
                               (return.partial_refund_response)──> requested (a fresh window)

    return_and_refund: as refund_only, but approval waits for the item
      requested ──approve / auto_approve──> awaiting_buyer_ship
      requested ──instant_refund (Lazada) / auto_refund_low_value (return.seller_response, on a
                                profile with return.auto_refund_threshold, a refund at or
                                below it)──> refunded (no return parcel)
      awaiting_buyer_ship ──ship_back──> buyer_shipped (a return parcel with tracking)
      awaiting_buyer_ship ──close_unshipped (return.buyer_ship_back)──> closed
      buyer_shipped ──deliver_return / confirm_delivery (Lazada: the seller says it has the
                                parcel)──> awaiting_package_review
      buyer_shipped ──fail_return_attempt──> buyer_shipped (attempts left)
      buyer_shipped ──fail_return (failed_return.max_attempts)──> awaiting_seller_claim
      awaiting_package_review ──approve_package / auto_refund
                                (return.seller_receive_review)──> refunded
      awaiting_package_review ──reject_package──> package_rejected (parcel destroyed,
                                failed_return.seller_rejected)
      awaiting_seller_claim ──claim_return──> return_redelivering ──deliver_return──>
                                awaiting_package_review
      awaiting_seller_claim ──return_not_needed / destroy_unclaimed
                                (failed_return.claim_window)──> return_destroyed (refunded)

    reshipment (after delivery, inside return.request_window: missing, broken or unusable items)
      requested ──approve / auto_approve (reshipment.seller_response)──> approved
      requested ──reject──> rejected
      requested ──propose_refund──> refunded (a full refund: more favourable to the buyer, so
                                approved at once, reshipment.alternative_more_favourable)
      requested ──offer_partial_refund──> partial_refund_offered ──accept_partial_refund──>
                                refunded (the offered amount)
      partial_refund_offered ──reject_partial_refund / partial_refund_lapsed
                               (reshipment.partial_refund_response)──> requested (a fresh window)
      approved ──ship_reshipment──> reshipped (a package with a label and tracking, the original
                                order's shipping option, its fee debited to the seller)
      approved ──convert_to_refund (reshipment.ship_deadline, or the replacement order canceled
                                  whole before shipping)──> refunded (charged to the seller)
      reshipped ──deliver_reshipment (the package's journey)──> delivered
      reshipped ──fail_reshipment (the replacement failed delivery, or the carrier lost or
                                damaged it)──> reshipment_failed (the units are free for a
                                new request)
"""

from __future__ import annotations

from dataclasses import dataclass

from mockplatform.engine.statemachine import StateMachine

CANCELLATION, REFUND_ONLY, RETURN_AND_REFUND = "cancellation", "refund_only", "return_and_refund"
RESHIPMENT = "reshipment"
TYPES = (CANCELLATION, REFUND_ONLY, RETURN_AND_REFUND, RESHIPMENT)

REQUESTED = "requested"
PARTIAL_REFUND_OFFERED = "partial_refund_offered"
AWAITING_BUYER_SHIP = "awaiting_buyer_ship"
BUYER_SHIPPED = "buyer_shipped"
AWAITING_PACKAGE_REVIEW = "awaiting_package_review"
AWAITING_SELLER_CLAIM = "awaiting_seller_claim"
RETURN_REDELIVERING = "return_redelivering"
REFUNDED = "refunded"
REJECTED = "rejected"
PACKAGE_REJECTED = "package_rejected"
RETURN_DESTROYED = "return_destroyed"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
# A reshipment: approved (the seller must ship it), shipped, delivered to the buyer.
APPROVED = "approved"
RESHIPPED = "reshipped"
DELIVERED = "delivered"
# The replacement order's parcel failed delivery or was lost or damaged by the carrier.
RESHIPMENT_FAILED = "reshipment_failed"

STATES = (REQUESTED, PARTIAL_REFUND_OFFERED, AWAITING_BUYER_SHIP, BUYER_SHIPPED,
          AWAITING_PACKAGE_REVIEW, AWAITING_SELLER_CLAIM, RETURN_REDELIVERING, APPROVED,
          RESHIPPED, REFUNDED, REJECTED, PACKAGE_REJECTED, RETURN_DESTROYED, CLOSED, WITHDRAWN,
          DELIVERED, RESHIPMENT_FAILED)
FINAL = (REFUNDED, REJECTED, PACKAGE_REJECTED, RETURN_DESTROYED, CLOSED, WITHDRAWN, DELIVERED,
         RESHIPMENT_FAILED)
# States in which the return parcel exists and travels or waits.
PARCEL_STATES = (BUYER_SHIPPED, AWAITING_PACKAGE_REVIEW, AWAITING_SELLER_CLAIM,
                 RETURN_REDELIVERING)

# Who may take each action: a 409 tells each party what it could do instead.
SELLER_ACTIONS = ("approve", "reject", "offer_partial_refund", "approve_package",
                  "reject_package", "claim_return", "return_not_needed", "propose_refund",
                  "ship_reshipment", "instant_refund", "confirm_delivery")
BUYER_ACTIONS = ("accept_partial_refund", "reject_partial_refund", "ship_back", "withdraw")
CARRIER_ACTIONS = ("fail_return_attempt", "fail_return", "deliver_return",
                   "deliver_reshipment", "fail_reshipment")
SYSTEM_ACTIONS = ("auto_approve", "partial_refund_lapsed", "close_unshipped", "auto_refund",
                  "destroy_unclaimed", "convert_to_refund", "auto_refund_low_value")
ROLE_ACTIONS = {"SELLER": SELLER_ACTIONS, "BUYER": BUYER_ACTIONS, "CARRIER": CARRIER_ACTIONS,
                "SYSTEM": SYSTEM_ACTIONS}
ROLES = {**dict.fromkeys(SELLER_ACTIONS, "SELLER"), **dict.fromkeys(BUYER_ACTIONS, "BUYER"),
         **dict.fromkeys(CARRIER_ACTIONS, "CARRIER"), **dict.fromkeys(SYSTEM_ACTIONS, "SYSTEM")}

_NEGOTIATION = [
    (REQUESTED, "reject", REJECTED),
    (REQUESTED, "offer_partial_refund", PARTIAL_REFUND_OFFERED),
    (PARTIAL_REFUND_OFFERED, "accept_partial_refund", REFUNDED),
    (PARTIAL_REFUND_OFFERED, "reject_partial_refund", REQUESTED),
    (PARTIAL_REFUND_OFFERED, "partial_refund_lapsed", REQUESTED),
    (REQUESTED, "withdraw", WITHDRAWN),
    (PARTIAL_REFUND_OFFERED, "withdraw", WITHDRAWN),
]
# After the others, so that a profile without them lists its actions in the same order.
_INSTANT_REFUND = (REQUESTED, "instant_refund", REFUNDED)

MACHINES = {
    CANCELLATION: StateMachine("cancellation request", STATES, [
        (REQUESTED, "approve", REFUNDED),
        (REQUESTED, "auto_approve", REFUNDED),
        (REQUESTED, "reject", REJECTED),
        (REQUESTED, "withdraw", WITHDRAWN),
    ]),
    REFUND_ONLY: StateMachine("refund-only request", STATES, [
        (REQUESTED, "approve", REFUNDED),
        (REQUESTED, "auto_approve", REFUNDED),
        *_NEGOTIATION,
        _INSTANT_REFUND,
    ]),
    RETURN_AND_REFUND: StateMachine("return and refund request", STATES, [
        (REQUESTED, "approve", AWAITING_BUYER_SHIP),
        (REQUESTED, "auto_approve", AWAITING_BUYER_SHIP),
        *_NEGOTIATION,
        (AWAITING_BUYER_SHIP, "ship_back", BUYER_SHIPPED),
        (AWAITING_BUYER_SHIP, "close_unshipped", CLOSED),
        (AWAITING_BUYER_SHIP, "withdraw", WITHDRAWN),
        (BUYER_SHIPPED, "deliver_return", AWAITING_PACKAGE_REVIEW),
        (BUYER_SHIPPED, "fail_return_attempt", BUYER_SHIPPED),
        (BUYER_SHIPPED, "fail_return", AWAITING_SELLER_CLAIM),
        (AWAITING_PACKAGE_REVIEW, "approve_package", REFUNDED),
        (AWAITING_PACKAGE_REVIEW, "auto_refund", REFUNDED),
        (AWAITING_PACKAGE_REVIEW, "reject_package", PACKAGE_REJECTED),
        (AWAITING_SELLER_CLAIM, "claim_return", RETURN_REDELIVERING),
        (AWAITING_SELLER_CLAIM, "return_not_needed", RETURN_DESTROYED),
        (AWAITING_SELLER_CLAIM, "destroy_unclaimed", RETURN_DESTROYED),
        (RETURN_REDELIVERING, "deliver_return", AWAITING_PACKAGE_REVIEW),
        _INSTANT_REFUND,
        (REQUESTED, "auto_refund_low_value", REFUNDED),
        (BUYER_SHIPPED, "confirm_delivery", AWAITING_PACKAGE_REVIEW),
        (RETURN_REDELIVERING, "confirm_delivery", AWAITING_PACKAGE_REVIEW),
    ]),
    RESHIPMENT: StateMachine("reshipment request", STATES, [
        (REQUESTED, "approve", APPROVED),
        (REQUESTED, "auto_approve", APPROVED),
        (REQUESTED, "propose_refund", REFUNDED),
        *_NEGOTIATION,
        (APPROVED, "ship_reshipment", RESHIPPED),
        (APPROVED, "convert_to_refund", REFUNDED),
        (RESHIPPED, "deliver_reshipment", DELIVERED),
        (RESHIPPED, "fail_reshipment", RESHIPMENT_FAILED),
    ]),
}


@dataclass(frozen=True)
class Deadline:
    """What a state waits on: ``policy`` (a duration) counted from entering the state, then
    the system takes ``action``. ``seller_action`` is what the seller must do meanwhile
    (TikTok's ``seller_next_action_response.action``); None when the buyer is the one to act."""

    policy: str
    action: str
    seller_action: str | None
    words: str  # how the timers list says it
    # On a profile with this money policy, a request whose requested refund is at or below it
    # takes ``below_action`` instead (Lazada: auto-refund a cheap return, auto-approve a dear
    # one).
    threshold: str | None = None
    below_action: str | None = None


DEADLINES: dict[tuple[str, str], Deadline] = {
    (CANCELLATION, REQUESTED): Deadline(
        "cancellation.seller_response", "auto_approve", "SELLER_RESPOND_CANCEL",
        "approve the buyer's cancellation request, unanswered by the seller"),
    (REFUND_ONLY, REQUESTED): Deadline(
        "return.seller_response", "auto_approve", "SELLER_RESPOND_REFUND",
        "approve the refund-only request, unanswered by the seller"),
    (RETURN_AND_REFUND, REQUESTED): Deadline(
        "return.seller_response", "auto_approve", "SELLER_RESPOND_RETURN",
        "approve the return request, unanswered by the seller",
        threshold="return.auto_refund_threshold", below_action="auto_refund_low_value"),
    (REFUND_ONLY, PARTIAL_REFUND_OFFERED): Deadline(
        "return.partial_refund_response", "partial_refund_lapsed", None,
        "the buyer did not answer the partial refund offer: back to the seller"),
    (RETURN_AND_REFUND, PARTIAL_REFUND_OFFERED): Deadline(
        "return.partial_refund_response", "partial_refund_lapsed", None,
        "the buyer did not answer the partial refund offer: back to the seller"),
    (RETURN_AND_REFUND, AWAITING_BUYER_SHIP): Deadline(
        "return.buyer_ship_back", "close_unshipped", None,
        "close the return request, the buyer not having shipped the item back"),
    (RETURN_AND_REFUND, AWAITING_PACKAGE_REVIEW): Deadline(
        "return.seller_receive_review", "auto_refund", "SELLER_RESPOND_RECEIVE_PACKAGE",
        "refund the buyer, the seller not having reviewed the received return parcel"),
    (RETURN_AND_REFUND, AWAITING_SELLER_CLAIM): Deadline(
        "failed_return.claim_window", "destroy_unclaimed", "SELLER_CLAIM_FAILED_RETURN",
        "destroy the undelivered return parcel, unclaimed by the seller"),
    (RESHIPMENT, REQUESTED): Deadline(
        "reshipment.seller_response", "auto_approve", "SELLER_RESPOND_REPLACEMENT",
        "approve the reshipment request, unanswered by the seller"),
    (RESHIPMENT, PARTIAL_REFUND_OFFERED): Deadline(
        "reshipment.partial_refund_response", "partial_refund_lapsed", None,
        "the buyer did not answer the partial refund offer: back to the seller"),
    (RESHIPMENT, APPROVED): Deadline(
        "reshipment.ship_deadline", "convert_to_refund", "SELLER_SHIP_RESHIPMENT",
        "convert the approved reshipment, not shipped by the seller, to a full refund charged "
        "to the seller"),
}

# TikTok Shop's words for each state: cancellations' cancel_status, the others' return_status.
_RETURN_STATUS = {
    REQUESTED: "RETURN_OR_REFUND_REQUEST_PENDING",
    PARTIAL_REFUND_OFFERED: "AWAITING_BUYER_RESPONSE",
    AWAITING_BUYER_SHIP: "AWAITING_BUYER_SHIP",
    BUYER_SHIPPED: "BUYER_SHIPPED_ITEM",
    AWAITING_PACKAGE_REVIEW: "BUYER_SHIPPED_ITEM",
    AWAITING_SELLER_CLAIM: "BUYER_SHIPPED_ITEM",
    RETURN_REDELIVERING: "BUYER_SHIPPED_ITEM",
    REFUNDED: "RETURN_OR_REFUND_REQUEST_COMPLETE",
    REJECTED: "REFUND_OR_RETURN_REQUEST_REJECT",
    PACKAGE_REJECTED: "REJECT_RECEIVE_PACKAGE",
    RETURN_DESTROYED: "RETURN_OR_REFUND_REQUEST_COMPLETE",
    CLOSED: "RETURN_OR_REFUND_REQUEST_CANCEL",
    WITHDRAWN: "RETURN_OR_REFUND_REQUEST_CANCEL",
}
PLATFORM_STATUS = {
    CANCELLATION: {REQUESTED: "CANCELLATION_REQUEST_PENDING",
                   REFUNDED: "CANCELLATION_REQUEST_COMPLETE",
                   REJECTED: "CANCELLATION_REQUEST_CANCEL",
                   WITHDRAWN: "CANCELLATION_REQUEST_CANCEL"},
    REFUND_ONLY: _RETURN_STATUS,
    RETURN_AND_REFUND: _RETURN_STATUS,
    # platform-policies.md section 2.3 "Replacement / reshipment": the REPLACEMENT_* words.
    # Approved is COMPLETE on TikTok (the replacement goes its way); ours follows it further.
    RESHIPMENT: {REQUESTED: "REPLACEMENT_REQUEST_PENDING",
                 PARTIAL_REFUND_OFFERED: "AWAITING_BUYER_RESPONSE",
                 APPROVED: "REPLACEMENT_REQUEST_COMPLETE",
                 RESHIPPED: "REPLACEMENT_REQUEST_COMPLETE",
                 DELIVERED: "REPLACEMENT_REQUEST_COMPLETE",
                 RESHIPMENT_FAILED: "REPLACEMENT_REQUEST_COMPLETE",
                 REJECTED: "REPLACEMENT_REQUEST_REJECT",
                 REFUNDED: "REPLACEMENT_REQUEST_REFUND_SUCCESS",
                 WITHDRAWN: "REPLACEMENT_REQUEST_CANCEL"},
}
# TikTok's return_type for each type (cancellations have their own endpoints).
PLATFORM_TYPE = {CANCELLATION: "BUYER_CANCEL", REFUND_ONLY: "REFUND",
                 RETURN_AND_REFUND: "RETURN_AND_REFUND", RESHIPMENT: "REPLACEMENT"}
# Which of the profile's aftersales.reasons lists the buyer picks from, per type, and the
# seller's when rejecting.
REASON_LIST = {CANCELLATION: "cancellation", REFUND_ONLY: "refund_only",
               RETURN_AND_REFUND: "return_and_refund", RESHIPMENT: "reshipment"}
REJECT_REASON_LIST = {CANCELLATION: "reject_cancellation", REFUND_ONLY: "reject_request",
                      RETURN_AND_REFUND: "reject_request", RESHIPMENT: "reject_request"}
PACKAGE_REJECT_REASONS = "reject_package"


@dataclass(frozen=True)
class Profile:
    """What a platform profile offers: its request types and the seller's actions (a type or
    an action it does not offer is refused naming these). The buyer's, the carrier's and the
    system's actions are the machines' wherever the seller's make them reachable."""

    types: tuple[str, ...]
    seller_actions: tuple[str, ...]


PROFILES = {
    "tiktok_shop": Profile(TYPES, SELLER_ACTIONS[:9]),
    # Lazada's reverse orders (reference/lazada-api.md section 9): no reshipment, no partial
    # refund offer, no refund proposed instead; a refund with no return (``instantRefund``)
    # and the seller's word that the return parcel arrived (``confirmDelivery``).
    "lazada": Profile((CANCELLATION, REFUND_ONLY, RETURN_AND_REFUND),
                      ("approve", "reject", "approve_package", "reject_package", "claim_return",
                       "return_not_needed", "instant_refund", "confirm_delivery")),
}

# Lazada's words (reference/lazada-api.md section 5 "Reverse order", platform-policies.md 3.3).
LAZADA_REQUEST_TYPE = {CANCELLATION: "CANCEL", REFUND_ONLY: "ONLY_REFUND",
                       RETURN_AND_REFUND: "RETURN"}
# A reverse order line's reverse_status. The reference lists REQUEST_INITIATE, REQUEST_REJECT,
# REQUEST_CANCEL, CANCEL_SUCCESS and REFUND_SUCCESS for lines; where it is silent (a return on
# its way back, a refused refund) [choice] the reverse-order push keys (RTM_*, REFUND_REJECTED).
LAZADA_REVERSE_STATUS = {
    CANCELLATION: {REQUESTED: "REQUEST_INITIATE", REFUNDED: "CANCEL_SUCCESS",
                   REJECTED: "REQUEST_REJECT", WITHDRAWN: "REQUEST_CANCEL"},
    REFUND_ONLY: {REQUESTED: "REQUEST_INITIATE", REFUNDED: "REFUND_SUCCESS",
                  # A refused refund-only request is a dispute (startDispute).
                  REJECTED: "REFUND_REJECTED", WITHDRAWN: "REQUEST_CANCEL"},
    RETURN_AND_REFUND: {REQUESTED: "REQUEST_INITIATE", AWAITING_BUYER_SHIP: "RTM_INIT",
                        BUYER_SHIPPED: "RTM_SHIPPING_BACK",
                        AWAITING_SELLER_CLAIM: "RTM_SHIPPING_BACK",
                        RETURN_REDELIVERING: "RTM_SHIPPING_BACK",
                        AWAITING_PACKAGE_REVIEW: "RTM_RECEIVE_ITEM",
                        REFUNDED: "REFUND_SUCCESS", RETURN_DESTROYED: "REFUND_SUCCESS",
                        REJECTED: "REQUEST_REJECT", PACKAGE_REJECTED: "REFUND_REJECTED",
                        CLOSED: "RTM_CANCELED", WITHDRAWN: "REQUEST_CANCEL"},
}
# The return parcel's ofc_status (a RETURN reverse order's line; empty while there is no
# parcel, and on the other types). The reference gives only RETURN_CANCELED,
# RETURN_RTM_DELIVERED and RETURN_RTC_DELIVERY_FAILED as examples; the rest are [choice] in
# their style.
LAZADA_OFC_STATUS = {
    AWAITING_BUYER_SHIP: "RETURN_RTM_PENDING", BUYER_SHIPPED: "RETURN_RTM_SHIPPING",
    RETURN_REDELIVERING: "RETURN_RTM_SHIPPING", AWAITING_SELLER_CLAIM: "RETURN_RTM_DELIVERY_FAILED",
    AWAITING_PACKAGE_REVIEW: "RETURN_RTM_DELIVERED", REFUNDED: "RETURN_RTM_DELIVERED",
    PACKAGE_REJECTED: "RETURN_RTM_SCRAPPED", RETURN_DESTROYED: "RETURN_RTM_SCRAPPED",
    CLOSED: "RETURN_CANCELED", WITHDRAWN: "RETURN_CANCELED",
}


def ofc_status(type_: str, state: str, has_parcel: bool) -> str:
    """A line's ofc_status: the parcel's word, once the seller agreed to a return; a refund
    with no parcel (instantRefund, a cheap return at the deadline) has none."""
    if type_ != RETURN_AND_REFUND or state == REQUESTED:
        return ""
    if not has_parcel and state in (REFUNDED, WITHDRAWN, REJECTED):
        return ""
    return LAZADA_OFC_STATUS.get(state, "")


def platform_words(platform: str, type_: str, state: str) -> tuple[str, str | None]:
    """(platform_type, platform_status) in the profile's vocabulary: TikTok's return_type and
    status, or Lazada's request_type and reverse_status."""
    if platform == "lazada":
        return LAZADA_REQUEST_TYPE[type_], LAZADA_REVERSE_STATUS[type_].get(state)
    return PLATFORM_TYPE[type_], PLATFORM_STATUS[type_].get(state)
