"""The return parcel of a return and refund request: a package (``ships_from`` buyer) with a
tracking number and tracking events, travelling from the buyer to the seller's return address
in the market. The forward journey (logistics/journey.py) never sees it: it is no package of
the order's (``orders.service.packages_of``), and its steps are this module's.

- The buyer ships it back (``ship_back``): with the buyer's carrier and tracking number, or
  the platform's. ``return.parcel_journey`` offers it to the seller ``first_attempt`` later,
  then ``next_attempt`` after each failed attempt (timer ``aftersales.return_attempt``); an
  automatic attempt succeeds, the carrier test helper fails one.
- Delivered: the seller reviews it (``return.seller_receive_review``).
- ``failed_return.max_attempts`` failed attempts: the seller is told (the carrier's contact and
  a service ticket link, ``failed_return.notice``) and may claim it for
  ``failed_return.claim_window``; claimed, it is delivered again at the next attempt.
- Rejected by the seller (``failed_return.seller_rejected``), not needed, or unclaimed: the
  carrier destroys it on the platform's instruction.
"""

from __future__ import annotations

from typing import Any

from mockplatform.aftersales import service, states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.logistics import fulfilment, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.errors import TrackingNumberTaken
from mockplatform.orders import service as orders
from mockplatform.orders.models import FROM_BUYER, Package

JOURNEY = "return.parcel_journey"
MAX_ATTEMPTS = "failed_return.max_attempts"
NOTICE = "failed_return.notice"
ATTEMPT_TIMER = "aftersales.return_attempt"
PLATFORM_PROVIDER = "Platform Return Service"
# Package.status of a return parcel.
RETURNING, RETURNED, UNDELIVERED, DESTROYED = "returning", "returned", "failed_delivery", \
    "destroyed"


def parcel(ctx: SandboxContext, request: AfterSalesRequest) -> Package:
    return package_service.get(ctx, request.return_package_id)


def ship_back(ctx: SandboxContext, request: AfterSalesRequest, *,
              tracking_number: str | None, shipment_provider: str | None) -> None:
    """The buyer hands the item over: a return parcel, its first attempt planned."""
    if tracking_number is not None:
        holder = package_service.by_tracking_number(ctx, tracking_number)
        if holder is not None:
            raise TrackingNumberTaken(
                f"tracking_number: {tracking_number} is already the tracking number of package "
                f"{holder.package_id} in this sandbox",
                details=[{"field": "tracking_number", "location": "body",
                          "message": "already used by another package",
                          "package_id": holder.package_id}])
    service.move(ctx, request, "ship_back", states.BUYER_ACTIONS,
                 tracking_number=tracking_number, policy_key="return.buyer_ship_back")
    order = orders.get_order(ctx, request.order_id)
    package = fulfilment.new_package(ctx, order, shipment_provider or PLATFORM_PROVIDER,
                                     tracking_number, ships_from=FROM_BUYER)
    package.status, package.ready_to_ship_at = RETURNING, ctx.now
    request.return_package_id = package.package_id
    request.return_tracking_number = package.tracking_number
    tracking.record(ctx, order, package, "return_shipped",
                    details={"aftersales_id": request.aftersales_id})
    _plan_attempt(ctx, request, "first_attempt")
    service.note(ctx, request, "return_parcel_created", "BUYER",
                 package_id=package.package_id, tracking_number=package.tracking_number)


def _plan_attempt(ctx: SandboxContext, request: AfterSalesRequest, which: str) -> None:
    """The carrier's next attempt, ``return.parcel_journey``'s ``which`` from now."""
    ctx.timers.cancel(subject=service.subject(request), kind_name=ATTEMPT_TIMER)
    due = policy_deadline(ctx, JOURNEY, ctx.now, duration=ctx.policies.value(JOURNEY)[which])
    ctx.timers.schedule(ATTEMPT_TIMER, due, subject=service.subject(request),
                        payload={"aftersales_id": request.aftersales_id})
    request.return_next_attempt_at = due


