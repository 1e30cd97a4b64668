"""What the seller does with an order: pack items into a package, ready it to ship, cancel.

Each action checks every item it touches against the state machine before changing anything,
so a refused call (a 409 naming the item's status and the actions it allows) writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select

from mockplatform.catalog.models import Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.errors import Conflict, ValidationFailed
from mockplatform.logistics import journey, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.logistics import states as package_states
from mockplatform.logistics.errors import UnknownOrderItem, UnknownPackage
from mockplatform.orders import service, states
from mockplatform.orders.models import PACKAGE_IDS, TRACKING_NUMBERS, Order, OrderItem, Package
from mockplatform.store.bulk import new_row

FIRST_MILE_DEADLINE = "logistics.first_mile_scan_deadline"
CANCEL_REASONS = ("out_of_stock", "sourcing_delay", "wrong_price")
CANCEL_REASON_TEXT = {"out_of_stock": "Out of Stock", "sourcing_delay": "Sourcing Delay",
                      "wrong_price": "Wrong Price or Pricing Error"}
SELLER_INITIATED = "cancellation-seller"
PLATFORM_INITIATED = "cancellation-internal"
BUYER_INITIATED = "cancellation-customer"
OWN_FLEET_PROVIDER = "Seller Own Fleet"
TRACKING_PREFIXES = {"cross_border": "LGS", "local": "LEX", service.SELLER_OWN_FLEET: "SOF"}


# TikTok Shop's carriers [choice]: its cross-border shipping services, and the couriers TikTok
# Shipping hands local parcels to in the market.
TIKTOK_PROVIDERS = {"cross_border": ("TikTok Shipping Standard", "TikTok Shipping Economy"),
                    "local": ("J&T Express", "Flash Express", "Ninja Van")}


def shipment_providers(ctx: SandboxContext, shipping: str) -> tuple[str, ...]:
    """The carriers a package may be given: Lazada Global Shipping's first-mile services for
    cross-border orders, Lazada Express and the market's couriers for local ones, the seller's
    own fleet for a seller-own-fleet order; on TikTok Shop, ``TIKTOK_PROVIDERS``."""
    market = ctx.sandbox.market
    if ctx.sandbox.platform == "tiktok_shop" and shipping in TIKTOK_PROVIDERS:
        return TIKTOK_PROVIDERS[shipping]
    if shipping == "cross_border":
        return ("LGS-FM40", "LGS-FM41", "LGS-FM50")
    if shipping == service.SELLER_OWN_FLEET:
        return (OWN_FLEET_PROVIDER,)
    return (f"LEX {market}", "Ninja Van", "J&T Express")


def _chosen_items(ctx: SandboxContext, order: Order, given: list[int] | None, action: str,
                  ) -> list[OrderItem]:
    """The items named by ``given`` (each must be of the order, once), or by default every item
    that allows ``action``; none at all is a 409 naming the order's statuses."""
    items = service.items_of(ctx, [order.order_id])[order.order_id]
    if given is None:
        chosen = [item for item in items
                  if service.machine_of(order).can(item.status, action, order)]
        if not chosen:
            statuses = service.statuses_of(items)
            raise Conflict(f"order {order.order_id} has no item that can {action}: its items "
                           f"are {', '.join(statuses)}", code="invalid_state_transition",
                           details=[{"field": "order_item_ids", "location": "body",
                                     "message": f"no item can {action}",
                                     "current_state": statuses, "action": action,
                                     "allowed_actions": service.seller_actions(order, items)}])
        return chosen
    by_id = {item.order_item_id: item for item in items}
    details = []
    seen = set()
    for index, item_id in enumerate(given):
        if item_id in seen:
            details.append({"field": f"order_item_ids.{index}", "location": "body",
                            "message": f"{item_id} is given twice"})
        elif item_id not in by_id:
            details.append({"field": f"order_item_ids.{index}", "location": "body",
                            "message": f"order {order.order_id} has no item {item_id}"})
        seen.add(item_id)
    if details:
        raise UnknownOrderItem("order_item_ids: " + "; ".join(d["message"] for d in details), details=details)
    return [by_id[item_id] for item_id in given]


# -- pack ---------------------------------------------------------------------------------------

