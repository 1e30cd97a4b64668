"""Beside a SQLite file the journal is kept in a database file of its own (its writes would
otherwise fill the sandboxes' write-ahead log); reset and delete clear it there too."""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from mockplatform.app import create_app
from mockplatform.control.journal import DELETED
from mockplatform.settings import Settings
from tests.api.test_journal import EVENTS, bound, journal
from tests.conftest import Api


def _entry(sandbox_id: str, **changes) -> dict:
    """A journal entry as a request's hook makes it, for a writer to write."""
    from mockplatform.engine import clock as clocks  # noqa: PLC0415

    return {"sandbox_id": sandbox_id, "sandbox_at": None, "wall_at": clocks.wall_now(),
            "front": "native", "method": "GET", "path": "/", "query": "", "operation": "op",
            "status": 200, "latency_ms": 1.0, "fault_rule": None, "fault_effect": None,
            "request_body": "", "request_truncated": False, "response_body": "",
            "response_truncated": False, **changes}


def _rows(path, sandbox_id: str, table: str = "journal_entries") -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table} WHERE sandbox_id = ?",
                                  (sandbox_id,)).fetchone()[0]


def test_a_sqlite_file_keeps_its_journal_beside_it_and_reset_and_delete_clear_it(tmp_path):
    main, kept = tmp_path / "mp.db", tmp_path / "mp-requests.db"
    app = create_app(Settings(database_url=f"sqlite:///{main}"))
    try:
        sbx, other = bound(Api(app)), bound(Api(app))
        sbx.get(EVENTS)
        other.get(EVENTS)
        assert [e["operation"] for e in journal(sbx)["data"]] == ["events"]
        sandbox_id, other_id = sbx.sandbox["id"], other.sandbox["id"]
        assert (_rows(kept, sandbox_id), _rows(main, sandbox_id)) == (1, 0)

        assert sbx.post(f"{sbx.base}/reset").status_code == 200
        assert journal(sbx)["data"] == [] and _rows(kept, sandbox_id) == 0
        sbx.get(EVENTS)
        # A reset keeps the numbering (a cursor held across it skips nothing)...
        assert [e["id"] for e in journal(sbx)["data"]] == ["jrn_00000002"]
        assert sbx.delete(sbx.base).status_code == 200
        # ... a delete ends it (its counter stays, marked: see the next test).
        assert _rows(kept, sandbox_id) == 0
        with sqlite3.connect(kept) as connection:
            assert connection.execute("SELECT last FROM journal_counters WHERE sandbox_id = ?",
                                      (sandbox_id,)).fetchone() == (DELETED,)
        assert _rows(kept, other_id) == 1  # another sandbox's journal stays
        assert _rows(kept, other_id, "journal_counters") == 1
    finally:
        app.extensions["mockplatform"]["store"].dispose()


def test_the_journal_file_is_written_without_fsync_and_checkpoints_itself(tmp_path):
    """The journal's file is records, not state: no fsync (a killed process still loses nothing
    committed) and SQLite's own checkpoint in the writer's commit, no checkpointer thread."""
    from mockplatform.control.journal import journal_store  # noqa: PLC0415
    from mockplatform.store.session import Store  # noqa: PLC0415

    main = Store(f"sqlite:///{tmp_path / 'mp.db'}")
    try:
        kept = journal_store(main)
        assert kept.url.database == str(tmp_path / "mp-requests.db")
        with kept.engine.connect() as connection:  # the journal's tables only
            assert sorted(connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'").scalars()) == [
                "journal_counters", "journal_entries", "mockplatform_schema"]
        assert (kept.checkpointer, main.checkpointer is not None) == (None, True)
        with kept.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA synchronous").scalar() == 0  # OFF
            assert pragma("PRAGMA wal_autocheckpoint").scalar() == 1000
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
        with main.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    finally:
        main.dispose()


def test_writers_of_several_processes_never_take_the_same_numbers(store):
    """Each worker process has its own writer; their writes interleave, each over several
    sandboxes (SQLite's write lock, or under PostgreSQL the counters' row locks, taken in one
    order by every writer: in opposite orders two writers deadlocked, one losing its entries),
    and every entry gets a number of its own, with no gap."""
    import threading  # noqa: PLC0415
    import uuid  # noqa: PLC0415

    from mockplatform.control import journal as journal_  # noqa: PLC0415

    sandboxes = [f"sbx_numbering_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    writers = [journal_.JournalWriter(store, max_entries=1000) for _ in range(4)]
    failed: list[BaseException] = []

    def write(number: int):
        order = sandboxes if number % 2 else sandboxes[::-1]
        try:
            for _ in range(20):
                for sandbox_id in order:
                    for _ in range(5):
                        writers[number].add(_entry(sandbox_id))
                writers[number].flush()
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            failed.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(len(writers))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failed == []
        with store.transaction(write=False) as session:
            for sandbox_id in sandboxes:
                rows, _ = journal_.entries(session, sandbox_id, limit=1000)
                assert [row.number for row in rows] == list(range(1, 401))
    finally:
        for sandbox_id in sandboxes:
            writers[0].forget(sandbox_id, deleted=True)


def test_entries_another_process_holds_for_a_deleted_sandbox_are_never_written(store):
    """Two workers' writers: one still holds entries of a sandbox when the other's request
    deletes it. Written afterwards, they neither come back nor start its numbering again (the
    counter, deleted with the sandbox, came back with them)."""
    import uuid  # noqa: PLC0415

    from mockplatform.control import journal as journal_  # noqa: PLC0415

    kept = journal_.journal_store(store)
    sandbox_id, other_id = f"sbx_{uuid.uuid4().hex[:12]}", f"sbx_{uuid.uuid4().hex[:12]}"
    holding, deleting = journal_.JournalWriter(kept, 100), journal_.JournalWriter(kept, 100)
    try:
        deleting.add(_entry(sandbox_id))
        deleting.flush()
        with holding._wake:  # (added without the thread: it writes at flush, below)
            holding._pending += [_entry(sandbox_id), _entry(other_id), _entry(sandbox_id)]
        deleting.forget(sandbox_id, deleted=True)
        holding.flush()
        with kept.transaction(write=False) as session:
            def count(table, sandbox):
                return session.scalar(select(func.count()).select_from(table).where(
                    table.c.sandbox_id == sandbox))
            entries, counters = journal_.JournalEntry.__table__, journal_.JournalCounter.__table__
            assert (count(entries, sandbox_id), count(entries, other_id)) == (0, 1)
            assert session.scalar(select(counters.c.last).where(
                counters.c.sandbox_id == sandbox_id)) == journal_.DELETED + 2
    finally:
        deleting.forget(other_id, deleted=True)
        holding.close()
        deleting.close()
