"""Requests the buyer opens on its own after a delivery, with no control call: after-sales
traffic for a QA run. Two sources, heard through the domain's subscription to
``order.delivered`` (only where the profile has after-sales requests, ``aftersales.reasons``):

- a magic value in the buyer's address (``address1``, then ``address2``; keyword in capitals,
  as a whole word), copied onto the order when it was placed, as logistics/magic.py's
  ``FAIL:<reason>``: ``AFTERSALES:<type>:<reason>`` or ``AFTERSALES:<type>:<reason>:<delay>``
  (an ISO 8601 duration above zero, ``PT1H`` when left out). ``<type>`` is ``refund_only``,
  ``return_and_refund`` or ``reshipment`` (a cancellation cannot follow a delivery) and
  ``<reason>`` one the profile's ``aftersales.reasons`` lists for that type; anything else is
  not a magic value, the line is plain text. README.md, "Magic values", documents it;
- ``aftersales.request_rate``: each delivered order opens one with that probability, drawn
  from ``ctx.rng("order:<id>", "aftersales_request")``, its type and reason drawn from the same
  stream by the policy's weights (``engine.rng.weighted``). The magic value comes first.

Once per order, however many packages it was shipped in: when the delivery that leaves none of
its units still to come (unpaid, on hold, awaiting shipment or on its way) is heard, for every
unit of the order delivered by then [choice: an order whose last parcel fails or is lost asks
nothing]. A replacement order (aftersales/reshipment.py) opens none: it is the answer to a
request already.

Either way the units are asked about ``delay`` after that delivery, by an
``aftersales.buyer_request`` timer that opens the request through ``service.open_request``, as
the buyer's test helper does: the same checks, the same event (``aftersales.requested``). If the
request can no longer be opened then (the units are in another request, the buyer's window
closed), no request is opened, as the buyer would get none, and ``aftersales.request_skipped``
records why (the error's code, message and details), so a QA run sees where its traffic went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from mockplatform.aftersales import service, states
from mockplatform.aftersales.errors import ItemsNotEligible, RequestWindowClosed
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.engine.durations import parse_duration
from mockplatform.engine.rng import chance, weighted
from mockplatform.errors import ValidationFailed
from mockplatform.orders import service as orders
from mockplatform.orders import states as item_states
from mockplatform.orders.models import Order

REQUEST_RATE = "aftersales.request_rate"
BUYER_TIMER = "aftersales.buyer_request"
SKIPPED = "aftersales.request_skipped"
# A unit in one of these is still to come to the buyer: its order's last delivery is not yet.
STILL_COMING = frozenset({item_states.UNPAID, item_states.ON_HOLD, item_states.PENDING,
                          item_states.PACKED, item_states.READY_TO_SHIP, item_states.SHIPPED})
MAGIC_DELAY = timedelta(hours=1)
MAGIC_VALUE, REQUEST_RATE_DRAW = "magic_value", "request_rate"
# The types a buyer may open after a delivery.
AFTER_DELIVERY = tuple(type_ for type_ in states.TYPES if type_ != states.CANCELLATION)

_MAGIC = re.compile(r"(?<![A-Za-z0-9_])AFTERSALES:([A-Za-z_]+):([A-Za-z_]+)(?::(P[0-9A-Z.]+))?")


@dataclass(frozen=True)
class Planned:
    """A request the buyer will open: its type, reason, delay after delivery and what chose it."""

    type: str
    reason: str
    delay: timedelta
    decided_by: str


def after_delivery(ctx: SandboxContext) -> tuple[str, ...]:
    """The types the profile offers that a buyer may open after a delivery."""
    return tuple(type_ for type_ in AFTER_DELIVERY if type_ in service.profile(ctx).types)


def magic(ctx: SandboxContext, order: Order) -> Planned | None:
    """The request the order's address asks for, if a line holds a valid magic value."""
    address = order.address_shipping or {}
    for line in (address.get("address1") or "", address.get("address2") or ""):
        for match in _MAGIC.finditer(line):
            type_, reason = match.group(1).lower(), match.group(2).lower()
            if type_ not in after_delivery(ctx) or reason not in service.reasons(
                    ctx, states.REASON_LIST[type_]):
                continue
            delay = _delay(match.group(3))
            if delay is not None:
                return Planned(type_, reason, delay, MAGIC_VALUE)
    return None


def _delay(text: str | None) -> timedelta | None:
    if text is None:
        return MAGIC_DELAY
    try:
        delay = parse_duration(text)
    except ValidationFailed:
        return None
    return delay if delay > timedelta(0) else None


def seeded(ctx: SandboxContext, order_id: int) -> Planned | None:
    """The request ``aftersales.request_rate`` draws for the order, if any."""
    if REQUEST_RATE not in ctx.policies:
        return None
    policy = ctx.policies.value(REQUEST_RATE)
    draw = ctx.rng(orders.order_subject(order_id), "aftersales_request")
    if not chance(draw, Decimal(policy["rate"])):
        return None
    types = after_delivery(ctx)
    type_weights = [Decimal(policy["type_weights"].get(type_, 0)) for type_ in types]
    type_ = weighted(draw, types, type_weights)
    reasons = service.reasons(ctx, states.REASON_LIST[type_])
    reason_weights = [Decimal(policy["reason_weights"].get(reason, 0)) for reason in reasons]
    return Planned(type_, weighted(draw, reasons, reason_weights), policy["delay"],
                   REQUEST_RATE_DRAW)


def on_order_delivered(ctx: SandboxContext, _type: str, data: dict[str, Any]) -> None:
    """At the order's last delivery, plan the buyer's request for every unit it received, if
    the address or the rate asks for one (see the module's docstring)."""
    if service.REASONS not in ctx.policies:
        return
    order = orders.get_order(ctx, data["order_id"])
    if order.replaced_order_id is not None:
        return
    items = orders.items_of(ctx, [order.order_id])[order.order_id]
    if any(item.status in STILL_COMING for item in items):
        return
    received = [item.order_item_id for item in items if item.status == item_states.DELIVERED]
    planned = magic(ctx, order) or seeded(ctx, order.order_id)
    if planned is None:
        return
    if planned.decided_by == REQUEST_RATE_DRAW:
        due = policy_deadline(ctx, REQUEST_RATE, ctx.now, duration=planned.delay)
    else:
        due = ctx.now + planned.delay
    ctx.timers.schedule(BUYER_TIMER, due, subject=orders.order_subject(order.order_id), payload={
        "order_id": order.order_id, "order_item_ids": received,
        "type": planned.type, "reason": planned.reason, "decided_by": planned.decided_by})


def open_planned(ctx: SandboxContext, payload: dict[str, Any]) -> None:
    """The buyer opens the planned request now; if it can no longer be opened, why is
    recorded instead (``aftersales.request_skipped``)."""
    try:
        service.open_request(
            ctx, type_=payload["type"], order_id=payload["order_id"],
            order_item_ids=payload["order_item_ids"], reason=payload["reason"],
            evidence={"text": f"opened by the sandbox ({payload['decided_by']})"})
    except (ItemsNotEligible, RequestWindowClosed) as refused:
        ctx.record(SKIPPED, subject=orders.order_subject(payload["order_id"]), data={
            "order_id": payload["order_id"], "order_item_ids": list(payload["order_item_ids"]),
            "type": payload["type"], "reason": payload["reason"],
            "decided_by": payload["decided_by"], "skip_code": refused.code,
            "skip_reason": refused.message, "skip_details": refused.details})
