"""Rows that are only ever inserted, never changed (events, tracking events), buffered as plain
values and written in one statement per table.

One advance records a few such rows for every timer it fires; building and flushing an ORM
object for each cost more than everything else the timer did. The buffer is written at the
engine's write points (``SandboxContext.finish``, each batch of an advance) and by whoever
reads one of its tables, before the query: ``write`` first, as timer queries flush the
scheduler first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
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
                self.session.execute(insert(table), rows)
        self._rows.clear()