def _stop_attempts(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    ctx.timers.cancel(subject=service.subject(request), kind_name=ATTEMPT_TIMER)
    request.return_next_attempt_at = None


def deliver(ctx: SandboxContext, request: AfterSalesRequest, *, by: str,
            action: str = "deliver_return") -> None:
    """The carrier hands the parcel to the seller (or the seller says it has it,
    ``confirm_delivery``); the review starts. At its planned attempt (``by`` the carrier) the
    event names the rule that planned it."""
    service.move(ctx, request, action, states.ROLE_ACTIONS[states.ROLES[action]], by=by,
                 policy_key=JOURNEY if by == "carrier" else "")
    _stop_attempts(ctx, request)
    package = parcel(ctx, request)
    package.status, package.delivered_at = RETURNED, ctx.now
    package.delivery_attempts += 1
    request.return_delivery_attempts = package.delivery_attempts
    tracking.record(ctx, orders.get_order(ctx, request.order_id), package, "return_delivered",
                    details={"aftersales_id": request.aftersales_id})


def fail_attempt(ctx: SandboxContext, request: AfterSalesRequest, *, reason: str) -> None:
    """An attempt to hand the parcel to the seller failed; the last one allowed
    (``failed_return.max_attempts``) makes it a failed return."""
    service.move(ctx, request, "fail_return_attempt", states.CARRIER_ACTIONS, reason=reason)
    package = parcel(ctx, request)
    package.delivery_attempts += 1
    package.failure_reason = reason
    request.return_delivery_attempts = package.delivery_attempts
    order = orders.get_order(ctx, request.order_id)
    tracking.record(ctx, order, package, "return_delivery_attempt_failed",
                    description=f"Return delivery attempt {package.delivery_attempts} failed: "
                                f"{reason}",
                    details={"aftersales_id": request.aftersales_id, "reason": reason,
                             "attempt": package.delivery_attempts})
    if package.delivery_attempts >= ctx.policies.value(MAX_ATTEMPTS):
        _stop_attempts(ctx, request)
        service.move(ctx, request, "fail_return", attempts=package.delivery_attempts,
                     policy_key=MAX_ATTEMPTS)
    else:
        _plan_attempt(ctx, request, "next_attempt")


def notify_seller(ctx: SandboxContext, request: AfterSalesRequest,
                  details: dict[str, Any]) -> None:
    """Entering ``awaiting_seller_claim``: what the seller is told, on the request and in the
    event (``failed_return.notice``); the claim window is the state's deadline."""
    package = parcel(ctx, request)
    package.status = UNDELIVERED
    notice = ctx.policies.value(NOTICE)
    request.carrier_contact = notice["carrier_contact"][0]
    request.ticket_url = f"{notice['ticket_portal'][0]}?tracking_number={package.tracking_number}"
    request.claim_deadline = policy_deadline(ctx, "failed_return.claim_window", ctx.now)
    tracking.record(ctx, orders.get_order(ctx, request.order_id), package, "return_failed",
                    details={"aftersales_id": request.aftersales_id})
    details.update(carrier_contact=request.carrier_contact, ticket_url=request.ticket_url,
                   claim_deadline=service.iso(request.claim_deadline))


def claim(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    """The seller wants the parcel: the carrier delivers it again at its next attempt."""
    service.move(ctx, request, "claim_return", states.SELLER_ACTIONS,
                 policy_key="failed_return.claim_window")
    package = parcel(ctx, request)
    package.status = RETURNING
    tracking.record(ctx, orders.get_order(ctx, request.order_id), package, "return_claimed",
                    details={"aftersales_id": request.aftersales_id})
    _plan_attempt(ctx, request, "next_attempt")


def destroy(ctx: SandboxContext, request: AfterSalesRequest, policy_key: str,
            details: dict[str, Any]) -> None:
    """The platform tells the carrier to destroy the parcel."""
    package = parcel(ctx, request)
    package.status = DESTROYED
    tracking.record(ctx, orders.get_order(ctx, request.order_id), package, "return_destroyed",
                    details={"aftersales_id": request.aftersales_id,
                             "policy_key": policy_key})
    details.update(package_destroyed=True, destroy_policy_key=policy_key)
