"""A reshipment request's replacement order (seed 001, ``reshipment.*``; platform-policies.md
2.1 and 2.3: approval "makes a new order (``is_replacement_order``, ``replaced_order_id``) that
follows normal fulfilment").

- Approval (the seller's, or the platform's at ``reshipment.seller_response``) places the
  replacement order: one unit, free of charge, of each unit asked about, for the original
  order's buyer, address, payment method and shipping option. It awaits shipment at once (no
  remorse hour) and its one deadline is the request's ``reshipment.ship_deadline``, shown as its
  ``rts_sla_time`` and ``shipping_due_time`` (it starts no order deadline timer of its own: two
  clocks would race). It is listed and read as any order, with ``replaced_order_id``.
- The seller arranges shipment (``ship_reshipment``, or packing and readying the replacement
  order through the orders API): a package of the original order's carrier, readied. From then
  on it is an order's package like any other: the journey's every step and tracking event
  ("Check Logistics"), delivery attempts, magic values. When it is readied the request is
  ``reshipped`` and the seller pays its shipping fee (``reshipment.shipping``):
  ``logistics.shipping_fee`` for the measured weight, a ``shipping_fee`` ledger entry naming the
  request (the journey does not charge a cross-border replacement's fee a second time).
- Its delivery (``order.delivered`` of the replacement order) makes the request ``delivered``;
  its failure (``order.failed_delivery``, ``order.lost_by_3pl``, ``order.damaged_by_3pl``)
  makes it ``reshipment_failed``.
- Not shipped by the deadline: the request becomes a full refund charged to the seller and the
  replacement order's units are canceled by the platform. The same, at once, when every unit of
  the replacement order is canceled before it is shipped (by the seller through the orders
  API, say) [choice: the buyer is owed the item either way; the request does not sit
  ``approved`` until a deadline that can no longer be met].
- No sale: settlement pays nothing for a replacement order's units (they were paid 0), and the
  buyer's after-sales traffic (buyer.py) draws nothing for it.
"""

from __future__ import annotations

from typing import Any

from mockplatform.aftersales import service, states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.catalog.models import Buyer, Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.finance import service as finance
from mockplatform.logistics import carrier, fulfilment, journey
from mockplatform.logistics import packages as package_service
from mockplatform.orders import service as orders
from mockplatform.orders import states as item_states
from mockplatform.orders.models import Order, Package

SHIPPING = "reshipment.shipping"
SHIP_DEADLINE = "reshipment.ship_deadline"
LAST_STEP = "delivery_attempt"
# The carrier's test helper delivering a reshipment now: who the request's event names.
DELIVERED_BY = "aftersales.reshipment_delivered_by"
NOT_SHIPPED = "reshipment_not_shipped"


def package_of(ctx: SandboxContext, request: AfterSalesRequest) -> Package:
    return package_service.get(ctx, request.reshipment_package_id)


def is_replacement(order: Order) -> bool:
    return order.replaced_order_id is not None


def _provider(ctx: SandboxContext, order: Order) -> str:
    """The original order's carrier: that of its first package, else the platform's first for
    the order's shipping type."""
    packages = orders.packages_of(ctx, [order.order_id]).get(order.order_id, [])
    if packages:
        return packages[0].shipment_provider
    return fulfilment.shipment_providers(ctx, order.shipping_type)[0]


# -- approval: the replacement order ----------------------------------------------------------

def create_replacement(ctx: SandboxContext, request: AfterSalesRequest,
                       details: dict[str, Any]) -> None:
    """Place the replacement order of an approved reshipment (see the module's docstring)."""
    original = orders.get_order(ctx, request.order_id)
    wanted = set(request.order_item_ids)
    units = []
    for item in orders.items_of(ctx, [original.order_id])[original.order_id]:
        if item.order_item_id in wanted:
            units.append((ctx.session.get(Sku, (ctx.id, item.sku_id)),
                          ctx.session.get(Product, (ctx.id, item.item_id))))
    buyer = ctx.session.get(Buyer, (ctx.id, original.buyer_id))
    ship_by = policy_deadline(ctx, SHIP_DEADLINE, ctx.now)  # the request's next deadline
    order, _ = orders.create(ctx, original.flow, buyer, units,
                             payment_method=original.payment_method,
                             shipping=original.shipping_type,
                             replacing=orders.Replacing(original, ship_by))
    request.replacement_order_id = order.order_id
    details.update(replacement_order_id=order.order_id)


