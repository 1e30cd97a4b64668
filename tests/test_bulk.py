"""store/bulk.py: changed rows are written by one statement per table and set of changed columns
before the flush, and are then as the flush would have left them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, String, delete, event, inspect, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mockplatform.finance.models import SettlementStatement
from mockplatform.store import bulk

SANDBOX = "sbx_bulk_test"
START = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.fixture
def statements(store):
    """Three statements of a made-up sandbox, and every UPDATE statement sent afterwards."""
    with store.transaction() as session:
        session.execute(delete(SettlementStatement).where(
            SettlementStatement.sandbox_id == SANDBOX))
        session.add_all(SettlementStatement(
            sandbox_id=SANDBOX, seq=seq, period_start=START, period_end=START,
            payout_at=START, status="open") for seq in (1, 2, 3))
    sent: list[tuple[str, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE"):
            sent.append((" ".join(statement.split()),
                         len(parameters) if executemany else 1))

    event.listen(store.engine, "before_cursor_execute", record)
    yield sent
    event.remove(store.engine, "before_cursor_execute", record)
    with store.transaction() as session:
        session.execute(delete(SettlementStatement).where(
            SettlementStatement.sandbox_id == SANDBOX))


def _load(session) -> dict[int, SettlementStatement]:
    return {s.seq: s for s in session.scalars(select(SettlementStatement).where(
        SettlementStatement.sandbox_id == SANDBOX))}


def _stored(store) -> dict[int, tuple[str, datetime | None]]:
    with store.transaction(write=False) as session:
        return {seq: (s.status, s.closed_at) for seq, s in _load(session).items()}


def test_rows_changed_alike_are_one_statement_that_sets_only_what_changed(store, statements):
    with store.transaction() as session:
        rows = _load(session)
        for seq in (1, 2):
            rows[seq].status, rows[seq].closed_at = "closed", START
        rows[3].status = "open"  # set to what it was: nothing to write

    updates = [(sql, count) for sql, count in statements]
    assert len(updates) == 1
    sql, count = updates[0]
    assert count == 2
    set_clause = sql.partition(" SET ")[2].partition(" WHERE ")[0]
    assert sorted(part.split("=")[0].strip() for part in set_clause.split(",")) == [
        "closed_at", "status"]
    assert _stored(store) == {1: ("closed", START), 2: ("closed", START), 3: ("open", None)}


def test_a_written_row_is_unchanged_for_the_session_and_later_changes_are_written(
        store, statements):
    with store.transaction() as session:
        row = _load(session)[1]
        row.status = "closed"
        session.flush()

        assert not session.is_modified(row)
        assert row not in session.dirty
        assert row.status == "closed"  # kept, not expired
        row.status = "paid"
        session.flush()

    assert _stored(store)[1] == ("paid", None)
    assert [count for _, count in statements] == [1, 1]


def test_new_deleted_and_rekeyed_rows_are_left_to_the_flush(store, statements):
    with store.transaction() as session:
        rows = _load(session)
        rows[1].status = "closed"
        rows[2].seq = 20  # a new primary key: the flush's own update
        session.delete(rows[3])
        session.add(SettlementStatement(sandbox_id=SANDBOX, seq=4, period_start=START,
                                        period_end=START, payout_at=START, status="open"))

    assert _stored(store) == {1: ("closed", None), 20: ("open", None), 4: ("open", None)}


def test_a_flush_of_chosen_objects_is_left_to_the_flush(store, statements):
    with store.transaction() as session:
        rows = _load(session)
        rows[1].status, rows[2].status = "closed", "closed"
        with pytest.warns(SADeprecationWarning):
            session.flush([rows[1]])

        assert session.is_modified(rows[2])  # not written yet
        assert not session.is_modified(rows[1])

    assert {seq: status for seq, (status, _) in _stored(store).items()} == {
        1: "closed", 2: "closed", 3: "open"}


def test_updates_by_key_on_sqlite_are_compiled_once_per_set_of_columns():
    table = SettlementStatement.__table__
    dialect = sqlite.dialect()
    first = bulk._compiled_update(table, ("closed_at", "status"), dialect)
    assert bulk._compiled_update(table, ("closed_at", "status"), dialect) is first
    with pytest.raises(ValueError, match="do not match"):
        bulk._compiled_update(table, ("no_such_column",), dialect)


def test_every_flush_writes_changed_rows_through_update_rows(store, statements, monkeypatch):
    calls = []
    real = bulk.update_rows

    def spy(connection, table, columns, rows):
        calls.append((table.name, columns, len(rows)))
        real(connection, table, columns, rows)

    monkeypatch.setattr(bulk, "update_rows", spy)
    with store.transaction() as session:
        rows = _load(session)
        rows[1].status = rows[2].status = "closed"
        rows[3].closed_at = START

    assert sorted(calls) == [("settlement_statements", ("closed_at",), 1),
                             ("settlement_statements", ("status",), 2)]
    assert len(statements) == 2  # and nothing more from the flush


class _Base(DeclarativeBase):
    pass


class _Plain(_Base):
    __tablename__ = "bulk_plain"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(10))
    renamed: Mapped[str] = mapped_column("other_name", String(10))


class _Versioned(_Base):
    __tablename__ = "bulk_versioned"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


class _Stamped(_Base):
    __tablename__ = "bulk_stamped"
    id: Mapped[int] = mapped_column(primary_key=True)
    touched: Mapped[int] = mapped_column(Integer, onupdate=lambda: 1)


def test_only_plain_columns_of_plain_mappers_are_written_before_the_flush():
    table, compared = bulk._writable(inspect(_Plain))
    assert table is _Plain.__table__
    assert sorted(compared) == ["name"]  # not the key, not a column of another name
    # What the flush adds to an update of its own: a version counter, an onupdate value.
    assert bulk._writable(inspect(_Versioned)) is None
    assert bulk._writable(inspect(_Stamped)) is None


def test_a_new_row_without_the_constructors_events_is_inserted_as_the_constructors(store):
    made = bulk.new_row(SettlementStatement, sandbox_id=SANDBOX, seq=7, period_start=START,
                        period_end=START, payout_at=START, status="open")
    built = SettlementStatement(sandbox_id=SANDBOX, seq=8, period_start=START, period_end=START,
                                payout_at=START, status="open")
    with store.transaction() as session:
        session.add_all([made, built])
        assert inspect(made).pending and made.status == "open"
        session.flush()
        made.status = "closed"  # a later change is tracked as on any row
        assert session.is_modified(made)
    try:
        with store.transaction() as session:
            rows = {row.seq: row for row in session.scalars(select(SettlementStatement).where(
                SettlementStatement.sandbox_id == SANDBOX, SettlementStatement.seq.in_((7, 8))))}
            columns = [c.key for c in SettlementStatement.__table__.columns if c.key != "seq"]
            assert rows[7].status == "closed"
            rows[7].status = "open"
            assert ({c: getattr(rows[7], c) for c in columns}
                    == {c: getattr(rows[8], c) for c in columns})
    finally:
        with store.transaction() as session:
            session.execute(delete(SettlementStatement).where(
                SettlementStatement.sandbox_id == SANDBOX))
    with pytest.raises(TypeError, match="'statuz'"):
        bulk.new_row(SettlementStatement, sandbox_id=SANDBOX, seq=9, statuz="open")


@pytest.mark.parametrize("count", [1, 3, 300])
def test_rows_inserted_in_few_statements_are_those_rows_in_order(store, count):
    from mockplatform.control.journal import JournalEntry  # noqa: PLC0415

    table, sandbox = JournalEntry.__table__, f"{SANDBOX}_{count}"
    rows = [{"sandbox_id": sandbox, "number": n + 1, "sandbox_at": None, "wall_at": START,
             "front": "native",
             "method": "GET", "path": f"/p/{n}", "query": "", "operation": "op",
             "status": 200 + n % 3, "latency_ms": n / 4, "fault_rule": None,
             "fault_effect": None, "request_body": "", "request_truncated": n % 2 == 0,
             "response_body": "x" * n, "response_truncated": False} for n in range(count)]
    sent: list[tuple[bool, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            sent.append((executemany, len(parameters)))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        with store.transaction() as session:
            bulk.insert_rows(session.connection(), table, rows, few_statements=True)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    with store.transaction(write=False) as session:
        stored = session.execute(select(*(table.c[name] for name in rows[0]))
                                 .where(table.c.sandbox_id == sandbox)
                                 .order_by(table.c.number)).mappings().all()
    with store.transaction() as session:
        session.execute(delete(table).where(table.c.sandbox_id == sandbox))

    assert [dict(row) for row in stored] == rows
    if store.is_sqlite:  # 300 rows: 256, 32, 8 and 4, each one statement of many rows
        chunks = {1: [1], 3: [2, 1], 300: [256, 32, 8, 4]}[count]
        assert sent == [(False, chunk * len(rows[0])) for chunk in chunks]


def test_an_insert_of_many_rows_is_made_only_of_an_insert_of_one():
    one = "INSERT INTO t (a, b) VALUES (?, ?)"
    assert bulk._rows_sql(one, 3) == "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"
    with pytest.raises(ValueError, match="not an INSERT of one row"):
        bulk._rows_sql("INSERT INTO t (a, b) SELECT a, b FROM u", 2)
