"""The sandbox context every domain service receives: clock, policies, calendar, rng, events,
timers and the store session of the current unit of work. No Flask here."""

from __future__ import annotations

import random
from datetime import date, datetime
from functools import cached_property

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from mockplatform.engine import ids, rng
from mockplatform.engine.calendar import BusinessCalendar, CalendarOverride
from mockplatform.engine.clock import Clock
from mockplatform.engine.events import EventRecorder
from mockplatform.engine.inserts import InsertBuffer
from mockplatform.engine.policies import PolicyTable, table_for
from mockplatform.engine.scheduler import Scheduler
from mockplatform.settings import Settings
from mockplatform.store.models import Sandbox

KEPT = "mockplatform.kept"


class ReadFoundWork(Exception):
    """A reading unit of work found timers due: the caller redoes it as a writing one."""


class SandboxContext:
    # False for a reading unit of work: its sandbox is not locked, so it must not fire timers.
    writable = True

    def __init__(self, session: Session, sandbox: Sandbox, settings: Settings):
        self.session = session
        self.sandbox = sandbox
        # A plain attribute, not a property over the row: read for nearly every row written.
        self.id: str = sandbox.id
        self.settings = settings
        self.clock = Clock(mode=sandbox.clock_mode, speed=sandbox.clock_speed,
                           anchor_virtual=sandbox.clock_anchor_virtual,
                           anchor_wall=sandbox.clock_anchor_wall)
        # One instant for the whole unit of work (a running clock would otherwise drift between
        # two timestamps of the same change); the scheduler moves it to each timer's due instant.
        self.now: datetime = self.clock.now()
        # The counters as loaded: ``finish`` writes them back only if they moved. A reading
        # request's sandbox (a ``SandboxRow``) has none: it numbers nothing.
        counters = getattr(sandbox, "counters", None)
        # The row's own dict, at hand: read for every row numbered. Whoever replaces the
        # sandbox's counters (reset, restore) makes a new context afterwards.
        self.counters: dict | None = counters
        self._counters_at_start = None if counters is None else dict(counters)
        self._iso: tuple[datetime | None, str] = (None, "")
        self.inserts = InsertBuffer(session)
        self.timers = Scheduler(self)
        self.events = EventRecorder(self)

    @cached_property
    def policies(self) -> PolicyTable:
        return table_for(self.sandbox.platform, self.sandbox.market,
                         self.sandbox.policy_overrides)

    @cached_property
    def calendar(self) -> BusinessCalendar:
        return calendar_for(self.sandbox.market, self.sandbox.calendar_overrides)

    def iso(self, moment: datetime) -> str:
        """``moment.isoformat()``, remembered for the last instant asked: each step of an
        advance writes the instant it fires at into several documents, and formatting an aware
        instant costs more than the rest of writing it."""
        last, text = self._iso
        if moment is not last:
            text = moment.isoformat()
            self._iso = (moment, text)
        return text

    def rng(self, subject: str, purpose: str) -> random.Random:
        return rng.keyed(self.sandbox.seed, subject, purpose)

    def next_id(self, name: str) -> int:
        return ids.next_value(self.counters, name)

    def kept(self, name: str) -> dict:
        """A dict that lives as long as the unit of work (``session.info`` lives and dies with
        the session): rows a service keeps at hand, or finds without a query, while one advance
        fires thousands of timers over the same rows."""
        # Read hundreds of thousands of times in an advance: no throwaway dicts for setdefault.
        kept = self.session.info.get(KEPT)
        if kept is None:
            kept = self.session.info[KEPT] = {}
        rows = kept.get(name)
        if rows is None:
            rows = kept[name] = {}
        return rows

    def record(self, type_: str, *, subject: str = "", data: dict | None = None):
        return self.events.record(type_, subject=subject, data=data)

    def catch_up(self) -> int:
        """Fire what the clock says is already due (a running clock needs no thread for this)."""
        next_due = self.sandbox.next_timer_at
        if next_due is None or next_due > self.now:
            return 0
        if not self.writable:
            raise ReadFoundWork()
        return self.timers.advance_to(self.now, self.settings.max_timers_per_advance)

    def save_clock(self) -> None:
        sandbox, clock = self.sandbox, self.clock
        sandbox.clock_mode = clock.mode
        sandbox.clock_speed = clock.speed
        sandbox.clock_anchor_virtual = clock.anchor_virtual
        sandbox.clock_anchor_wall = clock.anchor_wall

    def finish(self) -> None:
        """Write what is buffered; called before the unit of work commits."""
        self.timers.flush()
        self.inserts.write()
        if (self._counters_at_start is not None
                and self.sandbox.counters != self._counters_at_start):
            flag_modified(self.sandbox, "counters")
            self._counters_at_start = dict(self.sandbox.counters)
        self.session.flush()


def forget_kept(session: Session) -> None:
    """Drop every row kept for the unit of work: the rows themselves were deleted."""
    session.info.pop(KEPT, None)


def calendar_for(market: str, overrides: list[dict]) -> BusinessCalendar:
    return BusinessCalendar.for_market(market, [
        CalendarOverride(date=date.fromisoformat(o["date"]), working=o["working"],
                         name=o.get("name", "")) for o in overrides])
