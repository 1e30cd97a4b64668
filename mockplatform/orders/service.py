"""Orders: placing them (as the buyer), reading them, and moving their items through the state
machine. No Flask here; all time is the sandbox's ``ctx.now``.

Every status change of an item goes through ``transition``: it checks the whole batch against
the machine first (one illegal item and nothing changes), moves the items, keeps the order's
``updated_at`` and "delayed" point right, and records one ``order.<status>`` event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import buyers as buyer_service
from mockplatform.catalog import money
from mockplatform.catalog import states as product_states
from mockplatform.catalog.models import Buyer, Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.engine.statemachine import StateMachine
from mockplatform.errors import Conflict, InvalidRequest, InvalidStateTransition, NotFound
from mockplatform.logistics.models import Package
from mockplatform.orders import states
from mockplatform.orders.models import (
    ADDRESS_FIELDS,
    ORDER_IDS,
    ORDER_ITEM_IDS,
    Order,
    OrderItem,
)

LAZADA, SEMI_HOSTED = "lazada", "semi_hosted"
PAYMENT_METHODS = ("prepaid", "cod")
SHIPPING_TYPES = ("cross_border", "local")
MAX_UNITS_PER_ORDER = 100
RTS_DEADLINE = "order.rts_deadline"
DELAYED_WARNING = "order.delayed_warning"

# The flow of each platform profile's orders; a flow has its own item machine.
FLOW_OF_PLATFORM = {"lazada": LAZADA, "aliexpress": SEMI_HOSTED}
MACHINES: dict[str, StateMachine] = {LAZADA: states.ITEM, SEMI_HOSTED: states.SEMI_HOSTED_ITEM}


def flow_of(ctx: SandboxContext) -> str:
    """The order flow of the sandbox's profile; a profile without one takes no orders yet."""
    flow = FLOW_OF_PLATFORM.get(ctx.sandbox.platform)
    if flow is None:
        raise Conflict(f"the {ctx.sandbox.platform} profile has no order flow yet: orders can "
                       f"be placed in lazada and aliexpress sandboxes",
                       code="orders_not_available",
                       details=[{"field": "platform", "location": "sandbox",
                                 "message": f"no order flow for {ctx.sandbox.platform}",
                                 "current_state": ctx.sandbox.platform,
                                 "allowed_platforms": sorted(FLOW_OF_PLATFORM)}])
    return flow


def machine_of(order: Order) -> StateMachine:
    return MACHINES[order.flow]


def require_flow(ctx: SandboxContext, order: Order, flow: str, action: str) -> None:
    """Refuse ``action``, a step of ``flow`` only, on an order of another flow: a 409 naming
    the order's flow and what its seller can do instead (pack and cancel exist in every flow;
    accept and ship only in the semi-hosted one, ready to ship only in Lazada's)."""
    if order.flow == flow:
        return
    machine = machine_of(order)
    items = items_of(ctx, [order.order_id])[order.order_id]
    allowed = [a for a in dict.fromkeys(a for item in items for a in machine.allowed(item.status))
               if a in SELLER_ACTIONS]
    raise Conflict(f"order {order.order_id} follows the {order.flow} flow: {action} is a step "
                   f"of the {flow} flow; allowed actions: {', '.join(allowed) or 'none'}",
                   code="wrong_order_flow",
                   details=[{"field": "order_id", "location": "path",
                             "message": f"a {order.flow} order cannot {action}",
                             "flow": order.flow, "current_state": statuses_of(items),
                             "action": action, "allowed_actions": allowed}])


# -- reading ------------------------------------------------------------------------------------

def order_not_found(order_id: int) -> NotFound:
    return NotFound(f"no order {order_id} in this sandbox", code="order_not_found",
                    details=[{"field": "order_id", "location": "path",
                              "message": "unknown order"}])


def get_order(ctx: SandboxContext, order_id: int) -> Order:
    order = ctx.session.get(Order, (ctx.id, order_id))
    if order is None:
        raise order_not_found(order_id)
    return order


# An order's items and packages, kept for the unit of work once read: every transition reads
# them again, and one advance moves thousands of items. The items of an order are all made when
# it is placed; a new package makes its order's list be read again (``forget_packages``).
KEPT_ROWS = "orders.rows"


