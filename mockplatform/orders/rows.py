"""How orders, their items and their packages are read from the store: mapped instances in a
writing unit of work, the rows' plain values in a reading one, and each order's items and
packages kept for the unit of work once read (``orders.service`` reads through here)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import bindparam, select

from mockplatform.engine.context import SandboxContext
from mockplatform.orders.models import AFTERSALES_PARCELS, Order, Package

# A reading unit of work never changes what it reads (a read that finds timers due is redone as
# a write before any of this): its orders, items and packages are the rows' plain values
# (``Row``s, read by the same attribute names as the mapped classes), selected by statements
# built once. Loading mapped instances into the session costs several times the query.

def plain(ctx: SandboxContext):
    return ctx.session.connection()


@cache
def read_order():
    table = Order.__table__
    return select(table).where(table.c.sandbox_id == bindparam("sandbox_id"),
                               table.c.order_id == bindparam("order_id"))


# Rows that name an order without being its own: an after-sales request's parcels (a buyer's
# return, a reshipment) carry their order's id, but the order was not shipped in them. Left out
# where they are read, so every reader of an order's packages sees the order's own.
NOT_THE_ORDERS = {Package: (Package.__table__.c.ships_from, AFTERSALES_PARCELS)}


def _own(model) -> tuple:
    excluded = NOT_THE_ORDERS.get(model)
    return () if excluded is None else (excluded[0].not_in(excluded[1]),)


@cache
def read_by_order(model, order_by: tuple[str, ...], one: bool):
    """``one``: the rows of one order, by equality. An expanding ``IN`` is rendered anew at
    every execution, which costs a single order's read more than the query itself."""
    table = model.__table__
    order_ids = (table.c.order_id == bindparam("order_id") if one
                 else table.c.order_id.in_(bindparam("order_ids", expanding=True)))
    return select(table).where(table.c.sandbox_id == bindparam("sandbox_id"), order_ids,
                               *_own(model)) \
        .order_by(table.c.order_id, *(table.c[name] for name in order_by))


# An order's items and packages, kept for the unit of work once read (or once placed): every
# transition reads them again, and one advance moves thousands of items. The items of an order
# are all made when it is placed; a new package joins its order's list (``add_package``).
KEPT_ROWS = "orders.rows"


def by_order(ctx: SandboxContext, model, order_ids: Iterable[int], *order_by: str) -> dict:
    """Rows of ``model`` for each of ``order_ids`` (one query), in the order of the columns
    named ``order_by``: mapped instances in a writing unit of work, plain rows in a reading one
    (see ``read_order``)."""
    order_ids = list(order_ids)
    kept = ctx.kept(KEPT_ROWS)
    missing = [order_id for order_id in order_ids if (model, order_id) not in kept]
    if missing:
        by_order: dict[int, list] = {order_id: [] for order_id in missing}
        if ctx.writable:
            rows = ctx.session.scalars(select(model).where(
                model.sandbox_id == ctx.id, model.order_id.in_(missing), *_own(model))
                .order_by(model.order_id, *(getattr(model, name) for name in order_by)))
        else:
            one = len(missing) == 1
            rows = plain(ctx).execute(
                read_by_order(model, order_by, one),
                {"sandbox_id": ctx.id, **({"order_id": missing[0]} if one
                                          else {"order_ids": missing})})
        for row in rows:
            by_order[row.order_id].append(row)
        for order_id, rows in by_order.items():
            kept[model, order_id] = rows
    # Copies: a caller may change its list without changing what the next one reads.
    return {order_id: list(kept[model, order_id]) for order_id in order_ids}
