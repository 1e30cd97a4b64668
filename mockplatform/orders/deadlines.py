"""The order deadlines the platform enforces on its clock (POLICIES.md, Lazada profile).

- ``order.rts_deadline``: items still pending or packed are canceled (the seller did not ship in
  time), each fined ``order.late_rts_fine``, their units put back into stock.
- ``logistics.first_mile_scan_deadline``: a ready package that never reached the origin sorting
  centre is canceled and its items are never paid.
- ``order.delayed_warning``: the order enters the seller's "delayed" view (an event only).

Handlers re-check state: a deadline for an order that was shipped meanwhile does nothing.
"""

from __future__ import annotations

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import Instant, PayloadSpec, Text
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.finance import service as ledger
from mockplatform.finance import settlement
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.models import PACKAGE_ID, Package
from mockplatform.orders import fulfilment, service, states
from mockplatform.orders.models import ORDER_ID, Order

LATE_RTS_FINE = "order.late_rts_fine"
PLATFORM_INITIATED = "cancellation-internal"
# The deadlines whose warning point puts an order in the delayed view (``service.delayed_point``).
WARNED_DEADLINES = ("rts_deadline", "first_mile_scan_deadline", "ship_deadline")


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


@timer_kind(service.DELAYED_WARNING,
            payload=PayloadSpec({"order_id": ORDER_ID, "at": Instant(),
                                 "deadline": Text(choices=WARNED_DEADLINES)},
                                subject="order:{order_id}"),
            describe="order {order_id}: enters the delayed view ({deadline} warning)")
def _delayed(ctx: SandboxContext, timer: DueTimer) -> None:
    order = ctx.session.get(Order, (ctx.id, timer.payload["order_id"]))
    # Only the warning point still in force: the order may have moved on since this was set.
    if order is None or order.delayed_from is None \
            or order.delayed_from.isoformat() != timer.payload["at"]:
        return
    order.delayed = True
    ctx.record("order.delayed", subject=service.order_subject(order.order_id), data={
        "order_id": order.order_id, "deadline": timer.payload["deadline"],
        "deadlines": service.deadlines_json(
            ctx, order, service.packages_of(ctx, [order.order_id])[order.order_id])})
