"""Delivery attempts and how a package's story ends: delivered, failed and sent back, lost or
damaged; and the seller marking a platform-shipped package as failed delivery.

What decides an attempt, first match wins:

1. a failure queued by the carrier's test helper (``Package.scripted``, oldest first);
2. a magic value in the buyer's address or phone (``magic.py``; README.md, "Magic values");
3. the sandbox's seeded ``delivery.failure_rate``: attempt N fails when a draw from
   ``ctx.rng("package:<id>", "attempt:<N>")`` falls below the rate of first (N = 1) or later
   attempts, its reason drawn from the same stream by ``reason_weights`` among the reasons the
   order allows (``delivery.failure_reasons``; ``buyer_refused_cod`` only for cash on delivery;
   equal weights if the allowed reasons all weigh 0). Same seed, same fates.

After a failed attempt the next is due on the next working day of the market's calendar at the
same local time (``delivery.max_attempts``), ``out_for_delivery`` planned before it by the gap
the journey policy keeps between the two. The last failure makes the items ``failed_delivery``
(never items that are no longer ``shipped``, such as canceled ones), then the return leg
(``logistics.return_leg``, fixed offsets from that failure) makes them ``shipped_back`` and
``shipped_back_success``.

A delivered package makes its items ``delivered`` and each settleable for its paid price
(``settlement.cycle`` pays it; an item flagged unsettleable, say because the seller marked the
package failed, stays unpaid). A lost or damaged package makes its items ``lost_by_3pl`` or
``damaged_by_3pl`` and credits the seller ``logistics.loss_compensation`` of their paid price
[choice].
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from mockplatform.engine.calendar import add_duration
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.engine.rng import chance, weighted
from mockplatform.finance import service as ledger
from mockplatform.finance import settlement
from mockplatform.logistics import magic, plans, states, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.errors import (
    AlreadyMarkedFailedDelivery,
    NotOnThisPlatform,
    NotPlatformShipped,
)
from mockplatform.logistics.magic import DAMAGED, DELIVERED, FAILED, LOST, Outcome
from mockplatform.orders import service
from mockplatform.orders import states as item_states
from mockplatform.orders.models import Order, OrderItem, Package

MAX_ATTEMPTS = "delivery.max_attempts"
FAILURE_RATE = "delivery.failure_rate"
JOURNEY = "logistics.journey"
RETURN_LEG = "logistics.return_leg"
LOSS_COMPENSATION = "logistics.loss_compensation"
ATTEMPT_FAILED = "delivery.attempt_failed"
SELLER_MARKED_FAILED = "package.seller_marked_failed_delivery"
# "The next working day" between attempts (delivery.max_attempts): one day, counted in the
# policy's calendar kind.
NEXT_ATTEMPT_AFTER = timedelta(days=1)

REASON_TEXT = {
    "recipient_absent": "Recipient not at home",
    "incomplete_address": "Incomplete or incorrect address",
    "unreachable_phone": "Recipient's phone unreachable",
    "buyer_refused_late_delivery": "Buyer refused the parcel: delivered late",
    "buyer_refused_cod": "Buyer refused to pay cash on delivery",
    "buyer_denied_purchase": "Buyer denied placing the order",
    "wrong_recipient_info": "Wrong recipient information",
    "force_majeure": "Force majeure",
}


def describe_reason(reason: str) -> str:
    return REASON_TEXT.get(reason, reason.replace("_", " ").capitalize())


# -- deciding an attempt --------------------------------------------------------------------------

def decide(ctx: SandboxContext, order: Order, package: Package, attempt: int) -> Outcome:
    if package.scripted:
        queued, package.scripted = package.scripted[0], list(package.scripted[1:])
        return Outcome(FAILED, queued["reason"], "test_helper")
    return magic.outcome(ctx, order, attempt) or seeded(ctx, order, package, attempt)


def seeded(ctx: SandboxContext, order: Order, package: Package, attempt: int) -> Outcome:
    """The sandbox's failure rate, drawn from the seed for this package and attempt."""
    if FAILURE_RATE not in ctx.policies:
        return Outcome(DELIVERED, decided_by="failure_rate")
    policy = ctx.policies.value(FAILURE_RATE)
    rate = policy["first_attempt"] if attempt == 1 else policy["later_attempts"]
    draw = ctx.rng(package_service.subject(package), f"attempt:{attempt}")
    if not chance(draw, rate):
        return Outcome(DELIVERED, decided_by="failure_rate")
    reasons = magic.reasons_for(ctx, order)
    if not reasons:
        return Outcome(DELIVERED, decided_by="failure_rate")
    weights = [Decimal(policy["reason_weights"].get(reason, 0)) for reason in reasons]
    return Outcome(FAILED, weighted(draw, reasons, weights), "failure_rate")


