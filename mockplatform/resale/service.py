"""Resale: a unit that failed delivery gets a second sale from the market's local resale
warehouse (POLICIES.md ``resale.*``; the path is drawn in resale/states.py).

The resale domain hears of the orders domain's events (its subscriptions, resale/__init__.py)
and acts on its own timers; logistics never calls it:

- ``order.failed_delivery`` (a cross-border parcel's last attempt failed): the parcel stays
  at the local reverse centre and each unit becomes a resale item, checked against
  ``resale.eligible`` at once. An ineligible unit goes straight to the return service; an
  eligible one is inspected ``resale.qc_checks.inspected_after`` (1 day) later, and its
  relisting instant (``resale.relist_delay``, 5 to 8 whole days after the failure, drawn from
  ``ctx.rng("resale_item:<id>", "relist_delay")``) is known and shown from the start. A unit of
  a resale order that fails delivery leaves resale (``resale.second_failure``).
- ``order.created`` with units taken from resale stock (orders/service.py takes a SKU's resale
  stock first): each takes the oldest listed unit of its SKU, and the platform ships them from
  the warehouse (logistics/fulfilment.py ``ship_from_resale_warehouse``).
- ``order.delivered``: a resold unit is sold. ``order.canceled``: a resold unit goes back on the
  shelf, with the window it had (or to the return service if that window is over).

What decides each inspection check, first match wins (inspection.py): an automatic reject
(``sku_listed`` for a delisted product, ``not_restricted`` for a restricted one); the warehouse
test helper's verdict on the unit; a magic value in the seller SKU or the product name
(``QCFAIL``, ``QCFAIL:<check>``; README.md "Magic values"); the seeded
``resale.qc_failure_rate`` per check (0 by default).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from mockplatform.catalog.models import Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.errors import InvalidStateTransition
from mockplatform.logistics import delivery, fulfilment
from mockplatform.logistics import packages as package_service
from mockplatform.orders import service as orders
from mockplatform.orders.models import Order, OrderItem
from mockplatform.resale import states
from mockplatform.resale.errors import ResaleItemNotFound
from mockplatform.resale.models import RESALE_ITEM_IDS, ResaleItem
from mockplatform.store.bulk import new_row

ELIGIBLE = "resale.eligible"
QC_CHECKS = "resale.qc_checks"
QC_FAILURE_RATE = "resale.qc_failure_rate"
RELIST_DELAY = "resale.relist_delay"
WINDOW = "resale.window"
STOCK_PRIORITY = orders.RESALE_PRIORITY
SECOND_FAILURE = "resale.second_failure"
CROSS_BORDER = "cross_border"

INSPECTION_TIMER = "resale.inspection"
RELIST_TIMER = "resale.relist"
WINDOW_TIMER = "resale.window_end"


def subject(unit: ResaleItem) -> str:
    return f"resale_item:{unit.resale_item_id}"


SERVICE = "resale.service"


def enabled(ctx: SandboxContext) -> bool:
    """The sandbox's profile has resale (Lazada's) and it is on (``resale.service``);
    elsewhere a failed parcel rides back to the seller (``logistics.return_leg``)."""
    return SERVICE in ctx.policies and ctx.policies.value(SERVICE)


def get(ctx: SandboxContext, resale_item_id: int) -> ResaleItem:
    unit = ctx.session.get(ResaleItem, (ctx.id, resale_item_id))
    if unit is None:
        raise ResaleItemNotFound(f"no resale item {resale_item_id} in this sandbox",
                                 details=[{"field": "resale_item_id", "location": "path",
                                           "message": "unknown resale item"}])
    return unit


def note(ctx: SandboxContext, unit: ResaleItem, step: str, **details: Any) -> None:
    """One step of the unit's timeline (what the item's page shows, in order)."""
    unit.timeline = [*unit.timeline, {"at": ctx.iso(ctx.now), "step": step, "details": details}]
    unit.updated_at = ctx.now


def summary(unit: ResaleItem) -> dict[str, Any]:
    """What every resale event says of its unit."""
    return {"resale_item_id": unit.resale_item_id, "order_id": unit.order_id,
            "order_item_id": unit.order_item_id, "sku_id": unit.sku_id,
            "seller_sku": unit.seller_sku, "state": unit.state}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def helper_actions(unit: ResaleItem) -> list[str]:
    """What the warehouse test helpers may do with the unit now."""
    return [a for a in states.UNIT.allowed(unit.state) if a in states.HELPER_ACTIONS]


def require(unit: ResaleItem, action: str, actor_actions: tuple[str, ...]) -> None:
    """A 409 naming the unit's state and what ``actor_actions`` (a test helper's, say) may do
    instead, when the state does not allow ``action``."""
    if not states.UNIT.can(unit.state, action):
        raise InvalidStateTransition(
            f"resale item {unit.resale_item_id}", unit.state, action,
            [a for a in states.UNIT.allowed(unit.state) if a in actor_actions])


def move(ctx: SandboxContext, unit: ResaleItem, action: str,
         actor_actions: tuple[str, ...] | None = None) -> None:
    """Take the unit by ``action``; see ``require`` for ``actor_actions``. Every change of a
    unit's state goes through here, so the shelves kept for the unit of work follow it."""
    if actor_actions is not None:
        require(unit, action, actor_actions)
    before = unit.state
    unit.state = states.UNIT.next_state(unit.state, action, label=f"resale item "
                                        f"{unit.resale_item_id}")
    unit.updated_at = ctx.now
    if (before == states.LISTED) != (unit.state == states.LISTED):
        _shelved(ctx, unit)


