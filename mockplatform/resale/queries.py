"""Reading resale items: the list with its filters and cursor, and one item with what the
warehouse test helpers may do with it now.

Resale item ids are drawn in order (a counter above a seeded base), so the list in id order is
the order in which units came into resale, and the cursor is the last id seen: a page never
repeats or skips a unit, whatever arrives meanwhile. Ranges are half-open, ``[from, to)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, union

from mockplatform.engine.context import SandboxContext
from mockplatform.errors import ValidationFailed
from mockplatform.resale import available, service, states
from mockplatform.resale.models import ResaleItem


@dataclass(frozen=True)
class ResaleFilter:
    """What the resale item list is asked for. ``order_id`` matches the unit's first order or
    the order that bought it from resale stock; ``exited_*`` is when it left resale for the
    return service, and ``exit_reason`` why; ``expired_*`` is when an unsold unit's window ended
    (an exit for ``window_expired``); ``market`` is the market's resale warehouse (a sandbox has
    one market: another lists nothing); ``after`` is the last id of the page before."""

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
    expired_from: datetime | None = None
    expired_to: datetime | None = None
    market: str | None = None
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


RANGES = (("relisted", ResaleItem.relisted_at), ("exited", ResaleItem.exited_at),
          ("expired", ResaleItem.exited_at))


def list_items(ctx: SandboxContext, query: ResaleFilter) -> ResalePage:
    available.require(ctx)
    conditions = _conditions(ctx.id, query)
    stmt = select(ResaleItem).where(ResaleItem.sandbox_id == ctx.id, *conditions)
    # Filtered, the few units an index finds are sorted: ordered by the key itself, SQLite
    # (which plans without statistics) would rather walk every unit of the sandbox in key
    # order than sort them, and ``+ 0`` keeps it from doing so.
    order = ResaleItem.resale_item_id + 0 if conditions else ResaleItem.resale_item_id
    if query.after is not None:
        stmt = stmt.where(ResaleItem.resale_item_id > query.after)
    rows = list(ctx.session.scalars(stmt.order_by(order).limit(query.limit + 1)))
    rows, has_more = rows[:query.limit], len(rows) > query.limit
    return ResalePage(items=rows, has_more=has_more,
                      next_cursor=str(rows[-1].resale_item_id) if has_more else None)


def _conditions(sandbox_id: str, query: ResaleFilter) -> list:
    """What ``query``'s filters ask of a unit, each served by an index of ``resale_items``."""
    conditions = []
    if query.state:
        conditions.append(ResaleItem.state.in_(query.state))
    if query.sku_id is not None:
        conditions.append(ResaleItem.sku_id == query.sku_id)
    if query.seller_sku is not None:
        conditions.append(ResaleItem.seller_sku == query.seller_sku)
    if query.order_id is not None:  # each side from its index (SQLite would walk for an OR)
        conditions.append(ResaleItem.resale_item_id.in_(union(*(
            select(ResaleItem.resale_item_id).where(ResaleItem.sandbox_id == sandbox_id,
                                                    column == query.order_id)
            for column in (ResaleItem.order_id, ResaleItem.resale_order_id)))))
    if query.exit_reason:
        conditions.append(ResaleItem.exit_reason.in_(query.exit_reason))
    if query.market is not None:
        conditions.append(ResaleItem.market == query.market)
    if query.expired_from is not None or query.expired_to is not None:
        conditions.append(ResaleItem.exit_reason == states.WINDOW_EXPIRED)
    for name, column in RANGES:
        start, end = getattr(query, f"{name}_from"), getattr(query, f"{name}_to")
        if start is not None and end is not None and end < start:
            raise ValidationFailed.field(f"{name}_to", f"must not be before {name}_from",
                                         location="query")
        if start is not None:
            conditions.append(column >= start)
        if end is not None:
            conditions.append(column < end)
    return conditions


def describe(ctx: SandboxContext, resale_item_id: int) -> ResaleItemDetail:
    available.require(ctx)
    return detail(service.get(ctx, resale_item_id))


def detail(unit: ResaleItem) -> ResaleItemDetail:
    return ResaleItemDetail(unit=unit, allowed_actions=service.helper_actions(unit))