def _by_order(ctx: SandboxContext, model, order_ids: Iterable[int], *order_by) -> dict:
    """Rows of ``model`` for each of ``order_ids`` (one query), in ``order_by`` order."""
    order_ids = list(order_ids)
    kept = ctx.kept(KEPT_ROWS)
    missing = [order_id for order_id in order_ids if (model, order_id) not in kept]
    if missing:
        by_order: dict[int, list] = {order_id: [] for order_id in missing}
        for row in ctx.session.scalars(select(model).where(
                model.sandbox_id == ctx.id, model.order_id.in_(missing))
                .order_by(model.order_id, *order_by)):
            by_order[row.order_id].append(row)
        for order_id, rows in by_order.items():
            kept[model, order_id] = rows
    # Copies: a caller may change its list without changing what the next one reads.
    return {order_id: list(kept[model, order_id]) for order_id in order_ids}


def items_of(ctx: SandboxContext, order_ids: Iterable[int]) -> dict[int, list[OrderItem]]:
    return _by_order(ctx, OrderItem, order_ids, OrderItem.order_item_id)


def packages_of(ctx: SandboxContext, order_ids: Iterable[int]) -> dict[int, list[Package]]:
    return _by_order(ctx, Package, order_ids, Package.packed_at, Package.package_id)


def forget_packages(ctx: SandboxContext, order_id: int) -> None:
    """The order has a new package: its list is read again, in order, when next asked for."""
    ctx.kept(KEPT_ROWS).pop((Package, order_id), None)


def statuses_of(items: Iterable[OrderItem]) -> list[str]:
    """The order's ``statuses``: its items' statuses, each once, in the machine's order."""
    present = {item.status for item in items}
    return [status for status in states.ALL_STATUSES if status in present]


# -- placing (the buyer) --------------------------------------------------------------------------

def place(ctx: SandboxContext, spec: dict[str, Any]) -> dict[str, Any]:
    """Place an order as the buyer: stock is taken for every unit or for none."""
    flow = flow_of(ctx)
    lines = spec["items"]
    skus = _skus_for(ctx, lines)
    _take_stock(ctx, lines, skus)
    buyer = _buyer_for(ctx, spec)
    units = [unit for line, unit in zip(lines, skus, strict=True)
             for _ in range(line["quantity"])]
    order, items = create(ctx, flow, buyer, units,
                          payment_method=spec.get("payment_method", "prepaid"),
                          shipping=spec.get("shipping", "cross_border"),
                          shipping_fee=spec.get("shipping_fee", Decimal(0)))
    return order_view(ctx, order, items, [])


def create(ctx: SandboxContext, flow: str, buyer: Buyer, units: Sequence[tuple[Sku, Product]], *,
           payment_method: str, shipping: str,
           shipping_fee: Decimal = Decimal(0)) -> tuple[Order, list[OrderItem]]:
    """A new order of one item per unit, its deadlines started and ``order.created`` recorded.
    The caller has checked the SKUs and taken their stock."""
    code = money.currency_of(ctx.sandbox.market)
    order_id = ORDER_IDS.draw(ctx.sandbox.counters, ctx.sandbox.seed)[0]
    item_ids = ORDER_ITEM_IDS.draw(ctx.sandbox.counters, ctx.sandbox.seed, len(units))
    now = ctx.now
    order = Order(sandbox_id=ctx.id, order_id=order_id, flow=flow, buyer_id=buyer.buyer_id,
                  payment_method=payment_method, shipping_type=shipping,
                  currency=code, price=sum((sku.price for sku, _ in units), Decimal(0)),
                  shipping_fee=shipping_fee, items_count=len(units),
                  address_shipping={name: getattr(buyer, name) for name in ADDRESS_FIELDS},
                  created_at=now, updated_at=now, rts_deadline=now)
    items = [OrderItem(sandbox_id=ctx.id, order_item_id=item_id, order_id=order_id,
                       item_id=product.item_id, sku_id=sku.sku_id, seller_sku=sku.seller_sku,
                       name=product.name, item_price=sku.price, paid_price=sku.price,
                       status=states.PENDING, reason="", reason_detail="",
                       cancel_return_initiator="", created_at=now, updated_at=now)
             for item_id, (sku, product) in zip(item_ids, units, strict=True)]
    ctx.session.add(order)
    ctx.session.add_all(items)
    start_deadlines(ctx, order)
    refresh_delayed(ctx, order, items, [])
    ctx.record("order.created", subject=order_subject(order_id), data={
        "order_id": order_id, "flow": flow, "buyer_id": buyer.buyer_id,
        "payment_method": payment_method, "shipping_type": shipping,
        "price": money.format_amount(order.price, code), "currency": code,
        "order_item_ids": [item.order_item_id for item in items],
        "statuses": statuses_of(items), "deadlines": deadlines_json(ctx, order, [])})
    return order, items


