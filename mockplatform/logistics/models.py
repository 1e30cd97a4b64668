"""Tables of the logistics domain: packages (what the seller packs and the carrier moves) and
their tracking events, in the order they happened.

A column naming another table's row declares it (``info={"refers_to": "orders.order_id"}``), and
a JSON column that code parses declares its shape (``info={"shape": ...}``): a restored snapshot
is checked against both (control/integrity.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.engine import payloads
from mockplatform.engine.ids import SeededIds
from mockplatform.logistics.plans import PLAN
from mockplatform.store.models import Base, UTCDateTime, json_type

# How package ids (FP and 15 digits, like Lazada's) and the platform's tracking numbers (LGS or
# LEX, the market, 10 digits) are drawn (orders/fulfilment.py).
PACKAGE_IDS = SeededIds("logistics", "package", floor=10_000_000_000_000,
                        pattern=r"FP([0-9]{15,})")
TRACKING_NUMBERS = SeededIds("logistics", "tracking_number", floor=1_000_000_000,
                             pattern=r"(?:LGS|LEX)[A-Z]{2}([0-9]{10,})")
# What a payload or a column naming a package holds.
PACKAGE_ID = payloads.Text(max_length=40, refers_to="packages.package_id")
# Failures queued by the carrier's test helper for the coming attempts (logistics/carrier.py).
SCRIPTED = payloads.ListOf(payloads.Object({
    "outcome": payloads.Text(choices=("failed",)), "reason": payloads.Text(max_length=60),
    "queued_at": payloads.Instant()}))
# What the origin sorting centre measured (logistics/journey.py): nothing before the scan.
_DECIMAL = payloads.Text(pattern=r"[0-9]+(\.[0-9]+)?", optional=True,
                         expected="a decimal number as a string")
MEASURED = payloads.Object({name: _DECIMAL
                            for name in ("weight_kg", "length_cm", "width_cm", "height_cm")})


class Package(Base):
    __tablename__ = "packages"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    package_id: Mapped[str] = mapped_column(String(40), primary_key=True,
                                            info={"drawn_from": PACKAGE_IDS})
    order_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "orders.order_id"})
    tracking_number: Mapped[str] = mapped_column(String(60),
                                                 info={"drawn_from": TRACKING_NUMBERS})
    shipment_provider: Mapped[str] = mapped_column(String(60))
    # packed, ready_to_ship, in_transit, delivered, failed_delivery, returning, returned,
    # lost, damaged, canceled (see logistics/states.py)
    status: Mapped[str] = mapped_column(String(30))
    packed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ready_to_ship_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_mile_scan_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime,
                                                                      nullable=True)
    first_mile_scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The last journey step done (``logistics.journey`` keys) and the planned instants of all.
    journey_step: Mapped[str] = mapped_column(String(40), default="")
    journey: Mapped[dict] = mapped_column(json_type(), default=dict, info={"shape": PLAN})
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    failure_reason: Mapped[str] = mapped_column(String(60), default="")
    # What the origin sorting centre measured: weight (kg) and dimensions (cm), as strings.
    measured: Mapped[dict] = mapped_column(json_type(), default=dict,
                                           info={"shape": MEASURED})
    # Fates scripted by test helpers for the coming attempts, consumed in order.
    scripted: Mapped[list] = mapped_column(json_type(), default=list,
                                           info={"shape": SCRIPTED})
    seller_marked_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ux_packages_tracking", "sandbox_id", "tracking_number", unique=True),
        Index("ix_packages_order", "sandbox_id", "order_id"),
        Index("ix_packages_rts", "sandbox_id", "ready_to_ship_at", "package_id"),
    )


class TrackingEvent(Base):
    __tablename__ = "tracking_events"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    package_id: Mapped[str] = mapped_column(String(40),
                                            info={"refers_to": "packages.package_id"})
    order_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "orders.order_id"})
    tracking_number: Mapped[str] = mapped_column(String(60))
    # Our milestone name (journey step or outcome), and Lazada's code, type and words for it.
    milestone: Mapped[str] = mapped_column(String(40))
    status_code: Mapped[str] = mapped_column(String(10))
    detail_type: Mapped[str] = mapped_column(String(40))
    package_status: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[dict] = mapped_column(json_type(), default=dict)

    # One index beside the key: every read finds a package's events through its order
    # (trace.py), and reports select packages, not events. Indexes by tracking number and by
    # instant were never used, and the one by number, in no order of insertion, was most of
    # the cost of writing a tracking row.
    __table_args__ = (
        Index("ix_tracking_order", "sandbox_id", "order_id", "seq"),
        {"info": {"seq_counter": "tracking_event"}},
    )
