"""Tracking events: what happened to a package, where and when, in the order it happened.

Every milestone of a package goes through ``record``, which writes the tracking row (what
``GET /api/v1/tracking/...`` and the reports read) and the sandbox event ``tracking.updated``
(what the event feed and webhooks carry).
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.logistics.milestones import MILESTONES
from mockplatform.logistics.models import Package, TrackingEvent
from mockplatform.orders.models import Order

# Cross-border parcels start at a consolidation hub in the seller's country (CN); local ones at
# the market's own first-mile hub.
ORIGIN_HUBS = ("Shenzhen, CN", "Guangzhou, CN", "Yiwu, CN", "Dongguan, CN")
LOCAL_HUBS = {"MY": "Shah Alam, MY", "SG": "Singapore, SG", "TH": "Bangkok, TH",
              "VN": "Ho Chi Minh City, VN", "PH": "Pasay City, PH", "ID": "Jakarta, ID"}
TRANSIT = "In transit"


def location_of(ctx: SandboxContext, order: Order, package: Package, where: str) -> str:
    market = ctx.sandbox.market
    if where == "destination":
        city = (order.address_shipping or {}).get("city") or LOCAL_HUBS[market].split(",")[0]
        return f"{city}, {market}"
    if where == "transit":
        return TRANSIT
    if order.shipping_type == "local":
        return LOCAL_HUBS[market]
    return ctx.rng(f"package:{package.package_id}", "origin_hub").choice(ORIGIN_HUBS)


def record(ctx: SandboxContext, order: Order, package: Package, milestone: str, *,
           description: str = "", details: dict[str, Any] | None = None) -> TrackingEvent:
    spec = MILESTONES[milestone]
    event = TrackingEvent(
        sandbox_id=ctx.id, seq=ctx.next_id("tracking_event"), package_id=package.package_id,
        order_id=package.order_id, tracking_number=package.tracking_number,
        milestone=milestone, status_code=spec.status_code, detail_type=spec.detail_type,
        package_status=spec.package_status, title=spec.title,
        description=description or spec.title,
        location=location_of(ctx, order, package, spec.where), occurred_at=ctx.now,
        details=details or {})
    ctx.session.add(event)
    package.updated_at = ctx.now
    ctx.record("tracking.updated", subject=f"package:{package.package_id}",
               data=event_json(event))
    return event


def event_json(event: TrackingEvent) -> dict[str, Any]:
    return {"package_id": event.package_id, "order_id": event.order_id,
            "tracking_number": event.tracking_number, "milestone": event.milestone,
            "status_code": event.status_code, "detail_type": event.detail_type,
            "package_status": event.package_status, "title": event.title,
            "description": event.description, "location": event.location,
            "occurred_at": event.occurred_at.isoformat(), "details": event.details}
