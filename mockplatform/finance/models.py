"""Tables of the finance domain: ledger entries, settlement statements and settlement items.

Every table has a ``sandbox_id`` column, so reset, delete, snapshot and restore cover it. A
column naming another table's row declares it (``info={"refers_to": ...}``), checked when a
snapshot is restored.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.engine.payloads import Text
from mockplatform.engine.policies import CURRENCIES
from mockplatform.store.models import AMOUNT_SCALE, Base, ExactDecimal, UTCDateTime, json_type

RATE_SCALE = 6
# The currencies the rates table converts (finance/rates.yaml).
CURRENCY = {"shape": Text(choices=CURRENCIES)}


class LedgerEntry(Base):
    """One movement of the seller's money. Append-only: entries are never changed or deleted;
    a correction is a new entry (an ``adjustment``)."""

    __tablename__ = "ledger_entries"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    # Signed: what the seller is charged (a debit) is negative, what they are paid is positive.
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    currency: Mapped[str] = mapped_column(String(3), info=CURRENCY)
    # ``amount`` converted into the sandbox's market currency and rounded to its minor unit.
    market_amount: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    market_currency: Mapped[str] = mapped_column(String(3), info=CURRENCY)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(RATE_SCALE))
    subject: Mapped[str] = mapped_column(String(120), default="")
    policy_key: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[dict] = mapped_column(json_type(), default=dict)

    __table_args__ = (Index("ix_ledger_kind", "sandbox_id", "kind", "seq"),
                      Index("ix_ledger_subject", "sandbox_id", "subject", "seq"),
                      Index("ix_ledger_occurred", "sandbox_id", "occurred_at", "seq"),
                      {"info": {"seq_counter": "ledger_entry"}})


class SettlementStatement(Base):
    """One statement period of ``settlement.cycle`` that has something to settle."""

    __tablename__ = "settlement_statements"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    # Exclusive: the instant the next statement starts (Monday 00:00 local after Sunday 23:59:59).
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    payout_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # open, closed, paid
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_statements_period", "sandbox_id", "period_start"),
                      {"info": {"seq_counter": "settlement_statement"}})


class SettlementItem(Base):
    """What one subject (an order item, say) is owed, and whether it may be paid.

    A subject can be flagged unsettleable before it becomes settleable (a seller marks an
    order as failed delivery, and it is delivered later): the row then exists without an
    amount, and it is never paid.
    """

    __tablename__ = "settlement_items"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))  # pending, paid, unsettleable
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(AMOUNT_SCALE), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True, info=CURRENCY)
    settleable_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    statement_seq: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, info={"refers_to": "settlement_statements.seq"})
    entry_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True,
                                                  info={"refers_to": "ledger_entries.seq"})
    unsettleable_reason: Mapped[str] = mapped_column(String(200), default="")
    policy_key: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (Index("ix_settlement_items_subject", "sandbox_id", "subject"),
                      Index("ix_settlement_items_statement", "sandbox_id", "statement_seq",
                            "seq"),
                      {"info": {"seq_counter": "settlement_item"}})


class PostedEntry(SimpleNamespace):
    """A ledger entry just posted, as plain values: the columns of ``LedgerEntry``. The row itself
    waits in the insert buffer (engine/inserts.py); an ORM object built only to be read back
    cost more than the posting."""
