"""The sandbox clock: the only module that reads real time.

``wall_now()`` calls ``datetime.now(timezone.utc)`` at use time (never cached at import), so
freezegun or time-machine in a user's in-process tests move a running clock too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mockplatform.errors import ValidationFailed

FROZEN = "frozen"
RUNNING = "running"
MODES = (FROZEN, RUNNING)
# The latest instant a sandbox clock reaches: far beyond any test, and early enough that adding
# the longest duration the API accepts (MAX_DURATION, about 2,700 years) stays inside datetime's
# range, so no deadline computed from a sandbox's now can overflow.
LATEST = datetime(6000, 1, 1, tzinfo=UTC)
MAX_DURATION = timedelta(days=1_000_000)
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)  # a day after datetime's first: an offset never underflows


class BeyondLatest(ValidationFailed):
    """A duration, or an instant plus a duration, that takes a sandbox past ``LATEST``.

    A 400 like any bad input; ``field_name`` is the field to blame, and every detail carries
    ``latest`` so that a client can read the bound without parsing the message.
    """

    def __init__(self, field: str, message: str, *, location: str = "body"):
        message = f"{message}; no sandbox clock goes past {LATEST.isoformat()}"
        super().__init__(f"{field}: {message}", details=[
            {"field": field, "location": location, "message": message,
             "latest": LATEST.isoformat()}])
        self.field_name = field
        self.location = location
        self.latest = LATEST


def later(instant: datetime, delta: timedelta, *, field: str, what: str = "ends at",
          times: int = 1, location: str = "body") -> datetime:
    """``instant + delta * times``, or ``BeyondLatest`` naming ``field`` when that is past
    ``LATEST`` (also when it is past datetime's range: never an ``OverflowError``).

    ``what`` leads the message, before the instant: "would move the clock to", "ends at".
    """
    if delta < timedelta(0):
        raise ValueError(f"later() counts forward; {field} is negative ({delta})")
    try:
        result = instant + delta * times
    except OverflowError:
        raise BeyondLatest(field, f"{what} an instant past year 9999",
                           location=location) from None
    if result > LATEST:
        raise BeyondLatest(field, f"{what} {result.isoformat()}", location=location)
    return result


def wall_now() -> datetime:
    return datetime.now(UTC)


def elapsed() -> float:
    """A monotonic reading in seconds, to time what takes wall time (a webhook's answer)."""
    return time.perf_counter()


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
        # Wall time behind the anchor (a system clock set back, or freezegun in a user's tests)
        # moves a fast clock back as far: to the first instant datetime holds at the most.
        if moved <= (EARLIEST - self.anchor_virtual) / timedelta(microseconds=1):
            return EARLIEST
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


def monotonic() -> float:
    """Seconds on a monotonic clock: how long a request took (the journal), never an instant."""
    return time.perf_counter()
