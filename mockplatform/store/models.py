"""SQLAlchemy models. The store only stores: no rule lives here.

Every table that holds a sandbox's data has a ``sandbox_id`` column and is listed by
``sandbox_tables()``; reset, delete, snapshot and restore work over that list, so a later domain
table takes part in all four by having the column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def json_type():
    return JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out.

    PostgreSQL keeps them as ``timestamptz``. SQLite keeps them as fixed-width UTC text
    (``2026-01-05 01:00:00.000000``, the layout SQLAlchemy's own SQLite type writes), which sorts
    in time order and parses with ``datetime.fromisoformat``, far faster than the generic
    parser: every request reads the sandbox's clock and every fired timer its due instant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(26))
        return dialect.type_descriptor(DateTime(timezone=True))

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is not UTC:  # nearly every instant written is in UTC already
            if value.tzinfo is None:
                raise ValueError("naive datetime given to the store; every datetime must be "
                                 "aware")
            value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return _sqlite_text(value)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # parsing the offset is cheaper than replace(tzinfo=UTC)
            return datetime.fromisoformat(value + "+00:00")
        return value.astimezone(UTC)


# The SQLite text of instants written lately. An advance writes each instant a timer fires at
# into several rows (its tracking row, that row's event, a ledger entry, the rows it changed),
# table by table, and formatting an aware datetime costs more than the rest of writing it.
# Emptied when full, so bounded; plain dict operations, which threads may share. An entry (the
# instant, its text, its slot) holds about 160 bytes, so 16,384 of them 2.5 MiB. At 100,000
# (17 MiB) a server under steady mixed traffic, which writes some 0.2 new instants a request,
# would still be filling it after 20 minutes: nearly all the live Python memory a soak added.
_TEXTS: dict[datetime, str] = {}
TEXTS_KEPT = 16_384


def _sqlite_text(value: datetime) -> str:
    """The UTC text without its "+00:00" (cheaper than formatting a naive copy)."""
    text = _TEXTS.get(value)
    if text is None:
        text = value.isoformat(sep=" ", timespec="microseconds")[:26]
        if len(_TEXTS) >= TEXTS_KEPT:
            _TEXTS.clear()
        _TEXTS[value] = text
    return text


AMOUNT_SCALE = 2  # every amount is rounded to its currency's minor unit: 0 or 2 places


class ExactDecimal(TypeDecorator):
    """A ``Decimal`` stored without loss on both databases.

    PostgreSQL keeps ``NUMERIC``. SQLite has no decimal type (it would keep a float, and its SUM
    would add floats), so there the value is an integer count of ``10**-scale`` units, which
    stores, sums and compares exactly; ``func.sum`` over the column comes back through this type,
    so a balance is a ``Decimal`` with the same digits on both databases.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int):
        super().__init__(precision=18, scale=scale, asdecimal=True)
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(precision=18, scale=self.scale))

    @property
    def python_type(self) -> type:
        return Decimal

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        exact = Decimal(value).quantize(self._quantum)
        if exact != value:
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(exact.scaleb(self.scale)) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(self._quantum)


# Bump whenever a table or column changes: a database made by another version is refused with
# a clear message instead of failing later on a missing column.
SCHEMA_VERSION = 13


class Base(DeclarativeBase):
    pass


class SchemaInfo(Base):
    __tablename__ = "mockplatform_schema"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)


