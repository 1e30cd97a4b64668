"""The catalog has no timers of its own: nothing in it happens by itself on the clock."""

from __future__ import annotations

TIMER_KINDS: tuple[str, ...] = ()
