"""The outbox: as an event is recorded, one delivery row per message for each endpoint whose
patterns match it, in the same transaction (installed as the event recorder's observer). What
the transaction does not commit, nobody is sent; what it commits, the dispatcher finds.

Which endpoints hear which event types is kept on the sandbox's row (``webhook_routes``, written
by every change to an endpoint, endpoints.py), which every unit of work loads anyway: a sandbox
without endpoints pays one attribute read per event, and one with some reads no endpoint row.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from mockplatform.control.webhooks.catalogue import pattern_matches
from mockplatform.control.webhooks.formats import FORMATS, Format
from mockplatform.control.webhooks.models import (
    NO_RESEND,
    PENDING,
    WebhookDelivery,
    WebhookEndpoint,
)
from mockplatform.engine import ids
from mockplatform.engine.context import SandboxContext

ENDPOINT_COUNTER = "webhook_endpoint"
DELIVERY_COUNTER = "webhook_delivery"
DELIVERIES = WebhookDelivery.__table__
_KEPT = "webhooks.routes"
# The sandboxes this thread's unit of work wrote deliveries for: the pipeline's after_commit
# hook wakes the dispatcher for them (then, not before: they are sent once committed).
_written = threading.local()


def on_event(ctx: SandboxContext, row: dict[str, Any]) -> None:
    # (A reading unit of work's sandbox, a SandboxRow, records no event and has no routes.)
    endpoints = getattr(ctx.sandbox, "webhook_routes", None)
    if not endpoints:
        return
    routes = ctx.kept(_KEPT)
    type_ = row["type"]
    found = routes.get(type_)
    if found is None:
        found = routes[type_] = [(seq, FORMATS[fmt]) for seq, patterns, fmt in endpoints
                                 if any(pattern_matches(p, type_) for p in patterns)]
    if not found:
        return
    data, wrote = row["data"], False
    for endpoint_seq, fmt in found:
        for part in range(fmt.parts(type_, data)):
            ctx.inserts.add(DELIVERIES, _delivery(ctx, endpoint_seq, row, part))
            wrote = True
    if wrote:
        written().add(ctx.id)


def _delivery(ctx: SandboxContext, endpoint_seq: int, event: dict[str, Any],
              part: int) -> dict[str, Any]:
    return {"sandbox_id": ctx.id, "seq": ids.next_value(ctx.counters, DELIVERY_COUNTER),
            "endpoint_seq": endpoint_seq, "event_seq": event["seq"], "part": part,
            "status": PENDING, "attempts": 0, "auto_attempts": 0,
            "next_attempt_at": event["occurred_at"], "manual": NO_RESEND,
            "lease_token": None, "lease_until": None}


def routes_of(ctx: SandboxContext) -> list[list]:
    """The sandbox's enabled endpoints as the row keeps them: ``[[seq, patterns, format], ...]``."""
    rows = ctx.session.execute(
        select(WebhookEndpoint.seq, WebhookEndpoint.event_types, WebhookEndpoint.format)
        .where(WebhookEndpoint.sandbox_id == ctx.id, WebhookEndpoint.enabled.is_(True))
        .order_by(WebhookEndpoint.seq))
    return [[seq, list(patterns), fmt] for seq, patterns, fmt in rows]


def changed(ctx: SandboxContext) -> None:
    """An endpoint changed in this unit of work: the row's routes again, and the event types
    matched so far forgotten."""
    ctx.sandbox.webhook_routes = routes_of(ctx)
    ctx.kept(_KEPT).clear()


def written() -> set[str]:
    found = getattr(_written, "sandboxes", None)
    if found is None:
        found = _written.sandboxes = set()
    return found


def take_written() -> set[str]:
    found = written()
    _written.sandboxes = set()
    return found


def format_of(name: str) -> Format:
    return FORMATS[name]