def attempt(ctx: SandboxContext, order: Order, package: Package, number: int) -> None:
    """Delivery attempt ``number`` is due now: decide it and carry it out."""
    outcome = decide(ctx, order, package, number)
    package.delivery_attempts = number
    if outcome.kind == DELIVERED:
        deliver(ctx, order, package, decided_by=outcome.decided_by, from_journey=True)
    elif outcome.kind in (LOST, DAMAGED):
        lose_or_damage(ctx, order, package, outcome.kind, decided_by=outcome.decided_by,
                       from_journey=True)
    else:
        fail(ctx, order, package, number, outcome)


# -- outcomes -------------------------------------------------------------------------------------

def _items(ctx: SandboxContext, package: Package, *statuses: str) -> list[OrderItem]:
    return [item for item in package_service.held_items(ctx, package)
            if item.status in statuses]


def _end(ctx: SandboxContext, package: Package, *, from_journey: bool = False) -> None:
    """The package's story is over: no timer of it is left to fire. A journey step that ends it
    has none left to drop once the origin scan has dropped the first-mile deadline (one step is
    on the clock at a time): a cancel is a database round trip saved."""
    package.scripted = []  # failures queued for attempts that will not be made
    plans.drop_pending(package)
    if not (from_journey and package.first_mile_scanned_at is not None):
        ctx.timers.cancel(subject=package_service.subject(package))


def deliver(ctx: SandboxContext, order: Order, package: Package, *, decided_by: str,
            from_journey: bool = False, action: str = "deliver") -> None:
    """The buyer has the parcel. A package not yet in the destination (the carrier's "deliver
    now") arrives there first, so its items pass through ``shipped``. ``action`` is the
    package's step: the carrier's ``deliver``, or the seller's ``deliver_own_fleet``."""
    package.status = states.check(package.package_id, package.status, action, (), order=order)
    waiting = _items(ctx, package, item_states.READY_TO_SHIP)
    if waiting:
        service.transition(ctx, order, waiting, "arrive_in_destination",
                           data=package_service.summary(package))
    package.delivered_at = ctx.now
    tracking.record(ctx, order, package, "delivered",
                    details={"attempt": package.delivery_attempts, "decided_by": decided_by})
    items = _items(ctx, package, item_states.SHIPPED)
    if items:
        service.transition(ctx, order, items, "deliver", data=package_service.summary(package))
    # Settlement hears of it through its subscription to order.delivered.
    _end(ctx, package, from_journey=from_journey)


def item_subject(item: OrderItem) -> str:
    return f"order_item:{item.order_item_id}"


