"""The order flows of the platform profiles, declared in one table.

A flow is Lazada's walk (pack, ready to ship, the carrier's journey), TikTok Shop's (the same
walk after a remorse hour on hold, with TikTok's collection deadlines: ``orders/tiktok.py``)
or AliExpress's semi-hosted one (accept, pack, ship with the seller's own carrier). Each has its
item state machine, the deadline timers a new order starts, and the deadlines an order shows.
Everything here reads only the order and its packages; the seller's steps that move packages
are the logistics domain's (``logistics/fulfilment.py``, ``logistics/semi_hosted.py``,
``logistics/tiktok.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mockplatform.engine.deadlines import policy_deadline
from mockplatform.engine.durations import format_duration
from mockplatform.engine.statemachine import StateMachine
from mockplatform.orders import states, tiktok
from mockplatform.orders.models import Order, OrderItem, Package

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext

LAZADA, SEMI_HOSTED, TIKTOK = "lazada", "semi_hosted", tiktok.FLOW
# The flows whose parcels the platform's carrier collects and carries (packages, tracking,
# delivery attempts, the return leg): the seller packs and readies, the journey does the rest.
PLATFORM_LOGISTICS = frozenset({LAZADA, TIKTOK})
# A local order the seller delivers with its own fleet (Lazada's ``delivery_option_sof``): packed
# and readied as any other, then no platform carrier: the seller reports it delivered or failed.
SELLER_OWN_FLEET = states.SELLER_OWN_FLEET
RTS_DEADLINE = "order.rts_deadline"
SHIP_DEADLINE = "semi_hosted.ship_deadline"
CANCEL_AFTER = "semi_hosted.cancel_after"


def policy_shipping(order: Order) -> str:
    """The shipping kind the policies count the order's deadlines by: a seller-own-fleet order
    is local."""
    return "local" if order.shipping_type == SELLER_OWN_FLEET else order.shipping_type


def order_subject(order_id: int) -> str:
    return f"order:{order_id}"


# -- Lazada ---------------------------------------------------------------------------------------

def _start_lazada_deadlines(ctx: SandboxContext, order: Order) -> None:
    order.rts_deadline = policy_deadline(ctx, RTS_DEADLINE, order.created_at,
                                         shipping=policy_shipping(order))
    ctx.timers.schedule(RTS_DEADLINE, order.rts_deadline, subject=order_subject(order.order_id),
                        payload={"order_id": order.order_id})


def _lazada_deadlines(ctx: SandboxContext, order: Order,
                      packages: Sequence[Package]) -> dict[str, Any]:
    waiting = [p.first_mile_scan_deadline for p in packages
               if p.first_mile_scan_deadline is not None and p.first_mile_scanned_at is None
               and p.status == "ready_to_ship"]
    known = [p.first_mile_scan_deadline for p in packages if p.first_mile_scan_deadline]
    first_mile = min(waiting) if waiting else (max(known) if known else None)
    return {"rts_deadline": order.rts_deadline, "first_mile_scan_deadline": first_mile}


# -- AliExpress semi-hosted -----------------------------------------------------------------------

def _start_semi_hosted_deadlines(ctx: SandboxContext, order: Order) -> None:
    """A new order's ship deadline and its cancellation, each a timer."""
    order.rts_deadline = policy_deadline(ctx, SHIP_DEADLINE, order.created_at,
                                         shipping=policy_shipping(order))
    subject = order_subject(order.order_id)
    payload = {"order_id": order.order_id}
    ctx.timers.schedule(SHIP_DEADLINE, order.rts_deadline, subject=subject, payload=payload)
    ctx.timers.schedule(CANCEL_AFTER, cancel_at(ctx, order), subject=subject, payload=payload)


def cancel_at(ctx: SandboxContext, order: Order) -> datetime:
    """When a semi-hosted order is canceled if it has still not shipped."""
    return policy_deadline(ctx, CANCEL_AFTER, order.rts_deadline, shipping=policy_shipping(order))


def lateness(order: Order, at: datetime) -> timedelta | None:
    """How late a semi-hosted order is at ``at``, counted from its ship deadline; None while
    on time."""
    return at - order.rts_deadline if at >= order.rts_deadline else None


def _semi_hosted_deadlines(ctx: SandboxContext, order: Order,
                           packages: Sequence[Package]) -> dict[str, Any]:
    shipped_at = next((p.ready_to_ship_at for p in packages if p.ready_to_ship_at), None)
    late_by = lateness(order, shipped_at) if shipped_at is not None else None
    return {"ship_deadline": order.rts_deadline, "cancel_at": cancel_at(ctx, order),
            "shipped_at": shipped_at,
            "shipped_late": None if shipped_at is None else late_by is not None,
            "shipped_late_by": late_by}


# -- the table ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flow:
    name: str
    machine: StateMachine
    # Schedules the deadline timers of a new order (and sets its ``rts_deadline``).
    start_deadlines: Callable[[SandboxContext, Order], None]
    # The deadlines the seller can still miss or has met: names to aware instants (or, for a
    # lateness, a timedelta; a flag as a bool), None where not known yet.
    deadlines: Callable[[SandboxContext, Order, Sequence[Package]], dict[str, Any]]
    # The status a new order's units take (None: ``pending``).
    first_status: Callable[[SandboxContext], str] | None = None
    # Called after every status change of the order's units with the order, all its units and
    # packages and the statuses the moved units left: it keeps the flow's timers in step and
    # returns what the change's event adds (None: nothing to do).
    on_transition: Callable[[SandboxContext, Order, Sequence[OrderItem], Sequence[Package],
                             Sequence[str]], dict[str, Any]] | None = None


FLOWS: dict[str, Flow] = {
    LAZADA: Flow(LAZADA, states.ITEM, _start_lazada_deadlines, _lazada_deadlines),
    SEMI_HOSTED: Flow(SEMI_HOSTED, states.SEMI_HOSTED_ITEM, _start_semi_hosted_deadlines,
                      _semi_hosted_deadlines),
    TIKTOK: Flow(TIKTOK, states.TIKTOK_ITEM, tiktok.start_deadlines, tiktok.deadlines,
                 tiktok.first_status, tiktok.on_transition),
}
# The flow of each platform profile's orders.
FLOW_OF_PLATFORM = {"lazada": LAZADA, "aliexpress": SEMI_HOSTED, "tiktok_shop": TIKTOK}


def deadlines_of(ctx: SandboxContext, order: Order,
                 packages: Sequence[Package]) -> dict[str, Any]:
    """The order's deadlines by its flow (see ``Flow.deadlines``)."""
    return FLOWS[order.flow].deadlines(ctx, order, packages)


def deadlines_document(deadlines: dict[str, Any]) -> dict[str, Any]:
    """``deadlines`` as an event records them: instants in ISO 8601, lateness as a duration."""
    return {name: (value.isoformat() if isinstance(value, datetime)
                   else format_duration(value) if isinstance(value, timedelta) else value)
            for name, value in deadlines.items()}
