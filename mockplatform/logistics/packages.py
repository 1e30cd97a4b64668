"""Packages: reading them, their shipping label, and closing one whose items were canceled."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import money
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import InvalidStateTransition, NotFound
from mockplatform.logistics import plans, tracking
from mockplatform.logistics.errors import NoLabel, PackageNotFound
from mockplatform.orders import service as orders
from mockplatform.orders.models import Order, OrderItem, Package

CANCELED = "canceled"
# Statuses a package has a label in: it was packed and has not been canceled.
LABELLED = ("packed", "ready_to_ship", "in_transit", "delivered", "failed_delivery",
            "returning", "returned", "lost", "damaged")


def subject(package: Package) -> str:
    return f"package:{package.package_id}"


def not_found(package_id: str) -> NotFound:
    return PackageNotFound(f"no package {package_id!r} in this sandbox",
                           details=[{"field": "package_id", "location": "path",
                                     "message": "unknown package"}])


def get(ctx: SandboxContext, package_id: str) -> Package:
    package = ctx.session.get(Package, (ctx.id, package_id))
    if package is None:
        raise not_found(package_id)
    return package


def by_tracking_number(ctx: SandboxContext, tracking_number: str) -> Package | None:
    return ctx.session.scalar(select(Package).where(
        Package.sandbox_id == ctx.id, Package.tracking_number == tracking_number))


def items_in(ctx: SandboxContext, package: Package) -> list[OrderItem]:
    return list(ctx.session.scalars(select(OrderItem).where(
        OrderItem.sandbox_id == ctx.id, OrderItem.package_id == package.package_id)
        .order_by(OrderItem.order_item_id)))


# A package's journey touches the same rows at every step, and one advance may fire thousands
# of steps. The session's identity map holds clean rows only weakly, so each step would load them
# again; these keep them for the unit of work.

HELD = "logistics.held"


def held(ctx: SandboxContext, model: type, key: tuple) -> Any:
    """``session.get(model, key)``, kept for the rest of the unit of work."""
    rows = ctx.kept(HELD)
    if (model, key) not in rows:
        rows[model, key] = ctx.session.get(model, key)
    return rows[model, key]


def hold_all(ctx: SandboxContext, model: type, key_column: Any, keys: Iterable) -> list:
    """``held`` for many rows of ``model`` (keyed by the sandbox and ``key_column``) in one
    query; returns those that exist."""
    rows = ctx.kept(HELD)
    keys = list(dict.fromkeys(keys))
    wanted = {key for key in keys if (model, (ctx.id, key)) not in rows}
    if wanted:
        found = {getattr(row, key_column.key): row for row in ctx.session.scalars(
            select(model).where(model.sandbox_id == ctx.id, key_column.in_(wanted)))}
        for key in wanted:
            rows[model, (ctx.id, key)] = found.get(key)
    return [row for key in keys if (row := rows[model, (ctx.id, key)]) is not None]


def hold(ctx: SandboxContext, package_ids: Iterable[str]) -> list[Package]:
    """Load packages with their orders, and the orders' items and packages, in four queries,
    kept for the unit of work: what ``held`` and ``held_items`` give and what the steps read
    through ``orders.service``. Returns the packages that exist."""
    packages = hold_all(ctx, Package, Package.package_id, package_ids)
    order_ids = {package.order_id for package in packages}
    hold_all(ctx, Order, Order.order_id, order_ids)
    items = orders.items_of(ctx, order_ids)
    orders.packages_of(ctx, order_ids)
    rows = ctx.kept(HELD)
    for package in packages:
        rows.setdefault(("items", package.package_id), [
            item for item in items[package.order_id] if item.package_id == package.package_id])
    return packages


def keep(ctx: SandboxContext, order: Order, packages: Iterable[Package],
         items: Iterable[OrderItem]) -> None:
    """``hold`` for an order made in this unit of work, once written: its packages, itself
    and their items are at hand already, and need no query."""
    rows = ctx.kept(HELD)
    items = list(items)
    rows[Order, (ctx.id, order.order_id)] = order
    for package in packages:
        rows[Package, (ctx.id, package.package_id)] = package
        rows["items", package.package_id] = [item for item in items
                                             if item.package_id == package.package_id]


def held_items(ctx: SandboxContext, package: Package) -> list[OrderItem]:
    """``items_in``, kept for the unit of work: a package's items never change once packed."""
    rows = ctx.kept(HELD)
    key = ("items", package.package_id)
    if key not in rows:
        rows[key] = items_in(ctx, package)
    return rows[key]


