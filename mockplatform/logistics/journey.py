"""A package's journey after the seller readies it: each step of ``logistics.journey`` is a
timer on the sandbox clock and a tracking event when it fires."""

from __future__ import annotations

from mockplatform.engine.context import SandboxContext
from mockplatform.logistics import tracking
from mockplatform.logistics.models import Package
from mockplatform.orders.models import Order


def start(ctx: SandboxContext, order: Order, package: Package) -> None:
    """The seller handed the package over: the first tracking event."""
    tracking.record(ctx, order, package, "ready_to_ship")
