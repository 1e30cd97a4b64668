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
