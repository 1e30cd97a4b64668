"""Orders: placing them (as the buyer), reading them, and moving their items through the state
machine. No Flask here; all time is the sandbox's ``ctx.now``.

Every status change of an item goes through ``transition``: it checks the whole batch against
the machine first (one illegal item and nothing changes), moves the items, keeps the order's
``updated_at`` and "delayed" point right, and records one ``order.<status>`` event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import buyers as buyer_service
from mockplatform.catalog import money
from mockplatform.catalog import states as product_states
from mockplatform.catalog.models import Buyer, Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.statemachine import StateMachine
from mockplatform.errors import (
    InvalidStateTransition,
    NotFound,
    ValidationFailed,
)
from mockplatform.orders import delayed, flows, rows, states, stock, tiktok
from mockplatform.orders.errors import (
    OrderNotFound,
    OrdersNotAvailable,
    ProductNotListed,
    UnknownBuyer,
    UnknownSku,
    WrongOrderFlow,
)
from mockplatform.orders.models import (
    ADDRESS_FIELDS,
    AFTERSALES_PARCELS,
    ORDER_IDS,
    ORDER_ITEM_IDS,
    Order,
    OrderItem,
    Package,
)
from mockplatform.store.bulk import new_row

LAZADA, SEMI_HOSTED, TIKTOK = flows.LAZADA, flows.SEMI_HOSTED, flows.TIKTOK
PLATFORM_LOGISTICS = flows.PLATFORM_LOGISTICS
PAYMENT_METHODS = ("prepaid", "cod")
SELLER_OWN_FLEET = flows.SELLER_OWN_FLEET
SHIPPING_TYPES = ("cross_border", "local", SELLER_OWN_FLEET)
MAX_UNITS_PER_ORDER = stock.MAX_UNITS_PER_ORDER
SELLER_STOCK, RESALE_STOCK = stock.SELLER_STOCK, stock.RESALE_STOCK
REPLACEMENT_STOCK = stock.REPLACEMENT_STOCK
RESALE_PRIORITY = stock.RESALE_PRIORITY
restore_stock = stock.restore_stock
RTS_DEADLINE = flows.RTS_DEADLINE
order_subject = flows.order_subject
DELAYED_WARNING = delayed.DELAYED_WARNING
refresh_delayed = delayed.refresh_delayed

FLOW_OF_PLATFORM = flows.FLOW_OF_PLATFORM


def flow_of(ctx: SandboxContext) -> str:
    """The order flow of the sandbox's profile; a profile without one takes no orders yet."""
    flow = FLOW_OF_PLATFORM.get(ctx.sandbox.platform)
    if flow is None:
        raise OrdersNotAvailable(f"the {ctx.sandbox.platform} profile has no order flow yet: orders can "
                                 f"be placed in {', '.join(sorted(FLOW_OF_PLATFORM))} sandboxes",
                                 details=[{"field": "platform", "location": "sandbox",
                                           "message": f"no order flow for {ctx.sandbox.platform}",
                                           "current_state": ctx.sandbox.platform,
                                           "allowed_platforms": sorted(FLOW_OF_PLATFORM)}])
    return flow


# The shipping kinds each flow's orders may take [choice]: a TikTok Shop parcel is always the
# platform carrier's (no seller's own fleet in this sandbox).
SHIPPING_OF_FLOW = {TIKTOK: ("cross_border", "local")}


def check_shipping(flow: str, shippings: Iterable[str], field: str) -> None:
    """Refuse a shipping kind the flow's orders do not take: a 400 naming ``field``."""
    allowed = SHIPPING_OF_FLOW.get(flow, SHIPPING_TYPES)
    for shipping in shippings:
        if shipping not in allowed:
            raise ValidationFailed.field(field, f"a {flow} order ships {' or '.join(allowed)}, "
                                                f"got {shipping!r}")


def machine_of(order: Order) -> StateMachine:
    return flows.FLOWS[order.flow].machine


