"""The orders domain's own timer: ``order.delayed_warning``, when an order enters the seller's
"delayed" view (an event only). The fulfilment deadlines that cancel orders are the logistics
domain's (``logistics/timers.py``, ``logistics/semi_hosted.py``)."""

from __future__ import annotations

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import Instant, PayloadSpec, Text
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.orders import service
from mockplatform.orders.models import ORDER_ID, Order

# The deadlines whose warning point puts an order in the delayed view (``delayed.delayed_point``).
WARNED_DEADLINES = ("rts_deadline", "first_mile_scan_deadline", "ship_deadline")


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
