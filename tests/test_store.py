"""The store refuses a database made by another schema version, with a message saying why."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, update
from sqlalchemy.dialects import sqlite

from mockplatform.store import models
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


def test_instants_are_written_to_sqlite_as_utc_text_whatever_their_zone(monkeypatch):
    monkeypatch.setattr(models, "TEXTS_KEPT", 3)
    process = models.UTCDateTime().bind_processor(sqlite.dialect())
    utc = datetime(2026, 1, 5, 1, 0, 0, 250, tzinfo=UTC)
    myt = utc.astimezone(timezone(timedelta(hours=8)))
    assert process(myt) == process(utc) == "2026-01-05 01:00:00.000250"
    for seconds in range(5):  # past the bound: the remembered texts are dropped, not kept
        assert process(utc + timedelta(seconds=seconds)) == f"2026-01-05 01:00:0{seconds}.000250"
        assert len(models._TEXTS) <= 3
    with pytest.raises(ValueError, match="naive"):
        process(datetime(2026, 1, 5))


def test_the_remembered_instant_texts_hold_a_few_mebibytes_at_most():
    # The cache is emptied when full; full, it must stay small, as a server fills it for good.
    # Threads of earlier tests' servers (a journal writer, a webhook dispatcher) may write an
    # instant meanwhile, empty it at the brim or allocate while it is measured: with a switch
    # interval longer than the fill, no other thread runs until it is measured.
    process = models.UTCDateTime().bind_processor(sqlite.dialect())
    start = datetime(2026, 1, 5, tzinfo=UTC)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(60)
    tracemalloc.start()
    try:
        models._TEXTS.clear()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(models.TEXTS_KEPT):
            process(start + timedelta(microseconds=n))
        held = tracemalloc.get_traced_memory()[0] - before
        full = len(models._TEXTS) == models.TEXTS_KEPT
    finally:
        tracemalloc.stop()
        sys.setswitchinterval(interval)
        models._TEXTS.clear()
    assert full, "the cache was not full"
    assert held <= 4 * 2**20, f"{held / 2**20:.1f} MiB"


def test_a_new_file_another_connection_is_turning_to_wal_is_waited_for(tmp_path):
    # SQLite answers "database is locked" at once, without its busy handler, to a connection
    # asking for WAL while another holds the new file's write lock: two of serve's workers
    # starting on a new data directory, one of which then failed to boot.
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    released = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    released.start()
    store = Store(f"sqlite:///{path}")
    try:
        store.create_schema()
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        released.join()
        store.dispose()
        other.close()