def pack(ctx: SandboxContext, order_id: int, *, order_item_ids: list[int] | None,
         shipment_provider: str | None) -> dict[str, Any]:
    """Pack items (by default every pending one) into one new package with a tracking number."""
    order = service.get_order(ctx, order_id)
    own_step = _own_step(order.flow, "pack")
    if own_step is not None:
        return own_step(ctx, order, order_item_ids=order_item_ids,
                        shipment_provider=shipment_provider)
    return package_service.view(ctx, pack_items(ctx, order, order_item_ids=order_item_ids,
                                                shipment_provider=shipment_provider))


def pack_items(ctx: SandboxContext, order: Order, *, order_item_ids: list[int] | None = None,
               shipment_provider: str | None = None) -> Package:
    """``pack`` of a platform-logistics order, without reading the package back: the package
    made."""
    items = _chosen_items(ctx, order, order_item_ids, "pack")
    service.check_allowed(order, items, "pack", service.SELLER_ACTIONS)
    providers = shipment_providers(ctx, order.shipping_type)
    provider = shipment_provider or providers[0]
    if provider not in providers:
        raise ValidationFailed.field("shipment_provider", f"expected one of "
                                     f"{', '.join(providers)} for {order.shipping_type} "
                                     f"shipping, got {provider!r}")
    package = new_package(ctx, order, provider)
    for item in items:
        item.package_id = package.package_id
    service.transition(ctx, order, items, "pack", actor_actions=service.SELLER_ACTIONS,
                       data=package_service.summary(package))
    return package


def new_package(ctx: SandboxContext, order: Order, provider: str,
                tracking_number: str | None = None, *, ships_from: str = "seller") -> Package:
    seed, counters = ctx.sandbox.seed, ctx.sandbox.counters
    number = PACKAGE_IDS.draw(counters, seed)[0]
    if tracking_number is None:
        serial = TRACKING_NUMBERS.draw(counters, seed)[0]
        prefix = TRACKING_PREFIXES["local" if ships_from == journey.RESALE_WAREHOUSE
                                   else order.shipping_type]
        tracking_number = f"{prefix}{ctx.sandbox.market}{serial:010d}"
    package = new_row(Package, sandbox_id=ctx.id, package_id=f"FP{number:015d}",
                      order_id=order.order_id, tracking_number=tracking_number,
                      shipment_provider=provider, ships_from=ships_from, status="packed",
                      packed_at=ctx.now,
                      journey_step="", journey={}, delivery_attempts=0, failure_reason="",
                      measured={}, scripted=[], updated_at=ctx.now)
    ctx.session.add(package)
    service.add_package(ctx, package)
    return package


# -- ready to ship ------------------------------------------------------------------------------

def ready_to_ship(ctx: SandboxContext, order_id: int, *,
                  package_ids: list[str] | None) -> dict[str, Any]:
    """Ready packed packages (by default every packed one): their items become
    ``ready_to_ship``, the first-mile scan deadline starts and the carrier's journey begins."""
    order = service.get_order(ctx, order_id)
    service.require_flow(ctx, order, service.PLATFORM_LOGISTICS, "ready_to_ship")
    ready_packages(ctx, order, package_ids=package_ids)
    return service.describe(ctx, order_id)


