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

The statements themselves are store/bulk.py's: on SQLite, the driver's ``executemany`` through
a statement compiled once per table and set of columns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from mockplatform.store.bulk import insert_rows, update_changed


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
        if self._changes:
            update_changed(self.session.connection(), (
                (table, row, tuple(sorted(columns)))
                for table, changes in self._changes.items() for row, columns in changes.values()))
        self._changes.clear()
        self.generation += 1

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        insert_rows(self.session.connection(), table, rows)
