"""The after-sales table: one row per buyer request (a cancellation, a refund only, a return and
refund, a reshipment), whatever its type, with the items it names (one order item per unit), its reason and
evidence, its state and the seller's next action with its deadline, its money, the return
parcel and, when that parcel could not be delivered, the failed return's fields; a reshipment's
package and its fee.

Keyed by ``sandbox_id`` like every sandbox table (reset, delete, snapshot and restore carry it).
No foreign keys: a column naming another table's row declares it (``info={"refers_to": ...}``)
and a JSON column its shape, checked when a snapshot is restored (control/integrity.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.engine import payloads
from mockplatform.engine.ids import SeededIds
from mockplatform.store.models import AMOUNT_SCALE, Base, ExactDecimal, UTCDateTime, json_type

# How request ids are drawn: 15 digits, like the platform's order ids.
REQUEST_IDS = SeededIds("aftersales", "aftersales_request", floor=600_000_000_000_000)
AFTERSALES_ID = payloads.Integer(refers_to="aftersales_requests.aftersales_id")

ORDER_ITEM_IDS = payloads.ListOf(payloads.Integer(refers_to="order_items.order_item_id"))
# What the buyer sent with the request: words and links to photos or videos.
EVIDENCE = payloads.Object({"text": payloads.Text(max_length=2000),
                            "urls": payloads.ListOf(payloads.Text(max_length=500))})
# Every step of the request, in order: what happened, who did it, when, and its details.
TIMELINE = payloads.ListOf(payloads.Object({
    "at": payloads.Instant(), "step": payloads.Text(max_length=60),
    "role": payloads.Text(max_length=20), "state": payloads.Text(max_length=40),
    "details": payloads.Object({}, extra=True)}))


class AfterSalesRequest(Base):
    __tablename__ = "aftersales_requests"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    aftersales_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                            info={"drawn_from": REQUEST_IDS})
    # cancellation, refund_only, return_and_refund, reshipment (aftersales/states.py TYPES)
    type: Mapped[str] = mapped_column(String(30))
    order_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "orders.order_id"})
    order_item_ids: Mapped[list] = mapped_column(json_type(), info={"shape": ORDER_ITEM_IDS})
    # One of the profile's aftersales.reasons for the type, and the buyer's evidence.
    reason: Mapped[str] = mapped_column(String(80))
    evidence: Mapped[dict] = mapped_column(json_type(), info={"shape": EVIDENCE})
    state: Mapped[str] = mapped_column(String(40))
    # What the seller must do now (TikTok's seller_next_action_response) and by when, with the
    # policy that sets the deadline; empty when nothing waits for the seller. ``deadline_at``
    # is the next deadline of any party (the buyer's ship-back, the claim window).
    seller_next_action: Mapped[str] = mapped_column(String(40), default="")
    awaiting_seller: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deadline_policy: Mapped[str] = mapped_column(String(80), default="")
    # Money, in the market currency: what the buyer asks back (what they paid for the items),
    # the seller's partial offer, and what was refunded.
    currency: Mapped[str] = mapped_column(String(3))
    requested_refund: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    offered_refund: Mapped[Decimal | None] = mapped_column(ExactDecimal(AMOUNT_SCALE),
                                                           nullable=True)
    buyer_rejected_partial_refund: Mapped[bool] = mapped_column(Boolean, default=False)
    refunded_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(AMOUNT_SCALE),
                                                            nullable=True)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The seller's reason and comment when it rejected the request or the received parcel.
    reject_reason: Mapped[str] = mapped_column(String(80), default="")
    reject_comment: Mapped[str] = mapped_column(String(500), default="")
    # The return parcel (a package travelling from the buyer to the seller).
    return_package_id: Mapped[str | None] = mapped_column(
        String(40), nullable=True, info={"refers_to": "packages.package_id"})
    return_tracking_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    return_delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the carrier next offers the parcel to the seller (return.parcel_journey).
    return_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A failed return (failed_return.*): what the seller was told and until when it may claim.
    carrier_contact: Mapped[str] = mapped_column(String(255), default="")
    ticket_url: Mapped[str] = mapped_column(String(500), default="")
    claim_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A reshipment's replacement order (made at approval, aftersales/reshipment.py), its package
    # (from the seller to the buyer), when that is due at the buyer, and the shipping fee the
    # seller was charged for it.
    replacement_order_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, default=None, info={"refers_to": "orders.order_id"})
    reshipment_package_id: Mapped[str | None] = mapped_column(
        String(40), nullable=True, info={"refers_to": "packages.package_id"})
    reshipment_tracking_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    reshipment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reshipment_fee: Mapped[Decimal | None] = mapped_column(ExactDecimal(AMOUNT_SCALE),
                                                           nullable=True)
    # The fee's currency: logistics.shipping_fee's, which need not be the market's.
    reshipment_fee_currency: Mapped[str] = mapped_column(String(3), default="")
    timeline: Mapped[list] = mapped_column(json_type(), default=list, info={"shape": TIMELINE})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_aftersales_order", "sandbox_id", "order_id", "aftersales_id"),
        Index("ix_aftersales_state", "sandbox_id", "state", "aftersales_id"),
        Index("ix_aftersales_type", "sandbox_id", "type", "aftersales_id"),
        # The seller's queue in id order, its deadlines beside the ids: a page of the queue
        # due before an instant is found in this index alone (queries.list_requests).
        Index("ix_aftersales_awaiting", "sandbox_id", "awaiting_seller", "aftersales_id",
              "deadline_at"),
        Index("ix_aftersales_deadline", "sandbox_id", "deadline_at", "aftersales_id"),
        Index("ix_aftersales_return_package", "sandbox_id", "return_package_id"),
    )
