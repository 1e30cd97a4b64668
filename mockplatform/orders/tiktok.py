"""TikTok Shop orders: the remorse hour, the SLA instants and the order status in TikTok's
vocabulary, over the one order model (POLICIES.md "TikTok Shop profile", platform-policies.md
2.1 and 2.3, tiktok-api.md 5.3).

The units walk ``states.TIKTOK_ITEM``: Lazada's walk with the platform's carrier, after an
``on_hold`` remorse window and before a ``completed`` end. Every instant a TikTok order shows
is counted from its creation (payment and placement are one instant in the sandbox) through
``policy_deadline``, so what the order shows, what its events record and when its timers fire
always agree:

- ``on_hold_until``: ``order.remorse_window`` (1 h); the units are ``on_hold`` (ON_HOLD) until
  then, then ``pending`` (AWAITING_SHIPMENT) by the ``order.remorse_window`` timer;
- ``rts_sla_time``: ``order.rts_sla``: the end of the order's local day when it was placed on a
  working day before the cut-off (14:00), else the end of the next working day. Readying later
  is late dispatch; nothing is canceled (no timer);
- ``shipping_due_time``: ``order.awaiting_collection_deadline`` (end of working day 2): units
  not readied by then are canceled by the SYSTEM (kept in ``Order.rts_deadline`` too);
- ``collection_due_time``: ``order.collection_deadline`` (end of working day 3): units the
  carrier has not collected by then are canceled by the SYSTEM;
- ``delivery_due_time``: ``order.delivery_deadline`` (30 calendar days): units collected and
  still travelling are lost by the carrier;
- ``after_sales_until``: ``return.request_window`` after the order's last delivery, once none of
  its parcels is still on its way: then its delivered units are ``completed`` (COMPLETED) by
  the ``order.complete`` timer.

Status aggregation (T1's definitions) [choice where T1 is silent]: each unit has a TikTok status
(``unit_status``): ``on_hold`` ON_HOLD; ``pending`` and ``packed`` AWAITING_SHIPMENT (packing is
not arranging shipment); ``ready_to_ship`` AWAITING_COLLECTION until the carrier's pickup step
(its collection), IN_TRANSIT after; ``shipped`` IN_TRANSIT; ``delivered`` DELIVERED;
``completed`` COMPLETED; every unit whose story ended without delivery (canceled, lost or
damaged by the carrier, failed delivery and its return) CANCELLED, as T1 has the SYSTEM cancel
an order lost in transit or refused by the buyer. The order (``order_status``) is CANCELLED when
every unit is; otherwise, over its other units: UNPAID, then ON_HOLD, if any unit is; then
AWAITING_SHIPMENT if some unit awaits shipment and none went further, PARTIALLY_SHIPPING if some
did; then AWAITING_COLLECTION if any unit awaits collection; then IN_TRANSIT if any travels;
then DELIVERED while any is delivered, COMPLETED when all are completed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mockplatform.engine.calendar import local_date
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.orders import states
from mockplatform.orders.models import Order, OrderItem, Package

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext

FLOW = "tiktok"
PLATFORM = "tiktok_shop"
REMORSE_WINDOW = "order.remorse_window"
RTS_SLA = "order.rts_sla"
SHIPPING_DEADLINE = "order.awaiting_collection_deadline"
COLLECTION_DEADLINE = "order.collection_deadline"
DELIVERY_DEADLINE = "order.delivery_deadline"
REQUEST_WINDOW = "return.request_window"
# The timer that completes a delivered order when its after-sales window closes.
COMPLETE = "order.complete"
# The carrier's journey step that collects the parcel from the seller.
PICKUP = "pickup"

# TikTok's order statuses (T1), in the order an order passes through them.
UNPAID, ON_HOLD, AWAITING_SHIPMENT = "UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"
PARTIALLY_SHIPPING, AWAITING_COLLECTION = "PARTIALLY_SHIPPING", "AWAITING_COLLECTION"
IN_TRANSIT, DELIVERED, COMPLETED, CANCELLED = "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"
STATUSES = (UNPAID, ON_HOLD, AWAITING_SHIPMENT, PARTIALLY_SHIPPING, AWAITING_COLLECTION,
            IN_TRANSIT, DELIVERED, COMPLETED, CANCELLED)

_UNIT_STATUS = {states.UNPAID: UNPAID, states.ON_HOLD: ON_HOLD,
                states.PENDING: AWAITING_SHIPMENT, states.PACKED: AWAITING_SHIPMENT,
                states.SHIPPED: IN_TRANSIT, states.DELIVERED: DELIVERED,
                states.COMPLETED: COMPLETED}
_BEYOND_SHIPMENT = frozenset({AWAITING_COLLECTION, IN_TRANSIT, DELIVERED, COMPLETED})
# Parcel statuses of a parcel still on its way to the buyer (or not yet handed over).
_PARCEL_ON_ITS_WAY = frozenset({"packed", "ready_to_ship", "in_transit"})


def subject(order: Order) -> str:
    return f"order:{order.order_id}"


# -- TikTok's status of a unit and of an order ----------------------------------------------------

def collected(package: Package | None) -> bool:
    """The carrier has collected the parcel (its pickup step is done, or it went further)."""
    if package is None:
        return False
    if package.status != "ready_to_ship":
        return package.status != "packed"
    pickup = package.journey.get(PICKUP)
    return pickup is not None and pickup["done_at"] is not None


def unit_status(item: OrderItem, package: Package | None) -> str:
    """The unit's status in TikTok's vocabulary (the module's docstring)."""
    if item.status == states.READY_TO_SHIP:
        return IN_TRANSIT if collected(package) else AWAITING_COLLECTION
    return _UNIT_STATUS.get(item.status, CANCELLED)


def order_status(items: Iterable[OrderItem], packages: Sequence[Package]) -> str:
    """The order's status in TikTok's vocabulary: the aggregate of its units'."""
    by_id = {package.package_id: package for package in packages}
    live = {unit_status(item, by_id.get(item.package_id)) for item in items} - {CANCELLED}
    if not live:
        return CANCELLED
    for status in (UNPAID, ON_HOLD):
        if status in live:
            return status
    if AWAITING_SHIPMENT in live:
        return PARTIALLY_SHIPPING if live & _BEYOND_SHIPMENT else AWAITING_SHIPMENT
    for status in (AWAITING_COLLECTION, IN_TRANSIT, DELIVERED):
        if status in live:
            return status
    return COMPLETED


# The unit statuses an order must have one of to show each TikTok status (order_status): what
# the order list reads from an index before it works out each candidate's status.
_ENDED = tuple(s for s in states.TIKTOK_STATUSES
               if s not in _UNIT_STATUS and s != states.READY_TO_SHIP)
_NEEDS = {UNPAID: (states.UNPAID,), ON_HOLD: (states.ON_HOLD,),
          AWAITING_SHIPMENT: (states.PENDING, states.PACKED),
          PARTIALLY_SHIPPING: (states.PENDING, states.PACKED),
          AWAITING_COLLECTION: (states.READY_TO_SHIP,),
          IN_TRANSIT: (states.READY_TO_SHIP, states.SHIPPED),
          DELIVERED: (states.DELIVERED,), COMPLETED: (states.COMPLETED,), CANCELLED: _ENDED}


def unit_statuses_for(order_statuses: Iterable[str]) -> tuple[str, ...]:
    """The unit statuses an order has one of when it shows one of ``order_statuses``."""
    return tuple(dict.fromkeys(s for wanted in order_statuses for s in _NEEDS[wanted]))


def unit_statuses(items: Iterable[OrderItem], packages: Sequence[Package]) -> dict[int, str]:
    """Each unit's TikTok status, by order item id."""
    by_id = {package.package_id: package for package in packages}
    return {item.order_item_id: unit_status(item, by_id.get(item.package_id)) for item in items}


# -- the instants ---------------------------------------------------------------------------------

def first_status(ctx: SandboxContext) -> str:
    """A new order's units are on hold for the remorse window (none: awaiting shipment)."""
    return states.ON_HOLD if ctx.policies.value(REMORSE_WINDOW) > timedelta(0) else states.PENDING


def rts_sla_time(ctx: SandboxContext, order: Order) -> datetime:
    """``order.rts_sla``: the end of the order's local day if it was placed on a working day
    before the cut-off, else the end of the next working day."""
    created = order.created_at.astimezone(ctx.calendar.tz)
    cut_off = ctx.policies.value(RTS_SLA)["cut_off"]
    midnight = created.replace(hour=0, minute=0, second=0, microsecond=0)
    same_day = ctx.calendar.is_working_day(local_date(created, ctx.calendar)) \
        and created < midnight + cut_off
    return policy_deadline(ctx, RTS_SLA, order.created_at,
                           duration=timedelta(0 if same_day else 1))


def order_deadline(ctx: SandboxContext, order: Order, key: str) -> datetime:
    """The instant policy ``key`` sets for ``order``, counted from its creation."""
    return policy_deadline(ctx, key, order.created_at, shipping=order.shipping_type)


def after_sales_until(ctx: SandboxContext, packages: Sequence[Package]) -> datetime | None:
    """When the buyer's after-sales window closes: ``return.request_window`` after the last
    delivery, once no parcel of the order is on its way; None before."""
    delivered = [p.delivered_at for p in packages
                 if p.status == "delivered" and p.delivered_at is not None]
    if not delivered or any(p.status in _PARCEL_ON_ITS_WAY for p in packages):
        return None
    return policy_deadline(ctx, REQUEST_WINDOW, max(delivered))


TIMED = ((REMORSE_WINDOW, "on_hold_until"), (SHIPPING_DEADLINE, "shipping_due_time"),
         (COLLECTION_DEADLINE, "collection_due_time"), (DELIVERY_DEADLINE, "delivery_due_time"))


def start_deadlines(ctx: SandboxContext, order: Order) -> None:
    """A new order's timers: the remorse window's end (while its units are on hold), and the
    shipping, collection and delivery deadlines; ``Order.rts_deadline`` keeps the shipping
    deadline."""
    payload = {"order_id": order.order_id}
    on_hold = ctx.policies.value(REMORSE_WINDOW) > timedelta(0)
    for key, _ in TIMED:
        due = order_deadline(ctx, order, key)
        if key == SHIPPING_DEADLINE:
            order.rts_deadline = due
        if key != REMORSE_WINDOW or on_hold:
            ctx.timers.schedule(key, due, subject=subject(order), payload=payload)


def deadlines(ctx: SandboxContext, order: Order, packages: Sequence[Package]) -> dict[str, Any]:
    """The SLA instants a TikTok order shows (the module's docstring), in TikTok's names. A
    replacement order (aftersales/reshipment.py) has one deadline, its reshipment's ship
    deadline (``Order.rts_deadline``): no remorse hour, and no collection or delivery deadline
    of its own."""
    if order.replaced_order_id is not None:
        return {"rts_sla_time": order.rts_deadline, "on_hold_until": None,
                "shipping_due_time": order.rts_deadline, "collection_due_time": None,
                "delivery_due_time": None, "after_sales_until": after_sales_until(ctx, packages)}
    shown: dict[str, Any] = {"rts_sla_time": rts_sla_time(ctx, order)}
    for key, name in TIMED:
        shown[name] = (order.rts_deadline if key == SHIPPING_DEADLINE
                       else order_deadline(ctx, order, key))
    shown["after_sales_until"] = after_sales_until(ctx, packages)
    return shown


# -- keeping the timers in step -------------------------------------------------------------------

_WAITING_COLLECTION = frozenset({ON_HOLD, AWAITING_SHIPMENT, AWAITING_COLLECTION})
_NOT_DELIVERED = frozenset({ON_HOLD, AWAITING_SHIPMENT, AWAITING_COLLECTION, IN_TRANSIT})
# The order's timers, each with the unit statuses it watches: once a change moved the last unit
# out of them, the timer goes (its handler would find nothing to do), so the timers list shows
# only what can still happen.
_WATCHED = ((REMORSE_WINDOW, frozenset({states.ON_HOLD})),
            (SHIPPING_DEADLINE, frozenset(states.TIKTOK_AWAITING_SHIPMENT)),
            (COLLECTION_DEADLINE, frozenset({*states.TIKTOK_AWAITING_SHIPMENT,
                                             states.READY_TO_SHIP})),
            (DELIVERY_DEADLINE, frozenset({*states.TIKTOK_AWAITING_SHIPMENT, states.READY_TO_SHIP,
                                           states.SHIPPED})))
_STILL_WATCHED = {REMORSE_WINDOW: frozenset({ON_HOLD}),
                  SHIPPING_DEADLINE: frozenset({ON_HOLD, AWAITING_SHIPMENT}),
                  COLLECTION_DEADLINE: _WAITING_COLLECTION, DELIVERY_DEADLINE: _NOT_DELIVERED}
_SETTLED = frozenset({states.DELIVERED, states.COMPLETED})


def on_transition(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
                  packages: Sequence[Package], previous: Sequence[str]) -> dict[str, Any]:
    """After a change of the order's units: drop the deadlines nothing waits for any more, start
    the after-sales window when the order becomes DELIVERED, and name its TikTok status."""
    units = set(unit_statuses(items, packages).values())
    left = set(previous)
    for key, watched in _WATCHED:
        if left & watched and not units & _STILL_WATCHED[key]:
            ctx.timers.cancel(subject=subject(order), kind_name=key)
    status = order_status(items, packages)
    if status == DELIVERED and not left <= _SETTLED:
        closes = after_sales_until(ctx, packages)
        if closes is not None:
            ctx.timers.schedule(COMPLETE, closes, subject=subject(order),
                                payload={"order_id": order.order_id})
    return {"platform_status": status}


def collected_now(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
                  packages: Sequence[Package]) -> dict[str, Any]:
    """A parcel of the order was collected by the carrier: the collection deadline goes once
    nothing waits for collection; what the ``order.collected`` event adds."""
    units = set(unit_statuses(items, packages).values())
    if not units & _WAITING_COLLECTION:
        ctx.timers.cancel(subject=subject(order), kind_name=COLLECTION_DEADLINE)
    return {"platform_status": order_status(items, packages)}
