"""The AliExpress semi-hosted walk (POLICIES.md "AliExpress semi-hosted profile", seed 004).

The seller accepts the order, prepares the stock, packs it, and ships it with its own carrier,
uploading the carrier's name and tracking number; the buyer confirms receipt. The order moves as
one (every step takes all of its items), so it ships once and is fined at most once.

Its clock, in the seller's local time (CN):
- ``semi_hosted.ship_deadline``: the end of calendar day 2 after the order, 23:59:59 CN, kept in
  the order's ``rts_deadline`` column. That instant stands for 24:00 of the due day, as every
  end-of-day deadline of the engine does: from it on the order is late (one second earlier it is
  on time) and lateness is counted from it. Nothing is canceled; ``order.ship_deadline_passed``
  is recorded.
- ``semi_hosted.late_fine``: one fine per order, a share of its product price (the items, not
  the shipping fee), charged when a late order ships or is canceled: late by up to
  ``short_delay_max`` (48 h, that instant included) the short-delay share (50%), later the
  long-delay share (100%). A ledger ``fine`` on the subject ``order:<id>``.
- ``semi_hosted.cancel_after``: 7 calendar days past the due day, end of day (23:59:59 CN of day
  9 after the order): an order still not shipped is canceled by the platform and fined the
  long-delay share.

After shipping there is no carrier journey to simulate (the seller's carrier is not the
platform's): the package gets a tracking event when it is handed over, and another when the
buyer confirms receipt. Delivered items are settled only where the profile has a
``settlement.cycle`` policy; the aliexpress profile has none, so they are not.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import money
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.durations import format_duration
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer
from mockplatform.errors import ValidationFailed
from mockplatform.finance import service as ledger
from mockplatform.finance import settlement
from mockplatform.finance.models import LedgerEntry, PostedEntry
from mockplatform.logistics import fulfilment, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.errors import TrackingNumberTaken
from mockplatform.orders import flows, service, states
from mockplatform.orders.models import ORDER_ID, Order, OrderItem

SHIP_DEADLINE = flows.SHIP_DEADLINE
LATE_FINE = "semi_hosted.late_fine"
CANCEL_AFTER = flows.CANCEL_AFTER
SHORT_DELAY, LONG_DELAY = "short_delay", "long_delay"
NOT_SHIPPED = "not_shipped_in_time"
BUYER_ACTIONS = ("pay", "confirm_receipt")
# Until the seller uploads its carrier's tracking number, a packed package carries the
# platform's consignment number for it: this prefix and the order id (one package per order).
CONSIGNMENT_PREFIX = "AE"
SHIPPED, DELIVERED = "in_transit", "delivered"  # package statuses


# -- deadlines ------------------------------------------------------------------------------------

cancel_at = flows.cancel_at
lateness = flows.lateness


def _drop_timers(ctx: SandboxContext, order: Order) -> None:
    """The order shipped or was canceled: neither deadline can do anything any more."""
    subject = service.order_subject(order.order_id)
    for kind in (SHIP_DEADLINE, CANCEL_AFTER):
        ctx.timers.cancel(subject=subject, kind_name=kind)


# -- the late fine --------------------------------------------------------------------------------

def _fined_already(ctx: SandboxContext, order: Order) -> bool:
    ctx.inserts.write()  # entries posted in this unit of work are buffered
    return ctx.session.scalar(select(LedgerEntry.seq).where(
        LedgerEntry.sandbox_id == ctx.id,
        LedgerEntry.subject == service.order_subject(order.order_id),
        LedgerEntry.policy_key == LATE_FINE).limit(1)) is not None


def charge_late_fine(ctx: SandboxContext, order: Order, late_by: timedelta | None, *,
                     occasion: str, tier: str | None = None) -> PostedEntry | None:
    """The order's one late fine, if it is late and not fined yet: the share of its product
    price that its lateness (or ``tier``) calls for."""
    if late_by is None or _fined_already(ctx, order):
        return None
    rule = ctx.policies.value(LATE_FINE)
    if tier is None:
        tier = SHORT_DELAY if late_by <= rule["short_delay_max"] else LONG_DELAY
    ratio = rule[f"{tier}_fine"]
    amount = order.price * ratio
    if not amount:
        return None  # a share overridden to 0: nothing to charge
    return ledger.post_entry(
        ctx, kind="fine", amount=amount, currency=order.currency,
        subject=service.order_subject(order.order_id), policy_key=LATE_FINE,
        details={"order_id": order.order_id, "occasion": occasion,
                 "ship_deadline": order.rts_deadline.isoformat(),
                 "late_by": format_duration(late_by), "tier": tier, "ratio": str(ratio),
                 "product_price": money.format_amount(order.price, order.currency)})


def lateness_json(order: Order, at: datetime, fine: PostedEntry | None) -> dict[str, Any]:
    """What an ``order.shipped`` or ``order.canceled`` event says of the deadline and fine."""
    late_by = lateness(order, at)
    return {"ship_deadline": order.rts_deadline.isoformat(), "late": late_by is not None,
            "late_by": format_duration(late_by) if late_by is not None else None,
            "late_fine": None if fine is None else {
                "entry_id": ledger.entry_id(fine.seq), "policy_key": LATE_FINE,
                "amount": ledger.format_money(-fine.amount, fine.currency),
                "currency": fine.currency, "tier": fine.details["tier"]}}


# -- the seller's walk ----------------------------------------------------------------------------

def _items(ctx: SandboxContext, order: Order) -> list[OrderItem]:
    return service.items_of(ctx, [order.order_id])[order.order_id]


def _whole_order_only(order_item_ids: list[int] | None, action: str) -> None:
    if order_item_ids is not None:
        raise ValidationFailed.field(
            "order_item_ids", f"a semi-hosted order takes every step whole: {action} it "
                              f"without order_item_ids")


def accept(ctx: SandboxContext, order_id: int) -> dict[str, Any]:
    """The seller takes the order on; preparing its stock is up to them until they pack it."""
    order = service.get_order(ctx, order_id)
    service.require_flow(ctx, order, service.SEMI_HOSTED, "accept")
    service.transition(ctx, order, _items(ctx, order), "accept",
                       actor_actions=service.SELLER_ACTIONS)
    return service.describe(ctx, order_id)


def pack(ctx: SandboxContext, order: Order, *, order_item_ids: list[int] | None,
         shipment_provider: str | None) -> dict[str, Any]:
    """Every accepted item into one package; its carrier and tracking number come when it
    ships (until then it carries the platform's consignment number)."""
    _whole_order_only(order_item_ids, "pack")
    if shipment_provider is not None:
        raise ValidationFailed.field(
            "shipment_provider", f"a semi-hosted order names its carrier when it ships "
                                 f"(POST /api/v1/orders/{order.order_id}/ship), not when it is "
                                 f"packed")
    items = _items(ctx, order)
    service.check_allowed(order, items, "pack", service.SELLER_ACTIONS)
    package = fulfilment.new_package(ctx, order, "",
                                     tracking_number=f"{CONSIGNMENT_PREFIX}{order.order_id}")
    for item in items:
        item.package_id = package.package_id
    service.transition(ctx, order, items, "pack", actor_actions=service.SELLER_ACTIONS,
                       data=package_service.summary(package))
    return package_service.view(ctx, package)


def ship(ctx: SandboxContext, order_id: int, *, shipment_provider: str,
         tracking_number: str) -> dict[str, Any]:
    """The seller hands the package to its carrier and uploads the carrier's name and tracking
    number; a late order is fined now."""
    order = service.get_order(ctx, order_id)
    service.require_flow(ctx, order, service.SEMI_HOSTED, "ship")
    items = _items(ctx, order)
    service.check_allowed(order, items, "ship", service.SELLER_ACTIONS)
    package = package_service.get(ctx, items[0].package_id)
    holder = package_service.by_tracking_number(ctx, tracking_number)
    if holder is not None and holder.package_id != package.package_id:
        raise TrackingNumberTaken(f"tracking_number: {tracking_number} is already the tracking number of "
                                  f"package {holder.package_id} (order {holder.order_id}) in this sandbox",
                                  details=[{"field": "tracking_number", "location": "body",
                                            "message": "already used by another package",
                                            "package_id": holder.package_id,
                                            "order_id": holder.order_id}])
    fine = charge_late_fine(ctx, order, lateness(order, ctx.now), occasion="shipped")
    package.tracking_number, package.shipment_provider = tracking_number, shipment_provider
    package.status = SHIPPED
    package.ready_to_ship_at = package.updated_at = ctx.now
    service.transition(ctx, order, items, "ship", actor_actions=service.SELLER_ACTIONS,
                       data={**package_service.summary(package),
                             **lateness_json(order, ctx.now, fine)})
    tracking.record(ctx, order, package, "pickup",
                    description=f"Shipped by the seller with {shipment_provider}, tracking "
                                f"number {tracking_number}",
                    details={"shipment_provider": shipment_provider,
                             "tracking_number": tracking_number, "uploaded_by": "seller"})
    _drop_timers(ctx, order)
    return service.describe(ctx, order_id)


def cancel(ctx: SandboxContext, order: Order, *, reason: str,
           order_item_ids: list[int] | None) -> dict[str, Any]:
    """The seller cancels the whole order before it ships; after the ship deadline that costs
    the late fine its lateness calls for."""
    _whole_order_only(order_item_ids, "cancel")
    items = _items(ctx, order)
    service.check_allowed(order, items, "cancel", service.SELLER_ACTIONS)
    fine = charge_late_fine(ctx, order, lateness(order, ctx.now), occasion="canceled_by_seller")
    fulfilment.cancel_items(ctx, order, items, reason, data=lateness_json(order, ctx.now, fine))
    _drop_timers(ctx, order)
    return service.describe(ctx, order.order_id)


# -- the buyer ------------------------------------------------------------------------------------

def confirm_receipt(ctx: SandboxContext, order_id: int) -> dict[str, Any]:
    """The buyer confirms receipt of the shipped order: its items are delivered (and settleable
    where the profile settles)."""
    order = service.get_order(ctx, order_id)
    service.require_flow(ctx, order, service.SEMI_HOSTED, "confirm_receipt")
    items = _items(ctx, order)
    service.check_allowed(order, items, "confirm_receipt", BUYER_ACTIONS)
    settles = settlement.CYCLE in ctx.policies
    package = package_service.get(ctx, items[0].package_id)
    package.status = DELIVERED
    package.delivered_at = ctx.now
    service.transition(ctx, order, items, "confirm_receipt", actor_actions=BUYER_ACTIONS,
                       data={**package_service.summary(package), "confirmed_by": "buyer",
                             "settleable": settles})
    tracking.record(ctx, order, package, "delivered",
                    description="Receipt confirmed by the buyer",
                    details={"confirmed_by": "buyer"})
    return service.describe(ctx, order_id)


# -- the platform's timers ------------------------------------------------------------------------

# Each names an order of this flow: the other flows' profiles have none of its policies.
ORDER_PAYLOAD = PayloadSpec({"order_id": ORDER_ID.having(flow=service.SEMI_HOSTED)},
                            subject="order:{order_id}")


def _awaiting_shipment(ctx: SandboxContext, order_id: int) -> tuple[Order | None, list]:
    order = ctx.session.get(Order, (ctx.id, order_id))
    if order is None:
        return None, []
    return order, [item for item in _items(ctx, order)
                   if item.status in states.SEMI_HOSTED_AWAITING_SHIPMENT]


def ship_deadline_passed(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _awaiting_shipment(ctx, timer.payload["order_id"])
    if not items:
        return
    ctx.record("order.ship_deadline_passed", subject=service.order_subject(order.order_id),
               data={"order_id": order.order_id, "policy_key": SHIP_DEADLINE,
                     "ship_deadline": order.rts_deadline.isoformat(),
                     "cancel_at": cancel_at(ctx, order).isoformat(),
                     "statuses": service.statuses_of(_items(ctx, order))})


def cancel_not_shipped(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _awaiting_shipment(ctx, timer.payload["order_id"])
    if not items:
        return
    fine = charge_late_fine(ctx, order, lateness(order, ctx.now), occasion="canceled_not_shipped",
                            tier=LONG_DELAY)
    service.transition(
        ctx, order, items, "cancel_not_shipped", reason=NOT_SHIPPED,
        reason_detail="The seller did not ship in time: still not shipped when the order was "
                      "due to be canceled", initiator=fulfilment.PLATFORM_INITIATED,
        data={"policy_key": CANCEL_AFTER, "cancel_at": cancel_at(ctx, order).isoformat(),
              **lateness_json(order, ctx.now, fine)})
    service.restore_stock(ctx, items)
    fulfilment.close_packages(ctx, order, {item.package_id for item in items if item.package_id})
    ctx.timers.cancel(subject=service.order_subject(order.order_id), kind_name=SHIP_DEADLINE)