def fail(ctx: SandboxContext, order: Order, package: Package, number: int,
         outcome: Outcome) -> None:
    """Attempt ``number`` failed: plan the next on the next working day, or after the last one
    fail the delivery."""
    reason = outcome.reason
    package.failure_reason = reason
    final = number >= ctx.policies.value(MAX_ATTEMPTS)
    next_at = None
    if not final:
        kind = ctx.policies.get(MAX_ATTEMPTS).calendar or "working_days"
        next_at = add_duration(ctx.now, NEXT_ATTEMPT_AFTER, kind, ctx.calendar)
        journey = ctx.policies.value(JOURNEY)
        lead = journey["delivery_attempt"] - journey["out_for_delivery"]
        plans.add(package, {
            plans.numbered("out_for_delivery", number + 1): max(next_at - lead, ctx.now),
            plans.numbered("delivery_attempt", number + 1): next_at})
    details = {"attempt": number, "reason": reason,
               "next_attempt_at": next_at.isoformat() if next_at else None,
               "decided_by": outcome.decided_by}
    text = f"Delivery attempt {number} failed: {describe_reason(reason)}"
    tracking.record(ctx, order, package, "delivery_attempt_failed",
                    description=text + (f"; next attempt {next_at.isoformat()}" if next_at
                                        else "; no attempt left"), details=details)
    ctx.record(ATTEMPT_FAILED, subject=package_service.subject(package), data={
        **package_service.summary(package), "order_id": order.order_id, **details,
        "final": final})
    if final:
        fail_delivery(ctx, order, package, reason)


def fail_delivery(ctx: SandboxContext, order: Order, package: Package, reason: str) -> None:
    """No attempt left: the items become ``failed_delivery`` and start back to the seller."""
    package.status = states.check(package.package_id, package.status, "fail_last_attempt", (),
                                  order=order)
    tracking.record(ctx, order, package, "failed_delivery",
                    description=f"Delivery failed: {describe_reason(reason)}",
                    details={"attempts": package.delivery_attempts, "reason": reason})
    # The return leg is planned first: a domain that takes the items over when it hears of
    # the failure (resale, on a profile with it) drops it (``keep_at_reverse_centre``).
    plans.add(package, {step: policy_deadline(ctx, RETURN_LEG, ctx.now, duration=offset)
                        for step, offset in ctx.policies.value(RETURN_LEG).items()})
    items = _items(ctx, package, item_states.SHIPPED)
    if items:
        service.transition(ctx, order, items, "fail_last_attempt", reason=reason,
                           reason_detail=describe_reason(reason),
                           data=package_service.summary(package))


def keep_at_reverse_centre(ctx: SandboxContext, order: Order, package: Package) -> None:
    """The failed package stays at the platform's local reverse centre, whose services decide
    what becomes of each unit: it does not travel back to the seller, and its story as a
    parcel ends here (status ``failed_delivery``)."""
    package.journey = {step: entry for step, entry in package.journey.items()
                       if not plans.is_return_step(step)}
    _end(ctx, package)


def ship_back(ctx: SandboxContext, order: Order, package: Package, attempt: int) -> None:
    package.status = states.check(package.package_id, package.status, "ship_back", (),
                                  order=order)
    tracking.record(ctx, order, package, "shipped_back")
    items = _items(ctx, package, item_states.FAILED_DELIVERY)
    if items:
        service.transition(ctx, order, items, "ship_back", data=package_service.summary(package))


def arrive_back(ctx: SandboxContext, order: Order, package: Package, attempt: int) -> None:
    package.status = states.check(package.package_id, package.status, "arrive_back_at_seller",
                                  (), order=order)
    tracking.record(ctx, order, package, "shipped_back_success")
    items = _items(ctx, package, item_states.SHIPPED_BACK)
    if items:
        service.transition(ctx, order, items, "arrive_back_at_seller",
                           data=package_service.summary(package))
    _end(ctx, package, from_journey=True)


LOSSES = {LOST: ("lose", "lost", "lost_by_3pl", "Lost by the logistics partner"),
          DAMAGED: ("damage", "damaged", "damaged_by_3pl", "Damaged by the logistics partner")}


