"""Reading a package's trace: where it is in its journey and its tracking events, in the order
they happened (Lazada's ``/logistic/order/trace``), by tracking number or by order.

The reports (``logistics/reports.py``) read the same summary, one row per package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from mockplatform.engine.context import SandboxContext
from mockplatform.errors import NotFound
from mockplatform.logistics import plans
from mockplatform.logistics.errors import TrackingNumberNotFound
from mockplatform.logistics.models import TrackingEvent
from mockplatform.orders import service as orders
from mockplatform.orders.models import Package

# Rows per ``IN (...)`` list: well under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def tracking_number_not_found(tracking_number: str) -> NotFound:
    return TrackingNumberNotFound(f"no package with tracking number {tracking_number!r} in this sandbox",
                                  details=[{"field": "tracking_number", "location": "path",
                                            "message": "unknown tracking number"}])


def packages_by_number(ctx: SandboxContext, numbers: Sequence[str]) -> dict[str, Package]:
    """The packages of ``numbers`` that exist, by tracking number."""
    found: dict[str, Package] = {}
    for chunk in chunks(sorted(set(numbers))):
        for package in ctx.session.scalars(select(Package).where(
                Package.sandbox_id == ctx.id, Package.tracking_number.in_(chunk))):
            found[package.tracking_number] = package
    return found


def _of_packages(packages: Sequence[Package]):
    """``(order ids, package ids)`` chunks: the order ids let the query use the index on
    ``(sandbox, order_id, seq)``; the package ids pick the packages' own events (an event keeps
    its package even if the package's tracking number is changed later)."""
    ordered = sorted(packages, key=lambda p: (p.order_id, p.package_id))
    for chunk in chunks(ordered):
        yield ({p.order_id for p in chunk}, [p.package_id for p in chunk])


def events_of(ctx: SandboxContext,
              packages: Sequence[Package]) -> dict[str, list[TrackingEvent]]:
    """Every tracking event of each package (by package id), in the order they happened."""
    ctx.inserts.write()
    events: dict[str, list[TrackingEvent]] = {p.package_id: [] for p in packages}
    for order_ids, package_ids in _of_packages(packages):
        for event in ctx.session.scalars(select(TrackingEvent).where(
                TrackingEvent.sandbox_id == ctx.id, TrackingEvent.order_id.in_(order_ids),
                TrackingEvent.package_id.in_(package_ids)).order_by(TrackingEvent.seq)):
            events[event.package_id].append(event)
    return events


def last_events_of(ctx: SandboxContext,
                   packages: Sequence[Package]) -> dict[str, tuple[TrackingEvent, int]]:
    """The latest tracking event of each package that has one (by package id), with the
    number of its events: two indexed queries however many events the packages have."""
    ctx.inserts.write()
    latest: dict[str, tuple[int, int]] = {}
    for order_ids, package_ids in _of_packages(packages):
        for package_id, last_seq, count in ctx.session.execute(
                select(TrackingEvent.package_id, func.max(TrackingEvent.seq), func.count())
                .where(TrackingEvent.sandbox_id == ctx.id,
                       TrackingEvent.order_id.in_(order_ids),
                       TrackingEvent.package_id.in_(package_ids))
                .group_by(TrackingEvent.package_id)):
            latest[package_id] = (last_seq, count)
    by_seq: dict[int, TrackingEvent] = {}
    for chunk in chunks(sorted(seq for seq, _ in latest.values())):
        for event in ctx.session.scalars(select(TrackingEvent).where(
                TrackingEvent.sandbox_id == ctx.id, TrackingEvent.seq.in_(chunk))):
            by_seq[event.seq] = event
    return {package_id: (by_seq[seq], count) for package_id, (seq, count) in latest.items()}


def next_step(package: Package) -> tuple[str | None, datetime | None]:
    """The journey step planned next and when it is due: the one the clock holds a timer for."""
    return plans.next_pending(package) or (None, None)


def summary(package: Package) -> dict[str, Any]:
    """Where a package stands: what the trace and every report row say about it."""
    step, due_at = next_step(package)
    return {"tracking_number": package.tracking_number, "package_id": package.package_id,
            "order_id": package.order_id, "shipment_provider": package.shipment_provider,
            "status": package.status, "packed_at": package.packed_at,
            "ready_to_ship_at": package.ready_to_ship_at,
            "first_mile_scan_deadline": package.first_mile_scan_deadline,
            "first_mile_scanned_at": package.first_mile_scanned_at,
            "journey_step": package.journey_step or None, "next_step": step,
            "next_step_due_at": due_at, "delivery_attempts": package.delivery_attempts,
            "failure_reason": package.failure_reason or None,
            "measured": dict(package.measured or {}),
            "seller_marked_failed": package.seller_marked_failed_at is not None,
            "delivered_at": package.delivered_at}


def package_trace(package: Package, events: list[TrackingEvent]) -> dict[str, Any]:
    return {**summary(package), "events": events}


def by_tracking_number(ctx: SandboxContext, tracking_number: str) -> dict[str, Any]:
    package = packages_by_number(ctx, [tracking_number]).get(tracking_number)
    if package is None:
        raise tracking_number_not_found(tracking_number)
    return package_trace(package, events_of(ctx, [package])[package.package_id])


def by_order(ctx: SandboxContext, order_id: int) -> dict[str, Any]:
    """Every package of the order (in the order they were packed) with its events; an order
    not packed yet has none."""
    orders.get_order(ctx, order_id)
    packages = orders.packages_of(ctx, [order_id])[order_id]
    events = events_of(ctx, packages)
    return {"order_id": order_id,
            "packages": [package_trace(package, events[package.package_id])
                         for package in packages]}