class Sandbox(Base):
    __tablename__ = "sandboxes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    platform: Mapped[str] = mapped_column(String(20))
    market: Mapped[str] = mapped_column(String(2))
    seed: Mapped[int] = mapped_column(BigInteger)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Wall time of creation: only orders the sandbox list, never enters a sandbox's own data.
    created_wall_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The settings the sandbox was created with, so that reset can rebuild it exactly.
    creation: Mapped[dict] = mapped_column(json_type())

    clock_mode: Mapped[str] = mapped_column(String(10))
    clock_speed: Mapped[float] = mapped_column(Float, default=1.0)
    clock_anchor_virtual: Mapped[datetime] = mapped_column(UTCDateTime)
    clock_anchor_wall: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The earliest pending timer's due instant, kept exact by the scheduler, so that a request
    # with nothing due needs no timer query at all.
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    timers_pending: Mapped[int] = mapped_column(BigInteger, default=0)

    policy_overrides: Mapped[dict] = mapped_column(json_type(), default=dict)
    calendar_overrides: Mapped[list] = mapped_column(json_type(), default=list)
    # Changed in place thousands of times in one advance (every event and timer takes a number):
    # a plain dict, marked changed once when the unit of work finishes (``SandboxContext``).
    counters: Mapped[dict] = mapped_column(json_type(), default=dict)
    # The sandbox's fault rules and their call counts (control/faults.py): read by every request
    # with the row it already loads, so a sandbox without rules pays no query for them. Not
    # part of a snapshot, and emptied by reset.
    faults: Mapped[dict] = mapped_column(json_type(), default=dict)
    # Which enabled webhook endpoints hear which event types, ``[[seq, [pattern, ...], format],
    # ...]`` (control/webhooks/outbox.py): kept by every change to an endpoint, so that a unit of
    # work that records events reads no endpoint. Not part of a snapshot, and emptied by reset.
    webhook_routes: Mapped[list] = mapped_column(json_type(), default=list)

    api_key: Mapped[str] = mapped_column(String(80), unique=True)
    app_key: Mapped[str] = mapped_column(String(20), unique=True)
    app_secret: Mapped[str] = mapped_column(String(80))
    access_token: Mapped[str] = mapped_column(String(80), unique=True)

    __table_args__ = (Index("ix_sandboxes_created", "created_wall_at", "id"),)


class SandboxRow(SimpleNamespace):
    """A sandbox as a reading request sees it: the row's plain values, never written back."""


class Timer(Base):
    __tablename__ = "timers"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(json_type(), default=dict)

    # ix_timers_subject serves cancels, which name a subject (and often a kind).
    __table_args__ = (Index("ix_timers_due", "sandbox_id", "due_at", "seq"),
                      Index("ix_timers_kind", "sandbox_id", "kind", "seq"),
                      Index("ix_timers_subject", "sandbox_id", "subject", "kind"))


class Event(Base):
    __tablename__ = "events"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(String(120), default="")
    data: Mapped[dict] = mapped_column(json_type(), default=dict)

    __table_args__ = (Index("ix_events_type", "sandbox_id", "type", "seq"),
                      # One subject's events (an order item's history, orders/history.py).
                      Index("ix_events_subject", "sandbox_id", "subject", "seq"))


class IdempotencyRecord(Base):
    """A POST's first answer, replayed for the same key and body within the window.

    ``scope`` is the sandbox id, or ``"global"`` for calls made before any sandbox exists
    (creating or restoring one).
    """

    __tablename__ = "idempotency_keys"
    __snapshot__ = False

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    sandbox_id: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ux_idempotency_scope_key", "sandbox_id", "key", unique=True),
                      Index("ix_idempotency_scope_created", "sandbox_id", "created_at"))


def sandbox_tables() -> list[Table]:
    """Every table holding one sandbox's rows, in dependency-safe order; but those whose model
    says ``__sandbox_state__ = False``, which a keeper of their own clears (the request journal,
    which may be kept in another database: control/journal.py)."""
    apart = _saying_no("__sandbox_state__")
    return [t for t in Base.metadata.sorted_tables
            if t.name != Sandbox.__tablename__ and "sandbox_id" in t.c and t.name not in apart]


def snapshot_tables() -> list[Table]:
    """The sandbox tables a snapshot carries (idempotency records stay with their sandbox)."""
    skipped = _saying_no("__snapshot__")
    return [t for t in sandbox_tables() if t.name not in skipped]


def _saying_no(flag: str) -> set[str]:
    """The tables whose model sets ``flag`` (``__snapshot__``, ``__sandbox_state__``) False."""
    return {mapper.class_.__tablename__ for mapper in Base.registry.mappers
            if getattr(mapper.class_, flag, True) is False}
