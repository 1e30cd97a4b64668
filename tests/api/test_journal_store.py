"""Beside a SQLite file the journal is kept in a database file of its own (its writes would
otherwise fill the sandboxes' write-ahead log); reset and delete clear it there too."""

from __future__ import annotations

import sqlite3

from mockplatform.app import create_app
from mockplatform.settings import Settings
from tests.api.test_journal import EVENTS, bound, journal
from tests.conftest import Api


def _rows(path, sandbox_id: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM journal_entries WHERE sandbox_id = ?",
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
        assert sbx.delete(sbx.base).status_code == 200
        assert _rows(kept, sandbox_id) == 0
        assert _rows(kept, other_id) == 1  # another sandbox's journal stays
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
