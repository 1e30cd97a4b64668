"""Tracking events: what happened to a package, where and when, in the order it happened.

Every milestone of a package goes through ``record``, which writes the tracking row (what
``GET /api/v1/tracking/...`` and the reports read) and the sandbox event ``tracking.updated``
(what the event feed and webhooks carry).
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.logistics.milestones import MILESTONES
from mockplatform.logistics.models import TrackingEvent
from mockplatform.orders.models import RESALE_WAREHOUSE, Order, Package

# Cross-border parcels start at a consolidation hub in the seller's country (CN); local ones, and
# those of the market's resale warehouse, at the market's own first-mile hub.
ORIGIN_HUBS = ("Shenzhen, CN", "Guangzhou, CN", "Yiwu, CN", "Dongguan, CN")
LOCAL_HUBS = {"MY": "Shah Alam, MY", "SG": "Singapore, SG", "TH": "Bangkok, TH",
              "VN": "Ho Chi Minh City, VN", "PH": "Pasay City, PH", "ID": "Jakarta, ID"}
TRANSIT = "In transit"
ORIGIN_HUB = "tracking.origin_hub"
# Tracking events are only ever inserted: buffered as plain rows (see engine/inserts.py).
TRACKING_EVENTS = TrackingEvent.__table__


def location_of(ctx: SandboxContext, order: Order, package: Package, where: str) -> str:
    market = ctx.sandbox.market
    if where == "destination":
        city = (order.address_shipping or {}).get("city") or LOCAL_HUBS[market].split(",")[0]
        return f"{city}, {market}"
    if where == "transit":
        return TRANSIT
    if where == "seller":  # a return parcel ends at the seller's return address in the market
        return LOCAL_HUBS[market]
    # A local parcel, or one from the market's resale warehouse, starts at the local hub.
    if order.shipping_type != "cross_border" or package.ships_from == RESALE_WAREHOUSE:
        return LOCAL_HUBS[market]
    # The same draw at every origin milestone of the package: drawn once a unit of work.
    hubs = ctx.kept(ORIGIN_HUB)
    hub = hubs.get(package.package_id)
    if hub is None:
        hub = hubs[package.package_id] = ctx.rng(f"package:{package.package_id}",
                                                 "origin_hub").choice(ORIGIN_HUBS)
    return hub


def record(ctx: SandboxContext, order: Order, package: Package, milestone: str, *,
           description: str = "", details: dict[str, Any] | None = None) -> None:
    spec = MILESTONES[milestone]
    row = {"sandbox_id": ctx.id, "seq": ctx.next_id("tracking_event"),
           "package_id": package.package_id, "order_id": package.order_id,
           "tracking_number": package.tracking_number, "milestone": milestone,
           "status_code": spec.status_code, "detail_type": spec.detail_type,
           "package_status": spec.package_status, "title": spec.title,
           "description": description or spec.title,
           "location": location_of(ctx, order, package, spec.where), "occurred_at": ctx.now,
           "details": details or {}}
    ctx.inserts.add(TRACKING_EVENTS, row)
    package.updated_at = ctx.now
    ctx.record("tracking.updated", subject=f"package:{package.package_id}",
               data=event_json(row, ctx.iso(row["occurred_at"])))


def event_json(row: dict[str, Any], occurred_at: str) -> dict[str, Any]:
    """The event's data: the tracking row without its keys (``occurred_at`` in ISO 8601)."""
    return {"package_id": row["package_id"], "order_id": row["order_id"],
            "tracking_number": row["tracking_number"], "milestone": row["milestone"],
            "status_code": row["status_code"], "detail_type": row["detail_type"],
            "package_status": row["package_status"], "title": row["title"],
            "description": row["description"], "location": row["location"],
            "occurred_at": occurred_at, "details": row["details"]}
