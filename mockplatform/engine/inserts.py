"""Rows that are only ever inserted, never changed (events, tracking events, ledger entries),
buffered as plain values and written in one statement per table.

One advance records a few such rows for every timer it fires; building and flushing an ORM
object for each cost more than everything else the timer did. The buffer is written at the
engine's write points (``SandboxContext.finish``, each batch of an advance) and by whoever
reads one of its tables, before the query: ``write`` first, as timer queries flush the
scheduler first.

On SQLite the rows go to the driver's ``executemany`` through a statement compiled once per
table, each value through its column's own bind processor: SQLAlchemy's generic path builds
and checks a parameter set per row, which cost as much as the insert itself (a 30-day advance
over 10,000 journeys writes 300,000 such rows). PostgreSQL keeps the generic path, whose
"insertmanyvalues" batching is what makes its inserts fast.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


class InsertBuffer:
    def __init__(self, session: Session):
        self.session = session
        self._rows: dict[Table, list[dict[str, Any]]] = {}

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self._rows.setdefault(table, []).append(row)

    def write(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                self._insert(table, rows)
        self._rows.clear()

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        connection = self.session.connection()
        if connection.dialect.paramstyle != "qmark":
            self.session.execute(insert(table), rows)
            return
        # Rows of one table are built by one function, so they share their keys; any that did
        # not would go in a statement of their own.
        by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            by_keys.setdefault(tuple(row), []).append(row)
        for keys, same in by_keys.items():
            _insert_positional(connection, table, keys, same)


def _insert_positional(connection: Connection, table: Table, keys: tuple[str, ...],
                       rows: list[dict[str, Any]]) -> None:
    sql, columns = _compiled(table, keys, connection.dialect)
    connection.exec_driver_sql(sql, [
        tuple([row[key] if process is None else process(row[key])
               for key, process in columns]) for row in rows])


@lru_cache(maxsize=128)
def _compiled(table: Table, keys: tuple[str, ...],
              dialect: Dialect) -> tuple[str, tuple[tuple[str, Processor], ...]]:
    """The insert's SQL for these columns, and each parameter's key and bind processor, in the
    order the statement takes them."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = compiled.positiontup or []
    if sorted(order) != sorted(keys):  # a column default or an unknown key: not this path
        raise ValueError(f"insert into {table.name}: parameters {order} do not match the row's "
                         f"keys {sorted(keys)}")
    return compiled.string, tuple(
        (key, table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) for key in order)
