"""Python's cyclic garbage collector, paused while an advance fires timers.

An advance creates and keeps hundreds of thousands of objects (rows held for the unit of work,
events, ORM state): each allocation threshold crossed starts a collection that walks them all
and finds nothing to free, as they are all still in use. Reference counting still frees
everything else at once; the cycles left are collected when the last advance running resumes
the collector. Pauses nest and may overlap across threads: the collector runs again when no
advance is running, and only if it was running when the first one began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
