"""An order item's history: every status it took, in order, read back from the event feed.

An item keeps only its status now, and a failed delivery moves on (resale, the return service),
so "what happened to this unit" is the order's ``order.*`` events that name it: each status
change records ``order.<status>`` with the items it moved (``order_item_ids``), the statuses
they left, a reason and, where another domain moved them, what it acted on (a resale item).
The events of one order are found by their subject (``ix_events_subject``), never by reading
the sandbox's whole feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mockplatform.engine import ids
from mockplatform.engine.context import SandboxContext
from mockplatform.orders.errors import OrderItemNotFound
from mockplatform.orders.flows import order_subject
from mockplatform.orders.service import get_order, items_of
from mockplatform.store.models import Event

CREATED = "order.created"


@dataclass(frozen=True)
class HistoryEntry:
    """One status the item took: when, from what, why, and the event that says so."""

    status: str
    previous_statuses: list[str]
    at: datetime
    event_id: str
    event_type: str
    reason: str
    resale_item_id: int | None


def item_history(ctx: SandboxContext, order_id: int, order_item_id: int) -> list[HistoryEntry]:
    """The statuses of one item of the order, oldest first (its creation first)."""
    order = get_order(ctx, order_id)
    if not any(item.order_item_id == order_item_id
               for item in items_of(ctx, [order.order_id])[order.order_id]):
        raise OrderItemNotFound(
            f"order {order_id} has no item {order_item_id}",
            details=[{"field": "order_item_id", "location": "path",
                      "message": f"not an item of order {order_id}"}])
    ctx.inserts.write()  # events recorded in this unit of work, if any, are in the table
    rows = ctx.session.scalars(select(Event).where(
        Event.sandbox_id == ctx.id, Event.subject == order_subject(order_id),
        Event.type.startswith("order.")).order_by(Event.seq))
    return [entry for row in rows if (entry := _entry(row, order_item_id)) is not None]


def _entry(event: Event, order_item_id: int) -> HistoryEntry | None:
    data = event.data or {}
    if order_item_id not in data.get("order_item_ids", ()):
        return None
    if event.type == CREATED:  # every item of a new order starts in its one status
        status, previous = data["statuses"][0], []
    elif "status" in data:
        status, previous = data["status"], list(data.get("previous_statuses", ()))
    else:
        return None
    return HistoryEntry(status=status, previous_statuses=previous, at=event.occurred_at,
                        event_id=ids.format_id(ids.EVENT_PREFIX, event.seq),
                        event_type=event.type, reason=data.get("reason", ""),
                        resale_item_id=data.get("resale_item_id"))
