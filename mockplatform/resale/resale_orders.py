"""What becomes of units a resale order took (resale/service.py sold them from the shelf): the
order is delivered (the unit is sold, and paid through settlement as usual), canceled before it
ships (back on the shelf with the window it had, or to the return service if that is over), or
lost or damaged by the carrier (the unit's story ends there; the seller is compensated for the
resale order's item as for any lost parcel, logistics.loss_compensation). Its failing delivery
again is ``resale.second_failure`` (service.py), as it is a failed delivery first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mockplatform.engine.context import SandboxContext
from mockplatform.orders import service as orders
from mockplatform.resale import states
from mockplatform.resale.models import ResaleItem
from mockplatform.resale.service import (
    STOCK_PRIORITY,
    enabled,
    expire,
    iso,
    move,
    move_holder,
    note,
    shelve,
    subject,
    summary,
)


def resale_units_of(ctx: SandboxContext, data: dict[str, Any]) -> list[ResaleItem]:
    """The resold units among an order event's items (none, for nearly every order)."""
    order_id = data.get("order_id")
    if not enabled(ctx) or order_id is None:
        return []
    named = set(data.get("order_item_ids", ()))
    resold = [item.order_item_id for item in orders.items_of(ctx, [order_id])[order_id]
              if item.order_item_id in named and item.stock_source == orders.RESALE_STOCK]
    if not resold:
        return []
    return list(ctx.session.scalars(select(ResaleItem).where(
        ResaleItem.sandbox_id == ctx.id, ResaleItem.resale_order_item_id.in_(resold),
        ResaleItem.state == states.RESOLD).order_by(ResaleItem.resale_item_id)))


def on_order_delivered(ctx: SandboxContext, type_: str, data: dict[str, Any]) -> None:
    """A resale order arrived: its units are sold (and paid through settlement as usual)."""
    for unit in resale_units_of(ctx, data):
        move(ctx, unit, "deliver")
        unit.sold_at = ctx.now
        note(ctx, unit, "sold", resale_order_id=unit.resale_order_id)
        ctx.record("resale.sold", subject=subject(unit), data={
            **summary(unit), "resale_order_id": unit.resale_order_id,
            "sold_at": iso(unit.sold_at)})


def on_order_canceled(ctx: SandboxContext, type_: str, data: dict[str, Any]) -> None:
    """A resale order was canceled before it shipped: its units go back on the shelf with the
    window they had, or to the return service if it is over."""
    for unit in resale_units_of(ctx, data):
        canceled_order = unit.resale_order_id
        move(ctx, unit, "relist")
        unit.resale_order_id = unit.resale_order_item_id = None
        unit.resold_at = unit.resale_price = None
        note(ctx, unit, "resale_order_canceled", resale_order_id=canceled_order)
        move_holder(ctx, unit, "relist", resale_order_id=canceled_order)
        if unit.window_ends_at <= ctx.now:
            expire(ctx, unit)
            continue
        shelve(ctx, unit)
        ctx.record("resale.relisted", subject=subject(unit), data={
            **summary(unit), "relisted_at": iso(unit.relisted_at),
            "window_ends_at": iso(unit.window_ends_at), "after_canceled_order": canceled_order,
            "policy_key": STOCK_PRIORITY})



# The carrier's losses, by the order event that reports them: the unit's action and event.
LOSSES = {"order.lost_by_3pl": ("lose", "resale.lost_by_3pl"),
          "order.damaged_by_3pl": ("damage", "resale.damaged_by_3pl")}


def on_order_lost(ctx: SandboxContext, type_: str, data: dict[str, Any]) -> None:
    """A resale order's parcel was lost or damaged by the carrier: its units end there."""
    action, event = LOSSES[type_]
    for unit in resale_units_of(ctx, data):
        move(ctx, unit, action)
        unit.outcome, unit.outcome_at = unit.state, ctx.now
        note(ctx, unit, unit.state, resale_order_id=unit.resale_order_id)
        ctx.record(event, subject=subject(unit), data={
            **summary(unit), "resale_order_id": unit.resale_order_id})