def require_flow(ctx: SandboxContext, order: Order, flow: str | frozenset[str],
                 action: str) -> None:
    """Refuse ``action``, a step of ``flow`` only (or of the flows named), on an order of
    another flow: a 409 naming the order's flow and what its seller can do instead (pack and
    cancel exist in every flow; accept and ship only in the semi-hosted one, ready to ship only
    in the platform-logistics ones)."""
    if order.flow == flow or (not isinstance(flow, str) and order.flow in flow):
        return
    items = items_of(ctx, [order.order_id])[order.order_id]
    allowed = seller_actions(order, items)
    steps_of = (f"the {flow} flow" if isinstance(flow, str)
                else f"the {' and '.join(sorted(flow))} flows")
    raise WrongOrderFlow(f"order {order.order_id} follows the {order.flow} flow: {action} is a step "
                         f"of {steps_of}; allowed actions: {', '.join(allowed) or 'none'}",
                         details=[{"field": "order_id", "location": "path",
                                   "message": f"a {order.flow} order cannot {action}",
                                   "flow": order.flow, "current_state": statuses_of(items),
                                   "action": action, "allowed_actions": allowed}])


# -- reading ------------------------------------------------------------------------------------

def order_not_found(order_id: int) -> NotFound:
    return OrderNotFound(f"no order {order_id} in this sandbox",
                         details=[{"field": "order_id", "location": "path",
                                   "message": "unknown order"}])


def get_order(ctx: SandboxContext, order_id: int) -> Order:
    """The order, to read and change; a reading unit of work gets the row's plain values."""
    if ctx.writable:
        order = ctx.session.get(Order, (ctx.id, order_id))
    else:
        order = rows.plain(ctx).execute(rows.read_order(), {"sandbox_id": ctx.id,
                                                    "order_id": order_id}).first()
    if order is None:
        raise order_not_found(order_id)
    return order


def get_orders(ctx: SandboxContext, order_ids: Iterable[int]) -> dict[int, Order]:
    """The orders of ``order_ids`` that exist, by id, in one query (as ``get_order`` reads
    one: mapped in a writing unit of work, plain rows in a reading one)."""
    wanted = sorted(set(order_ids))
    if not wanted:
        return {}
    if ctx.writable:
        found = ctx.session.scalars(select(Order).where(Order.sandbox_id == ctx.id,
                                                        Order.order_id.in_(wanted)))
    else:
        table = Order.__table__
        found = rows.plain(ctx).execute(select(table).where(
            table.c.sandbox_id == ctx.id, table.c.order_id.in_(wanted)))
    return {order.order_id: order for order in found}


def items_of(ctx: SandboxContext, order_ids: Iterable[int]) -> dict[int, list[OrderItem]]:
    return rows.by_order(ctx, OrderItem, order_ids, "order_item_id")


def packages_of(ctx: SandboxContext, order_ids: Iterable[int]) -> dict[int, list[Package]]:
    """The packages the order was shipped in; a buyer's return parcel (``ships_from`` buyer)
    and a reshipment are the after-sales request's, not among them (``rows.NOT_THE_ORDERS``)."""
    return rows.by_order(ctx, Package, order_ids, "packed_at", "package_id")


def add_package(ctx: SandboxContext, package: Package) -> None:
    """A new package of its order: it joins the order's list, if kept, where the query would
    put it (it is written with the next flush, before any query could read it)."""
    if package.ships_from in AFTERSALES_PARCELS:
        return
    packages = ctx.kept(rows.KEPT_ROWS).get((Package, package.order_id))
    if packages is not None:
        packages.append(package)
        packages.sort(key=lambda p: (p.packed_at, p.package_id))


def statuses_of(items: Iterable[OrderItem]) -> list[str]:
    """The order's ``statuses``: its items' statuses, each once, in the machine's order."""
    present = {item.status for item in items}
    return [status for status in states.ALL_STATUSES if status in present]


# -- placing (the buyer) --------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderLine:
    """A line of an order being placed: a SKU, by id or by seller SKU, and how many units."""

    quantity: int = 1
    sku_id: int | None = None
    seller_sku: str | None = None


def place(ctx: SandboxContext, *, lines: Sequence[OrderLine], buyer_id: int | None = None,
          buyer: dict[str, Any] | None = None, payment_method: str = "prepaid",
          shipping: str = "cross_border") -> OrderDetail:
    """Place an order as the buyer (``buyer_id``, a new ``buyer`` with the fields given, or a
    generated one): stock is taken for every unit or for none."""
    order, items = place_order(ctx, lines=lines, buyer_id=buyer_id, buyer=buyer,
                               payment_method=payment_method, shipping=shipping)
    # Units taken from resale stock are packed and shipped by the platform as the order is
    # placed: the order may have a package already (kept since it was made, no query).
    return detail(ctx, order, items, packages_of(ctx, [order.order_id])[order.order_id])


