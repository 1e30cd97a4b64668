"""The seller's "delayed" view of orders (seed 003): when an order enters it and why, kept up
to date at every change of its units, with a timer that records ``order.delayed`` when the
warning point is reached (orders/timers.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockplatform.orders import states
from mockplatform.orders.flows import SEMI_HOSTED, order_subject
from mockplatform.orders.models import Order, OrderItem, Package

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext

DELAYED_WARNING = "order.delayed_warning"


def warning_leads(ctx: SandboxContext) -> dict[str, Any]:
    return ctx.policies.value(DELAYED_WARNING) if DELAYED_WARNING in ctx.policies else {}


def delayed_point(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
                  packages: Sequence[Package]) -> tuple[datetime, str] | None:
    """When the order enters the "delayed" view and why, or None while nothing is due: the
    warning point before the ready-to-ship deadline while items await it, and before the
    first-mile scan deadline while a ready package waits for its scan. A semi-hosted order
    [choice]: its ship deadline itself while it is not shipped (that profile has no warning
    lead: from that instant on the order is late)."""
    if order.flow == SEMI_HOSTED:
        if order.rts_deadline is not None and any(
                item.status in states.SEMI_HOSTED_AWAITING_SHIPMENT for item in items):
            return order.rts_deadline, "ship_deadline"
        return None
    leads = warning_leads(ctx)
    if not leads:
        return None
    points = []
    if any(item.status in states.AWAITING_RTS for item in items):
        points.append((order.rts_deadline - leads["before_rts_deadline"], "rts_deadline"))
    waiting_scan = {item.package_id for item in items if item.status == states.READY_TO_SHIP}
    for package in packages:
        if package.package_id in waiting_scan and package.first_mile_scanned_at is None \
                and package.first_mile_scan_deadline is not None:
            points.append((package.first_mile_scan_deadline
                           - leads["before_first_mile_scan_deadline"],
                           "first_mile_scan_deadline"))
    return min(points) if points else None


def refresh_delayed(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
                    packages: Sequence[Package]) -> None:
    """Keep ``delayed_from`` right after a change; a new future warning point gets a timer that
    records ``order.delayed`` when it is reached."""
    point = delayed_point(ctx, order, items, packages)
    instant = point[0] if point else None
    if instant == order.delayed_from:
        return
    was_delayed = order.delayed_from is not None and order.delayed_from <= ctx.now
    if order.delayed_from is not None and order.delayed_from > ctx.now:
        ctx.timers.cancel(subject=order_subject(order.order_id), kind_name=DELAYED_WARNING)
    order.delayed_from = instant
    order.delayed = instant is not None and instant <= ctx.now
    # A warning point already behind the clock (a lead longer than the time left, as a policy
    # override allows) puts the order in the view at once: the event is due now, unless the
    # order was in the view already.
    if point is not None and (instant >= ctx.now or not was_delayed):
        ctx.timers.schedule(DELAYED_WARNING, max(instant, ctx.now),
                            subject=order_subject(order.order_id),
                            payload={"order_id": order.order_id, "at": instant.isoformat(),
                                     "deadline": point[1]})
