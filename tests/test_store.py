"""The store refuses a database made by another schema version, with a message saying why."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import inspect, update

from mockplatform.store.models import SCHEMA_VERSION, SchemaInfo
from mockplatform.store.session import Store


def test_a_database_of_another_schema_version_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    store.create_schema()
    store.create_schema()  # the same version twice is fine
    with store.transaction() as session:
        session.execute(update(SchemaInfo).values(version=SCHEMA_VERSION + 99))
    store.dispose()
    with pytest.raises(RuntimeError, match="fresh database or data dir"):
        Store(url).create_schema()


def test_drop_schema_drops_the_domains_tables_too_from_a_fresh_process(tmp_path):
    # A fresh process (as .ci/run's clean-up is) has loaded no domain yet: their tables must
    # go all the same, or the next create_all keeps them with their old columns.
    url = f"sqlite:///{tmp_path / 'drop.db'}"
    store = Store(url)
    store.create_schema()
    assert {"orders", "packages", "ledger_entries"} <= set(inspect(store.engine).get_table_names())
    store.dispose()

    subprocess.run([sys.executable, "-c", "import sys\n"
                    "from mockplatform.store.session import Store\n"
                    "Store(sys.argv[1]).drop_schema()", url], check=True, timeout=60)

    assert inspect(Store(url).engine).get_table_names() == []


def test_a_new_sqlite_file_has_16_kib_pages_in_wal_mode_and_an_old_one_keeps_its_own(tmp_path):
    old = tmp_path / "old.db"
    connection = sqlite3.connect(old)
    connection.execute("CREATE TABLE t (x)")  # written with the default 4 KiB pages
    connection.close()
    for path, size in ((tmp_path / "new.db", 16384), (old, 4096)):
        store = Store(f"sqlite:///{path}")
        try:
            with store.engine.connect() as conn:
                pragmas = (conn.exec_driver_sql("PRAGMA page_size").scalar(),
                           conn.exec_driver_sql("PRAGMA journal_mode").scalar())
        finally:
            store.dispose()
        assert pragmas == (size, "wal")