def place_order(ctx: SandboxContext, *, lines: Sequence[OrderLine], buyer_id: int | None = None,
                buyer: dict[str, Any] | None = None, payment_method: str = "prepaid",
                shipping: str = "cross_border") -> tuple[Order, list[OrderItem]]:
    """``place`` without reading the order back: the order and its items. An unknown or
    unlisted SKU, or stock short of a line, is refused before anything is written."""
    flow = flow_of(ctx)
    check_shipping(flow, [shipping], "shipping")
    skus = _skus_for(ctx, lines)
    from_resale = stock.take(ctx, lines, skus, shipping)
    buyer_row = _buyer_for(ctx, buyer_id, buyer)
    units = [unit for line, unit in zip(lines, skus, strict=True)
             for _ in range(line.quantity)]
    return create(ctx, flow, buyer_row, units, payment_method=payment_method,
                  shipping=shipping, sources=stock.sources(units, from_resale))


@dataclass(frozen=True)
class Replacing:
    """What makes a new order a replacement order (aftersales/reshipment.py): the order it
    replaces (its address, payment method and shipping option are the new order's) and when the
    seller must have shipped it (the reshipment's ship deadline, the one deadline it has: it
    starts no deadline timer of its own). Its units are free of charge and taken from no stock
    counter (``REPLACEMENT_STOCK``)."""

    original: Order
    ship_by: datetime


def create(ctx: SandboxContext, flow: str, buyer: Buyer, units: Sequence[tuple[Sku, Product]], *,
           payment_method: str, shipping: str, shipping_fee: Decimal = Decimal(0),
           sources: Sequence[str] | None = None,
           replacing: Replacing | None = None) -> tuple[Order, list[OrderItem]]:
    """A new order of one item per unit, its deadlines started and ``order.created`` recorded.
    The caller has checked the SKUs and taken their stock; ``sources`` says, per unit, whose
    (default: the seller's). A replacement order (``replacing``) awaits shipment at once."""
    code = money.currency_of(ctx.sandbox.market)
    first = flows.FLOWS[flow].first_status
    status = first(ctx) if first is not None and replacing is None else states.PENDING
    order_id = ORDER_IDS.draw(ctx.sandbox.counters, ctx.sandbox.seed)[0]
    item_ids = ORDER_ITEM_IDS.draw(ctx.sandbox.counters, ctx.sandbox.seed, len(units))
    now = ctx.now
    free = replacing is not None
    prices = [Decimal(0) if free else sku.price for sku, _ in units]
    address = (dict(replacing.original.address_shipping) if free
               else {name: getattr(buyer, name) for name in ADDRESS_FIELDS})
    order = new_row(Order, sandbox_id=ctx.id, order_id=order_id, flow=flow, buyer_id=buyer.buyer_id,
                  payment_method=payment_method, shipping_type=shipping,
                  currency=code, price=sum(prices, Decimal(0)),
                  shipping_fee=shipping_fee, items_count=len(units),
                  address_shipping=address,
                  replaced_order_id=replacing.original.order_id if free else None,
                  created_at=now, updated_at=now, rts_deadline=now)
    if free:
        sources = [REPLACEMENT_STOCK] * len(units)
    items = [new_row(OrderItem, sandbox_id=ctx.id, order_item_id=item_id, order_id=order_id,
                     item_id=product.item_id, sku_id=sku.sku_id, seller_sku=sku.seller_sku,
                     name=product.name, item_price=price, paid_price=price,
                     status=status, reason="", reason_detail="",
                     cancel_return_initiator="", stock_source=source, failed_delivery_at=None,
                     created_at=now, updated_at=now)
             for item_id, (sku, product), source, price in zip(
                 item_ids, units, sources or [SELLER_STOCK] * len(units), prices, strict=True)]
    ctx.session.add(order)
    ctx.session.add_all(items)
    # All its items, and no package yet: what the next step would otherwise query for.
    kept = ctx.kept(rows.KEPT_ROWS)
    kept[OrderItem, order_id] = sorted(items, key=lambda item: item.order_item_id)
    kept[Package, order_id] = []
    if free:
        order.rts_deadline = replacing.ship_by
    else:
        start_deadlines(ctx, order)
    refresh_delayed(ctx, order, items, [])
    data = {"order_id": order_id, "flow": flow, "buyer_id": buyer.buyer_id,
            "payment_method": payment_method, "shipping_type": shipping,
            "price": money.format_amount(order.price, code), "currency": code,
            "order_item_ids": [item.order_item_id for item in items],
            "statuses": statuses_of(items), "deadlines": deadlines_json(ctx, order, [])}
    if flow == TIKTOK:
        data["platform_status"] = tiktok.order_status(items, [])
    if free:
        data.update(is_replacement_order=True, replaced_order_id=replacing.original.order_id)
    from_resale = [item.order_item_id for item in items if item.stock_source == RESALE_STOCK]
    if from_resale:  # the resale domain ships these (its subscription to order.created)
        data["resale_stock_order_item_ids"] = from_resale
    ctx.record("order.created", subject=order_subject(order_id), data=data)
    return order, items


