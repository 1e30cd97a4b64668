"""The delivery log: deliveries by endpoint, status or event type, each with its attempts; and
resend (a new, manual attempt of the same delivery, signed afresh when it is sent)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mockplatform.control.webhooks import outbox
from mockplatform.control.webhooks.dispatcher import DELIVERY_PREFIX
from mockplatform.control.webhooks.formats import FORMATS, Event, Sender, dumps
from mockplatform.control.webhooks.models import (
    PENDING,
    RESEND_FINISHED,
    RESEND_PENDING,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from mockplatform.engine import ids
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import NotFound
from mockplatform.store.models import Event as EventRow


@dataclass
class DeliveryView:
    delivery: WebhookDelivery
    event_type: str
    attempt_log: list[WebhookAttempt] | None = None
    body: str | None = None


def delivery_id(seq: int) -> str:
    return ids.format_id(DELIVERY_PREFIX, seq)


def list_(ctx: SandboxContext, *, endpoint_seq: int | None = None, status: str | None = None,
          event_type: str | None = None, after_seq: int = 0,
          limit: int = 100) -> tuple[list[DeliveryView], bool]:
    ctx.inserts.write()
    stmt = (select(WebhookDelivery, EventRow.type)
            .join(EventRow, (EventRow.sandbox_id == WebhookDelivery.sandbox_id)
                  & (EventRow.seq == WebhookDelivery.event_seq))
            .where(WebhookDelivery.sandbox_id == ctx.id, WebhookDelivery.seq > after_seq))
    if endpoint_seq is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_seq == endpoint_seq)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    if event_type is not None:
        stmt = stmt.where(EventRow.type.startswith(event_type[:-1], autoescape=True)
                          if event_type.endswith(".*") else EventRow.type == event_type)
    rows = ctx.session.execute(stmt.order_by(WebhookDelivery.seq).limit(limit + 1)).all()
    return [DeliveryView(d, t) for d, t in rows[:limit]], len(rows) > limit


def get(ctx: SandboxContext, seq: int) -> DeliveryView:
    ctx.inserts.write()
    delivery = ctx.session.get(WebhookDelivery, (ctx.id, seq))
    if delivery is None:
        raise NotFound(f"no webhook delivery {delivery_id(seq)} in this sandbox")
    event = ctx.session.get(EventRow, (ctx.id, delivery.event_seq))
    endpoint = ctx.session.get(WebhookEndpoint, (ctx.id, delivery.endpoint_seq))
    attempts = list(ctx.session.scalars(
        select(WebhookAttempt).where(WebhookAttempt.sandbox_id == ctx.id,
                                     WebhookAttempt.delivery_seq == seq)
        .order_by(WebhookAttempt.number)))
    return DeliveryView(delivery, event.type, attempts, body_of(ctx, endpoint, event,
                                                                delivery.part))


def body_of(ctx: SandboxContext, endpoint: WebhookEndpoint, event: EventRow, part: int) -> str:
    """The body every attempt of the delivery sends (the same bytes each time)."""
    sandbox = ctx.sandbox
    fmt = FORMATS[endpoint.format]
    return dumps(fmt.body(Event(event.seq, event.type, event.occurred_at, event.subject,
                                event.data), part,
                          Sender(sandbox.seed, sandbox.market, sandbox.app_key,
                                 sandbox.app_secret))).decode()


def resend(ctx: SandboxContext, seq: int) -> DeliveryView:
    """Due at once, as a manual attempt; sent by the dispatcher after this commits. A delivery
    still being retried keeps its retries if the resend fails; one already delivered or failed
    just logs the failed attempt."""
    view = get(ctx, seq)
    delivery = view.delivery
    delivery.manual = RESEND_PENDING if delivery.status == PENDING else RESEND_FINISHED
    delivery.status = PENDING
    delivery.next_attempt_at = ctx.now
    outbox.written().add(ctx.id)
    return view


def attempts_of(ctx: SandboxContext, endpoint_seq: int, *, after: tuple[int, int] | None,
                limit: int) -> tuple[list[WebhookAttempt], bool]:
    """An endpoint's log: every attempt of its deliveries, in delivery then attempt order."""
    stmt = select(WebhookAttempt).where(WebhookAttempt.sandbox_id == ctx.id,
                                        WebhookAttempt.endpoint_seq == endpoint_seq)
    if after is not None:
        stmt = stmt.where((WebhookAttempt.delivery_seq > after[0])
                          | ((WebhookAttempt.delivery_seq == after[0])
                             & (WebhookAttempt.number > after[1])))
    rows = list(ctx.session.scalars(stmt.order_by(WebhookAttempt.delivery_seq,
                                                  WebhookAttempt.number).limit(limit + 1)))
    return rows[:limit], len(rows) > limit
