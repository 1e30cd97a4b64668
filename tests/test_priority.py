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


def test_a_background_thread_is_an_ordinary_one_in_the_write_turn(tmp_path, monkeypatch):
    monkeypatch.setattr(priority, "_background", False)
    queue = WriterQueue(str(tmp_path / "mp.db"))

    def work():
        seen = [os.sched_getscheduler(0)]
        assert priority.background()
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
    monkeypatch.setattr(priority, "_background", False)
    calls = []
    monkeypatch.setattr(priority, "_set", lambda policy: calls.append(policy) or True)
    queue = WriterQueue(str(tmp_path / "mp.db"))
    try:
        with queue.hold():
            pass
    finally:
        queue.close()
    assert calls == []
