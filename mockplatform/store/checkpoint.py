"""The WAL of a SQLite file is copied into the database in a thread of its own, not by the
request that happened to fill it.

SQLite's default is an automatic checkpoint at the commit that takes the WAL past 1,000 pages:
that request copies every page written since the last one, 0.2-0.4 s after a 30-day advance over
10,000 journeys, however little it wrote itself. SQLite's documentation offers the alternative
used here: automatic checkpoints off on the store's connections (``wal_autocheckpoint=0``), and a
PASSIVE checkpoint run by a thread after each writing unit of work commits. PASSIVE never waits
for readers or writers, nor makes them wait: it copies what no reader still needs, and the next
one copies the rest. The copying runs in SQLite with Python's lock released, so on a machine
with a core to spare it costs a request nothing.

One thread per process and database, started at the first write: a forked worker (gunicorn's)
starts its own. It stops with the store (``Store.dispose``); closing the last connection
checkpoints what is left, as SQLite always does.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

from mockplatform.store import priority

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, path: str):
        self.path = path
        self.runs = 0  # checkpoints run: tests wait on it
        self._wanted = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._start_lock = threading.Lock()

    def poke(self) -> None:
        """A writing unit of work committed: checkpoint soon."""
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            self._start()
        self._wanted.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no checkpoint is asked for or running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy and not self._wanted.is_set(),
                                       timeout)

    def stop(self) -> None:
        thread = self._thread
        if thread is None or self._pid != os.getpid():
            return
        self._stopping = True
        self._wanted.set()
        thread.join(timeout=30)
        self._thread = None

    def _start(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._stopping = False
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="mockplatform-checkpoint",
                                             daemon=True)
            self._thread.start()

    def _run(self) -> None:
        priority.background_thread()  # (priority.py: the requests' CPU first)
        connection = sqlite3.connect(self.path, check_same_thread=False)
        try:
            while True:
                self._wanted.wait()
                with self._idle:
                    if self._stopping:
                        return
                    self._busy = True
                    self._wanted.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                except sqlite3.Error:  # the next write asks again; never let the thread die
                    log.exception("checkpoint of %s failed", self.path)
                finally:
                    with self._idle:
                        self._busy = False
                        self._idle.notify_all()
        finally:
            connection.close()
            with self._idle:
                self._busy = False
                self._idle.notify_all()
