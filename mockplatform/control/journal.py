"""The request journal: what was called in a sandbox, on every front, and what it answered.

An entry is written outside the request's unit of work, once its answer is known, by a writer
per process (``JournalWriter``): the request only appends a dict to a buffer, and a thread
writes what has gathered in one transaction, so that a GET, which writes nothing itself, does
not queue for SQLite's write lock. Consistency: a journal read (and reset, delete, clear)
first writes what its own process holds, under the same lock as the thread, so in one process
(the pytest plugin's server, ``serve --workers 1``) a call answered before the read is always
in it. Across several worker processes an entry of another process lands within
``GATHER_SECONDS`` (0.1 s) and one write: a read may miss a call answered by another worker a
moment before.

Where: beside a SQLite file, in a database file of its own (``journal_store``): each call makes a
journal entry, and written into the sandboxes' file they grew its write-ahead log by megabytes a
second under load, which every request's reads then waded through, and took turns at its one
writer (GET one order ran about 15% slower with the journal on). Under PostgreSQL, in the same
database. Reset and delete clear a sandbox's entries there too (``forget``).

Bounded: each write keeps the newest ``journal_max_entries`` of each sandbox it wrote to,
deleting the oldest. Bodies are kept up to ``journal_body_bytes`` characters each.

Numbered per sandbox: an entry's id is its number in its sandbox (1, 2, ...; ``jrn_`` and the
number), given as it is written, from a counter row per sandbox (``JournalCounter``) that
clearing the journal or resetting the sandbox leaves as it is, so a cursor held across them
never skips what comes after. Deleting the sandbox leaves its counter as a mark (``DELETED``):
entries another worker still holds for it are dropped when that worker writes them, where a
counter deleted with the sandbox came back with them, and they with it, for nobody. Numbers
follow the order of the writes: in one process, the order of the answers. As they leave no
gaps, the entries past the cap are a range of the primary key (``number <= last -
journal_max_entries``), found with no count (an OFFSET of the cap's length walked 10,000 index
entries per write, a tenth of a worker's time under create-then-read).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Float,
    Index,
    Integer,
    String,
    Text,
    bindparam,
    delete,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockplatform.control import faults
from mockplatform.engine import clock as clocks
from mockplatform.engine import ids
from mockplatform.errors import ValidationFailed
from mockplatform.store import bulk, priority
from mockplatform.store.models import Base, UTCDateTime
from mockplatform.store.session import Store

ENTRY_PREFIX = "jrn_"
# How long the writer thread waits idle before it ends (it starts again with the next entry).
IDLE_SECONDS = 10.0
# How long an entry may wait for others to share its write, and how many make a write at once:
# one write per request would double a GET's work (a write transaction beside a read); one per
# 100 ms costs a request next to nothing (bench/README.md).
GATHER_SECONDS = 0.1
BATCH = 500
log = logging.getLogger(__name__)


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __snapshot__ = False  # what was called in one sandbox is not the state of another
    __sandbox_state__ = False  # reset and delete leave it to the writer (forget)

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sandbox_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    wall_at: Mapped[datetime] = mapped_column(UTCDateTime)
    front: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    query: Mapped[str] = mapped_column(Text, default="")
    operation: Mapped[str] = mapped_column(String(120))
    status: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    fault_rule: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fault_effect: Mapped[str | None] = mapped_column(String(20), nullable=True)
    request_body: Mapped[str] = mapped_column(Text, default="")
    request_truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    response_body: Mapped[str] = mapped_column(Text, default="")
    response_truncated: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_journal_operation", "sandbox_id", "operation", "number"),)


class JournalCounter(Base):
    """The number of the sandbox's last entry (see the module's doc)."""

    __tablename__ = "journal_counters"
    __snapshot__ = False
    __sandbox_state__ = False

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)


def journal_store(store: Store) -> Store:
    """The store the journal is kept in, for the sandboxes' ``store`` (see the module's doc):
    ``mockplatform.db`` keeps its journal in ``mockplatform-requests.db``; an in-memory
    database, in an in-memory database of its own."""
    if not store.is_sqlite:
        return store
    database = store.url.database
    if database in (None, "", ":memory:"):
        url = "sqlite://"
    else:
        path = Path(database)
        url = f"sqlite:///{path.with_name(f'{path.stem}-requests{path.suffix}')}"
    kept = Store(url, pool_size=4, durable=False)
    kept.create_schema([JournalEntry.__table__, JournalCounter.__table__])
    store.on_dispose.append(kept.dispose)
    return kept


def clip(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters, and whether it was cut."""
    return (text, False) if len(text) <= limit else (text[:limit], True)