# -- the holder: the order item that has the unit now -------------------------------------------

def holder(ctx: SandboxContext, unit: ResaleItem) -> tuple[Order, OrderItem]:
    """The order item whose status follows the unit: the resale order's, once it is resold and
    until it comes back; the first order's otherwise."""
    if unit.state in (states.RESOLD, states.SOLD) or unit.exit_reason == states.SECOND_FAILURE:
        return _order_item(ctx, unit.resale_order_id, unit.resale_order_item_id)
    return _order_item(ctx, unit.order_id, unit.order_item_id)


def _order_item(ctx: SandboxContext, order_id: int, item_id: int) -> tuple[Order, OrderItem]:
    order = orders.get_order(ctx, order_id)
    return order, next(item for item in orders.items_of(ctx, [order_id])[order_id]
                       if item.order_item_id == item_id)


def move_holder(ctx: SandboxContext, unit: ResaleItem, action: str, **data: Any) -> None:
    """The first order's item follows the unit (``resale_pending``, ``resale_listed``,
    ``resold``)."""
    order, item = _order_item(ctx, unit.order_id, unit.order_item_id)
    orders.transition(ctx, order, [item], action,
                      data={"resale_item_id": unit.resale_item_id, **data})


def move_with_holder(ctx: SandboxContext, unit: ResaleItem, action: str, **data: Any) -> None:
    """Take the unit by ``action``, and the order item that holds it (``holder``, as it was
    before the move) along: the return service's outcomes."""
    order, item = holder(ctx, unit)
    move(ctx, unit, action)
    orders.transition(ctx, order, [item], action,
                      data={"resale_item_id": unit.resale_item_id, **data})


# -- a failed delivery ---------------------------------------------------------------------------

def on_failed_delivery(ctx: SandboxContext, type_: str, data: dict[str, Any]) -> None:
    """``order.failed_delivery``: the units of a platform-shipped parcel whose last attempt
    failed come into resale's hands (see the module's docstring)."""
    if not enabled(ctx) or "package_id" not in data:
        return
    order = orders.get_order(ctx, data["order_id"])
    if order.shipping_type != CROSS_BORDER:
        # Resale and the return service are for cross-border parcels [choice]: a local one
        # rides back to the seller whole (logistics.return_leg); the seller's own fleet keeps
        # its parcel.
        return
    failed = set(data["order_item_ids"])
    items = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if item.order_item_id in failed]
    package = package_service.get(ctx, data["package_id"])
    delivery.keep_at_reverse_centre(ctx, order, package)
    for item in items:
        if item.stock_source == orders.RESALE_STOCK:
            _second_failure(ctx, order, item)
        else:
            receive(ctx, order, item)


def ineligible_reasons(ctx: SandboxContext, item: OrderItem, product: Product | None
                       ) -> list[str]:
    """Why ``resale.eligible`` refuses the unit (none: it is eligible)."""
    rule = ctx.policies.value(ELIGIBLE)
    reasons = []
    if item.stock_source != orders.SELLER_STOCK:
        reasons.append("not_first_sales_attempt")
    if ctx.sandbox.market in rule["excluded_markets"]:
        reasons.append(f"market_excluded:{ctx.sandbox.market}")
    if product is None or product.status != "listed":
        reasons.append("sku_delisted")
    if product is not None and product.restricted:
        reasons.append("restricted_item")
    return reasons