def _skus_for(ctx: SandboxContext, lines: list[dict[str, Any]]) -> list[tuple[Sku, Product]]:
    found = []
    for index, line in enumerate(lines):
        if "sku_id" in line:
            sku = ctx.session.get(Sku, (ctx.id, line["sku_id"]))
            field, value = f"items.{index}.sku_id", line["sku_id"]
        else:
            sku = ctx.session.scalar(select(Sku).where(Sku.sandbox_id == ctx.id,
                                                       Sku.seller_sku == line["seller_sku"]))
            field, value = f"items.{index}.seller_sku", line["seller_sku"]
        if sku is None:
            raise InvalidRequest(f"{field}: no SKU {value!r} in this sandbox", code="unknown_sku",
                                 details=[{"field": field, "location": "body",
                                           "message": "unknown SKU"}])
        product = ctx.session.get(Product, (ctx.id, sku.item_id))
        if product.status != product_states.LISTED:
            raise Conflict(f"{field}: product {product.item_id} is {product.status} and cannot "
                           f"be ordered", code="product_not_listed",
                           details=[{"field": field, "location": "body",
                                     "message": f"product is {product.status}",
                                     "current_state": product.status}])
        found.append((sku, product))
    return found


def _take_stock(ctx: SandboxContext, lines: list[dict[str, Any]],
                skus: list[tuple[Sku, Product]]) -> None:
    wanted: Counter[int] = Counter()
    by_id = {}
    for line, (sku, _) in zip(lines, skus, strict=True):
        wanted[sku.sku_id] += line["quantity"]
        by_id[sku.sku_id] = sku
    if sum(wanted.values()) > MAX_UNITS_PER_ORDER:
        raise InvalidRequest(f"items: at most {MAX_UNITS_PER_ORDER} units in one order",
                             code="validation_failed",
                             details=[{"field": "items", "location": "body", "message":
                                       f"at most {MAX_UNITS_PER_ORDER} units in all"}])
    short = [(by_id[sku_id], count) for sku_id, count in wanted.items()
             if by_id[sku_id].stock < count]
    if short:
        raise Conflict("not enough stock: " + "; ".join(
            f"SKU {sku.sku_id} ({sku.seller_sku}) has {sku.stock}, the order needs {count}"
            for sku, count in short), code="insufficient_stock",
            details=[{"field": "items", "location": "body", "message":
                      f"SKU {sku.sku_id} has {sku.stock} in stock, {count} wanted",
                      "sku_id": sku.sku_id, "current_stock": sku.stock, "requested": count}
                     for sku, count in short])
    for sku_id, count in wanted.items():
        sku = by_id[sku_id]
        sku.stock -= count
        sku.updated_at = ctx.now


def _buyer_for(ctx: SandboxContext, spec: dict[str, Any]):
    if "buyer_id" in spec:
        buyer = ctx.session.get(Buyer, (ctx.id, spec["buyer_id"]))
        if buyer is None:
            raise InvalidRequest(f"buyer_id: no buyer {spec['buyer_id']} in this sandbox",
                                 code="unknown_buyer",
                                 details=[{"field": "buyer_id", "location": "body",
                                           "message": "unknown buyer"}])
        return buyer
    return buyer_service.create(ctx, spec.get("buyer") or {})


def restore_stock(ctx: SandboxContext, items: Iterable[OrderItem]) -> None:
    """Put the units of ``items`` back into their SKUs' seller stock."""
    counts = Counter(item.sku_id for item in items)
    for sku_id, count in counts.items():
        sku = ctx.session.get(Sku, (ctx.id, sku_id))
        if sku is not None:
            sku.stock += count
            sku.updated_at = ctx.now


