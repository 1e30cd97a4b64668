"""Writers of one SQLite file queue for it, in this process and across processes.

SQLite lets one transaction write at a time. A second ``BEGIN IMMEDIATE`` that finds the
database locked sleeps in SQLite's busy handler and tries again (after 1, 2, 5, 10, 15, 20, 25
ms and so on): under steady writes from several gunicorn workers, a writer then sleeps long
after the lock was freed, and the database sits idle while every writer sleeps. So a writing unit
of work first takes this queue: a thread lock (one writer of this process waits at the file, the
others behind it) and an exclusive ``flock`` of a file beside the database, which the kernel
hands to the next waiting process the moment it is released. ``BEGIN IMMEDIATE`` then finds the
database free, unless a process that does not queue (``sqlite3`` on the command line) holds it;
SQLite's busy handler still covers that.

The lock file is opened once per process: a descriptor inherited across ``fork`` would share
its lock with the parent (``flock`` belongs to the open file, not to the process).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from mockplatform.store import priority


class WriterQueue:
    def __init__(self, database_path: str):
        self.path = database_path + ".writers"
        self._thread_lock = threading.RLock()
        self._fd: int | None = None
        self._pid: int | None = None
        self._depth = 0  # a unit of work inside another (same thread) holds the file already

    def _file(self) -> int:
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def hold(self) -> Iterator[None]:
        # A background thread (priority.py) queues and writes as an ordinary one.
        with priority.urgent(), self._thread_lock:
            if self._depth == 0:
                fcntl.flock(self._file(), fcntl.LOCK_EX)  # waits with the GIL released
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = self._pid = None