def _skus_for(ctx: SandboxContext, lines: Sequence[OrderLine]) -> list[tuple[Sku, Product]]:
    found = []
    for index, line in enumerate(lines):
        if line.sku_id is not None:
            sku = ctx.session.get(Sku, (ctx.id, line.sku_id))
            field, value = f"items.{index}.sku_id", line.sku_id
        else:
            sku = ctx.session.scalar(select(Sku).where(Sku.sandbox_id == ctx.id,
                                                       Sku.seller_sku == line.seller_sku))
            field, value = f"items.{index}.seller_sku", line.seller_sku
        if sku is None:
            raise UnknownSku(f"{field}: no SKU {value!r} in this sandbox",
                             details=[{"field": field, "location": "body",
                                       "message": "unknown SKU"}])
        product = ctx.session.get(Product, (ctx.id, sku.item_id))
        if product.status != product_states.LISTED:
            raise ProductNotListed(f"{field}: product {product.item_id} is {product.status} and cannot "
                                   f"be ordered",
                                   details=[{"field": field, "location": "body",
                                             "message": f"product is {product.status}",
                                             "current_state": product.status}])
        found.append((sku, product))
    return found


def _buyer_for(ctx: SandboxContext, buyer_id: int | None, fields: dict[str, Any] | None):
    if buyer_id is not None:
        buyer = ctx.session.get(Buyer, (ctx.id, buyer_id))
        if buyer is None:
            raise UnknownBuyer(f"buyer_id: no buyer {buyer_id} in this sandbox",
                               details=[{"field": "buyer_id", "location": "body",
                                         "message": "unknown buyer"}])
        return buyer
    return buyer_service.create(ctx, fields or {})


# -- deadlines ------------------------------------------------------------------------------------

def start_deadlines(ctx: SandboxContext, order: Order) -> None:
    """The timers a new order starts, by its flow."""
    flows.FLOWS[order.flow].start_deadlines(ctx, order)


def deadlines_json(ctx: SandboxContext, order: Order,
                   packages: Sequence[Package]) -> dict[str, Any]:
    """The deadlines the seller can still miss or has met, as an event records them."""
    return flows.deadlines_document(flows.deadlines_of(ctx, order, packages))


# -- moving items ---------------------------------------------------------------------------------

def check_allowed(order: Order, items: Sequence[OrderItem], action: str,
                  actor_actions: Iterable[str] | None = None) -> None:
    """Refuse the whole batch if any item may not take ``action``: a 409 naming the item, its
    status and what it allows (only ``actor_actions``, when given: the seller is told what the
    seller can do, not what the carrier can)."""
    machine = machine_of(order)
    for item in items:
        if not machine.can(item.status, action, order):
            allowed = machine.allowed(item.status, order)
            if actor_actions is not None:
                allowed = [a for a in allowed if a in actor_actions]
            raise InvalidStateTransition(f"order item {item.order_item_id} of order "
                                         f"{order.order_id}", item.status, action, allowed)


