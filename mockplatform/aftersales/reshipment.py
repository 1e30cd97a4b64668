"""The package of an approved reshipment request: the seller arranges shipment of the missing or
replacement items (seed 001, ``reshipment.shipping``).

- Through the same fulfilment path as the order's parcels (``fulfilment.new_package``): a
  package with a label and a tracking number, with the original order's shipping option (its
  shipping type and carrier), ready to ship when the seller arranges it.
- The seller pays its shipping fee (``reshipment.shipping`` fee_payer ``seller``; nothing is
  charged when an override makes it ``platform``): ``logistics.shipping_fee`` for the items'
  measured weight, a ``shipping_fee`` ledger entry naming the request.
- Its journey is the order's (``logistics.journey``, planned and jittered as the forward
  journey plans it, ``journey.plan``); it is delivered to the buyer at the planned
  ``delivery_attempt`` (timer ``aftersales.reshipment_delivery``), or earlier by the carrier's
  test helper. The forward journey never sees it: it is no package of the order's
  (``orders.service.packages_of``), so the order's items, already delivered, stay as they are.
"""

from __future__ import annotations

from mockplatform.aftersales import service, states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.finance import service as finance
from mockplatform.logistics import fulfilment, journey, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.logistics import states as package_states
from mockplatform.orders import service as orders
from mockplatform.orders.models import RESHIPMENT, Package

SHIPPING = "reshipment.shipping"
DELIVERY_TIMER = "aftersales.reshipment_delivery"
LAST_STEP = "delivery_attempt"


def package_of(ctx: SandboxContext, request: AfterSalesRequest) -> Package:
    return package_service.get(ctx, request.reshipment_package_id)


def _provider(ctx: SandboxContext, order_id: int) -> str:
    """The original order's carrier: that of its first package, else the platform's first for
    the order's shipping type."""
    order = orders.get_order(ctx, order_id)
    packages = orders.packages_of(ctx, [order_id]).get(order_id, [])
    if packages:
        return packages[0].shipment_provider
    return fulfilment.shipment_providers(ctx, order.shipping_type)[0]


def ship(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    """The seller arranges shipment: the package, its label and first tracking event, its fee,
    and its delivery planned."""
    order = orders.get_order(ctx, request.order_id)
    package = fulfilment.new_package(ctx, order, _provider(ctx, order.order_id),
                                     ships_from=RESHIPMENT)
    package.status, package.ready_to_ship_at = package_states.IN_TRANSIT, ctx.now
    wanted = set(request.order_item_ids)
    items = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if item.order_item_id in wanted]
    package.measured = journey.measure(ctx, package, items)
    request.reshipment_package_id = package.package_id
    request.reshipment_tracking_number = package.tracking_number
    due = journey.plan(ctx, order, package, ctx.now)[LAST_STEP]
    request.reshipment_due_at = due
    charged = {}
    if ctx.policies.value(SHIPPING)["fee_payer"] == "seller":
        charged = journey.charge_shipping_fee(
            ctx, order, package, subject=service.subject(request), policy_key=SHIPPING,
            details={"aftersales_id": request.aftersales_id})
    for currency, amount in charged.items():  # one currency, unless an override mixes them
        request.reshipment_fee = finance.round_money(amount, currency)
        request.reshipment_fee_currency = currency
    fee = (finance.format_money(request.reshipment_fee, request.reshipment_fee_currency)
           if request.reshipment_fee is not None else None)
    service.move(ctx, request, "ship_reshipment", states.SELLER_ACTIONS,
                 package_id=package.package_id, tracking_number=package.tracking_number,
                 shipment_provider=package.shipment_provider,
                 shipping_type=order.shipping_type, delivery_due_at=service.iso(due),
                 shipping_fee=fee, shipping_fee_currency=request.reshipment_fee_currency or None,
                 policy_key="reshipment.ship_deadline")
    tracking.record(ctx, order, package, "reshipment_shipped",
                    details={"aftersales_id": request.aftersales_id})
    ctx.timers.schedule(DELIVERY_TIMER, due, subject=service.subject(request),
                        payload={"aftersales_id": request.aftersales_id})


def deliver(ctx: SandboxContext, request: AfterSalesRequest, *, by: str) -> None:
    """The carrier hands the reshipment to the buyer: the request is done."""
    ctx.timers.cancel(subject=service.subject(request), kind_name=DELIVERY_TIMER)
    package = package_of(ctx, request)
    package.status, package.delivered_at = package_states.DELIVERED, ctx.now
    package.delivery_attempts += 1
    service.move(ctx, request, "deliver_reshipment", states.CARRIER_ACTIONS, by=by,
                 package_id=package.package_id, tracking_number=package.tracking_number)
    tracking.record(ctx, orders.get_order(ctx, request.order_id), package,
                    "reshipment_delivered", details={"aftersales_id": request.aftersales_id})
