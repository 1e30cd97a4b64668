"""Python's cyclic garbage collector, paused while an advance fires timers.

An advance creates and keeps hundreds of thousands of objects (rows held for the unit of work,
events, ORM state): each allocation threshold crossed starts a collection that walks them all
and finds nothing to free, as they are all still in use. Reference counting still frees
everything else at once; the cycles left are collected when the last advance running resumes
the collector. Pauses nest and may overlap across threads: the collector runs again when no
advance is running, and only if it was running when the first one began.

Inside a unit of work (``Store.transaction``) the pause lasts until the unit of work has
closed: what it does after the timers fired (the flush of every row they changed, the commit)
is as large as the firing, and once the session and the rows it kept are gone, the collector
has little left to walk.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from mockplatform.store.session import ON_CLOSE

_lock = threading.Lock()
_depth = 0
_was_enabled = False
HELD = "mockplatform.collector_held"


def _pause() -> None:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1


def _resume() -> None:
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    _pause()
    try:
        yield
    finally:
        _resume()


@contextmanager
def paused_for(session: Session) -> Iterator[None]:
    """Paused from here until the unit of work of ``session`` closes, or, for a session that
    is not a unit of work's, until the block ends."""
    on_close = session.info.get(ON_CLOSE)
    if on_close is None:
        with paused():
            yield
        return
    if not session.info.get(HELD):
        _pause()
        session.info[HELD] = True
        on_close.append(_resume)
    yield