def ready_packages(ctx: SandboxContext, order: Order, *,
                   package_ids: list[str] | None = None) -> None:
    """``ready_to_ship`` of a platform-logistics order, without reading the order back."""
    order_id = order.order_id
    packages = service.packages_of(ctx, [order_id])[order_id]
    if package_ids is None:
        chosen = [p for p in packages if p.status == "packed"]
        if not chosen:
            items = service.items_of(ctx, [order_id])[order_id]
            allowed = service.seller_actions(order, items)
            statuses = service.statuses_of(items)
            raise Conflict(f"order {order_id} has no packed package to ready: its items are "
                           f"{', '.join(statuses)}"
                           + ("; pack items first" if "pack" in allowed else ""),
                           code="invalid_state_transition",
                           details=[{"field": "package_ids", "location": "body",
                                     "message": "no packed package", "current_state": statuses,
                                     "action": "ready_to_ship", "allowed_actions": allowed}])
    else:
        by_id = {p.package_id: p for p in packages}
        unknown = [{"field": f"package_ids.{i}", "location": "body",
                    "message": f"order {order_id} has no package {pid!r}"}
                   for i, pid in enumerate(package_ids) if pid not in by_id]
        if unknown or len(set(package_ids)) != len(package_ids):
            unknown = unknown or [{"field": "package_ids", "location": "body",
                                   "message": "a package is given twice"}]
            raise UnknownPackage("package_ids: " + "; ".join(d["message"] for d in unknown), details=unknown)
        chosen = [by_id[pid] for pid in package_ids]
    items_by_package = _items_by_package(ctx, order_id, chosen)
    for package in chosen:
        service.check_allowed(order, items_by_package[package.package_id], "ready_to_ship",
                              service.SELLER_ACTIONS)
        # A repacked package has no items left: its own state refuses it.
        package_states.check(package.package_id, package.status, "ready_to_ship",
                             package_states.SELLER_ACTIONS, order=order)
    own_fleet = order.shipping_type == service.SELLER_OWN_FLEET
    # The seller's own fleet has no first-mile scan and no journey; a profile without the
    # first-mile rule (TikTok Shop's collection deadline is the order's) starts none.
    first_mile = not own_fleet and FIRST_MILE_DEADLINE in ctx.policies
    for package in chosen:
        package.status = "ready_to_ship"
        package.ready_to_ship_at = package.updated_at = ctx.now
        if first_mile:
            package.first_mile_scan_deadline = policy_deadline(ctx, FIRST_MILE_DEADLINE,
                                                               ctx.now)
            ctx.timers.schedule(FIRST_MILE_DEADLINE, package.first_mile_scan_deadline,
                                subject=package_service.subject(package),
                                payload={"package_id": package.package_id,
                                         "order_id": order_id})
        service.transition(ctx, order, items_by_package[package.package_id], "ready_to_ship",
                           actor_actions=service.SELLER_ACTIONS,
                           data=package_service.summary(package))
        if own_fleet:
            tracking.record(ctx, order, package, "ready_to_ship")
        else:
            journey.start(ctx, order, package)


def ship_from_resale_warehouse(ctx: SandboxContext, order: Order,
                               items: list[OrderItem]) -> Package:
    """Units an order took from the market's resale warehouse: the platform packs and readies
    them at once, in one package of the market's own carrier that starts at the warehouse (no
    first mile, no border: see ``journey.steps_of``), with no seller step and no deadline."""
    package = new_package(ctx, order, f"LEX {ctx.sandbox.market}",
                          ships_from=journey.RESALE_WAREHOUSE)
    for item in items:
        item.package_id = package.package_id
    summary = package_service.summary(package)
    service.transition(ctx, order, items, "pack", data=summary)
    package.status = package_states.check(package.package_id, package.status, "ready_to_ship",
                                          (), order=order)
    package.ready_to_ship_at = package.updated_at = ctx.now
    service.transition(ctx, order, items, "ready_to_ship", data=summary)
    journey.start(ctx, order, package)
    return package


def _items_by_package(ctx: SandboxContext, order_id: int,
                      packages: Sequence[Package]) -> dict[str, list[OrderItem]]:
    wanted = {p.package_id: [] for p in packages}
    for item in service.items_of(ctx, [order_id])[order_id]:
        if item.package_id in wanted:
            wanted[item.package_id].append(item)
    return wanted


# -- repack -------------------------------------------------------------------------------------

