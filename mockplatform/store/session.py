"""Engine, sessions and the unit of work.

One code path for both databases. Mutations of one sandbox are serialised:
- PostgreSQL: the request locks its sandbox row (``SELECT ... FOR UPDATE``); other sandboxes
  proceed in parallel.
- SQLite: every transaction is ``BEGIN IMMEDIATE`` (one writer at a time across processes) and,
  inside one process, also holds a lock, because the in-memory database is one shared connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from mockplatform.errors import MockplatformError
from mockplatform.store.models import Base


class Store:
    def __init__(self, url: str, *, echo: bool = False):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = self._make_engine(echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self._lock = threading.RLock() if self.is_sqlite else None

    def _make_engine(self, echo: bool) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, echo=echo, pool_size=10, max_overflow=20,
                                 pool_pre_ping=True)
        memory = self.url.database in (None, "", ":memory:")
        if not memory:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            self.url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if memory else None)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # Let SQLAlchemy's "begin" below decide how a transaction starts.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    def drop_schema(self) -> None:
        Base.metadata.drop_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.

        An error that ``keeps_changes`` (a consistent stop, such as an advance that hit its timer
        bound) is committed before it propagates.
        """
        with self._lock if self._lock is not None else nullcontext():
            session = self._sessions()
            try:
                yield session
                session.commit()
            except MockplatformError as exc:
                if exc.keeps_changes:
                    session.commit()
                else:
                    session.rollback()
                raise
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