# -- deadlines ------------------------------------------------------------------------------------

def order_subject(order_id: int) -> str:
    return f"order:{order_id}"


def start_deadlines(ctx: SandboxContext, order: Order) -> None:
    """The timers a new order starts: for the Lazada flow, the ready-to-ship deadline. Other
    flows register their own starter in ``DEADLINE_STARTERS``."""
    DEADLINE_STARTERS[order.flow](ctx, order)


def _start_lazada_deadlines(ctx: SandboxContext, order: Order) -> None:
    order.rts_deadline = policy_deadline(ctx, RTS_DEADLINE, order.created_at,
                                         shipping=order.shipping_type)
    ctx.timers.schedule(RTS_DEADLINE, order.rts_deadline, subject=order_subject(order.order_id),
                        payload={"order_id": order.order_id})


DEADLINE_STARTERS = {LAZADA: _start_lazada_deadlines}


def warning_leads(ctx: SandboxContext) -> dict[str, Any]:
    return ctx.policies.value(DELAYED_WARNING) if DELAYED_WARNING in ctx.policies else {}


def delayed_point(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
                  packages: Sequence[Package]) -> tuple[datetime, str] | None:
    """When the order enters the "delayed" view and why, or None while nothing is due: the
    warning point before the ready-to-ship deadline while items await it, and before the
    first-mile scan deadline while a ready package waits for its scan. A semi-hosted order
    [choice]: its ship deadline itself while it is not shipped (that profile has no warning
    lead: from that instant on the order is late)."""
    if order.flow != LAZADA:
        if order.rts_deadline is not None and any(
                item.status in states.SEMI_HOSTED_AWAITING_SHIPMENT for item in items):
            return order.rts_deadline, "ship_deadline"
        return None
    leads = warning_leads(ctx)
    if not leads:
        return None
    points = []
    if any(item.status in states.AWAITING_RTS for item in items):
        points.append((order.rts_deadline - leads["before_rts_deadline"], "rts_deadline"))
    waiting_scan = {item.package_id for item in items if item.status == states.READY_TO_SHIP}
    for package in packages:
        if package.package_id in waiting_scan and package.first_mile_scanned_at is None \
                and package.first_mile_scan_deadline is not None:
            points.append((package.first_mile_scan_deadline
                           - leads["before_first_mile_scan_deadline"],
                           "first_mile_scan_deadline"))
    return min(points) if points else None


def refresh_delayed(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
                    packages: Sequence[Package]) -> None:
    """Keep ``delayed_from`` right after a change; a new future warning point gets a timer that
    records ``order.delayed`` when it is reached."""
    point = delayed_point(ctx, order, items, packages)
    instant = point[0] if point else None
    if instant == order.delayed_from:
        return
    was_delayed = order.delayed_from is not None and order.delayed_from <= ctx.now
    if order.delayed_from is not None and order.delayed_from > ctx.now:
        ctx.timers.cancel(subject=order_subject(order.order_id), kind_name=DELAYED_WARNING)
    order.delayed_from = instant
    order.delayed = instant is not None and instant <= ctx.now
    # A warning point already behind the clock (a lead longer than the time left, as a policy
    # override allows) puts the order in the view at once: the event is due now, unless the
    # order was in the view already.
    if point is not None and (instant >= ctx.now or not was_delayed):
        ctx.timers.schedule(DELAYED_WARNING, max(instant, ctx.now),
                            subject=order_subject(order.order_id),
                            payload={"order_id": order.order_id, "at": instant.isoformat(),
                                     "deadline": point[1]})


def deadlines_json(ctx: SandboxContext, order: Order,
                   packages: Sequence[Package]) -> dict[str, Any]:
    """The deadlines the seller can still miss or has met, as timestamps."""
    result: dict[str, Any] = {}
    for render in DEADLINE_VIEWS[order.flow]:
        result.update(render(ctx, order, packages))
    return result


def _lazada_deadlines(ctx: SandboxContext, order: Order,
                      packages: Sequence[Package]) -> dict[str, Any]:
    waiting = [p.first_mile_scan_deadline for p in packages
               if p.first_mile_scan_deadline is not None and p.first_mile_scanned_at is None
               and p.status == "ready_to_ship"]
    known = [p.first_mile_scan_deadline for p in packages if p.first_mile_scan_deadline]
    first_mile = min(waiting) if waiting else (max(known) if known else None)
    return {"rts_deadline": order.rts_deadline.isoformat(),
            "first_mile_scan_deadline": first_mile.isoformat() if first_mile else None}