def lose_or_damage(ctx: SandboxContext, order: Order, package: Package, kind: str, *,
                   decided_by: str, from_journey: bool = False, text: str = "") -> None:
    """The carrier lost or damaged the parcel: its items are the carrier's loss, and the
    seller is compensated for them. ``text`` says why, if not the loss itself."""
    action, milestone, reason, loss = LOSSES[kind]
    text = text or loss
    package.status = states.check(package.package_id, package.status, action, (), order=order)
    tracking.record(ctx, order, package, milestone, details={"decided_by": decided_by})
    items = _items(ctx, package, item_states.READY_TO_SHIP, item_states.SHIPPED)
    if items:
        service.transition(ctx, order, items, action, reason=reason, reason_detail=text,
                           data=package_service.summary(package))
    share = ctx.policies.value(LOSS_COMPENSATION) if LOSS_COMPENSATION in ctx.policies else 0
    for item in items:
        amount = item.paid_price * share
        if amount > 0:
            ledger.post_entry(ctx, kind="compensation", amount=amount, currency=order.currency,
                              subject=item_subject(item), policy_key=LOSS_COMPENSATION,
                              details={"order_id": order.order_id,
                                       "package_id": package.package_id, "reason": reason})
    _end(ctx, package, from_journey=from_journey)


# -- the seller -----------------------------------------------------------------------------------

def platform_shipped(ctx: SandboxContext, package: Package, what: str) -> Order:
    """The package's order, if the platform's logistics carry it (the Lazada and TikTok
    flows); a package
    the seller ships with its own carrier (AliExpress semi-hosted) is a 409."""
    order = service.get_order(ctx, package.order_id)
    if order.flow not in service.PLATFORM_LOGISTICS \
            or order.shipping_type == service.SELLER_OWN_FLEET:
        kind = "seller_own_fleet shipping" if order.flow in service.PLATFORM_LOGISTICS \
            else f"{order.flow} flow"
        raise NotPlatformShipped(f"package {package.package_id} is carried by the seller's own carrier "
                                 f"({kind}): only a platform-shipped package can {what}",
                                 details=[{"field": "package_id", "location": "path",
                                           "message": "not a platform-shipped package",
                                           "current_state": order.flow}])
    return order


def seller_mark_failed(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    """The seller marks a platform-shipped package as failed delivery (as Lazada's seller
    center lets them): recorded, and its items are never settled, even if it is delivered
    later; the journey itself goes on. A profile without that rule
    (``settlement.seller_marked_failed``) has no such action: a 409 naming the platform."""
    package = package_service.get(ctx, package_id)
    order = platform_shipped(ctx, package, "be marked as failed delivery")
    if settlement.SELLER_MARKED_FAILED not in ctx.policies:
        platform = ctx.sandbox.platform
        raise NotOnThisPlatform(
            f"a {platform} seller cannot mark a package as failed delivery: only the carrier "
            f"fails a delivery there", details=[{
                "field": "package_id", "location": "path",
                "message": f"no seller-marked failed delivery on {platform}",
                "current_state": package.status, "allowed_platforms": ["lazada"]}])
    states.check(package_id, package.status, "mark_failed_delivery", states.SELLER_ACTIONS,
                 order=order)
    if package.seller_marked_failed_at is not None:
        marked = package.seller_marked_failed_at.isoformat()
        raise AlreadyMarkedFailedDelivery(f"package {package_id} was already marked as failed delivery at {marked}",
                                          details=[{"field": "package_id", "location": "path",
                                                    "message": f"already marked at {marked}",
                                                    "current_state": package.status,
                                                    "seller_marked_failed_at": marked}])
    package.seller_marked_failed_at = package.updated_at = ctx.now
    items = package_service.items_in(ctx, package)
    never_settled = [settlement.seller_marked_failed(ctx, subject=item_subject(item))
                     for item in items]
    ctx.record(SELLER_MARKED_FAILED, subject=package_service.subject(package), data={
        **package_service.summary(package), "order_id": order.order_id,
        "order_item_ids": [item.order_item_id for item in items],
        "status": package.status, "never_settled": all(never_settled) and bool(items),
        "marked_at": ctx.now.isoformat()})
    return package_service.view(ctx, package)
