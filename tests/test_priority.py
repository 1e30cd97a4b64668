"""A background thread (serve's webhook sender) queues for and holds the write turn as an
ordinary thread, and runs as SCHED_BATCH otherwise (store/priority.py)."""

from __future__ import annotations

import os
import threading

import pytest

from mockplatform.store import priority
from mockplatform.store.writers import WriterQueue

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"),
                                reason="Linux's scheduling policies")


def _in_a_thread(work):
    """``work()``'s result, run in a thread of its own (a policy set there stays there)."""
    found = []
    thread = threading.Thread(target=lambda: found.append(work()))
    thread.start()
    thread.join()
    return found[0]


def test_a_background_thread_is_an_ordinary_one_in_the_write_turn(tmp_path):
    queue = WriterQueue(str(tmp_path / "mp.db"))

    def work():
        seen = [os.sched_getscheduler(0)]
        assert priority.background_thread()
        seen.append(os.sched_getscheduler(0))
        with queue.hold():
            seen.append(os.sched_getscheduler(0))
            with queue.hold():  # a unit of work inside another
                seen.append(os.sched_getscheduler(0))
            seen.append(os.sched_getscheduler(0))
        seen.append(os.sched_getscheduler(0))
        started = []
        child = threading.Thread(target=lambda: started.append(os.sched_getscheduler(0)))
        child.start()
        child.join()
        return seen + started

    try:
        other, batch = os.SCHED_OTHER, os.SCHED_BATCH
        assert _in_a_thread(work) == [other, batch, other, other, other, batch, batch]
    finally:
        queue.close()


def test_an_ordinary_process_makes_no_call_in_the_write_turn(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(priority, "_set", lambda policy: calls.append(policy) or True)
    queue = WriterQueue(str(tmp_path / "mp.db"))
    try:
        with queue.hold():
            pass
    finally:
        queue.close()
    assert calls == []


def test_a_background_thread_alone_runs_as_batch_and_as_ordinary_in_the_turn(tmp_path):
    queue = WriterQueue(str(tmp_path / "mp.db"))

    def work():
        assert priority.background_thread()
        seen = [os.sched_getscheduler(0)]
        with queue.hold():
            seen.append(os.sched_getscheduler(0))
        seen.append(os.sched_getscheduler(0))
        return seen

    try:
        other, batch = os.SCHED_OTHER, os.SCHED_BATCH
        assert _in_a_thread(work) == [batch, other, batch]
        assert os.sched_getscheduler(0) == other  # the thread that started it is as it was
        with queue.hold():  # and pays nothing in the turn
            assert os.sched_getscheduler(0) == other
    finally:
        queue.close()


def test_the_checkpointer_runs_in_the_background(tmp_path):
    from sqlalchemy import text  # noqa: PLC0415

    from mockplatform.store.session import Store  # noqa: PLC0415

    store = Store(f"sqlite:///{tmp_path / 'mp.db'}")
    try:
        with store.transaction() as session:
            session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        assert store.checkpointer.wait_idle()  # (its thread has run a checkpoint)
        assert os.sched_getscheduler(store.checkpointer._thread.native_id) == os.SCHED_BATCH
    finally:
        store.dispose()


def test_the_journal_writer_runs_in_the_background(tmp_path, monkeypatch):
    from mockplatform.control import journal  # noqa: PLC0415
    from mockplatform.store.session import Store  # noqa: PLC0415
    from tests.api.test_journal_store import _entry  # noqa: PLC0415

    seen = []
    write = journal.JournalWriter._write

    def recording(self, entries):
        seen.append((threading.current_thread().name, os.sched_getscheduler(0)))
        return write(self, entries)

    monkeypatch.setattr(journal.JournalWriter, "_write", recording)
    main = Store(f"sqlite:///{tmp_path / 'mp.db'}")
    writer = journal.JournalWriter(journal.journal_store(main), max_entries=100)
    try:
        writer.add(_entry("sbx_priority"))
        for _ in range(1000):
            if seen:
                break
            threading.Event().wait(0.01)
        assert seen == [("mockplatform-journal", os.SCHED_BATCH)]
    finally:
        writer.close()
        main.dispose()


def test_the_webhook_dispatchers_threads_run_in_the_background(tmp_path):
    from mockplatform.control.webhooks.dispatcher import Dispatcher  # noqa: PLC0415
    from mockplatform.store.session import Store  # noqa: PLC0415

    store = Store(f"sqlite:///{tmp_path / 'mp.db'}")
    dispatcher = Dispatcher(store, threads=1, poll=0.05)
    seen, ran = [], threading.Event()

    def run_once(sandbox_id=None):  # (a round, in the dispatcher's thread)
        seen.append((threading.current_thread(), os.sched_getscheduler(0)))
        ran.set()
        return 0

    dispatcher.run_once = run_once
    try:
        dispatcher.poke()  # (every sandbox: a round)
        assert ran.wait(10)
        assert seen[0] == (dispatcher._workers[0], os.SCHED_BATCH)
    finally:
        dispatcher.stop()
        store.dispose()
