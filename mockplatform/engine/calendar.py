"""Business calendars per market and the five calendar kinds of the policy table.

Pure functions: no Flask, no database, no wall clock. Every ``datetime`` taken must be timezone
aware and every ``datetime`` returned is in UTC; local dates and times are those of the market's
time zone, because that is where a seller's working day begins and ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from mockplatform.engine import clock as clocks
from mockplatform.engine.durations import format_duration
from mockplatform.errors import ValidationFailed

MARKETS: dict[str, ZoneInfo] = {
    "MY": ZoneInfo("Asia/Kuala_Lumpur"),
    "SG": ZoneInfo("Asia/Singapore"),
    "PH": ZoneInfo("Asia/Manila"),
    "TH": ZoneInfo("Asia/Bangkok"),
    "VN": ZoneInfo("Asia/Ho_Chi_Minh"),
    "ID": ZoneInfo("Asia/Jakarta"),
    "CN": ZoneInfo("Asia/Shanghai"),  # the cross-border origin calendar, not a selling market
}

CALENDAR_KINDS = ("hours", "calendar_days", "working_days", "hours_excl_non_working",
                  "end_of_working_day_n")

# The longest duration counted on a calendar for a caller (the deadline query, a policy override):
# counting working days walks the calendar day by day, so keep it to what /calendar serves.
MAX_COUNTED_DAYS = 3660
MAX_COUNTED = timedelta(days=MAX_COUNTED_DAYS)

_WEEKEND = {5: "Saturday", 6: "Sunday"}
_ONE_DAY = timedelta(days=1)
_END_OF_DAY = time(23, 59, 59)
_OVERRIDE_DAY_OFF = "Non-working day (override)"


@dataclass(frozen=True)
class CalendarOverride:
    """A sandbox's own declaration that ``date`` is (or is not) a working day; wins over all."""

    date: date
    working: bool
    name: str = ""


@dataclass(frozen=True)
class HolidayTable:
    """One market's public holidays (names by date) and official make-up working days of one
    year, as the ``holidays`` package files them. Read only: one table serves every sandbox."""

    names: Mapping[date, str]
    makeup_workdays: frozenset[date]


# Markets times the years sandboxes touch: a few dozen in practice; the bound only keeps a
# caller walking centuries of calendar from holding them all.
HOLIDAY_TABLES_KEPT = 512


@lru_cache(maxsize=HOLIDAY_TABLES_KEPT)
def holiday_table(market: str, year: int) -> HolidayTable:
    """The ``holidays`` package's table for ``market`` and ``year``, built once per process: a
    pure function of the package's data, so it cannot go stale across sandboxes, restores or
    override changes (a sandbox's own overrides are applied on top by its calendar)."""
    # en_US pins the names: the packages' default languages differ per country (th, vi...).
    table = holidays.country_holidays(market, years=year, language="en_US")
    return HolidayTable(names=MappingProxyType(dict(table)),
                        makeup_workdays=frozenset(table.weekend_workdays))


class BusinessCalendar:
    """Working days of one market: Monday to Friday, minus public holidays, plus overrides.

    Official make-up working days on a weekend (China's and Vietnam's "swapped" days around long
    holidays) come from the ``holidays`` package's ``weekend_workdays`` and count as working days.
    """

    def __init__(self, market: str, tz: ZoneInfo, overrides: Iterable[CalendarOverride] = ()):
        self.market = market
        self._tz = tz
        # The sandbox's own: never in the shared holiday tables, which this only reads.
        self._overrides = {override.date: override for override in overrides}

    @classmethod
    def for_market(cls, code: str, overrides: Iterable[CalendarOverride] = ()) -> BusinessCalendar:
        tz = MARKETS.get(code)
        if tz is None:
            raise ValidationFailed.field(
                "market", f"unknown market {code!r}; expected one of {', '.join(MARKETS)}")
        return cls(code, tz, overrides)

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def _public_holiday(self, day: date) -> str | None:
        return holiday_table(self.market, day.year).names.get(day)

    def _is_makeup_workday(self, day: date) -> bool:
        # A make-up day late in December can belong to the next year's holiday (China moved
        # 2001-12-29/30 for New Year 2002), and the package files it under that year.
        return (day in holiday_table(self.market, day.year).makeup_workdays
                or day in holiday_table(self.market, day.year + 1).makeup_workdays)

    def _non_working_reason(self, day: date) -> str | None:
        """Why ``day`` is off, or None when it is a working day; overrides first, then holidays."""
        override = self._overrides.get(day)
        if override is not None:
            return None if override.working else (override.name or _OVERRIDE_DAY_OFF)
        holiday = self._public_holiday(day)
        if holiday is not None:
            return holiday
        if day.weekday() in _WEEKEND and not self._is_makeup_workday(day):
            return _WEEKEND[day.weekday()]
        return None

    def is_working_day(self, day: date) -> bool:
        return self._non_working_reason(day) is None

    def holiday_name(self, day: date) -> str | None:
        """The public holiday or declared day off on ``day`` in this calendar (weekends are not
        holidays); None when an override makes the day a working day."""
        override = self._overrides.get(day)
        if override is not None:
            return None if override.working else (override.name or _OVERRIDE_DAY_OFF)
        return self._public_holiday(day)

    def non_working_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """Each non-working day from ``start`` to ``end``, both included, with its reason."""
        days = []
        day = start
        while day <= end:
            reason = self._non_working_reason(day)
            if reason is not None:
                days.append((day, reason))
            day += _ONE_DAY
        return days

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day