def replacement_of(ctx: SandboxContext, request: AfterSalesRequest) -> Order:
    return orders.get_order(ctx, request.replacement_order_id)


def request_of(ctx: SandboxContext, order: Order) -> AfterSalesRequest | None:
    """The reshipment request a replacement order carries out."""
    return next((request for request in service.of_order(ctx, order.replaced_order_id)
                 if request.replacement_order_id == order.order_id), None)


def cancel_replacement(ctx: SandboxContext, request: AfterSalesRequest,
                       details: dict[str, Any]) -> None:
    """The reshipment became a refund: the platform cancels the replacement's units that were
    not shipped."""
    if request.replacement_order_id is None:
        return
    order = replacement_of(ctx, request)
    machine = orders.machine_of(order)
    items = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if machine.can(item.status, "cancel", order)]
    if items:
        fulfilment.cancel_items(
            ctx, order, items, NOT_SHIPPED, initiator=fulfilment.PLATFORM_INITIATED,
            reason_detail=f"reshipment request {request.aftersales_id} was not shipped by "
                          f"its deadline ({SHIP_DEADLINE})",
            data={"aftersales_id": request.aftersales_id, "policy_key": SHIP_DEADLINE})
    details.update(replacement_order_id=order.order_id,
                   canceled_order_item_ids=[item.order_item_id for item in items])


# -- the seller ships it ----------------------------------------------------------------------

def ship(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    """The seller arranges shipment (``ship_reshipment``): the replacement order's units
    still awaiting shipment are packed into one package of the original order's carrier, and
    every packed package readied; readying moves the request (``on_order_ready_to_ship``)."""
    order = replacement_of(ctx, request)
    pending = [item.order_item_id for item in orders.items_of(ctx, [order.order_id])[
        order.order_id] if item.status == item_states.PENDING]
    if pending:
        fulfilment.pack_items(ctx, order, order_item_ids=pending,
                              shipment_provider=_provider(ctx, orders.get_order(
                                  ctx, order.replaced_order_id)))
    fulfilment.ready_packages(ctx, order)


def on_order_ready_to_ship(ctx: SandboxContext, _type: str, data: dict[str, Any]) -> None:
    """A replacement order's package was readied (by ``ship`` or through the orders API): its
    request is ``reshipped``, with the package and its fee."""
    found = _replacement_request(ctx, data, states.APPROVED) if "package_id" in data else None
    if found is None:
        return
    order, request = found
    package = package_service.get(ctx, data["package_id"])
    items = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if item.package_id == package.package_id]
    package.measured = journey.measure(ctx, package, items)
    request.reshipment_package_id = package.package_id
    request.reshipment_tracking_number = package.tracking_number
    # The plan the journey is about to start with (drawn from the package's own stream).
    due = journey.plan(ctx, order, package, package.ready_to_ship_at or ctx.now)[LAST_STEP]
    request.reshipment_due_at = due
    fee = _charge(ctx, request, order, package)
    service.move(ctx, request, "ship_reshipment", states.SELLER_ACTIONS,
                 replacement_order_id=order.order_id, package_id=package.package_id,
                 tracking_number=package.tracking_number,
                 shipment_provider=package.shipment_provider,
                 shipping_type=order.shipping_type, delivery_due_at=service.iso(due),
                 shipping_fee=fee, shipping_fee_currency=request.reshipment_fee_currency or None,
                 policy_key=SHIP_DEADLINE)


