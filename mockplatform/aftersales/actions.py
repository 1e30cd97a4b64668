"""What each party does to a request, by id: the seller's answers, the buyer's and the carrier's
test helpers. Every input is checked before anything is written; an action the state does not
allow is a 409 naming the state and what that party may do (``service.move``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from mockplatform.aftersales import reshipment, return_parcel, service, states
from mockplatform.aftersales.errors import InvalidRefundOffer
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.finance import service as finance

SELLER, BUYER, CARRIER = states.SELLER_ACTIONS, states.BUYER_ACTIONS, states.CARRIER_ACTIONS
RETURN_DEFAULT_FAILURE = "seller_unreachable"


def _checked(ctx: SandboxContext, aftersales_id: int, action: str,
             actor_actions: tuple[str, ...]) -> AfterSalesRequest:
    """The request, once the profile offers ``action`` and its state allows it (a 409 first,
    before any input check that depends on the state)."""
    request = service.get(ctx, aftersales_id)
    service.check_offered(ctx, action)
    service.move_check(request, action, service.offered(ctx, actor_actions))
    return request


def _take(ctx: SandboxContext, aftersales_id: int, action: str,
          actor_actions: tuple[str, ...], **data) -> AfterSalesRequest:
    """An action with nothing to check but the state: the request moved by it."""
    request = service.get(ctx, aftersales_id)
    service.check_offered(ctx, action)
    service.move(ctx, request, action, service.offered(ctx, actor_actions), **data)
    return request


# -- the seller ---------------------------------------------------------------------------------

def approve(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    return _take(ctx, aftersales_id, "approve", SELLER)


def reject(ctx: SandboxContext, aftersales_id: int, *, reason: str,
           comment: str = "", images: list[dict[str, str]] | None = None) -> AfterSalesRequest:
    """``images``: the seller's evidence, ``[{"name", "url"}]``, kept in the event."""
    request = _checked(ctx, aftersales_id, "reject", SELLER)
    service.check_reason(ctx, "reason", reason, states.REJECT_REASON_LIST[request.type])
    request.reject_reason, request.reject_comment = reason, comment
    service.move(ctx, request, "reject", SELLER, reason=reason, comment=comment,
                 **({"images": images} if images else {}))
    return request


def offer_partial_refund(ctx: SandboxContext, aftersales_id: int, *, amount: str,
                         currency: str) -> AfterSalesRequest:
    """The seller offers part of what the buyer paid; the buyer keeps the item if it
    accepts."""
    request = _checked(ctx, aftersales_id, "offer_partial_refund", SELLER)
    offer = _offer(request, amount, currency)
    request.offered_refund = offer
    service.move(ctx, request, "offer_partial_refund", SELLER,
                 offered_refund=finance.format_money(offer, request.currency),
                 currency=request.currency, policy_key=states.DEADLINES[
                     (request.type, states.PARTIAL_REFUND_OFFERED)].policy)
    return request


