"""The fulfilment deadlines the platform enforces on its clock (POLICIES.md, Lazada profile).

- ``order.rts_deadline``: items still pending or packed are canceled (the seller did not ship in
  time), each fined ``order.late_rts_fine``, their units put back into stock.
- ``logistics.first_mile_scan_deadline``: a ready package that never reached the origin sorting
  centre is canceled and its items are never paid.

TikTok Shop's (remorse window, shipping, collection and delivery deadlines, completion) live
beside their rules in ``logistics/tiktok.py``.

And the test helper's: ``seed.place_order`` places a seeded order at the instant its fill drew
for it (``test_helpers/seed`` with ``placed_over``; logistics/seeding.py).

Handlers re-check state: a deadline for an order that was shipped meanwhile does nothing.
"""

from __future__ import annotations

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.finance import service as ledger
from mockplatform.finance import settlement
from mockplatform.logistics import fulfilment, journey, seeding, semi_hosted, tiktok
from mockplatform.logistics import packages as package_service
from mockplatform.orders import service, states
from mockplatform.orders.models import ORDER_ID, PACKAGE_ID, Order, Package

LATE_RTS_FINE = "order.late_rts_fine"
PLATFORM_INITIATED = fulfilment.PLATFORM_INITIATED


@timer_kind(service.RTS_DEADLINE,
            payload=PayloadSpec({"order_id": ORDER_ID.having(flow=service.LAZADA)},
                                subject="order:{order_id}"),
            describe="order {order_id}: cancel and fine items not ready to ship "
                     "(order.rts_deadline)")
def _rts_deadline(ctx: SandboxContext, timer: DueTimer) -> None:
    order = ctx.session.get(Order, (ctx.id, timer.payload["order_id"]))
    if order is None:
        return
    items = [item for item in service.items_of(ctx, [order.order_id])[order.order_id]
             if item.status in states.AWAITING_RTS]
    if not items:
        return
    fine = ctx.policies.value(LATE_RTS_FINE)
    entries = [ledger.post_entry(ctx, kind="fine", amount=fine,
                                 subject=f"order_item:{item.order_item_id}",
                                 policy_key=LATE_RTS_FINE,
                                 details={"order_id": order.order_id,
                                          "order_item_id": item.order_item_id,
                                          "reason": "rts_deadline_missed"})
               for item in items]
    service.transition(
        ctx, order, items, "miss_rts_deadline", reason="rts_deadline_missed",
        reason_detail="The seller did not ship in time", initiator=PLATFORM_INITIATED,
        data={"policy_key": service.RTS_DEADLINE, "deadline": order.rts_deadline.isoformat(),
              "fine_entry_ids": [ledger.entry_id(entry.seq) for entry in entries]})
    service.restore_stock(ctx, items)
    fulfilment.close_packages(ctx, order, {item.package_id for item in items if item.package_id})


@timer_kind(fulfilment.FIRST_MILE_DEADLINE,
            payload=PayloadSpec({"package_id": PACKAGE_ID,
                                 "order_id": ORDER_ID.having(flow=service.LAZADA)},
                                subject="package:{package_id}"),
            describe="package {package_id}: cancel unpaid if not scanned at the origin sorting "
                     "centre (logistics.first_mile_scan_deadline)")
def _first_mile_deadline(ctx: SandboxContext, timer: DueTimer) -> None:
    package = ctx.session.get(Package, (ctx.id, timer.payload["package_id"]))
    if package is None or package.status != "ready_to_ship" \
            or package.first_mile_scanned_at is not None:
        return
    order = ctx.session.get(Order, (ctx.id, package.order_id))
    items = [item for item in package_service.items_in(ctx, package)
             if item.status == states.READY_TO_SHIP]
    if items:
        service.transition(
            ctx, order, items, "miss_first_mile_scan", reason="first_mile_scan_missed",
            reason_detail="The package never reached the origin sorting centre",
            initiator=PLATFORM_INITIATED,
            data={"policy_key": fulfilment.FIRST_MILE_DEADLINE,
                  "deadline": package.first_mile_scan_deadline.isoformat(),
                  **package_service.summary(package)})
        for item in items:
            settlement.mark_unsettleable(
                ctx, subject=f"order_item:{item.order_item_id}",
                reason="canceled: no first-mile scan by the deadline",
                policy_key=fulfilment.FIRST_MILE_DEADLINE)
    package_service.cancel(ctx, order, package)


# -- the handlers that live beside their rules --------------------------------------------------

timer_kind(journey.STEP_TIMER, payload=journey.STEP_PAYLOAD, describe=journey.describe_step,
           prefetch=journey.prefetch_steps)(journey.fire_step)
timer_kind(semi_hosted.SHIP_DEADLINE, payload=semi_hosted.ORDER_PAYLOAD,
           describe="order {order_id}: late from now on, fined when it ships or is canceled "
                    "(semi_hosted.ship_deadline)")(semi_hosted.ship_deadline_passed)
timer_kind(semi_hosted.CANCEL_AFTER, payload=semi_hosted.ORDER_PAYLOAD,
           describe="order {order_id}: cancel and fine the long-delay share if still not "
                    "shipped (semi_hosted.cancel_after)")(semi_hosted.cancel_not_shipped)

timer_kind(seeding.PLACE_TIMER, payload=seeding.PLACEMENT_PAYLOAD,
           describe=seeding.DESCRIBE_PLACEMENT,
           prefetch=seeding.prefetch_placements)(seeding.place_seeded)

_TIKTOK_HANDLERS = {
    tiktok.tiktok.REMORSE_WINDOW: tiktok.end_remorse_window,
    tiktok.tiktok.SHIPPING_DEADLINE: tiktok.shipping_deadline_passed,
    tiktok.tiktok.COLLECTION_DEADLINE: tiktok.collection_deadline_passed,
    tiktok.tiktok.DELIVERY_DEADLINE: tiktok.delivery_deadline_passed,
    tiktok.tiktok.COMPLETE: tiktok.complete,
}
for _kind, _handler in _TIKTOK_HANDLERS.items():
    timer_kind(_kind, payload=tiktok.ORDER_PAYLOAD, describe=tiktok.DESCRIBE[_kind])(_handler)

TIMER_KINDS = (service.RTS_DEADLINE, fulfilment.FIRST_MILE_DEADLINE, journey.STEP_TIMER,
               semi_hosted.SHIP_DEADLINE, semi_hosted.CANCEL_AFTER, seeding.PLACE_TIMER,
               *tiktok.TIMER_KINDS)