def summary(package: Package) -> dict[str, Any]:
    """What events about a package's items say of it."""
    return {"package_id": package.package_id, "tracking_number": package.tracking_number,
            "shipment_provider": package.shipment_provider}


@dataclass(frozen=True)
class PackageDetail:
    """A package as its seller reads it, with its items (one per unit)."""

    package: Package
    items: list[OrderItem]

    @property
    def item_statuses(self) -> list[str]:
        return sorted({item.status for item in self.items})

    @property
    def journey(self) -> list[tuple[str, dict[str, Any]]]:
        """Each step of the journey and what is planned or done of it, in order."""
        return plans.ordered(self.package.journey)

    @property
    def queued_failures(self) -> list[str]:
        """The failure reasons queued by the carrier for the coming attempts, in order."""
        return [queued["reason"] for queued in self.package.scripted]


def view(ctx: SandboxContext, package: Package) -> PackageDetail:
    return PackageDetail(package, items_in(ctx, package))


def describe(ctx: SandboxContext, package_id: str) -> PackageDetail:
    return view(ctx, get(ctx, package_id))


def cancel(ctx: SandboxContext, order: Order, package: Package) -> None:
    """The package will not travel: its timers go, and the journey steps it will not take
    leave its plan; a tracking event says so."""
    package.status = CANCELED
    package.updated_at = ctx.now
    ctx.timers.cancel(subject=subject(package))
    plans.drop_pending(package)
    tracking.record(ctx, order, package, "canceled")


def label(ctx: SandboxContext, package_id: str) -> Label:
    """The shipping label (air waybill). Only a package that was packed and not canceled has
    one."""
    package = get(ctx, package_id)
    if package.status not in LABELLED:
        raise InvalidStateTransition(f"package {package_id}", package.status, "print_label", [])
    order = ctx.session.get(Order, (ctx.id, package.order_id))
    if order.flow not in orders.PLATFORM_LOGISTICS \
            or order.shipping_type == orders.SELLER_OWN_FLEET:
        # A semi-hosted seller ships with its own carrier, which prints its own label; a
        # seller-own-fleet order is delivered by the seller, with no platform label either.
        kind = (order.flow if order.flow not in orders.PLATFORM_LOGISTICS
                else orders.SELLER_OWN_FLEET)
        raise NoLabel(f"package {package_id} belongs to a {kind} order: the seller's own "
                      f"carrier prints its label; the platform has none",
                      details=[{"field": "package_id", "location": "path",
                                "message": f"no platform label for a {kind} order",
                                "current_state": package.status, "flow": order.flow}])
    items = items_in(ctx, package)
    address = order.address_shipping
    # What the courier collects for this package: its own items, not the whole order, which
    # may travel in several packages. The amount as the API shows it, in the currency's minor
    # unit ("399000" VND, "60.80" MYR).
    collect = sum((item.paid_price for item in items), Decimal(0))
    payment = (f"COD {order.currency} {money.format_amount(collect, order.currency)}"
               if order.payment_method == "cod" else "Prepaid")
    lines = "".join(f"<tr><td>{item.order_item_id}</td><td>{html.escape(item.seller_sku)}</td>"
                    f"<td>{html.escape(item.name)}</td></tr>" for item in items)
    document = (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Shipping label "
        f"{package.tracking_number}</title></head><body>"
        f"<h1>{html.escape(package.shipment_provider)}</h1>"
        f"<p class=\"tracking-number\">{package.tracking_number}</p>"
        f"<p>Package {package.package_id} &middot; Order {order.order_id} &middot; {payment}"
        "</p><h2>Deliver to</h2><address>"
        + "<br>".join(html.escape(str(address.get(name) or "")) for name in (
            "first_name", "last_name", "phone", "address1", "address2", "city", "region",
            "postcode", "country") if address.get(name))
        + f"</address><table><tr><th>Item</th><th>SKU</th><th>Name</th></tr>{lines}</table>"
        "</body></html>")
    return Label(package_id=package.package_id, tracking_number=package.tracking_number,
                 document=document)


@dataclass(frozen=True)
class Label:
    """A package's shipping label (air waybill): an HTML document, as Lazada's PrintAWB gives
    it."""

    package_id: str
    tracking_number: str
    document: str
    mime_type: str = "text/html"
