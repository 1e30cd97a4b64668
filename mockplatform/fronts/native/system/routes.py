"""Native API of the engine: policies, calendar, test timers, health."""

from __future__ import annotations

from flask import Blueprint

from mockplatform import __version__
from mockplatform.control import authorizations, test_timers
from mockplatform.engine import clock as clocks
from mockplatform.engine.calendar import MAX_COUNTED_DAYS, local_date
from mockplatform.engine.calendar import deadline as calendar_deadline
from mockplatform.engine.durations import format_duration
from mockplatform.engine.policies import load_table
from mockplatform.errors import ValidationFailed
from mockplatform.fronts.native import schemas as s
from mockplatform.fronts.native.endpoint import OPTIONAL_SANDBOX, PUBLIC, Call, endpoint

health_bp = Blueprint("health", __name__)
bp = Blueprint("native", __name__, url_prefix="/api/v1")

MAX_CALENDAR_DAYS = MAX_COUNTED_DAYS


@endpoint(health_bp, "/healthz", auth=PUBLIC, response=s.HealthSchema, summary="Liveness",
          tags=["meta"])
def healthz(call: Call):
    return {"status": "ok", "version": __version__}


@endpoint(bp, "/policies", auth=OPTIONAL_SANDBOX, query=s.PolicyQuery,
          response=s.PolicyTableSchema, summary="The policy table the engine enforces",
          tags=["policies"])
def policies(call: Call):
    """With a sandbox's api key: that sandbox's effective table, overrides applied. Without one:
    the defaults of ``platform`` (and ``market``) given in the query."""
    if call.ctx is not None:
        if call.query:
            raise ValidationFailed.field(next(iter(call.query)), "the sandbox's own platform and "
                                         "market apply when an api key is sent", location="query")
        table = call.ctx.policies
    else:
        if "platform" not in call.query:
            raise ValidationFailed.field("platform", "required without an api key",
                                         location="query")
        table = load_table(call.query["platform"], call.query.get("market", "MY"))
    return {"platform": table.platform, "market": table.market, "policies": table.to_json()}


@endpoint(bp, "/calendar", query=s.CalendarQuery, response=s.CalendarSchema,
          summary="Non-working days of the sandbox's market", tags=["policies"])
def calendar(call: Call):
    """Weekends, public holidays and the sandbox's own overrides, between ``from`` and ``to``."""
    start, end = call.query["start"], call.query["end"]
    if end < start:
        raise ValidationFailed.field("to", "must not be before 'from'", location="query")
    if (end - start).days > MAX_CALENDAR_DAYS:
        raise ValidationFailed.field("to", f"at most {MAX_CALENDAR_DAYS} days after 'from'",
                                     location="query")
    if end > clocks.LATEST.date():
        raise ValidationFailed.field("to", f"must not be after {clocks.LATEST.date()}, the last "
                                     "day a sandbox clock reaches", location="query")
    cal = call.ctx.calendar
    return {"market": call.ctx.sandbox.market, "timezone": str(cal.tz),
            "today": local_date(call.ctx.now, cal),
            "non_working_days": [{"date": d, "reason": r}
                                 for d, r in cal.non_working_days(start, end)]}


@endpoint(bp, "/calendar/deadline", query=s.DeadlineQuery, response=s.DeadlineSchema,
          summary="When a duration counted in a calendar kind ends", tags=["policies"])
def deadline(call: Call):
    """The same computation the engine uses for every policy deadline, on the sandbox's market
    calendar: ``hours``, ``calendar_days``, ``working_days``, ``hours_excl_non_working`` or
    ``end_of_working_day_n``."""
    start, duration, kind = call.query["start"], call.query["duration"], call.query["kind"]
    cal = call.ctx.calendar
    due_at = calendar_deadline(start, duration, kind, cal, field="duration", location="query")
    return {"start": start, "duration": format_duration(duration), "kind": kind,
            "due_at": due_at, "due_at_local": due_at.astimezone(cal.tz).isoformat()}


@endpoint(bp, "/test_helpers/timers", method="POST", body=s.TestTimerSchema,
          response=s.TimerSchema, status=201,
          summary="Schedule a test timer that records test_timer.fired when it fires",
          tags=["test_helpers"])
def schedule_test_timer(call: Call):
    """Proves the clock from the outside: give ``at`` or ``delay``, optionally ``repeat_every``
    with ``repeat_times`` (each firing schedules the next, a cascade)."""
    return test_timers.schedule(call.ctx, **{
        "label": call.body["label"], "at": call.body.get("at"), "delay": call.body.get("delay"),
        "repeat_every": call.body.get("repeat_every"),
        "repeat_times": call.body.get("repeat_times")})


@endpoint(bp, "/test_helpers/lazada/authorization_code", method="POST",
          response=s.AuthorizationCodeSchema, status=201,
          summary="Authorize the Lazada app as the seller: an OAuth authorization code",
          tags=["test_helpers"])
def lazada_authorization_code(call: Call):
    """What Lazada's consent page would redirect the app with: a single-use code, valid for
    ``gateway.token_lifetimes.authorization_code`` (30 minutes) of the sandbox clock, that the
    gateway's ``/rest/auth/token/create`` exchanges for an access and a refresh token."""
    return authorizations.issue_code(call.ctx)
