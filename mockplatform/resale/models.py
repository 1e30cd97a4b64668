"""Tables of the resale domain: each unit that failed delivery and came into the platform's
hands at the local reverse centre (one row per unit, as order items are), with every instant of
its path, the inspection's results and where it ended.

Keyed by ``sandbox_id`` like every sandbox table (reset, delete, snapshot and restore carry it).
No foreign keys: a column naming another table's row declares it (``info={"refers_to": ...}``)
and a JSON column its shape, checked when a snapshot is restored (control/integrity.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.engine import payloads
from mockplatform.engine.ids import SeededIds
from mockplatform.store.models import AMOUNT_SCALE, Base, ExactDecimal, UTCDateTime, json_type

# How resale item ids are drawn: 12 digits.
RESALE_ITEM_IDS = SeededIds("resale", "resale_item", floor=700_000_000_000)
RESALE_ITEM_ID = payloads.Integer(refers_to="resale_items.resale_item_id")

QC_CHECKS = ("sku_listed", "no_defects", "matches_description", "correct_item", "complete",
             "packaging_intact", "not_restricted")
# What the inspection found, check by check, and what decided each result.
QC_RESULTS = payloads.ListOf(payloads.Object({
    "check": payloads.Text(choices=QC_CHECKS),
    "passed": payloads.Boolean(),
    "decided_by": payloads.Text(max_length=40),
    "note": payloads.Text(max_length=255)}))
# A warehouse test helper's verdict for the coming inspection.
SCRIPTED_QC = payloads.Object({"result": payloads.Text(choices=("pass", "fail")),
                               "check": payloads.Text(choices=QC_CHECKS, optional=True)})
# Every step of the unit's path, in order: what happened, when, and its details.
TIMELINE = payloads.ListOf(payloads.Object({
    "at": payloads.Instant(), "step": payloads.Text(max_length=60),
    "details": payloads.Object({}, extra=True)}))


class ResaleItem(Base):
    __tablename__ = "resale_items"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    resale_item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True,
                                                autoincrement=False,
                                                info={"drawn_from": RESALE_ITEM_IDS})
    # The unit that failed delivery, in its first order, and its product and SKU.
    order_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "orders.order_id"})
    order_item_id: Mapped[int] = mapped_column(
        BigInteger, info={"refers_to": "order_items.order_item_id"})
    package_id: Mapped[str] = mapped_column(String(40), info={"refers_to": "packages.package_id"})
    item_id: Mapped[int] = mapped_column(BigInteger,
                                         info={"refers_to": "catalog_products.item_id"})
    sku_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "catalog_skus.sku_id"})
    seller_sku: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255))
    market: Mapped[str] = mapped_column(String(2))
    # The price the buyer paid for the unit the first time (market currency).
    price: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    currency: Mapped[str] = mapped_column(String(3))
    # See resale/states.py.
    state: Mapped[str] = mapped_column(String(30))
    failure_reason: Mapped[str] = mapped_column(String(60), default="")
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Eligible for a second sale (resale.eligible), and why not when it is not.
    eligible: Mapped[bool] = mapped_column(default=False)
    ineligible_reasons: Mapped[list] = mapped_column(
        json_type(), default=list, info={"shape": payloads.ListOf(payloads.Text(max_length=60))})
    # Deadlines, each set as soon as it is known (visible before it passes).
    inspect_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    relist_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    return_arrives_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    inspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    qc_results: Mapped[list] = mapped_column(json_type(), default=list,
                                             info={"shape": QC_RESULTS})
    qc_scripted: Mapped[dict | None] = mapped_column(json_type(), nullable=True,
                                                     info={"shape": SCRIPTED_QC})
    relisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The order that bought it from resale stock, and when; delivered_at when it arrived.
    resale_order_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, info={"refers_to": "orders.order_id"})
    resale_order_item_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, info={"refers_to": "order_items.order_item_id"})
    resold_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resale_price: Mapped[Decimal | None] = mapped_column(ExactDecimal(AMOUNT_SCALE),
                                                         nullable=True)
    sold_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Why it left resale (ineligible, qc_failed, window_expired, second_failure), the return
    # service that took it, its outcome and when.
    exit_reason: Mapped[str] = mapped_column(String(30), default="")
    exited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    return_service: Mapped[str] = mapped_column(String(30), default="")
    outcome: Mapped[str] = mapped_column(String(30), default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    compensation: Mapped[Decimal | None] = mapped_column(ExactDecimal(AMOUNT_SCALE),
                                                         nullable=True)
    timeline: Mapped[list] = mapped_column(json_type(), default=list,
                                           info={"shape": TIMELINE})
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_resale_items_state", "sandbox_id", "state", "resale_item_id"),
        # Resale stock of a SKU, oldest listed first.
        Index("ix_resale_items_sku", "sandbox_id", "sku_id", "state", "relisted_at",
              "resale_item_id"),
        Index("ix_resale_items_order_item", "sandbox_id", "order_item_id"),
        Index("ix_resale_items_resale_order_item", "sandbox_id", "resale_order_item_id"),
        # The list's filters (resale/queries.py): an order's units either way, a seller SKU,
        # why they left; and the overview's counts and lists over a range of each instant
        # (resale/overview.py), which serve the list's ranges too.
        Index("ix_resale_items_order", "sandbox_id", "order_id"),
        Index("ix_resale_items_resale_order", "sandbox_id", "resale_order_id"),
        Index("ix_resale_items_seller_sku", "sandbox_id", "seller_sku"),
        Index("ix_resale_items_exit_reason", "sandbox_id", "exit_reason"),
        Index("ix_resale_items_failed", "sandbox_id", "failed_at"),
        Index("ix_resale_items_relisted", "sandbox_id", "relisted_at"),
        Index("ix_resale_items_resold", "sandbox_id", "resold_at"),
        Index("ix_resale_items_sold", "sandbox_id", "sold_at", "resale_item_id"),
        Index("ix_resale_items_exited", "sandbox_id", "exited_at", "state", "exit_reason",
              "compensation"),
        Index("ix_resale_items_outcome", "sandbox_id", "outcome", "outcome_at"),
    )


class ReturnServiceSetting(Base):
    """The seller's return service (``return_service.option``), once changed through the API:
    without a row the policy's value holds."""

    __tablename__ = "return_service_settings"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    option: Mapped[str] = mapped_column(String(30))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