def transition(ctx: SandboxContext, order: Order, items: Sequence[OrderItem], action: str, *,
               actor_actions: Iterable[str] | None = None, reason: str = "",
               reason_detail: str = "", initiator: str = "",
               data: dict[str, Any] | None = None) -> str:
    """Move ``items`` (all of one order) by ``action``: all or none. Records ``order.<status>``
    with the items moved and returns the status they reached."""
    check_allowed(order, items, action, actor_actions)
    machine = machine_of(order)
    targets = {machine.next_state(item.status, action, label="item", subject=order)
               for item in items}
    if len(targets) != 1:
        raise ValueError(f"{action} leads items of order {order.order_id} to several states")
    [target] = targets
    previous = sorted({item.status for item in items})
    for item in items:
        item.status = target
        item.updated_at = ctx.now
        if target == states.FAILED_DELIVERY:
            item.failed_delivery_at = ctx.now
        if reason:
            item.reason, item.reason_detail = reason, reason_detail[:255]
        if initiator:
            item.cancel_return_initiator = initiator
    order.updated_at = ctx.now
    all_items = items_of(ctx, [order.order_id])[order.order_id]
    if order.flow == LAZADA and action in states.LEAVES_AWAITING_RTS and not any(
            item.status in states.AWAITING_RTS for item in all_items):
        # Nothing left for the deadline to cancel: drop its timer so the timers list shows
        # only what can still happen (its handler would find nothing to do anyway).
        ctx.timers.cancel(subject=order_subject(order.order_id), kind_name=RTS_DEADLINE)
    packages = packages_of(ctx, [order.order_id])[order.order_id]
    refresh_delayed(ctx, order, all_items, packages)
    hook = flows.FLOWS[order.flow].on_transition
    more = hook(ctx, order, all_items, packages, previous) if hook is not None else None
    ctx.record(f"order.{target}", subject=order_subject(order.order_id), data={
        "order_id": order.order_id, "order_item_ids": [item.order_item_id for item in items],
        "previous_statuses": previous, "status": target, "reason": reason,
        "reason_detail": reason_detail, "initiator": initiator,
        "statuses": statuses_of(all_items), **(more or {}), **(data or {})})
    return target


# -- reading whole orders -------------------------------------------------------------------------

SELLER_ACTIONS = ("pack", "ready_to_ship", "cancel", "repack", "accept", "ship")


def seller_actions(order: Order, items: Sequence[OrderItem]) -> list[str]:
    """What the seller may do with some item of ``items`` now, in the machine's order."""
    machine = machine_of(order)
    return [a for a in dict.fromkeys(a for item in items
                                     for a in machine.allowed(item.status, order))
            if a in SELLER_ACTIONS]


@dataclass(frozen=True)
class OrderDetail:
    """An order as its seller reads it: the row, its items (one per unit) and its packages,
    its deadlines (names to aware instants; a lateness as a timedelta; None where not known
    yet) and whether it is in the delayed view now."""

    order: Order
    items: list[OrderItem]
    packages: list[Package]
    deadlines: dict[str, Any]
    delayed: bool

    @property
    def statuses(self) -> list[str]:
        return statuses_of(self.items)

    @cached_property
    def platform_status(self) -> str | None:
        """The order's status in its platform's own vocabulary, where it has one (TikTok)."""
        if self.order.flow != TIKTOK:
            return None
        return tiktok.order_status(self.items, self.packages)

    @cached_property
    def platform_statuses(self) -> dict[int, str] | None:
        """Each unit's status in the platform's own vocabulary, by order item id (TikTok)."""
        if self.order.flow != TIKTOK:
            return None
        return tiktok.unit_statuses(self.items, self.packages)

    def allowed_actions(self, item: OrderItem) -> list[str]:
        """What the seller may do with ``item`` now."""
        return seller_actions(self.order, [item])

    @property
    def order_allowed_actions(self) -> list[str]:
        return seller_actions(self.order, self.items)

    def package_of(self, item: OrderItem) -> Package | None:
        return next((p for p in self.packages if p.package_id == item.package_id), None)


def detail(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
           packages: Sequence[Package]) -> OrderDetail:
    return OrderDetail(order=order, items=list(items), packages=list(packages),
                       deadlines=flows.deadlines_of(ctx, order, packages),
                       delayed=order.delayed_from is not None and order.delayed_from <= ctx.now)


def describe(ctx: SandboxContext, order_id: int) -> OrderDetail:
    order = get_order(ctx, order_id)
    return detail(ctx, order, items_of(ctx, [order_id])[order_id],
                  packages_of(ctx, [order_id])[order_id])