class JournalWriter:
    """The entries of one process, buffered and written by a thread (see the module's doc)."""

    def __init__(self, store: Store, max_entries: int):
        self.store = store
        self.max_entries = max_entries
        self._pending: list[dict[str, Any]] = []
        self._wake = threading.Condition()
        self._writing = threading.Lock()  # one write at a time, in the order entries came
        self._thread: threading.Thread | None = None
        self._closed = False
        store.on_dispose.append(self.close)

    def close(self) -> None:
        """Write what is pending and stop the thread (before the store's engine goes)."""
        with self._wake:
            self._closed = True
            thread = self._thread
            self._wake.notify()
        if thread is not None:
            thread.join(timeout=10)
        try:
            self.flush()
        except Exception:  # the schema dropped already, say: the entries go with it
            log.exception("journal entries could not be written at close")

    def add(self, entry: dict[str, Any]) -> None:
        with self._wake:
            if self._closed:
                return
            self._pending.append(entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="mockplatform-journal")
                self._thread.start()
            if len(self._pending) in (1, BATCH):
                self._wake.notify()

    def forget(self, sandbox_id: str, *, deleted: bool = False) -> None:
        """The sandbox's entries gone (it was reset or deleted), those still buffered too; and,
        once it is deleted, its numbering: its counter marked, so that no writer of another
        process writes its entries again."""
        with self._writing:
            with self._wake:
                self._pending = [e for e in self._pending if e["sandbox_id"] != sandbox_id]
            with self.store.transaction() as session:
                if deleted:  # (the counter first, as a writer takes it before the entries)
                    connection = session.connection()
                    connection.execute(_mark(connection.dialect.name), {"b_sandbox": sandbox_id})
                clear(session, sandbox_id)

    def flush(self) -> None:
        """Write every entry added so far (those the thread took included) before returning."""
        with self._writing:
            with self._wake:
                entries, self._pending = self._pending, []
            if entries:
                self._write(entries)

    def _run(self) -> None:
        priority.background_thread()  # (store/priority.py: the requests' CPU first)
        while True:
            with self._wake:
                if not self._pending and not self._closed:
                    self._wake.wait(IDLE_SECONDS)
                if self._closed or not self._pending:
                    self._thread = None
                    return
                # Gather: the entries of the next GATHER_SECONDS share one write.
                until = clocks.monotonic() + GATHER_SECONDS
                while (len(self._pending) < BATCH and not self._closed
                       and (left := until - clocks.monotonic()) > 0):
                    self._wake.wait(left)
            try:
                self.flush()
            except Exception:  # the journal never takes the server down: say so and go on
                log.exception("journal entries could not be written")

    def _write(self, entries: list[dict[str, Any]]) -> None:
        with self.store.transaction() as session:
            connection = session.connection()
            by_sandbox: dict[str, list[dict[str, Any]]] = {}
            for entry in entries:
                by_sandbox.setdefault(entry["sandbox_id"], []).append(entry)
            rows = []
            # In one order in every process: each sandbox's counter row stays locked until the
            # commit (PostgreSQL), and two writers taking two counters in opposite orders
            # would deadlock, one of them losing its entries.
            for sandbox_id, theirs in sorted(by_sandbox.items()):
                last = _take_numbers(connection, sandbox_id, len(theirs))
                if last <= 0:
                    continue  # deleted: what this process still held of it goes unwritten
                oldest_kept = last - self.max_entries + 1
                connection.execute(_TRIM, {"b_sandbox": sandbox_id, "b_oldest": oldest_kept})
                rows += [{**entry, "number": number}
                         for number, entry in enumerate(theirs, last - len(theirs) + 1)
                         if number >= oldest_kept]
            # A few many-row INSERTs (COPY under PostgreSQL) on the connection: the ORM's bulk
            # insert spent most of the writer's time on its own bookkeeping per row, and an
            # executemany gives up the interpreter lock once per row beside busy request threads.
            bulk.insert_rows(connection, JournalEntry.__table__, rows, few_statements=True)


