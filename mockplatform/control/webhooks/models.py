"""The webhook tables. Per sandbox (deleted with it and by reset), but not in snapshots: a
restored sandbox is a new one with new credentials, and must not push to the receiver of the
sandbox it was copied from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.store.models import Base, UTCDateTime, json_type

# A delivery's status.
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATUSES = (PENDING, DELIVERED, FAILED)
# ``WebhookDelivery.manual``: no resend asked; a resend of a delivery still being retried; a
# resend of one already delivered or failed (its failure does not restart the retries).
NO_RESEND, RESEND_PENDING, RESEND_FINISHED = 0, 1, 2


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"
    __snapshot__ = False

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    event_types: Mapped[list] = mapped_column(json_type())
    format: Mapped[str] = mapped_column(String(20))
    secret: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # sandbox time


class WebhookDelivery(Base):
    """One message to one endpoint: an event (for Lazada, one ``part`` per order line). Narrow on
    purpose: an advance writes one per event per endpoint; the body is rendered at send time
    from the event, the same bytes every time."""

    __tablename__ = "webhook_deliveries"
    __snapshot__ = False

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    endpoint_seq: Mapped[int] = mapped_column(BigInteger)
    event_seq: Mapped[int] = mapped_column(BigInteger)
    part: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    auto_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Sandbox time: when the next attempt is due (None once delivered or failed).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    manual: Mapped[int] = mapped_column(SmallInteger, default=NO_RESEND)
    # Who is sending it now, until when (wall time): a claim that outlives its sender (a killed
    # worker) lapses, and another process sends the delivery again (at least once).
    lease_token: Mapped[str | None] = mapped_column(String(80), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    # In the dispatcher's order (due first, then as written), so that a claim reads the first
    # BATCH of a backlog and no more.
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "sandbox_id",
                            "next_attempt_at", "seq"),)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __snapshot__ = False

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint_seq: Mapped[int] = mapped_column(BigInteger)
    trigger: Mapped[str] = mapped_column(String(10))  # auto | manual
    sandbox_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wall_at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    # None, or: timeout, refused, reset, closed, status (a non-success status), slow (a success
    # past the format's time limit), error (anything else, with its text in the excerpt).
    error: Mapped[str | None] = mapped_column(String(20), nullable=True)

    __table_args__ = (Index("ix_webhook_attempts_endpoint", "sandbox_id", "endpoint_seq",
                            "delivery_seq"),)
