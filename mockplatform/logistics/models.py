"""Tables of the logistics domain: the tracking events of packages, in the order they happened.
(Packages themselves belong to their order: ``orders/models.py``.)

A column naming another table's row declares it (``info={"refers_to": "orders.order_id"}``): a
restored snapshot is checked against it (control/integrity.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.store.models import Base, UTCDateTime, json_type


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