def propose_refund(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    """A reshipment: the seller offers a full refund instead; more favourable to the buyer, it
    is approved at once (``reshipment.alternative_more_favourable``)."""
    return _take(ctx, aftersales_id, "propose_refund", SELLER,
                 policy_key="reshipment.alternative_more_favourable")


def ship_reshipment(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    """An approved reshipment: the seller ships its replacement order
    (aftersales/reshipment.py)."""
    request = _checked(ctx, aftersales_id, "ship_reshipment", SELLER)
    reshipment.ship(ctx, request)
    return request


def _offer(request: AfterSalesRequest, amount: str, currency: str) -> Decimal:
    def bad(field: str, message: str) -> InvalidRefundOffer:
        return InvalidRefundOffer(f"{field}: {message}", details=[
            {"field": field, "location": "body", "message": message}])

    if currency != request.currency:
        raise bad("currency", f"the request's refund is in {request.currency}, the market "
                              f"currency; an offer in {currency} is refused")
    try:
        offer = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise bad("amount", f"expected a decimal amount such as \"10.00\", got {amount!r}") \
            from None
    if not offer.is_finite() or offer <= 0:
        raise bad("amount", "a partial refund is more than zero")
    if finance.round_money(offer, request.currency) != offer:
        places = finance.minor_units(request.currency)
        raise bad("amount", f"{request.currency} amounts have "
                            f"{f'at most {places}' if places else 'no'} decimal places")
    if offer >= request.requested_refund:
        paid = finance.format_money(request.requested_refund, request.currency)
        raise bad("amount", f"a partial refund is less than what the buyer paid for the items "
                            f"({paid} {request.currency}); approve the request to refund it all")
    return offer


def approve_package(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    return _take(ctx, aftersales_id, "approve_package", SELLER)


def instant_refund(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    """A refund only or a return still ``requested``: the buyer is refunded at once and keeps
    the item, no return parcel (Lazada's ``instantRefund``)."""
    return _take(ctx, aftersales_id, "instant_refund", SELLER)


def confirm_delivery(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    """The seller says the return parcel reached it (Lazada's ``confirmDelivery``): the parcel
    is delivered and the review starts. Once it is under review, saying so again changes
    nothing (nothing is written, no event)."""
    request = service.get(ctx, aftersales_id)
    service.check_offered(ctx, "confirm_delivery")
    if request.state == states.AWAITING_PACKAGE_REVIEW:
        return request
    service.move_check(request, "confirm_delivery", service.offered(ctx, SELLER))
    return_parcel.deliver(ctx, request, by="seller", action="confirm_delivery")
    return request


def reject_package(ctx: SandboxContext, aftersales_id: int, *, reason: str,
                   comment: str = "", images: list[dict[str, str]] | None = None
                   ) -> AfterSalesRequest:
    request = _checked(ctx, aftersales_id, "reject_package", SELLER)
    service.check_reason(ctx, "reason", reason, states.PACKAGE_REJECT_REASONS)
    request.reject_reason, request.reject_comment = reason, comment
    service.move(ctx, request, "reject_package", SELLER, reason=reason, comment=comment,
                 policy_key="failed_return.seller_rejected",
                 **({"images": images} if images else {}))
    return request


def claim_return(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    request = _checked(ctx, aftersales_id, "claim_return", SELLER)
    return_parcel.claim(ctx, request)
    return request


def return_not_needed(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    return _take(ctx, aftersales_id, "return_not_needed", SELLER,
                 policy_key="failed_return.claim_window")


# -- the buyer (test helpers) -------------------------------------------------------------------

def accept_partial_refund(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    return _take(ctx, aftersales_id, "accept_partial_refund", BUYER)


def reject_partial_refund(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    return _take(ctx, aftersales_id, "reject_partial_refund", BUYER)


def ship_back(ctx: SandboxContext, aftersales_id: int, *, tracking_number: str | None = None,
              shipment_provider: str | None = None) -> AfterSalesRequest:
    request = _checked(ctx, aftersales_id, "ship_back", BUYER)
    return_parcel.ship_back(ctx, request, tracking_number=tracking_number,
                            shipment_provider=shipment_provider)
    return request


def withdraw(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    return _take(ctx, aftersales_id, "withdraw", BUYER)


# -- the carrier (test helpers on the return parcel) -------------------------------------------

def fail_return_attempt(ctx: SandboxContext, aftersales_id: int, *,
                        reason: str = RETURN_DEFAULT_FAILURE) -> AfterSalesRequest:
    request = _checked(ctx, aftersales_id, "fail_return_attempt", CARRIER)
    return_parcel.fail_attempt(ctx, request, reason=reason)
    return request


def deliver_return(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    request = _checked(ctx, aftersales_id, "deliver_return", CARRIER)
    return_parcel.deliver(ctx, request, by="test_helper")
    return request


def deliver_reshipment(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    request = _checked(ctx, aftersales_id, "deliver_reshipment", CARRIER)
    reshipment.deliver_now(ctx, request)
    return request
