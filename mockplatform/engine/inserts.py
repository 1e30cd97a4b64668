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
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.orm import Session


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
        # Rows of one table are built by one function, so the first row's keys are every
        # row's (as for SQLAlchemy's own executemany; a row missing one is a KeyError).
        _insert_positional(connection, table, tuple(rows[0]), rows)


def _insert_positional(connection: Connection, table: Table, keys: tuple[str, ...],
                       rows: list[dict[str, Any]]) -> None:
    sql, values_of, processors = _compiled(table, keys, connection.dialect)
    # Column by column: the loops over rows run in C, but for the processors themselves.
    columns = list(zip(*map(values_of, rows), strict=True))
    for position, process in processors:
        columns[position] = map(process, columns[position])
    connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))


@lru_cache(maxsize=128)
def _compiled(table: Table, keys: tuple[str, ...], dialect: Dialect) -> tuple[
        str, Callable[[dict[str, Any]], tuple], tuple[tuple[int, Callable[[Any], Any]], ...]]:
    """The insert's SQL for these columns; what takes a row's values in the order the statement
    wants them; and the position and bind processor of each value that has one."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = list(compiled.positiontup or [])
    if len(order) < 2 or sorted(order) != sorted(keys):
        # A column default or an unknown key (or a single column, which itemgetter would not
        # hand back as a tuple): not this path.
        raise ValueError(f"insert into {table.name}: parameters {order} do not match the row's "
                         f"keys {sorted(keys)}")
    processors = tuple(
        (position, process) for position, key in enumerate(order)
        if (process := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)))
    return compiled.string, itemgetter(*order), processors
