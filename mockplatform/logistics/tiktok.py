"""TikTok Shop orders on the platform's clock (orders/tiktok.py has the statuses and instants):
the remorse window's end, the three deadlines that cancel what was not readied, not collected
or not delivered in time, the completion when the after-sales window closes, and the buyer's
cancellation inside the remorse window.

- ``order.remorse_window``: units still ``on_hold`` become ``pending`` (ON_HOLD ->
  AWAITING_SHIPMENT), event ``order.pending``;
- ``order.awaiting_collection_deadline`` (shipping_due_time): units not readied (on hold,
  pending, packed) are canceled by the SYSTEM (reason ``shipping_due_time_passed``), their
  stock restored, their packages closed; event ``order.canceled``;
- ``order.collection_deadline`` (collection_due_time): units the carrier has not collected
  (not readied, or readied and before the journey's pickup step) are canceled by the SYSTEM
  (reason ``collection_due_time_passed``), their stock restored, their parcels canceled (the
  journey ends);
- ``order.delivery_deadline`` (delivery_due_time) [choice]: what is still not collected is
  canceled as above; a parcel collected and still travelling is lost by the carrier
  (``lost_by_3pl``, compensated by ``logistics.loss_compensation``), as T1 has the SYSTEM cancel
  an order lost in transit;
- ``order.complete``: when ``return.request_window`` closes after the last delivery, the
  delivered units are ``completed`` (DELIVERED -> COMPLETED), event ``order.completed``.

Handlers re-check the order: a deadline whose units moved on meanwhile does nothing.
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer
from mockplatform.errors import Conflict
from mockplatform.logistics import delivery, fulfilment, magic
from mockplatform.logistics import packages as package_service
from mockplatform.orders import service, states, tiktok
from mockplatform.orders.models import ORDER_ID, Order, OrderItem, Package

PLATFORM_INITIATED = fulfilment.PLATFORM_INITIATED
BUYER_INITIATED = fulfilment.BUYER_INITIATED
REMORSE_REASON = "buyer_remorse"
REMORSE_TEXT = "Canceled by the buyer within the remorse window"
# Each names an order of this flow: the other flows' profiles have none of its policies.
ORDER_PAYLOAD = PayloadSpec({"order_id": ORDER_ID.having(flow=service.TIKTOK)},
                            subject="order:{order_id}")
TIMER_KINDS = (tiktok.REMORSE_WINDOW, tiktok.SHIPPING_DEADLINE, tiktok.COLLECTION_DEADLINE,
               tiktok.DELIVERY_DEADLINE, tiktok.COMPLETE)
DESCRIBE = {
    tiktok.REMORSE_WINDOW: "order {order_id}: the remorse window ends, ON_HOLD -> "
                           "AWAITING_SHIPMENT (order.remorse_window)",
    tiktok.SHIPPING_DEADLINE: "order {order_id}: cancel units not ready to ship "
                              "(order.awaiting_collection_deadline)",
    tiktok.COLLECTION_DEADLINE: "order {order_id}: cancel units the carrier has not collected "
                                "(order.collection_deadline)",
    tiktok.DELIVERY_DEADLINE: "order {order_id}: units collected and not delivered are lost by "
                              "the carrier (order.delivery_deadline)",
    tiktok.COMPLETE: "order {order_id}: the after-sales window closes, DELIVERED -> COMPLETED "
                     "(return.request_window)",
}


def _order(ctx: SandboxContext, timer: DueTimer) -> tuple[Order | None, list[OrderItem]]:
    order = ctx.session.get(Order, (ctx.id, timer.payload["order_id"]))
    if order is None:
        return None, []
    return order, service.items_of(ctx, [order.order_id])[order.order_id]


def _packages(ctx: SandboxContext, order: Order) -> dict[str, Package]:
    return {p.package_id: p for p in service.packages_of(ctx, [order.order_id])[order.order_id]}


def _iso(ctx: SandboxContext, order: Order, key: str) -> str:
    return tiktok.order_deadline(ctx, order, key).isoformat()


# -- the platform's timers ------------------------------------------------------------------------

def end_remorse_window(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _order(ctx, timer)
    on_hold = [item for item in items if item.status == states.ON_HOLD]
    if on_hold:
        service.transition(ctx, order, on_hold, "end_remorse_window", data={
            "policy_key": tiktok.REMORSE_WINDOW,
            "on_hold_until": _iso(ctx, order, tiktok.REMORSE_WINDOW)})


def _cancel_units(ctx: SandboxContext, order: Order, items: list[OrderItem], action: str, *,
                  key: str, reason: str, text: str) -> None:
    """Cancel ``items`` as the SYSTEM: their stock back, their parcels canceled."""
    if not items:
        return
    service.transition(ctx, order, items, action, reason=reason, reason_detail=text,
                       initiator=PLATFORM_INITIATED,
                       data={"policy_key": key, "deadline": _iso(ctx, order, key)})
    service.restore_stock(ctx, items)
    package_ids = {item.package_id for item in items if item.package_id}
    for package_id, package in _packages(ctx, order).items():
        if package_id in package_ids and package.status != package_service.CANCELED:
            package_service.cancel(ctx, order, package)


def _not_collected(ctx: SandboxContext, order: Order,
                   items: list[OrderItem]) -> list[OrderItem]:
    """The units the carrier has not collected: not readied, or readied and not picked up."""
    packages = _packages(ctx, order)
    return [item for item in items if item.status in states.TIKTOK_AWAITING_SHIPMENT
            or (item.status == states.READY_TO_SHIP
                and not tiktok.collected(packages.get(item.package_id)))]


def shipping_deadline_passed(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _order(ctx, timer)
    _cancel_units(ctx, order, [item for item in items
                               if item.status in states.TIKTOK_AWAITING_SHIPMENT],
                  "miss_shipping_deadline", key=tiktok.SHIPPING_DEADLINE,
                  reason="shipping_due_time_passed",
                  text="The seller did not arrange shipment by the shipping due time")


def collection_deadline_passed(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _order(ctx, timer)
    _cancel_units(ctx, order, _not_collected(ctx, order, items), "miss_collection_deadline",
                  key=tiktok.COLLECTION_DEADLINE, reason="collection_due_time_passed",
                  text="The carrier had not collected the parcel by the collection due time")


def delivery_deadline_passed(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _order(ctx, timer)
    if order is None:
        return
    _cancel_units(ctx, order, _not_collected(ctx, order, items), "miss_collection_deadline",
                  key=tiktok.DELIVERY_DEADLINE, reason="delivery_due_time_passed",
                  text="Not collected by the carrier by the delivery due time")
    travelling = {item.package_id for item in items
                  if item.status in (states.READY_TO_SHIP, states.SHIPPED)}
    for package_id, package in _packages(ctx, order).items():
        if package_id in travelling and package.status in ("ready_to_ship", "in_transit"):
            delivery.lose_or_damage(ctx, order, package, magic.LOST,
                                    decided_by="delivery_deadline",
                                    text="Not delivered by the delivery due time: lost by the "
                                         "logistics partner")


def complete(ctx: SandboxContext, timer: DueTimer) -> None:
    order, items = _order(ctx, timer)
    delivered = [item for item in items if item.status == states.DELIVERED]
    if not delivered:
        return
    packages = list(_packages(ctx, order).values())
    closes = tiktok.after_sales_until(ctx, packages)
    if closes is None or closes > ctx.now:  # a later delivery moved the window on
        return
    service.transition(ctx, order, delivered, "complete", data={
        "policy_key": tiktok.REQUEST_WINDOW, "after_sales_until": closes.isoformat()})


# -- the buyer ------------------------------------------------------------------------------------

BUYER_ACTIONS = ("buyer_cancel",)


def buyer_cancel(ctx: SandboxContext, order_id: int, *, reason: str | None) -> Any:
    """The buyer cancels the order within the remorse window, without the seller's approval:
    every unit on hold is canceled and its stock restored. Outside the window a 409 names the
    order's status: after it, a cancellation is a request the seller answers."""
    order = service.get_order(ctx, order_id)
    service.require_flow(ctx, order, service.TIKTOK, "buyer_cancel")
    items = service.items_of(ctx, [order_id])[order_id]
    on_hold = [item for item in items if item.status == states.ON_HOLD]
    if not on_hold:
        packages = list(_packages(ctx, order).values())
        status = tiktok.order_status(items, packages)
        raise Conflict(
            f"order {order_id} is {status}, not ON_HOLD: the buyer cancels without the seller's "
            f"approval only within the remorse window (order.remorse_window, until "
            f"{_iso(ctx, order, tiktok.REMORSE_WINDOW)}); after it a cancellation is a request "
            f"the seller answers", code="invalid_state_transition",
            details=[{"field": "order_id", "location": "path",
                      "message": f"the order is {status}, not ON_HOLD",
                      "current_state": status, "statuses": service.statuses_of(items),
                      "action": "buyer_cancel", "allowed_actions": []}])
    service.transition(ctx, order, on_hold, "buyer_cancel", actor_actions=BUYER_ACTIONS,
                       reason=REMORSE_REASON, reason_detail=reason or REMORSE_TEXT,
                       initiator=BUYER_INITIATED)
    service.restore_stock(ctx, on_hold)
    return service.describe(ctx, order_id)


def end_remorse_for_seeding(ctx: SandboxContext, order: Order) -> None:
    """A seeded order walked past ``pending`` leaves its remorse window at once (the seed
    stands for orders whose hour has passed): the same change as the window's timer, with
    ``reason: seeded``."""
    items = [item for item in service.items_of(ctx, [order.order_id])[order.order_id]
             if item.status == states.ON_HOLD]
    if items:
        service.transition(ctx, order, items, "end_remorse_window", reason="seeded",
                           reason_detail="Walked past its remorse window by the seed")