def repack(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    """Dissolve a packed package (Lazada's repack): it is canceled and its items are
    ``pending`` again, to be packed anew (with another package id and tracking number)."""
    package = package_service.get(ctx, package_id)
    order = service.get_order(ctx, package.order_id)
    service.require_flow(ctx, order, service.LAZADA, "repack")
    package_states.check(package_id, package.status, "repack", package_states.SELLER_ACTIONS,
                         order=order)
    items = package_service.items_in(ctx, package)
    service.check_allowed(order, items, "repack", service.SELLER_ACTIONS)
    summary = package_service.summary(package)
    for item in items:
        item.package_id = None
    service.transition(ctx, order, items, "repack", actor_actions=service.SELLER_ACTIONS,
                       data=summary)
    # the package is the order's kept one (one session, one instance): it reads as canceled
    package_service.cancel(ctx, order, package)
    return service.describe(ctx, order.order_id)


# -- cancel -------------------------------------------------------------------------------------

def cancel(ctx: SandboxContext, order_id: int, *, reason: str,
           order_item_ids: list[int] | None) -> dict[str, Any]:
    """Cancel items (by default every cancelable one). As on Lazada, canceling an item of a
    package cancels the whole package; ``out_of_stock`` sets the stock of the SKUs named to 0,
    and every other unit canceled goes back into stock."""
    order = service.get_order(ctx, order_id)
    own_step = _own_step(order.flow, "cancel")
    if own_step is not None:
        return own_step(ctx, order, reason=reason, order_item_ids=order_item_ids)
    cancel_items(ctx, order, _chosen_items(ctx, order, order_item_ids, "cancel"), reason)
    return service.describe(ctx, order_id)


def cancel_items(ctx: SandboxContext, order: Order, items: list[OrderItem], reason: str, *,
                 data: dict[str, Any] | None = None, initiator: str = SELLER_INITIATED,
                 reason_detail: str | None = None) -> None:
    """Cancel ``items`` as the seller, with the rest of their packages; ``data`` goes into the
    ``order.canceled`` event. ``initiator`` and ``reason_detail``: for a cancellation the
    seller approves at the buyer's request (aftersales/), the buyer's."""
    # Only what the seller named is out of stock: a package mate canceled along with it is not.
    out_of_stock = {item.sku_id for item in items} if reason == "out_of_stock" else set()
    package_ids = {item.package_id for item in items if item.package_id}
    items = _with_package_mates(ctx, order, items)
    service.transition(ctx, order, items, "cancel", actor_actions=service.SELLER_ACTIONS,
                       reason=reason,
                       reason_detail=(CANCEL_REASON_TEXT[reason] if reason_detail is None
                                      else reason_detail),
                       initiator=initiator, data=data)
    if out_of_stock:
        for sku in ctx.session.scalars(select(Sku).where(
                Sku.sandbox_id == ctx.id, Sku.sku_id.in_(out_of_stock)).order_by(Sku.sku_id)):
            previous, sku.stock, sku.updated_at = sku.stock, 0, ctx.now
            ctx.record("product.stock_updated", subject=str(sku.item_id), data={
                "item_id": sku.item_id, "sku_id": sku.sku_id, "previous_stock": previous,
                "stock": 0, "reason": "order canceled out of stock"})
    service.restore_stock(ctx, [item for item in items if item.sku_id not in out_of_stock])
    close_packages(ctx, order, package_ids)


def _with_package_mates(ctx: SandboxContext, order: Order,
                        items: list[OrderItem]) -> list[OrderItem]:
    """``items`` and the rest of their packages (canceling an item of a package cancels the
    package), once each is checked to allow ``cancel`` (a 409 otherwise)."""
    package_ids = {item.package_id for item in items if item.package_id}
    if package_ids:
        chosen = {item.order_item_id for item in items}
        items = items + [item for item in service.items_of(ctx, [order.order_id])[order.order_id]
                         if item.package_id in package_ids and item.order_item_id not in chosen]
    service.check_allowed(order, items, "cancel", service.SELLER_ACTIONS)
    return items


def cancel_preview(ctx: SandboxContext, order_id: int,
                   order_item_ids: list[int]) -> list[OrderItem]:
    """What canceling ``order_item_ids`` would cancel (with their package mates), changing
    nothing; the same errors as ``cancel``."""
    order = service.get_order(ctx, order_id)
    service.require_flow(ctx, order, service.LAZADA, "cancel")
    return _with_package_mates(ctx, order, _chosen_items(ctx, order, order_item_ids, "cancel"))


def close_packages(ctx: SandboxContext, order: Order, package_ids: set[str]) -> None:
    """Packages whose items are all canceled are canceled too, and their timers dropped."""
    if not package_ids:
        return
    items = service.items_of(ctx, [order.order_id])[order.order_id]
    for package in service.packages_of(ctx, [order.order_id])[order.order_id]:
        if package.package_id not in package_ids:
            continue
        mine = [item for item in items if item.package_id == package.package_id]
        if mine and all(item.status == states.CANCELED for item in mine):
            package_service.cancel(ctx, order, package)


def _own_step(flow: str, step: str) -> Callable[..., Any] | None:
    """The step of a flow whose seller packs or cancels its own way (this module is Lazada's
    walk; ``semi_hosted`` is AliExpress's), or None for Lazada's."""
    if flow == service.SEMI_HOSTED:
        from mockplatform.logistics import semi_hosted  # noqa: PLC0415 - it builds on this module

        return {"pack": semi_hosted.pack, "cancel": semi_hosted.cancel}[step]
    return None
