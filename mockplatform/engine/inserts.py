"""Rows written by plain statements rather than as ORM objects: buffered as plain values and
written in one statement per table (and per set of changed columns).

Most are only ever inserted (events, tracking events, ledger entries). A few change after they
are added (settlement items): a change to a row still buffered is made in the row itself, which
is inserted as it is then; a change to a row already written is buffered as an update by
primary key, written after the inserts (``change``).

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

from sqlalchemy import Connection, Dialect, Table, bindparam, insert, update
from sqlalchemy.orm import Session

# The bound names of the primary key in an update by key (a column's own name is its new value).
KEY_PREFIX = "key_"


class InsertBuffer:
    def __init__(self, session: Session):
        self.session = session
        self._rows: dict[Table, list[dict[str, Any]]] = {}
        # Changes to rows already written: by table, then primary key, the row and the names of
        # the columns that changed. The row's values when the buffer is written are the ones set.
        self._changes: dict[Table, dict[tuple, tuple[dict[str, Any], set[str]]]] = {}
        # Moves at every ``write``: a row added at generation G is still buffered (its changes
        # are made in the row itself) while the generation is G.
        self.generation = 0

    def add(self, table: Table, row: dict[str, Any]) -> int:
        """Buffer ``row``; returns the generation it was added in (see ``change``)."""
        self._rows.setdefault(table, []).append(row)
        return self.generation

    def change(self, table: Table, row: dict[str, Any], added_in: int | None,
               **values: Any) -> None:
        """Set ``values`` on ``row``, a row of ``table`` added in generation ``added_in`` (None: it
        was read from the table): in the row alone while it is still buffered, else also as an
        update by primary key, written with the buffer."""
        row.update(values)
        if added_in == self.generation:
            return
        key = tuple(row[column.key] for column in table.primary_key.columns)
        _, columns = self._changes.setdefault(table, {}).setdefault(key, (row, set()))
        columns.update(values)

    def write(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                self._insert(table, rows)
        self._rows.clear()
        for table, changes in self._changes.items():
            self._update(table, changes.values())
        self._changes.clear()
        self.generation += 1

    def _update(self, table: Table, changes) -> None:
        keys = table.primary_key.columns
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row, columns in changes:
            names = tuple(sorted(columns))
            by_columns.setdefault(names, []).append(
                {**{KEY_PREFIX + key.key: row[key.key] for key in keys},
                 **{name: row[name] for name in names}})
        connection = self.session.connection()
        stmt = update(table).where(*(key == bindparam(KEY_PREFIX + key.key) for key in keys))
        for params in by_columns.values():
            # Parameters named as columns are the SET clause; the others, the key.
            connection.execute(stmt, params)

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
