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
        return self.anchor_virtual + timedelta(microseconds=int(
            elapsed / timedelta(microseconds=1) * self.speed))

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
