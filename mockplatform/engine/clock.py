"""The sandbox clock: the only module that reads real time.

``wall_now()`` calls ``datetime.now(timezone.utc)`` at use time (never cached at import), so
freezegun or time-machine in a user's in-process tests move a running clock too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

FROZEN = "frozen"
RUNNING = "running"
MODES = (FROZEN, RUNNING)
# The latest instant a sandbox clock reaches: far beyond any test, and early enough that adding
# the longest duration the API accepts (about 3,000 years) stays inside datetime's range, so no
# deadline computed from a sandbox's now can overflow.
LATEST = datetime(6000, 1, 1, tzinfo=UTC)


def wall_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Clock:
    """Virtual time of one sandbox.

    frozen:  now = anchor_virtual (moves only when advanced)
    running: now = anchor_virtual + (wall now - anchor_wall) x speed
    """

    mode: str
    speed: float
    anchor_virtual: datetime
    anchor_wall: datetime | None = None

    def now(self) -> datetime:
        if self.mode == FROZEN or self.anchor_wall is None:
            return self.anchor_virtual
        elapsed = wall_now() - self.anchor_wall
        moved = elapsed / timedelta(microseconds=1) * self.speed
        # A fast clock left running for long stops at LATEST instead of overflowing.
        if moved >= (LATEST - self.anchor_virtual) / timedelta(microseconds=1):
            return max(LATEST, self.anchor_virtual)
        return self.anchor_virtual + timedelta(microseconds=int(moved))

    def set(self, instant: datetime) -> None:
        """Jump to ``instant``; a running clock keeps running from there."""
        self.anchor_virtual = instant
        if self.mode == RUNNING:
            self.anchor_wall = wall_now()

    def freeze(self, at: datetime | None = None) -> None:
        """Stop at ``at`` (by default, now)."""
        self.anchor_virtual = self.now() if at is None else at
        self.mode = FROZEN
        self.anchor_wall = None

    def run(self, speed: float, at: datetime | None = None) -> None:
        """Run at ``speed`` from ``at`` (by default, now)."""
        self.anchor_virtual = self.now() if at is None else at
        self.mode = RUNNING
        self.speed = speed
        self.anchor_wall = wall_now()
