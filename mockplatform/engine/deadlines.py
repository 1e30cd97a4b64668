"""A policy's deadline: its duration counted from a start in the calendar the policy names.

Every timed rule goes through here, so a deadline shown on an order, the timer that enforces it
and ``GET /api/v1/calendar/deadline`` always agree. The policy row decides the calendar kind (by
shipping kind where it differs), whose calendar counts (``calendar_market``, for a rule kept in
the seller's local time) and whether the deadline moves to the end of its local day.
"""

from __future__ import annotations

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
    policy = ctx.policies.get(key)
    duration = policy.value if duration is None else duration
    calendar = calendar_of(ctx, key)
    kind = policy.calendar_for(shipping) or "hours"
    due = add_duration(start, duration, kind, calendar)
    if policy.end_of_day:
        due = end_of_local_day(local_date(due, calendar), calendar)
    return due
