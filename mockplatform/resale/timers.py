"""Resale's timers, one unit each (subject ``resale_item:<id>``): the inspection, the relisting,
the end of the window and the return to the seller's arrival. Each handler re-checks the unit's
state, so a timer of a unit that moved on meanwhile does nothing."""

from __future__ import annotations

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.resale import inspection, return_service, service, states
from mockplatform.resale.models import RESALE_ITEM_ID, ResaleItem

PAYLOAD = PayloadSpec({"resale_item_id": RESALE_ITEM_ID}, subject="resale_item:{resale_item_id}")


def _unit(ctx: SandboxContext, timer: DueTimer, state: str) -> ResaleItem | None:
    unit = ctx.session.get(ResaleItem, (ctx.id, timer.payload["resale_item_id"]))
    return unit if unit is not None and unit.state == state else None


@timer_kind(service.INSPECTION_TIMER, payload=PAYLOAD,
            describe="resale item {resale_item_id}: quality inspection, check by check "
                     "(resale.qc_checks)")
def _inspection(ctx: SandboxContext, timer: DueTimer) -> None:
    unit = _unit(ctx, timer, states.INSPECTION_PENDING)
    if unit is not None:
        inspection.inspect(ctx, unit)


@timer_kind(service.RELIST_TIMER, payload=PAYLOAD,
            describe="resale item {resale_item_id}: list for resale in the local resale "
                     "warehouse (resale.relist_delay)")
def _relist(ctx: SandboxContext, timer: DueTimer) -> None:
    unit = _unit(ctx, timer, states.RESALE_PENDING)
    if unit is not None:
        service.relist(ctx, unit)


@timer_kind(service.WINDOW_TIMER, payload=PAYLOAD,
            describe="resale item {resale_item_id}: leave resale for the return service if "
                     "still unsold (resale.window)")
def _window_end(ctx: SandboxContext, timer: DueTimer) -> None:
    unit = _unit(ctx, timer, states.LISTED)
    if unit is not None:
        service.expire(ctx, unit)


@timer_kind(return_service.ARRIVAL_TIMER, payload=PAYLOAD,
            describe="resale item {resale_item_id}: arrives back at the seller "
                     "(return_service.return_threshold, return_transit)")
def _arrival(ctx: SandboxContext, timer: DueTimer) -> None:
    unit = _unit(ctx, timer, states.RETURNING_TO_SELLER)
    if unit is not None:
        return_service.arrive(ctx, unit)


TIMER_KINDS = (service.INSPECTION_TIMER, service.RELIST_TIMER, service.WINDOW_TIMER,
               return_service.ARRIVAL_TIMER)
