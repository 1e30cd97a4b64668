"""The seller's own fleet: a ``seller_own_fleet`` order (Lazada's ``delivery_option_sof``) is
packed and readied as any Lazada order, but no platform carrier takes it (no first-mile scan,
no journey): the seller reports the outcome. Delivered, its items go through ``shipped`` to
``delivered`` and settle as any delivered item (``delivery.deliver``); failed, they become
``failed_delivery`` and stay there (the seller's fleet brings the parcel back: there is no
platform return leg). Only from ``ready_to_ship``; a package of any other order is a 409
``not_seller_own_fleet``.
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.logistics import delivery, states, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.errors import NotSellerOwnFleet
from mockplatform.orders import service
from mockplatform.orders import states as item_states
from mockplatform.orders.models import Order, Package

DECIDED_BY = "seller_own_fleet"


def _own(ctx: SandboxContext, package_id: str, action: str) -> tuple[Package, Order]:
    package = package_service.get(ctx, package_id)
    order = service.get_order(ctx, package.order_id)
    if order.flow != service.LAZADA or order.shipping_type != service.SELLER_OWN_FLEET:
        raise NotSellerOwnFleet(
            f"package {package_id} is not delivered by the seller's own fleet (order "
            f"{order.order_id} ships {order.shipping_type}): only a seller_own_fleet package "
            f"can {action.replace('_', ' ')}",
            details=[{"field": "package_id", "location": "path",
                      "message": "not a seller-own-fleet package",
                      "current_state": package.status, "shipping": order.shipping_type}])
    states.check(package_id, package.status, action, states.SELLER_ACTIONS, order=order)
    return package, order


def deliver(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    """The seller's fleet delivered the package."""
    package, order = _own(ctx, package_id, "deliver_own_fleet")
    package.delivery_attempts += 1
    delivery.deliver(ctx, order, package, decided_by=DECIDED_BY, action="deliver_own_fleet")
    package.updated_at = ctx.now
    return package_service.view(ctx, package)


def fail_delivery(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    """The seller's fleet could not deliver the package: its items are ``failed_delivery``."""
    package, order = _own(ctx, package_id, "fail_own_fleet_delivery")
    package.delivery_attempts += 1
    package.status = states.check(package_id, package.status, "fail_own_fleet_delivery", (),
                                  order=order)
    package.updated_at = ctx.now
    tracking.record(ctx, order, package, "failed_delivery",
                    description="Delivery failed: reported by the seller's own fleet",
                    details={"attempts": package.delivery_attempts, "decided_by": DECIDED_BY})
    items = [item for item in package_service.items_in(ctx, package)
             if item.status == item_states.READY_TO_SHIP]
    if items:
        service.transition(ctx, order, items, "fail_own_fleet_delivery",
                           reason="seller_own_fleet_failed",
                           reason_detail="Delivery failed: reported by the seller's own fleet",
                           data=package_service.summary(package))
    return package_service.view(ctx, package)
