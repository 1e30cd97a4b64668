"""Reading resale items: the list with its filters and cursor, and one item with what the
warehouse test helpers may do with it now.

Resale item ids are drawn in order (a counter above a seeded base), so the list in id order is
the order in which units came into resale, and the cursor is the last id seen: a page never
repeats or skips a unit, whatever arrives meanwhile. Ranges are half-open, ``[from, to)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from mockplatform.engine.context import SandboxContext
from mockplatform.errors import ValidationFailed
from mockplatform.resale import service
from mockplatform.resale.models import ResaleItem


@dataclass(frozen=True)
class ResaleFilter:
    """What the resale item list is asked for. ``order_id`` matches the unit's first order or
    the order that bought it from resale stock; ``exited_*`` is when it left resale for the
    return service, and ``exit_reason`` why; ``after`` is the last id of the page before."""

    limit: int = 100
    state: tuple[str, ...] = ()
    sku_id: int | None = None
    seller_sku: str | None = None
    order_id: int | None = None
    exit_reason: tuple[str, ...] = ()
    relisted_from: datetime | None = None
    relisted_to: datetime | None = None
    exited_from: datetime | None = None
    exited_to: datetime | None = None
    after: int | None = None


@dataclass(frozen=True)
class ResalePage:
    items: list[ResaleItem]
    has_more: bool
    next_cursor: str | None


@dataclass(frozen=True)
class ResaleItemDetail:
    """A unit as its page shows it: the row, and what the warehouse test helpers may do."""

    unit: ResaleItem
    allowed_actions: list[str]


RANGES = (("relisted", ResaleItem.relisted_at), ("exited", ResaleItem.exited_at))


def list_items(ctx: SandboxContext, query: ResaleFilter) -> ResalePage:
    stmt = select(ResaleItem).where(ResaleItem.sandbox_id == ctx.id)
    if query.state:
        stmt = stmt.where(ResaleItem.state.in_(query.state))
    if query.sku_id is not None:
        stmt = stmt.where(ResaleItem.sku_id == query.sku_id)
    if query.seller_sku is not None:
        stmt = stmt.where(ResaleItem.seller_sku == query.seller_sku)
    if query.order_id is not None:
        stmt = stmt.where(or_(ResaleItem.order_id == query.order_id,
                              ResaleItem.resale_order_id == query.order_id))
    if query.exit_reason:
        stmt = stmt.where(ResaleItem.exit_reason.in_(query.exit_reason))
    for name, column in RANGES:
        start, end = getattr(query, f"{name}_from"), getattr(query, f"{name}_to")
        if start is not None and end is not None and end < start:
            raise ValidationFailed.field(f"{name}_to", f"must not be before {name}_from",
                                         location="query")
        if start is not None:
            stmt = stmt.where(column >= start)
        if end is not None:
            stmt = stmt.where(column < end)
    if query.after is not None:
        stmt = stmt.where(ResaleItem.resale_item_id > query.after)
    rows = list(ctx.session.scalars(stmt.order_by(ResaleItem.resale_item_id)
                                    .limit(query.limit + 1)))
    rows, has_more = rows[:query.limit], len(rows) > query.limit
    return ResalePage(items=rows, has_more=has_more,
                      next_cursor=str(rows[-1].resale_item_id) if has_more else None)


def describe(ctx: SandboxContext, resale_item_id: int) -> ResaleItemDetail:
    return detail(service.get(ctx, resale_item_id))


def detail(unit: ResaleItem) -> ResaleItemDetail:
    return ResaleItemDetail(unit=unit, allowed_actions=service.helper_actions(unit))
