"""store/checkpoint.py: a SQLite file's WAL is copied into the database by a thread after writes,
never by the request that commits."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import text

from mockplatform.store.checkpoint import Checkpointer
from mockplatform.store.session import Store


@pytest.fixture
def file_store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'data.db'}")
    with store.transaction() as session:
        session.execute(text("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT)"))
    assert store.checkpointer.wait_idle()
    yield store, str(tmp_path / "data.db")
    store.dispose()


def _write(store, rows: int) -> None:
    with store.transaction() as session:
        session.execute(text("INSERT INTO blobs (body) VALUES (:body)"),
                        [{"body": "x" * 2000} for _ in range(rows)])


def test_a_commit_leaves_the_wal_to_the_checkpoint_thread(file_store, monkeypatch):
    store, path = file_store
    monkeypatch.setattr(Checkpointer, "poke", lambda self: None)
    before = os.path.getsize(path)

    _write(store, 2000)  # 4 MB: far past SQLite's automatic checkpoint at 1,000 pages

    assert os.path.getsize(path) == before  # all of it is still in the WAL
    monkeypatch.undo()
    runs = store.checkpointer.runs
    store.checkpointer.poke()
    assert store.checkpointer.wait_idle()
    assert store.checkpointer.runs == runs + 1
    assert os.path.getsize(path) > before + 4_000_000


def test_every_write_asks_for_a_checkpoint_and_a_read_does_not(file_store):
    store, _ = file_store
    runs = store.checkpointer.runs
    _write(store, 1)
    assert store.checkpointer.wait_idle()
    assert store.checkpointer.runs == runs + 1
    with store.transaction(write=False) as session:
        assert session.execute(text("SELECT count(*) FROM blobs")).scalar() == 1
    assert store.checkpointer.wait_idle()
    assert store.checkpointer.runs == runs + 1


def test_the_store_connections_never_checkpoint_on_their_own(file_store):
    store, _ = file_store
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0


def test_dispose_stops_the_thread(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'data.db'}")
    store.create_schema()
    [thread] = [t for t in threading.enumerate() if t is store.checkpointer._thread]
    assert thread.is_alive()
    store.dispose()
    assert not thread.is_alive()


def test_an_in_memory_store_has_no_checkpoints():
    store = Store("sqlite://")
    try:
        assert store.checkpointer is None
    finally:
        store.dispose()