def _require_aware(moment: datetime, name: str = "start") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment!r}")


def local_date(moment: datetime, calendar: BusinessCalendar) -> date:
    """The calendar date of ``moment`` in the market's time zone."""
    _require_aware(moment, "moment")
    return moment.astimezone(calendar.tz).date()


def end_of_local_day(day: date, calendar: BusinessCalendar) -> datetime:
    """23:59:59 local time of ``day``, in UTC."""
    return datetime.combine(day, _END_OF_DAY, tzinfo=calendar.tz).astimezone(UTC)


def _local_midnight(day: date, calendar: BusinessCalendar) -> datetime:
    return datetime.combine(day, time(0), tzinfo=calendar.tz)


def _whole_days(duration: timedelta, kind: str) -> int:
    if duration % _ONE_DAY:
        raise ValueError(f"a {kind} duration must be a whole number of days, got {duration}")
    return duration.days


def _nth_working_day_after(day: date, count: int, calendar: BusinessCalendar) -> date:
    for _ in range(count):
        day = calendar.next_working_day(day)
    return day


def _add_hours(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    return start.astimezone(UTC) + duration


def _add_calendar_days(start: datetime, duration: timedelta,
                       calendar: BusinessCalendar) -> datetime:
    # Aware arithmetic within one ZoneInfo is wall-clock arithmetic: same local time N days on,
    # which stays right even in a zone that has DST.
    local_start = start.astimezone(calendar.tz)
    return (local_start + timedelta(days=_whole_days(duration, "calendar_days"))).astimezone(UTC)


def _add_working_days(start: datetime, duration: timedelta,
                      calendar: BusinessCalendar) -> datetime:
    local_start = start.astimezone(calendar.tz)
    count = _whole_days(duration, "working_days")
    due_day = _nth_working_day_after(local_start.date(), count, calendar)
    return datetime.combine(due_day, local_start.timetz()).astimezone(UTC)


def _add_hours_excl_non_working(start: datetime, duration: timedelta,
                                calendar: BusinessCalendar) -> datetime:
    # The clock only runs on working days, so walk one local day at a time: spend what is left
    # of each working day, jump over non-working days to 00:00 of the next working day.
    remaining = duration
    cursor = start.astimezone(calendar.tz)
    while True:
        day = cursor.date()
        if not calendar.is_working_day(day):
            cursor = _local_midnight(calendar.next_working_day(day), calendar)
            continue
        # Elapsed time is measured in UTC: local differences would be wrong across a DST change.
        day_ends = _local_midnight(day + _ONE_DAY, calendar).astimezone(UTC)
        available = day_ends - cursor.astimezone(UTC)
        # "<=": a duration that ends exactly at midnight is due then (the end of the working day),
        # not at the start of the next working day.
        if remaining <= available:
            return cursor.astimezone(UTC) + remaining
        remaining -= available
        cursor = day_ends.astimezone(calendar.tz)


def _end_of_working_day_n(start: datetime, duration: timedelta,
                          calendar: BusinessCalendar) -> datetime:
    # Working day 1 is the first working day strictly after the start's local date; 0 means the
    # end of the start's own local day.
    count = _whole_days(duration, "end_of_working_day_n")
    due_day = _nth_working_day_after(local_date(start, calendar), count, calendar)
    return end_of_local_day(due_day, calendar)


_KIND_RULES: dict[str, Callable[[datetime, timedelta, BusinessCalendar], datetime]] = {
    "hours": _add_hours,
    "calendar_days": _add_calendar_days,
    "working_days": _add_working_days,
    "hours_excl_non_working": _add_hours_excl_non_working,
    "end_of_working_day_n": _end_of_working_day_n,
}


def add_duration(start: datetime, duration: timedelta, kind: str,
                 calendar: BusinessCalendar) -> datetime:
    """The deadline ``duration`` after ``start``, counted in calendar ``kind``; in UTC."""
    rule = _KIND_RULES.get(kind)
    if rule is None:
        raise ValueError(f"unknown calendar kind {kind!r}; expected one of "
                         f"{', '.join(CALENDAR_KINDS)}")
    _require_aware(start)
    if duration < timedelta(0):
        # Deadlines lie after the event that starts them; counting working days backwards is not
        # a rule of any platform.
        raise ValueError(f"duration must not be negative, got {duration}")
    return rule(start, duration, calendar)


def deadline(start: datetime, duration: timedelta, kind: str, calendar: BusinessCalendar, *,
             field: str = "duration", location: str = "body") -> datetime:
    """``add_duration`` for a caller's input: a ``ValidationFailed`` naming ``field`` for a
    duration that is negative, longer than ``MAX_COUNTED`` or not whole days where the kind counts
    days, and a ``clock.BeyondLatest`` when the deadline falls past ``clock.LATEST``."""
    if duration > MAX_COUNTED:
        raise ValidationFailed.field(field, f"at most {format_duration(MAX_COUNTED)}",
                                     location=location)
    try:
        due_at = add_duration(start, duration, kind, calendar)
    except ValueError as exc:
        raise ValidationFailed.field(field, str(exc), location=location) from None
    if due_at > clocks.LATEST:
        raise clocks.BeyondLatest(field, f"ends at {due_at.isoformat()}", location=location)
    return due_at
