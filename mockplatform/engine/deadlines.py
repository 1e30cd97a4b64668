"""A policy's deadline: its duration counted from a start in the calendar the policy names.

Every timed rule goes through here, so a deadline shown on an order, the timer that enforces it
and ``GET /api/v1/calendar/deadline`` always agree. The policy row decides the calendar kind (by
shipping kind where it differs), whose calendar counts (``calendar_market``, for a rule kept in
the seller's local time) and whether the deadline moves to the end of its local day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mockplatform.engine.calendar import (
    BusinessCalendar,
    add_duration,
    end_of_local_day,
    local_date,
)

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext


def calendar_of(ctx: SandboxContext, key: str) -> BusinessCalendar:
    """The calendar ``key`` counts in: the sandbox's own (with its overrides), or the market the
    policy names (the seller's, for a cross-border origin rule)."""
    market = ctx.policies.get(key).calendar_market
    if market is None or market == ctx.sandbox.market:
        return ctx.calendar
    return BusinessCalendar.for_market(market)


def policy_deadline(ctx: SandboxContext, key: str, start: datetime, *,
                    shipping: str = "cross_border",
                    duration: timedelta | None = None) -> datetime:
    """When the duration of policy ``key`` (or ``duration``, a value derived from it) ends,
    counted from ``start``; in UTC."""
    if duration is None:
        duration = ctx.policies.get(key).value
    return policy_deadlines(ctx, key, start, (duration,), shipping=shipping)[0]


def policy_deadlines(ctx: SandboxContext, key: str, start: datetime,
                     durations: Iterable[timedelta], *,
                     shipping: str = "cross_border") -> list[datetime]:
    """``policy_deadline`` of each of ``durations`` (values derived from policy ``key``), all
    counted from ``start``: the policy and its calendar are looked up once (a journey plans ten
    steps for each package readied)."""
    policy = ctx.policies.get(key)
    calendar = calendar_of(ctx, key)
    kind = policy.calendar_for(shipping) or "hours"
    dues = [add_duration(start, duration, kind, calendar) for duration in durations]
    if policy.end_of_day:
        dues = [end_of_local_day(local_date(due, calendar), calendar) for due in dues]
    return dues
