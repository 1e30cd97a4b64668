"""The seller's order list: filters, both sort orders, and a cursor that survives new orders.

The cursor carries the sort key of the last order seen (its ``created_at`` or ``updated_at``
and its id) and the sort it was made for, so a page never repeats or skips an order that was
already there, and a cursor used with another sort is a 400 rather than a wrong page. Every
filter and sort is served by an index (``ix_orders_created``, ``ix_orders_updated``,
``ix_order_items_status``, ``ix_order_items_failed``, ``ix_orders_delayed_created``,
``ix_orders_delayed_updated``): no full scans at 100,000 orders.

A TikTok order's ``platform_status`` is not stored: it is the aggregate of its units' and
parcels' (orders/tiktok.py), worked out as the order is read. Filtered by it, the list reads the
orders that have a unit in a status the wanted ones need (``ix_order_items_status``, as
``status`` does) and keeps those whose aggregate is one of them, a few hundred at a time and
at most WALK_AT_MOST orders a page: a page may then hold fewer than ``limit`` orders (none,
even) and still say ``has_more``, with a cursor past the last order read.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, distinct, exists, false, func, not_, or_, select

from mockplatform.engine import clock as clocks
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.ids import MAX_DIGITS
from mockplatform.errors import ValidationFailed
from mockplatform.orders import flows, tiktok
from mockplatform.orders.models import Order, OrderItem
from mockplatform.orders.service import OrderDetail, detail, items_of, packages_of
from mockplatform.orders.states import FAILED_DELIVERY

SORT_FIELDS = ("created_at", "updated_at")
# Up to this many orders with an item asked for are found by their ids (see ``_with_items``).
FEW_ORDERS = 1000
DIRECTIONS = ("asc", "desc")
# A list filtered by TikTok status (``platform_status``) reads its candidates in the sort's
# order this many at a time, and works each one's status out as the order shows it.
WALK = 200
# ... and stops after this many, answering the matches found so far (fewer than ``limit``,
# perhaps none) with ``has_more`` and a cursor past the last order read: a page never reads a
# whole sandbox for a status its candidates rarely show.
WALK_AT_MOST = 2000


def encode_cursor(order: Order, sort_by: str, direction: str) -> str:
    value = getattr(order, sort_by).astimezone(UTC).isoformat()
    raw = json.dumps([sort_by, direction, value, order.order_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort_by: str, direction: str) -> tuple[datetime, int]:
    def bad(message: str) -> ValidationFailed:
        return ValidationFailed.field("after", message, location="query")

    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        made_for, made_dir, value, order_id = json.loads(base64.urlsafe_b64decode(padded))
        # An edited cursor must not reach the database: an id past BIGINT or an instant past
        # what UTC can hold would fail there as a 500 instead of a 400 here.
        if made_for not in SORT_FIELDS or made_dir not in DIRECTIONS \
                or not isinstance(order_id, int) or isinstance(order_id, bool) \
                or not 0 < order_id < 10 ** MAX_DIGITS:
            raise ValueError
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None:
            raise ValueError
        instant = instant.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise bad("not a cursor of this list; pass the next_cursor of a previous page") \
            from None
    if (made_for, made_dir) != (sort_by, direction):
        raise bad(f"this cursor was made for sort_by={made_for} sort_direction={made_dir}; "
                  f"page with the same sort")
    return instant, order_id


def _with_items(ctx: SandboxContext, condition):
    """Orders with an item that meets ``condition`` (a status, ever failed delivery).

    Few such orders (a rare status: canceled, failed_delivery): their ids, read from an index
    of the items (``ix_order_items_status``, ``ix_order_items_failed``), and the page sorted
    from them. Many (pending, in a backlog): each order walked in the sort's index is checked
    for such an item, and a page is found within the first few hundred. Checking every order for
    a rare status would read the whole sandbox, and sorting every order of a common one would
    too.
    """
    few = ctx.session.scalars(
        select(OrderItem.order_id).where(OrderItem.sandbox_id == ctx.id, condition)
        .distinct().limit(FEW_ORDERS + 1)).all()
    if not few:
        return false()  # a constant: the database reads nothing (an empty IN would be a scan)
    if len(few) <= FEW_ORDERS:
        return Order.order_id.in_(few)
    return exists().where(OrderItem.sandbox_id == ctx.id, OrderItem.order_id == Order.order_id,
                          condition)


def _ever_failed_delivery(ctx: SandboxContext, wanted: bool):
    """Orders with (``wanted``) or without an item that ever failed delivery, whatever its
    status now (resale, the return service): ``OrderItem.failed_delivery_at`` is kept."""
    # A range rather than IS NOT NULL, which SQLite does not serve from ix_order_items_failed.
    failed = _with_items(ctx, OrderItem.failed_delivery_at >= clocks.EARLIEST)
    return failed if wanted else not_(failed)


@dataclass(frozen=True)
class OrderFilter:
    """What the seller's order list is asked for. Instants are aware and inclusive; ``status``
    matches an order when any of its items has one of the statuses now; ``ever_failed_delivery``
    when any of its items failed delivery at some point (or, False, none did);
    ``platform_status`` (a TikTok Shop sandbox's) when the order's TikTok status is one of these
    now; ``after`` is the ``next_cursor`` of the page before; ``offset`` skips that many orders
    instead (a front whose platform pages by offset; not with ``after`` nor ``platform_status``)."""

    limit: int = 20
    offset: int = 0
    status: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    delayed: bool | None = None
    ever_failed_delivery: bool | None = None
    platform_status: tuple[str, ...] = ()
    sort_by: str = "created_at"
    sort_direction: str = "desc"
    after: str | None = None


@dataclass(frozen=True)
class OrderPage:
    orders: list[OrderDetail]
    has_more: bool
    next_cursor: str | None
    # What the caller may not expect of the filters asked for (see ``_notes``).
    notes: tuple[str, ...] = ()


def _notes(ctx: SandboxContext, query: OrderFilter) -> tuple[str, ...]:
    """``status`` matches each item's status now, and an item is ``failed_delivery`` only until
    the platform ships it back or takes it into resale, within hours: asked for it, the list is
    usually empty although many orders failed. Say so, with how many did and the filter that
    finds them (counted from ``ix_order_items_failed`` alone)."""
    if FAILED_DELIVERY not in query.status or query.ever_failed_delivery is not None:
        return ()
    failed = ctx.session.scalar(select(func.count(distinct(OrderItem.order_id))).where(
        OrderItem.sandbox_id == ctx.id, OrderItem.failed_delivery_at >= clocks.EARLIEST))
    return (f"status matches each item's status now; an item stays failed_delivery only until "
            f"it is shipped back or taken into resale (shipped_back, resale_pending, "
            f"package_scrapped, ...). {failed} order{'' if failed == 1 else 's'} of this sandbox "
            f"had an item fail delivery: list them with ever_failed_delivery=true (without "
            f"status).",)


def _filtered(ctx: SandboxContext, query: OrderFilter):
    """The orders ``query`` asks for, before any cursor, order or page."""
    for name in ("created", "updated"):
        after, before = getattr(query, f"{name}_after"), getattr(query, f"{name}_before")
        if after is not None and before is not None and after > before:
            raise ValidationFailed.field(f"{name}_before", f"must not be before {name}_after",
                                         location="query")
    stmt = select(Order).where(Order.sandbox_id == ctx.id)
    if query.created_after is not None:
        stmt = stmt.where(Order.created_at >= query.created_after)
    if query.created_before is not None:
        stmt = stmt.where(Order.created_at <= query.created_before)
    if query.updated_after is not None:
        stmt = stmt.where(Order.updated_at >= query.updated_after)
    if query.updated_before is not None:
        stmt = stmt.where(Order.updated_at <= query.updated_before)
    if query.status:
        stmt = stmt.where(_with_items(ctx, OrderItem.status.in_(query.status)))
    if query.delayed is not None:
        stmt = stmt.where(Order.delayed == query.delayed)
    if query.ever_failed_delivery is not None:
        stmt = stmt.where(_ever_failed_delivery(ctx, query.ever_failed_delivery))
    if query.platform_status:
        if ctx.sandbox.platform != tiktok.PLATFORM:
            raise ValidationFailed.field(
                "platform_status", f"only a {tiktok.PLATFORM} sandbox's orders have a "
                f"platform_status; this sandbox is {ctx.sandbox.platform}: filter by status",
                location="query")
        stmt = stmt.where(Order.flow == flows.TIKTOK, _with_items(
            ctx, OrderItem.status.in_(tiktok.unit_statuses_for(query.platform_status))))
    return stmt


def _past(stmt, column, direction: str, instant: datetime, order_id: int):
    """``stmt``'s orders after (``direction``) the one with this sort key."""
    if direction == "asc":
        return stmt.where(or_(column > instant, and_(column == instant, Order.order_id > order_id)))
    return stmt.where(or_(column < instant, and_(column == instant, Order.order_id < order_id)))


def _showing(ctx: SandboxContext, stmt, query: OrderFilter, wanted: int):
    """Up to ``wanted`` orders of ``stmt`` (the candidates, in the sort's order) whose TikTok
    status is one of ``query.platform_status``, as (row, items, packages), read WALK at a time
    and at most WALK_AT_MOST in all; with the last candidate read, and whether the walk stopped
    before the candidates ran out."""
    statuses, column = set(query.platform_status), getattr(Order, query.sort_by)
    found: list[tuple] = []
    page, read, last = stmt, 0, None
    while True:
        rows = list(ctx.session.scalars(page.limit(WALK)))
        ids = [row.order_id for row in rows]
        items, packages = items_of(ctx, ids), packages_of(ctx, ids)
        for row in rows:
            read, last = read + 1, row
            if tiktok.order_status(items[row.order_id], packages[row.order_id]) in statuses:
                found.append((row, items[row.order_id], packages[row.order_id]))
                if len(found) == wanted:
                    return found, last, True
        if len(rows) < WALK:
            return found, last, False
        if read >= WALK_AT_MOST:
            return found, last, True
        page = _past(stmt, column, query.sort_direction, getattr(last, query.sort_by),
                     last.order_id)


def count_orders(ctx: SandboxContext, query: OrderFilter) -> int:
    """How many orders match ``query``'s filters, whatever its page (not by TikTok status,
    which is worked out order by order: a count would read every candidate)."""
    if query.platform_status:
        raise ValueError("orders are not counted by platform_status")
    return ctx.session.scalar(
        select(func.count()).select_from(_filtered(ctx, query).subquery()))


def _sorted(ctx: SandboxContext, query: OrderFilter):
    """The filtered orders after the cursor, in the sort's order."""
    column = getattr(Order, query.sort_by)
    stmt = _filtered(ctx, query)
    if query.after:
        stmt = _past(stmt, column, query.sort_direction,
                     *decode_cursor(query.after, query.sort_by, query.sort_direction))
    return stmt.order_by(*((column.asc(), Order.order_id.asc()) if query.sort_direction == "asc"
                           else (column.desc(), Order.order_id.desc())))


def list_orders(ctx: SandboxContext, query: OrderFilter) -> OrderPage:
    stmt, limit = _sorted(ctx, query), query.limit
    cursor_row = None
    if query.platform_status:
        if query.offset:
            raise ValueError("a list by platform_status pages by cursor, not by offset")
        found, last, stopped = _showing(ctx, stmt, query, limit + 1)
        # A whole page goes on after its last order; a walk that stopped short of one, after
        # the last order it read.
        cursor_row = found[limit - 1][0] if len(found) > limit else last
        has_more, found = stopped, found[:limit]
    else:
        rows = list(ctx.session.scalars(stmt.offset(query.offset or None).limit(limit + 1)))
        has_more, rows = len(rows) > limit, rows[:limit]
        ids = [row.order_id for row in rows]
        items, packages = items_of(ctx, ids), packages_of(ctx, ids)
        found = [(row, items[row.order_id], packages[row.order_id]) for row in rows]
    return OrderPage(
        orders=[detail(ctx, row, items, packages) for row, items, packages in found],
        has_more=has_more,
        next_cursor=encode_cursor(cursor_row or found[-1][0], query.sort_by,
                                  query.sort_direction) if has_more else None,
        notes=_notes(ctx, query))
