"""Engine, sessions and the unit of work.

One code path for both databases. Mutations of one sandbox are serialised:
- PostgreSQL: a writing request locks its sandbox row (``SELECT ... FOR UPDATE``); other
  sandboxes proceed in parallel.
- SQLite: a writing transaction is ``BEGIN IMMEDIATE`` (one writer at a time across processes)
  after it has taken its turn in a queue of the file's writers, in this process and across
  processes (writers.py), so that waiting writers queue instead of sleeping in SQLite's busy
  handler. The in-memory database is one shared connection: every transaction
  on it holds the lock.
Reading units of work (``write=False``) take no lock and, on SQLite, open no transaction (each
statement sees committed data, as under PostgreSQL's READ COMMITTED): a read that finds work to
do (timers due) is redone as a write by the caller.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Table, create_engine, event, func, insert, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from mockplatform.errors import MockplatformError
from mockplatform.store import bulk, jsoncodec
from mockplatform.store.checkpoint import Checkpointer
from mockplatform.store.models import SCHEMA_VERSION, Base, SchemaInfo
from mockplatform.store.writers import WriterQueue

JSON_CODEC = {"json_serializer": jsoncodec.dumps, "json_deserializer": jsoncodec.loads}
# Callables a unit of work runs once its session has closed and the rows it kept are gone.
ON_CLOSE = "mockplatform.on_close"
# Whether the transaction being opened on this thread writes: read by SQLite's "begin" hook.
_writing: ContextVar[bool] = ContextVar("mockplatform_writing", default=True)
# How long a connection waits for a lock held by another (SQLite's busy timeout), and asks
# again for WAL on a new file another one is turning to WAL (_write_ahead_log).
BUSY_SECONDS = 30


def _write_ahead_log(cursor) -> None:
    """``PRAGMA journal_mode=WAL``, asked again while another connection holds the new file.

    Turning a new file's journal to WAL takes the file to itself for a moment, and a second
    connection that asks meanwhile is told "database is locked" at once: SQLite does not call
    its busy handler there, as waiting could deadlock. Two of serve's workers starting on a new
    data directory did so now and then: the second one's boot failed, and gunicorn's arbiter
    then shut the whole server down, resetting the connections it had accepted. Once the file
    is WAL, asking again changes nothing and takes no lock."""
    delay, waited = 0.002, 0.0
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited >= BUSY_SECONDS:
                raise
        time.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.05)


# The advisory lock under which PostgreSQL's schema is made (any constant of our own).
_SCHEMA_LOCK = 0x6D6F636B  # "mock"
# Connections kept open per process when nobody says how many: as many as serve's default
# threads (a request holds one connection from start to end).
DEFAULT_POOL_SIZE = 8


class Store:
    def __init__(self, url: str, *, echo: bool = False, pool_size: int | None = None,
                 durable: bool = True):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.pool_size = pool_size or DEFAULT_POOL_SIZE
        # Not durable (a SQLite file of records that may go with the machine, the request
        # journal's): no fsync at all (``synchronous=OFF``: a killed process loses nothing
        # committed, an operating system crash may) and the WAL checkpointed by SQLite itself
        # at the commit that takes it past 1,000 pages, in the writing thread, rather than by
        # a thread after every commit: that store is written by a thread of its own, never by
        # a request, and a checkpoint after each of its writes cost about as much as the write.
        self.durable = durable
        self.engine = self._make_engine(echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        # Changed rows are written by one statement per table and set of columns (bulk.py).
        event.listen(self._sessions, "before_flush", bulk.write_changes)
        self._memory = self.is_sqlite and self.url.database in (None, "", ":memory:")
        # SQLite's writers queue (writers.py); the in-memory database, one shared connection,
        # is held by every unit of work.
        self._writers = (None if not self.is_sqlite else threading.RLock() if self._memory
                         else WriterQueue(self.url.database))
        # A SQLite file's WAL is checkpointed by a thread, not by a request (checkpoint.py).
        self.checkpointer = (Checkpointer(self.url.database)
                             if self.is_sqlite and not self._memory and durable else None)
        # What must stop before the engine goes (the journal's writer thread, the webhook
        # dispatcher's threads).
        self.on_dispose: list[Callable[[], None]] = []

    def _make_engine(self, echo: bool) -> Engine:
        # Every unit of work ends in its own commit or rollback (``transaction``), so the pool
        # need not roll back again on check-in: one round trip less per request.
        if not self.is_sqlite:
            # Prepared statements pin generic plans that suit the timer queries badly (their
            # selectivity swings from one sandbox to the next); statements are cheap to plan.
            connect_args = ({"prepare_threshold": None}
                            if self.url.get_driver_name() == "psycopg" else {})
            return create_engine(self.url, echo=echo, pool_size=self.pool_size, max_overflow=20,
                                 pool_recycle=1800, connect_args=connect_args,
                                 pool_reset_on_return=None, **JSON_CODEC)
        memory = self.url.database in (None, "", ":memory:")
        if not memory:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        # A file's pool keeps a connection for every thread that serves requests: one opened
        # beyond the pool is closed when returned, and opening the next one (its PRAGMAs below)
        # then costs a request more than its queries.
        pool = {"poolclass": StaticPool} if memory else {"pool_size": self.pool_size,
                                                         "max_overflow": 20}
        engine = create_engine(
            self.url, echo=echo, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS},
            pool_reset_on_return=None, **pool, **JSON_CODEC)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # Let SQLAlchemy's "begin" below decide how a transaction starts.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # 16 KiB pages rather than 4: the rows written most (events, tracking events, about
            # half a kilobyte each) then fill fewer pages, and a 30-day advance over 10,000
            # journeys runs 3-6% faster (bench/orders.py; 32 and 64 KiB were slower). It
            # takes effect only in a database not yet written, so it comes before WAL, which
            # writes the header; an existing file keeps its page size.
            cursor.execute("PRAGMA page_size=16384")
            if not memory:
                _write_ahead_log(cursor)
                if self.durable:
                    cursor.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer's job
            cursor.execute("PRAGMA synchronous=NORMAL" if self.durable else "PRAGMA synchronous=OFF")
            # 8 MiB of page cache per connection rather than 2: a 30-day advance over 10,000
            # journeys adds tracking rows to an index in no order of insertion, and deletes
            # timers across one, which then stay in memory (1-2% faster, bench/orders.py).
            cursor.execute("PRAGMA cache_size=-8192")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            # A reading unit of work opens no transaction: each statement then reads committed
            # data, as PostgreSQL's READ COMMITTED does, and there is no BEGIN/COMMIT to pay for.
            if _writing.get():
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def create_schema(self, tables: list[Table] | None = None) -> None:
        """Create the tables if missing (every table, or ``tables``); refuse a database made by
        another schema version."""
        from mockplatform import domains  # noqa: PLC0415 - the tables, through the registry

        domains.load()
        # One transaction, one process at a time: each of serve's workers makes the schema as
        # it starts, and the second finds it made. SQLite's BEGIN IMMEDIATE (the "begin" hook)
        # already admits one writer; PostgreSQL, whose CREATE TABLEs of the same name would
        # collide, takes a transaction-level advisory lock.
        with self.engine.begin() as connection:
            if not self.is_sqlite:
                connection.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            Base.metadata.create_all(
                connection, tables=None if tables is None else [SchemaInfo.__table__, *tables])
            versions = connection.scalars(select(SchemaInfo.version)).all()
            if not versions:
                connection.execute(insert(SchemaInfo).values(version=SCHEMA_VERSION))
            elif versions != [SCHEMA_VERSION]:
                raise RuntimeError(
                    f"the database at {self.url.render_as_string(hide_password=True)} has schema "
                    f"version {versions}, this mockplatform needs {SCHEMA_VERSION}: point it at a "
                    f"fresh database or data dir")
        if self.checkpointer is not None:
            self.checkpointer.poke()  # as after any write (the thread starts with the first)

    def drop_schema(self) -> None:
        """Drop every table, the domains' included: they are only in the metadata once loaded,
        and a table left behind would survive the next ``create_all`` with its old columns."""
        from mockplatform import domains  # noqa: PLC0415 - the tables, through the registry

        domains.load()
        Base.metadata.drop_all(self.engine)

    def dispose(self) -> None:
        for stop in self.on_dispose:
            stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()
        if isinstance(self._writers, WriterQueue):
            self._writers.close()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.

        An error that ``keeps_changes`` (a consistent stop, such as an advance that hit its timer
        bound) is committed before it propagates.
        """
        writers = self._writers
        if writers is None or not (write or self._memory):
            queue = nullcontext()
        else:
            queue = writers if self._memory else writers.hold()
        with queue:
            token = _writing.set(write)
            session = self._sessions()
            session.info[ON_CLOSE] = []
            committed = False
            try:
                yield session
                # A read has nothing to commit, and a unit of work that never touched the
                # database has no transaction: closing is enough for both.
                if write and session.in_transaction():
                    session.commit()
                    committed = True
            except MockplatformError as exc:
                if exc.keeps_changes:
                    session.commit()
                    committed = True
                else:
                    session.rollback()
                raise
            except BaseException:
                session.rollback()
                raise
            finally:
                try:
                    session.close()
                finally:
                    _writing.reset(token)
                    on_close = session.info.pop(ON_CLOSE, [])
                    session.info.clear()  # what the unit of work kept goes first
                    for callback in on_close:
                        callback()
                    if committed and self.checkpointer is not None:
                        self.checkpointer.poke()