def receive(ctx: SandboxContext, order: Order, item: OrderItem) -> ResaleItem:
    """A unit of a first sales attempt failed delivery: it becomes a resale item."""
    number = RESALE_ITEM_IDS.draw(ctx.sandbox.counters, ctx.sandbox.seed)[0]
    unit = new_row(ResaleItem, sandbox_id=ctx.id, resale_item_id=number,
                   order_id=order.order_id, order_item_id=item.order_item_id,
                   package_id=item.package_id or "", item_id=item.item_id, sku_id=item.sku_id,
                   seller_sku=item.seller_sku, name=item.name, market=ctx.sandbox.market,
                   price=item.paid_price, currency=order.currency,
                   state=states.INSPECTION_PENDING, failure_reason=item.reason,
                   failed_at=ctx.now, eligible=False, ineligible_reasons=[], inspect_at=None,
                   relist_at=None, window_ends_at=None, return_arrives_at=None,
                   inspected_at=None, qc_results=[], qc_scripted=None, relisted_at=None,
                   resale_order_id=None, resale_order_item_id=None, resold_at=None,
                   resale_price=None, sold_at=None, exit_reason="", exited_at=None,
                   return_service="", outcome="", outcome_at=None, compensation=None,
                   timeline=[], updated_at=ctx.now)
    ctx.session.add(unit)
    # Kept as read: its timers find it without writing everything pending to look it up.
    ctx.kept(package_service.HELD)[ResaleItem, (ctx.id, number)] = unit
    product = package_service.held(ctx, Product, (ctx.id, item.item_id))
    reasons = ineligible_reasons(ctx, item, product)
    note(ctx, unit, "failed_delivery", order_id=order.order_id, package_id=unit.package_id,
         reason=item.reason)
    if reasons:
        unit.ineligible_reasons = reasons
        ctx.record("resale.item_received", subject=subject(unit), data={
            **summary(unit), "eligible": False, "ineligible_reasons": reasons,
            "policy_key": ELIGIBLE})
        exit_to_return_service(ctx, unit, states.INELIGIBLE, reasons=reasons)
        return unit
    unit.eligible = True
    qc = ctx.policies.value(QC_CHECKS)
    unit.inspect_at = policy_deadline(ctx, QC_CHECKS, ctx.now, duration=qc["inspected_after"])
    unit.relist_at = policy_deadline(ctx, RELIST_DELAY, ctx.now,
                                     duration=relist_delay(ctx, unit))
    # A relisting is never before the inspection it waits for.
    unit.relist_at = max(unit.relist_at, unit.inspect_at)
    ctx.timers.schedule(INSPECTION_TIMER, unit.inspect_at, subject=subject(unit),
                        payload={"resale_item_id": unit.resale_item_id})
    ctx.record("resale.item_received", subject=subject(unit), data={
        **summary(unit), "eligible": True, "inspect_at": iso(unit.inspect_at),
        "relist_at": iso(unit.relist_at), "policy_key": ELIGIBLE})
    return unit


def relist_delay(ctx: SandboxContext, unit: ResaleItem) -> timedelta:
    """Whole days between the policy's bounds, drawn for this unit from the seed."""
    bounds = ctx.policies.value(RELIST_DELAY)
    low, high = bounds.min.days, max(bounds.max.days, bounds.min.days)
    return timedelta(days=ctx.rng(subject(unit), "relist_delay").randint(low, high))


# -- relisting, selling, the window -----------------------------------------------------------------

def relist(ctx: SandboxContext, unit: ResaleItem) -> None:
    """``resale.relist_delay`` after the failure: the unit is on the resale warehouse's shelf
    for ``resale.window``."""
    move(ctx, unit, "relist")
    unit.relisted_at = ctx.now
    unit.window_ends_at = policy_deadline(ctx, WINDOW, ctx.now)
    shelve(ctx, unit)
    note(ctx, unit, "relisted", window_ends_at=iso(unit.window_ends_at))
    move_holder(ctx, unit, "relist")
    ctx.record("resale.relisted", subject=subject(unit), data={
        **summary(unit), "relisted_at": iso(unit.relisted_at),
        "window_ends_at": iso(unit.window_ends_at), "policy_key": RELIST_DELAY})


def shelve(ctx: SandboxContext, unit: ResaleItem) -> None:
    """Put the unit on the shelf: resale stock of its SKU, and its window on the clock."""
    ctx.timers.schedule(WINDOW_TIMER, unit.window_ends_at, subject=subject(unit),
                        payload={"resale_item_id": unit.resale_item_id})
    refresh_stock(ctx, unit.sku_id)


