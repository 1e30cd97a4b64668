"""Whether a snapshot's rows hang together, checked before a restore writes any of them.

``snapshots.py`` checks each row alone against its table's columns. Here, what later code reads
back from the rows must be what it expects, or the restored sandbox would fail at every advance
or view, forever:

- every timer's kind is registered, its payload fits the kind's ``PayloadSpec`` and its subject
  the one the spec derives from the payload (cancels find timers by subject);
- every column declaring a shape (``info={"shape": ...}``, for JSON that code parses) fits it;
- every value naming a row of another table names one the snapshot holds: a column declaring
  ``info={"refers_to": "orders.order_id"}``, or a payload or JSON field declaring ``refers_to``.

Every problem is reported (up to ``MAX_DETAILS``), each naming the table, the row (its index in
the document and its key) and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Table

from mockplatform.engine.payloads import Problem, Reference, join
from mockplatform.engine.scheduler import kind as timer_kind
from mockplatform.errors import ValidationFailed
from mockplatform.store.models import Timer

MAX_DETAILS = 20


def check(rows: dict[Table, list[dict[str, Any]]], prefix: str = "snapshot.tables") -> None:
    """Raise ``ValidationFailed`` naming every row that does not hang together."""
    keys = _Keys(rows)
    details = []
    for table, table_rows in rows.items():
        key_columns = [c.name for c in table.primary_key.columns if c.name != "sandbox_id"]
        for index, row in enumerate(table_rows):
            for path, message in _row_problems(table, row, keys):
                key = {name: row[name] for name in key_columns}
                details.append({
                    "field": f"{prefix}.{table.name}.{index}.{path}", "location": "body",
                    "message": f"snapshot is damaged: {table.name} row {index} "
                               f"({_named(key)}): {path}: {message}",
                    "table": table.name, "row": index, "key": key})
    if details:
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        raise ValidationFailed(details[0]["message"] + more, details=details[:MAX_DETAILS])


def _named(key: dict[str, Any]) -> str:
    return ", ".join(f"{name} {value!r}" for name, value in key.items())


def _row_problems(table: Table, row: dict[str, Any], keys: _Keys) -> Iterator[Problem]:
    for column in table.c:
        if column.name not in row or row[column.name] is None:
            continue  # a default, or a null the column allows (``snapshots.column_value``)
        value = row[column.name]
        shape = column.info.get("shape")
        if shape is not None:
            problems = shape.problems(value, column.name)
            if problems:
                yield from problems
                continue
            yield from keys.missing(shape.references(value, column.name))
        target = column.info.get("refers_to")
        if target is not None:
            yield from keys.missing([Reference(column.name, target, value)])
    if table.name == Timer.__tablename__:
        yield from _timer_problems(row, keys)


def _timer_problems(row: dict[str, Any], keys: _Keys) -> Iterator[Problem]:
    try:
        spec = timer_kind(row["kind"]).payload
    except LookupError:
        yield "kind", f"no timer kind {row['kind']!r} in this server"
        return
    payload = row.get("payload", {})
    problems = spec.check(payload)
    if problems:
        yield from ((join("payload", path), f"{message} (timer kind {row['kind']})")
                    for path, message in problems)
        return
    yield from keys.missing(spec.references(payload, "payload"))
    expected, subject = spec.subject_of(payload), row.get("subject", "")
    if expected is not None and subject != expected:
        yield "subject", (f"expected {expected!r} (timer kind {row['kind']}, from its payload), "
                          f"got {subject!r}")


class _Keys:
    """The values of the columns that rows refer to, read from the snapshot's rows when first
    needed."""

    def __init__(self, rows: dict[Table, list[dict[str, Any]]]):
        self._rows = {table.name: table_rows for table, table_rows in rows.items()}
        self._by_target: dict[str, dict[Any, dict[str, Any]]] = {}

    def missing(self, references: Iterable[Reference]) -> Iterator[Problem]:
        for path, target, key, where in references:
            table = target.partition(".")[0]
            row = self._held(target).get(key)
            if row is None:
                yield path, (f"names {key!r}, but the snapshot holds no such row of {table} "
                             f"({target})")
                continue
            for column, expected in (where or {}).items():
                if row.get(column) != expected:
                    yield path, (f"names {key!r}, a row of {table} whose {column} is "
                                 f"{row.get(column)!r}; expected one whose {column} is "
                                 f"{expected!r}")

    def _held(self, target: str) -> dict[Any, dict[str, Any]]:
        if target not in self._by_target:
            table, _, column = target.partition(".")
            self._by_target[target] = {row.get(column): row for row in self._rows.get(table, ())}
        return self._by_target[target]