def _charge(ctx: SandboxContext, request: AfterSalesRequest, order: Order,
            package: Package) -> str | None:
    """The seller pays the reshipment's shipping fee (``reshipment.shipping`` fee_payer
    ``seller``; nothing when an override makes it ``platform``): the amount, formatted."""
    charged = {}
    if ctx.policies.value(SHIPPING)["fee_payer"] == "seller":
        charged = journey.charge_shipping_fee(
            ctx, order, package, subject=service.subject(request), policy_key=SHIPPING,
            details={"aftersales_id": request.aftersales_id})
    for currency, amount in charged.items():  # one currency, unless an override mixes them
        request.reshipment_fee = finance.round_money(amount, currency)
        request.reshipment_fee_currency = currency
    if request.reshipment_fee is None:
        return None
    return finance.format_money(request.reshipment_fee, request.reshipment_fee_currency)


# -- the buyer has it -------------------------------------------------------------------------

def _replacement_request(ctx: SandboxContext, data: dict[str, Any],
                         state: str) -> tuple[Order, AfterSalesRequest] | None:
    """The replacement order an order event names, and its request, if that is in ``state``."""
    if service.REASONS not in ctx.policies:
        return None
    order = orders.get_order(ctx, data["order_id"])
    if not is_replacement(order):
        return None
    request = request_of(ctx, order)
    return (order, request) if request is not None and request.state == state else None


def _reshipped(ctx: SandboxContext, data: dict[str, Any]) -> AfterSalesRequest | None:
    """The ``reshipped`` request whose replacement order an order event names, if any."""
    found = _replacement_request(ctx, data, states.RESHIPPED)
    return found[1] if found else None


def on_order_canceled(ctx: SandboxContext, _type: str, data: dict[str, Any]) -> None:
    """Every unit of an approved request's replacement order canceled: the request is the full
    refund its deadline would have made, now (see the module's docstring)."""
    # Not approved: already converted (the platform's own cancellation at the deadline), or
    # shipped.
    found = _replacement_request(ctx, data, states.APPROVED)
    if found is None:
        return
    order, request = found
    units = orders.items_of(ctx, [order.order_id])[order.order_id]
    if any(unit.status != item_states.CANCELED for unit in units):
        return
    service.move(ctx, request, "convert_to_refund", replacement_canceled=True,
                 replacement_order_id=order.order_id, cancel_reason=data.get("reason"))


def on_order_delivered(ctx: SandboxContext, _type: str, data: dict[str, Any]) -> None:
    """A replacement order's package reached the buyer: its request is ``delivered``."""
    request = _reshipped(ctx, data)
    if request is None:
        return
    by = ctx.kept(DELIVERED_BY).pop(request.aftersales_id, "carrier")
    service.move(ctx, request, "deliver_reshipment", states.CARRIER_ACTIONS, by=by,
                 replacement_order_id=request.replacement_order_id, package_id=data.get("package_id"),
                 tracking_number=data.get("tracking_number"))


def on_order_not_delivered(ctx: SandboxContext, type_: str, data: dict[str, Any]) -> None:
    """A replacement order's parcel failed delivery, or the carrier lost or damaged it: its
    request ends ``reshipment_failed`` (the buyer did not get the item; the original order's
    units are free for a new request) [choice: TikTok's request is complete once approved, and
    its sources say nothing of a replacement that does not arrive]."""
    request = _reshipped(ctx, data)
    if request is None:
        return
    service.move(ctx, request, "fail_reshipment", states.CARRIER_ACTIONS,
                 failure=type_.removeprefix("order."), reason=data.get("reason"),
                 replacement_order_id=request.replacement_order_id,
                 package_id=data.get("package_id"),
                 tracking_number=data.get("tracking_number"))


def deliver_now(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    """The carrier's test helper: the reshipment's package is delivered now (as the carrier's
    "deliver" helper on any package), and the request with it."""
    ctx.kept(DELIVERED_BY)[request.aftersales_id] = "test_helper"
    carrier.deliver(ctx, request.reshipment_package_id)
