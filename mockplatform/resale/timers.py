"""Resale's timers, one unit each (subject ``resale_item:<id>``): the inspection, the relisting,
the end of the window and the return to the seller's arrival. Each handler re-checks the unit's
state, so a timer of a unit that moved on meanwhile does nothing.

An advance fires thousands of them, so each batch's units are read at once beforehand
(``prefetch``) with the rows their steps touch: the orders and items that follow them, their
SKUs (stock) and products (inspection); a unit received during the batch is kept from its
creation (resale/service.py ``receive``), and the first relisting or window's end reads every
SKU's shelf at once. A step then reads without writing what is pending first (as the journey's
steps do, logistics/journey.py): it reads only rows that exist already, and the shelves are
kept up to date by resale/service.py itself.
"""

from __future__ import annotations

from collections.abc import Callable

from mockplatform.catalog.models import Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.logistics import packages as package_service
from mockplatform.orders import service as orders
from mockplatform.orders.models import Order
from mockplatform.resale import inspection, return_service, service, states
from mockplatform.resale.models import RESALE_ITEM_ID, ResaleItem

PAYLOAD = PayloadSpec({"resale_item_id": RESALE_ITEM_ID}, subject="resale_item:{resale_item_id}")


def prefetch(ctx: SandboxContext, timers: list[DueTimer]) -> None:
    """What a batch of resale timers reads, in a few queries, kept for the unit of work."""
    units = package_service.hold_all(ctx, ResaleItem, ResaleItem.resale_item_id,
                                     (timer.payload["resale_item_id"] for timer in timers))
    order_ids = {order_id for unit in units
                 for order_id in (unit.order_id, unit.resale_order_id) if order_id is not None}
    package_service.hold_all(ctx, Order, Order.order_id, order_ids)
    orders.items_of(ctx, order_ids)
    orders.packages_of(ctx, order_ids)
    package_service.hold_all(ctx, Sku, Sku.sku_id, {unit.sku_id for unit in units})
    package_service.hold_all(ctx, Product, Product.item_id, {unit.item_id for unit in units})


def _run(ctx: SandboxContext, timer: DueTimer, state: str,
         effect: Callable[[SandboxContext, ResaleItem], None]) -> None:
    """``effect`` on the timer's unit if it is still in ``state``."""
    # Read as the session would (a unit received since the batch began is written first), and
    # kept: its next timer may fire in the same batch.
    unit = package_service.held(ctx, ResaleItem, (ctx.id, timer.payload["resale_item_id"]))
    if unit is None or unit.state != state:
        return
    if state in (states.RESALE_PENDING, states.LISTED):
        # Every shelf at once: the units an advance relists and expires are of many SKUs,
        # some received in the same batch (no prefetch knew them).
        service.load_shelves(ctx)
    session = ctx.session
    autoflush, session.autoflush = session.autoflush, False
    try:
        effect(ctx, unit)
    finally:
        session.autoflush = autoflush


@timer_kind(service.INSPECTION_TIMER, payload=PAYLOAD, prefetch=prefetch,
            describe="resale item {resale_item_id}: quality inspection, check by check "
                     "(resale.qc_checks)")
def _inspection(ctx: SandboxContext, timer: DueTimer) -> None:
    _run(ctx, timer, states.INSPECTION_PENDING, inspection.inspect)


@timer_kind(service.RELIST_TIMER, payload=PAYLOAD, prefetch=prefetch,
            describe="resale item {resale_item_id}: list for resale in the local resale "
                     "warehouse (resale.relist_delay)")
def _relist(ctx: SandboxContext, timer: DueTimer) -> None:
    _run(ctx, timer, states.RESALE_PENDING, service.relist)


@timer_kind(service.WINDOW_TIMER, payload=PAYLOAD, prefetch=prefetch,
            describe="resale item {resale_item_id}: leave resale for the return service if "
                     "still unsold (resale.window)")
def _window_end(ctx: SandboxContext, timer: DueTimer) -> None:
    _run(ctx, timer, states.LISTED, service.expire)


@timer_kind(return_service.ARRIVAL_TIMER, payload=PAYLOAD, prefetch=prefetch,
            describe="resale item {resale_item_id}: arrives back at the seller "
                     "(return_service.return_threshold, return_transit)")
def _arrival(ctx: SandboxContext, timer: DueTimer) -> None:
    _run(ctx, timer, states.RETURNING_TO_SELLER, return_service.arrive)


TIMER_KINDS = (service.INSPECTION_TIMER, service.RELIST_TIMER, service.WINDOW_TIMER,
               return_service.ARRIVAL_TIMER)