# The listed units of each SKU read in this unit of work (``SHELVES``), and every unit that went
# on or off a shelf in it (``MOVED``), by SKU: one advance relists and expires thousands of
# units, and neither a flush nor a query per unit is needed to know a SKU's stock. Once every
# SKU's shelf is read (``ALL_SHELVES``, as an advance does), a SKU without one has none.
SHELVES, MOVED, ALL_SHELVES = "resale.shelves", "resale.moved", "resale.all_shelves"


def _shelved(ctx: SandboxContext, unit: ResaleItem) -> None:
    """The unit went on or off its SKU's shelf (``move``)."""
    ctx.kept(MOVED).setdefault(unit.sku_id, {})[unit.resale_item_id] = unit
    shelves = ctx.kept(SHELVES)
    shelf = shelves.get(unit.sku_id)
    if shelf is None:
        if not ctx.kept(ALL_SHELVES):
            return
        shelf = shelves[unit.sku_id] = {}
    if unit.state == states.LISTED:
        shelf[unit.resale_item_id] = unit
    else:
        shelf.pop(unit.resale_item_id, None)


def load_shelves(ctx: SandboxContext, sku_ids: Iterable[int] | None = None) -> None:
    """Read the listed units of the SKUs not read yet in this unit of work (``None``: of every
    SKU), in one query and without writing what is pending: a unit listed as stored but moved
    since is the session's own instance (its state as moved), and every unit moved on or off a
    shelf is in ``MOVED``, so the shelves are exact."""
    shelves, moved, everything = ctx.kept(SHELVES), ctx.kept(MOVED), ctx.kept(ALL_SHELVES)
    if everything:
        return
    query = select(ResaleItem).where(ResaleItem.sandbox_id == ctx.id,
                                     ResaleItem.state == states.LISTED)
    if sku_ids is None:
        everything["read"] = True
        wanted = set(moved) - set(shelves)
    else:
        wanted = {sku_id for sku_id in sku_ids if sku_id not in shelves}
        if not wanted:
            return
        query = query.where(ResaleItem.sku_id.in_(wanted))
    with ctx.session.no_autoflush:
        stored = [unit for unit in ctx.session.scalars(query) if unit.sku_id not in shelves]
    wanted |= {unit.sku_id for unit in stored}
    for sku_id in wanted:
        shelves[sku_id] = {}
    for unit in [*stored, *(unit for sku_id in wanted
                            for unit in moved.get(sku_id, {}).values())]:
        if unit.state == states.LISTED:
            shelves[unit.sku_id][unit.resale_item_id] = unit


def shelf(ctx: SandboxContext, sku_id: int) -> list[ResaleItem]:
    """The SKU's listed units, in no order."""
    load_shelves(ctx, [sku_id])
    return list(ctx.kept(SHELVES).get(sku_id, {}).values())


def refresh_stock(ctx: SandboxContext, sku_id: int) -> None:
    """The SKU's resale stock and oldest listing instant, from its listed units."""
    sku = package_service.held(ctx, Sku, (ctx.id, sku_id))
    if sku is None:
        return
    units = shelf(ctx, sku_id)
    sku.resale_stock = len(units)
    sku.resale_oldest_listed_at = min((unit.relisted_at for unit in units), default=None)
    sku.updated_at = ctx.now


def listed_units(ctx: SandboxContext, sku_id: int) -> list[ResaleItem]:
    """The SKU's units on the shelf, in the order ``resale.stock_priority`` picks them."""
    newest = ctx.policies.value(STOCK_PRIORITY)["pick_order"] == "newest_first"
    return sorted(shelf(ctx, sku_id), key=lambda unit: (unit.relisted_at, unit.resale_item_id),
                  reverse=newest)


RESERVED = "resale.reserved_units"


def on_order_created(ctx: SandboxContext, type_: str, data: dict[str, Any]) -> None:
    """A new order took units of resale stock: each is the next listed unit of its SKU (or the
    unit a warehouse helper sells), and the platform ships them from the warehouse."""
    taken = data.get("resale_stock_order_item_ids")
    if not taken:
        return
    order = orders.get_order(ctx, data["order_id"])
    wanted = set(taken)
    items = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if item.order_item_id in wanted]
    reserved = ctx.kept(RESERVED)
    shelves: dict[int, list[ResaleItem]] = {}
    for item in items:
        pinned = reserved.pop(item.sku_id, None)
        if pinned is not None:
            unit = pinned
        else:
            shelf = shelves.setdefault(item.sku_id, [
                u for u in listed_units(ctx, item.sku_id)
                if all(u is not p for p in reserved.values())])
            unit = shelf.pop(0)
        resell(ctx, unit, order, item)
    for sku_id in sorted({item.sku_id for item in items}):
        refresh_stock(ctx, sku_id)
    fulfilment.ship_from_resale_warehouse(ctx, order, items)