_COUNTERS = JournalCounter.__table__
# A deleted sandbox's counter: numbers taken from it stay below 1 (far more than any writer adds).
DELETED = -(2 ** 62)
_TRIM = delete(JournalEntry.__table__).where(
    JournalEntry.__table__.c.sandbox_id == bindparam("b_sandbox"),
    JournalEntry.__table__.c.number < bindparam("b_oldest"))


def _take_numbers(connection: Connection, sandbox_id: str, count: int) -> int:
    """Take the sandbox's next ``count`` numbers; the last of them. One statement (an insert
    that adds to the row it finds): two processes' writers never take the same numbers, the
    counter's first row included (PostgreSQL makes the second wait for the first's commit)."""
    return connection.execute(_bump(connection.dialect.name),
                              {"b_sandbox": sandbox_id, "b_count": count}).scalar_one()


@cache
def _mark(dialect: str):
    """The counter set to ``DELETED``, whether a writer made it yet or not."""
    return _upsert(dialect, DELETED, lambda _statement: DELETED)


@cache
def _bump(dialect: str):
    """The counter raised by ``b_count`` (made at ``b_count`` if missing); its new value."""
    return _upsert(dialect, bindparam("b_count"),
                   lambda statement: _COUNTERS.c.last + statement.excluded.last) \
        .returning(_COUNTERS.c.last)


def _upsert(dialect: str, last, on_conflict):
    """The sandbox's counter row made at ``last``, or, if it is there, set to
    ``on_conflict(statement)`` (SQLite's or PostgreSQL's ON CONFLICT: one statement, built once
    per dialect by its callers)."""
    statement = (sqlite_insert if dialect == "sqlite" else postgresql_insert)(_COUNTERS).values(
        sandbox_id=bindparam("b_sandbox"), last=last)
    return statement.on_conflict_do_update(index_elements=[_COUNTERS.c.sandbox_id],
                                           set_={"last": on_conflict(statement)})


def entries(session: Session, sandbox_id: str, *, operation: str | None = None,
            statuses: list[int] | None = None, front: str | None = None,
            start: datetime | None = None, end: datetime | None = None,
            after: str | None = None, limit: int) -> tuple[list[JournalEntry], bool]:
    """A page of the sandbox's entries, oldest first; ``start``/``end`` bound the sandbox
    time (from inclusive, to exclusive)."""
    if start is not None and end is not None and end <= start:
        raise ValidationFailed.field("to", f"must be after 'from' ({start.isoformat()})",
                                     location="query")
    stmt = select(JournalEntry).where(JournalEntry.sandbox_id == sandbox_id)
    if operation:
        stmt = stmt.where(JournalEntry.operation.in_(faults.spellings(operation)))
    if statuses:
        stmt = stmt.where(JournalEntry.status.in_(statuses))
    if front:
        stmt = stmt.where(JournalEntry.front == front)
    if start is not None:
        stmt = stmt.where(JournalEntry.sandbox_at >= start)
    if end is not None:
        stmt = stmt.where(JournalEntry.sandbox_at < end)
    if after:
        stmt = stmt.where(JournalEntry.number > ids.parse_id(ENTRY_PREFIX, after,
                                                             field="after"))
    rows = list(session.scalars(stmt.order_by(JournalEntry.number).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def clear(session: Session, sandbox_id: str) -> int:
    """Delete the sandbox's entries (its numbering goes on where it was); how many."""
    return session.execute(delete(JournalEntry).where(
        JournalEntry.sandbox_id == sandbox_id)).rowcount


def entry_id(entry: JournalEntry) -> str:
    return ids.format_id(ENTRY_PREFIX, entry.number)