DEADLINE_VIEWS: dict[str, list] = {LAZADA: [_lazada_deadlines]}


# -- moving items ---------------------------------------------------------------------------------

def check_allowed(order: Order, items: Sequence[OrderItem], action: str,
                  actor_actions: Iterable[str] | None = None) -> None:
    """Refuse the whole batch if any item may not take ``action``: a 409 naming the item, its
    status and what it allows (only ``actor_actions``, when given: the seller is told what the
    seller can do, not what the carrier can)."""
    machine = machine_of(order)
    for item in items:
        if not machine.can(item.status, action):
            allowed = machine.allowed(item.status)
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
    targets = {machine.next_state(item.status, action, label="item") for item in items}
    if len(targets) != 1:
        raise ValueError(f"{action} leads items of order {order.order_id} to several states")
    [target] = targets
    previous = sorted({item.status for item in items})
    for item in items:
        item.status = target
        item.updated_at = ctx.now
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
    ctx.record(f"order.{target}", subject=order_subject(order.order_id), data={
        "order_id": order.order_id, "order_item_ids": [item.order_item_id for item in items],
        "previous_statuses": previous, "status": target, "reason": reason,
        "reason_detail": reason_detail, "initiator": initiator,
        "statuses": statuses_of(all_items), **(data or {})})
    return target


# -- views ----------------------------------------------------------------------------------------

SELLER_ACTIONS = ("pack", "ready_to_ship", "cancel", "accept", "ship")


def item_view(order: Order, item: OrderItem, package: Package | None) -> dict[str, Any]:
    machine = machine_of(order)
    return {"object": "order_item", "order_item_id": item.order_item_id,
            "order_id": item.order_id, "status": item.status, "name": item.name,
            "item_id": item.item_id, "sku_id": item.sku_id, "seller_sku": item.seller_sku,
            "item_price": money.format_amount(item.item_price, order.currency),
            "paid_price": money.format_amount(item.paid_price, order.currency),
            "currency": order.currency, "package_id": item.package_id,
            "tracking_code": package.tracking_number if package else None,
            "shipment_provider": package.shipment_provider if package else None,
            "reason": item.reason, "reason_detail": item.reason_detail,
            "cancel_return_initiator": item.cancel_return_initiator,
            "allowed_actions": [a for a in machine.allowed(item.status) if a in SELLER_ACTIONS],
            "created_at": item.created_at, "updated_at": item.updated_at}


def order_view(ctx: SandboxContext, order: Order, items: Sequence[OrderItem],
               packages: Sequence[Package]) -> dict[str, Any]:
    by_id = {package.package_id: package for package in packages}
    item_views = [item_view(order, item, by_id.get(item.package_id)) for item in items]
    allowed = list(dict.fromkeys(a for view in item_views for a in view["allowed_actions"]))
    return {"object": "order", "order_id": order.order_id, "order_number": order.order_id,
            "flow": order.flow, "buyer_id": order.buyer_id,
            "payment_method": order.payment_method, "shipping_type": order.shipping_type,
            "currency": order.currency,
            "price": money.format_amount(order.price, order.currency),
            "shipping_fee": money.format_amount(order.shipping_fee, order.currency),
            "items_count": order.items_count, "statuses": statuses_of(items),
            "deadlines": deadlines_json(ctx, order, packages),
            "delayed": order.delayed_from is not None and order.delayed_from <= ctx.now,
            "address_shipping": order.address_shipping,
            "package_ids": [package.package_id for package in packages],
            "allowed_actions": allowed, "items": item_views,
            "created_at": order.created_at, "updated_at": order.updated_at}


def describe(ctx: SandboxContext, order_id: int) -> dict[str, Any]:
    order = get_order(ctx, order_id)
    return order_view(ctx, order, items_of(ctx, [order_id])[order_id],
                      packages_of(ctx, [order_id])[order_id])


def describe_items(ctx: SandboxContext, order_id: int) -> list[dict[str, Any]]:
    return describe(ctx, order_id)["items"]