def sell(ctx: SandboxContext, resale_item_id: int, *, buyer_id: int | None = None,
         buyer: dict[str, Any] | None = None,
         payment_method: str = "prepaid") -> orders.OrderDetail:
    """The warehouse test helper: a buyer order for the listed unit's SKU, served from resale
    stock by exactly this unit (whatever ``resale.stock_priority`` would pick), placed as any
    order is (``buyer_id``, a new ``buyer`` or a generated one). The answer is the new order."""
    unit = get(ctx, resale_item_id)
    require(unit, "sell", states.HELPER_ACTIONS)
    reserved = ctx.kept(RESERVED)
    reserved[unit.sku_id] = unit  # on_order_created takes it off the shelf
    try:
        return orders.place(ctx, lines=[orders.OrderLine(sku_id=unit.sku_id)],
                            buyer_id=buyer_id, buyer=buyer, payment_method=payment_method)
    finally:
        reserved.pop(unit.sku_id, None)


def resell(ctx: SandboxContext, unit: ResaleItem, order: Order, item: OrderItem) -> None:
    move(ctx, unit, "resell")
    unit.resale_order_id, unit.resale_order_item_id = order.order_id, item.order_item_id
    unit.resold_at, unit.resale_price = ctx.now, item.paid_price
    ctx.timers.cancel(subject=subject(unit), kind_name=WINDOW_TIMER)
    note(ctx, unit, "resold", resale_order_id=order.order_id,
         resale_order_item_id=item.order_item_id)
    move_holder(ctx, unit, "resell", resale_order_id=order.order_id)
    ctx.record("resale.resold", subject=subject(unit), data={
        **summary(unit), "resale_order_id": order.order_id,
        "resale_order_item_id": item.order_item_id, "price": str(item.paid_price),
        "currency": order.currency, "policy_key": STOCK_PRIORITY})


def end_window_now(ctx: SandboxContext, resale_item_id: int) -> ResaleItem:
    """The warehouse test helper: the listed unit's window ends now (``expire``)."""
    unit = get(ctx, resale_item_id)
    require(unit, "expire_window", states.HELPER_ACTIONS)
    unit.window_ends_at = ctx.now
    note(ctx, unit, "window_ended_by_test_helper")
    expire(ctx, unit)
    return unit


def expire(ctx: SandboxContext, unit: ResaleItem) -> None:
    """``resale.window``: the unit was not sold in time and leaves the shelf."""
    ctx.timers.cancel(subject=subject(unit), kind_name=WINDOW_TIMER)
    ctx.record("resale.window_expired", subject=subject(unit), data={
        **summary(unit), "window_ends_at": iso(unit.window_ends_at), "policy_key": WINDOW})
    exit_to_return_service(ctx, unit, states.WINDOW_EXPIRED)
    refresh_stock(ctx, unit.sku_id)


def _second_failure(ctx: SandboxContext, order: Order, item: OrderItem) -> None:
    unit = ctx.session.scalar(select(ResaleItem).where(
        ResaleItem.sandbox_id == ctx.id, ResaleItem.resale_order_item_id == item.order_item_id,
        ResaleItem.state == states.RESOLD))
    if unit is None:
        return
    note(ctx, unit, "failed_delivery_again", resale_order_id=order.order_id,
         reason=item.reason)
    ctx.record("resale.second_failure", subject=subject(unit), data={
        **summary(unit), "resale_order_id": order.order_id, "reason": item.reason,
        "policy_key": SECOND_FAILURE})
    exit_to_return_service(ctx, unit, states.SECOND_FAILURE)


def exit_to_return_service(ctx: SandboxContext, unit: ResaleItem, reason: str,
                           **details: Any) -> None:
    """The unit leaves resale: the seller's return service decides what becomes of it."""
    from mockplatform.resale import return_service  # noqa: PLC0415 - it builds on this module

    unit.exit_reason, unit.exited_at = reason, ctx.now
    note(ctx, unit, "left_resale", reason=reason, **details)
    return_service.route(ctx, unit)
