"""The CPU for requests first: the threads that serve no request run as Linux's
``SCHED_BATCH``, and each of them as an ordinary thread (``SCHED_OTHER``) while it queues for or
holds a SQLite file's write turn (``urgent``, which writers.py's queue enters; the checkpointer
never takes one, and PostgreSQL has none). Each calls ``background_thread`` as it starts: serve's
webhook sender process's first thread, and in any process the journal's writer, the WAL's
checkpointer and the webhook dispatcher's threads. (A thread started by one inherits the policy
but not the switch in the turn: each of them says so itself.)

A ``SCHED_BATCH`` thread gets its share of the CPU as any other, but its waking never preempts
the thread running on that CPU. Under create-then-read at 16 connections the write turn is the
bottleneck, and the thread that holds it is runnable but waiting for a CPU for about a quarter
of its hold: each wake of a background thread (a worker's datagram to the sender, a receiver's
answer, the journal's flush every 100 ms, a checkpoint after each commit) could take the CPU
from a worker thread that held the turn, and every other writer waited. Queueing for the turn
and holding it, a background thread is as urgent as a request: a turn handed to a batch thread
on a busy CPU would sit idle until that CPU next schedules. (bench/README.md has the figures.)

An unprivileged thread may switch between the two policies at will (Linux 2.6.39 and later).
Where it cannot (another system, a sandbox that refuses the call), nothing changes. Standard
library only: serve's sender process imports this before anything of the app.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

_SUPPORTED = hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_BATCH")
_AS_IS = nullcontext()  # (what ``urgent`` gives an ordinary thread: nothing made per write)
# Whether the calling thread runs in the background (``background_thread``): a request's write
# transaction pays one read of it, and no system call.
_thread = threading.local()


def _set(policy: int) -> bool:
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))  # 0: the calling thread
    except OSError:
        return False
    return True


def background_thread() -> bool:
    """The calling thread (only) as ``SCHED_BATCH``: for a thread that serves no request, as
    it starts. Whether it could be done."""
    if _SUPPORTED and _set(os.SCHED_BATCH):
        _thread.background = True
        return True
    return False


def urgent() -> AbstractContextManager[None]:
    """The calling thread as an ordinary one for the block, if it runs in the background."""
    return _urgently() if getattr(_thread, "background", False) else _AS_IS


@contextmanager
def _urgently() -> Iterator[None]:
    if os.sched_getscheduler(0) != os.SCHED_BATCH:  # (already ordinary: a turn inside a turn)
        yield
        return
    _set(os.SCHED_OTHER)
    try:
        yield
    finally:
        _set(os.SCHED_BATCH)
