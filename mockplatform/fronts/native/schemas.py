"""The wire contract of the native API: separate load and dump schemas, unknown fields rejected,
server-set fields dump-only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.engine import clock as clocks
from mockplatform.engine import ids
from mockplatform.engine.calendar import CALENDAR_KINDS, MARKETS, MAX_COUNTED_DAYS
from mockplatform.engine.durations import EXPECTED, parse_duration
from mockplatform.engine.policies import PLATFORMS
from mockplatform.errors import ValidationFailed
from mockplatform.fronts.native import jsonschema

SALES_MARKETS = tuple(m for m in MARKETS if m != "CN")
MAX_PAGE = 100
# A time then a space and an offset without its sign: "+08:00" sent unencoded in a query string,
# where a + decodes to a space.
_PLUS_AS_SPACE = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)? \d{2}(?::?\d{2})?\Z")


class Timestamp(fields.Field):
    """ISO 8601 with a UTC offset in; ISO 8601 in UTC out."""

    default_error_messages = {
        "invalid": "expected an ISO 8601 timestamp with a UTC offset, such as "
                   "2026-01-05T09:00:00+08:00",
        "naive": "timestamp must include a UTC offset (Z or +08:00)",
        "plus_as_space": "expected an ISO 8601 timestamp with a UTC offset, and got a space where "
                         "the offset's sign should be: in a query string a + decodes to a space, "
                         "so send + as %2B (2026-01-05T09:00:00%2B08:00)",
        "too_late": f"must not be after {clocks.LATEST.isoformat()}, the latest instant a "
                    f"sandbox clock reaches",
    }

    def __init__(self, *, years: tuple[int, int] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.years = years  # the years it takes, when narrower than any instant of a clock

    def json_schema(self) -> dict:
        return jsonschema.timestamp(*(self.years or ()))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(UTC).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            raise self.make_error("plus_as_space" if _plus_as_space(value) else "invalid") from None
        if parsed.tzinfo is None:
            raise self.make_error("naive")
        try:
            parsed = parsed.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past datetime's range in UTC
            raise self.make_error("too_late" if parsed.year > 1 else "invalid") from None
        if parsed > clocks.LATEST:
            raise self.make_error("too_late")
        return parsed


def _plus_as_space(value: str) -> bool:
    return _PLUS_AS_SPACE.search(value.strip()) is not None


class JSONObject(fields.Dict):
    """A stored JSON object, dumped with its keys sorted at every level.

    PostgreSQL's JSONB does not keep key order, so without this the same event would read
    differently from the answer that recorded it than from the feed, and differently on SQLite
    than on PostgreSQL; sorted, the same data is the same bytes everywhere.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else _sorted_keys(value)


def _sorted_keys(value):
    # Scalars are not passed down: a snapshot dumps a million of them.
    if isinstance(value, dict):
        return {key: _sorted_keys(item) if isinstance(item, dict | list | tuple) else item
                for key, item in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_sorted_keys(item) if isinstance(item, dict | list | tuple) else item
                for item in value]
    return value


class Duration(fields.Field):
    """ISO 8601 duration (PT49H) or a number of seconds, as a timedelta."""

    def __init__(self, *, max_days: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.max_days = max_days  # when the endpoint takes less than any clock could move

    def json_schema(self) -> dict:
        return jsonschema.duration(*([self.max_days] if self.max_days else []))

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_duration(value, field=attr or "duration")
        except ValidationFailed as exc:
            raise ValidationError(exc.details[0]["message"]) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.total_seconds()


class TimestampOrKeyword(Timestamp):
    def __init__(self, keyword: str, **kwargs):
        super().__init__(**kwargs)
        self.keyword = keyword

    def json_schema(self) -> dict:
        return {"anyOf": [super().json_schema(), {"type": "string", "enum": [self.keyword]}]}

    def _deserialize(self, value, attr, data, **kwargs):
        if value == self.keyword:
            return value
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            if isinstance(value, str) and _plus_as_space(value):
                raise
            raise ValidationError(f"expected an ISO 8601 timestamp with a UTC offset, "
                                  f"or {self.keyword!r}") from None


class PageQuery(Schema):
    limit = fields.Integer(load_default=MAX_PAGE, validate=validate.Range(
        min=1, max=MAX_PAGE, error=f"must be between 1 and {MAX_PAGE}"))


def list_schema(item: type[Schema], name: str) -> type[Schema]:
    """``{"object": "list", "data": [...], "has_more", "next_cursor"}`` around ``item``."""
    return type(name, (Schema,), {
        "object": fields.Constant("list"),
        "data": fields.List(fields.Nested(item)),
        "has_more": fields.Boolean(),
        "next_cursor": fields.String(allow_none=True),
    })


def page(items: list, has_more: bool, cursor_of) -> dict:
    return {"data": items, "has_more": has_more,
            "next_cursor": cursor_of(items[-1]) if has_more and items else None}


# -- sandboxes ------------------------------------------------------------------------------------

class CalendarOverrideSchema(Schema):
    date = fields.Date(required=True)
    working = fields.Boolean(required=True)
    name = fields.String(load_default="", validate=validate.Length(max=200))


class SandboxCreateSchema(Schema):
    name = fields.String(validate=validate.Length(max=200))
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    market = fields.String(required=True, validate=validate.OneOf(SALES_MARKETS))
    seed = fields.Integer(strict=True, validate=validate.Range(min=0, max=2**63 - 1))
    start_at = Timestamp(years=(2001, 2199))  # 2000 to 2200 in UTC, at any offset
    clock_mode = fields.String(validate=validate.OneOf(clocks.MODES))
    clock_speed = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=1e7),
                               metadata={"exclusiveMinimum": True})
    policy_overrides = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    calendar_overrides = fields.List(fields.Nested(CalendarOverrideSchema),
                                     validate=validate.Length(max=1000))

    @validates_schema
    def _start_in_range(self, data, **kwargs):
        start_at = data.get("start_at")
        if start_at is not None and not (2000 <= start_at.year <= 2200):
            raise ValidationError("must be between the years 2000 and 2200", "start_at")


class SandboxRestoreSchema(Schema):
    snapshot = fields.Dict(required=True)
    name = fields.String(validate=validate.Length(max=200))


class SandboxListQuery(PageQuery):
    after = fields.String()


class ClockSchema(Schema):
    object = fields.Constant("clock")
    now = Timestamp()
    mode = fields.String()
    speed = fields.Float()
    next_timer_at = Timestamp(allow_none=True)
    timers_pending = fields.Integer()


class CredentialsSchema(Schema):
    api_key = fields.String()
    app_key = fields.String()
    app_secret = fields.String()
    access_token = fields.String()


class SandboxSchema(Schema):
    id = fields.String(attribute="sandbox.id")
    object = fields.Constant("sandbox")
    name = fields.String(attribute="sandbox.name")
    platform = fields.String(attribute="sandbox.platform")
    market = fields.String(attribute="sandbox.market")
    seed = fields.Integer(attribute="sandbox.seed")
    start_at = Timestamp(attribute="sandbox.start_at")
    clock = fields.Nested(ClockSchema)
    policy_overrides = JSONObject(attribute="sandbox.policy_overrides")
    calendar_overrides = fields.List(JSONObject(), attribute="sandbox.calendar_overrides")
    credentials = fields.Nested(CredentialsSchema, allow_none=True, metadata={
        "description": "null in a list of sandboxes unless the caller holds the admin token: "
                       "keys are shown only to the admin and to the sandbox itself"})


SandboxListSchema = list_schema(SandboxSchema, "SandboxListSchema")


class DeletedSchema(Schema):
    id = fields.String()
    object = fields.String()
    deleted = fields.Boolean()


class SnapshotSchema(Schema):
    object = fields.Constant("sandbox_snapshot")
    format = fields.Integer()
    sandbox_id = fields.String()
    taken_at = fields.String()
    sandbox = JSONObject()
    tables = fields.Dict(keys=fields.String(), values=fields.List(JSONObject()))


# -- clock, timers, events ------------------------------------------------------------------------

class AdvanceSchema(Schema):
    JSON_SCHEMA = jsonschema.exactly_one("by", "to")
    by = Duration(metadata={"description": EXPECTED})
    to = TimestampOrKeyword("next_timer")


class RunSchema(Schema):
    speed = fields.Float(load_default=1.0, validate=validate.Range(
        min=0, min_inclusive=False, max=1e7), metadata={"exclusiveMinimum": True})


class EventSchema(Schema):
    id = fields.Function(lambda e: ids.format_id(ids.EVENT_PREFIX, e.seq))
    object = fields.Constant("event")
    type = fields.String()
    occurred_at = Timestamp()
    subject = fields.String()
    data = JSONObject()


EventListSchema = list_schema(EventSchema, "EventListSchema")


def _event_id(seq: int) -> str:
    return ids.format_id(ids.EVENT_PREFIX, seq)


def _advance_next_page(result) -> str | None:
    if result.events_total <= len(result.events) or not result.events:
        return None
    return (f"/api/v1/events?after={_event_id(result.events[-1].seq)}"
            f"&until={_event_id(result.last_event_seq)}")


class AdvanceEventsSchema(Schema):
    """The events an advance recorded: the first page, how many in all, and where the rest
    are (``next_page``: the event feed from after this page up to the advance's last event)."""

    object = fields.Constant("list")
    data = fields.List(fields.Nested(EventSchema), attribute="events")
    has_more = fields.Function(lambda r: r.events_total > len(r.events))
    next_cursor = fields.Function(lambda r: _event_id(r.events[-1].seq)
                                  if r.events_total > len(r.events) and r.events else None)
    total_count = fields.Integer(attribute="events_total", metadata={
        "description": "how many events the advance recorded in all, on every page"})
    next_page = fields.Function(_advance_next_page, metadata={
        "description": "the rest of the advance's events, or null when data holds them all: "
                       "GET it and follow each page's next_cursor (as after=); until= keeps "
                       "later events out"})


class AdvanceResultSchema(Schema):
    object = fields.Constant("clock_advance")
    previous_now = Timestamp()
    clock = fields.Nested(ClockSchema)
    timers_fired = fields.Integer()
    events = fields.Nested(AdvanceEventsSchema)


class TimerSchema(Schema):
    id = fields.Function(lambda t: ids.format_id(ids.TIMER_PREFIX, t.seq))
    object = fields.Constant("timer")
    due_at = Timestamp()
    kind = fields.String()
    subject = fields.String()
    description = fields.String()
    payload = JSONObject()


TimerListSchema = list_schema(TimerSchema, "TimerListSchema")


class TimerQuery(PageQuery):
    kind = fields.String()
    after = fields.String(metadata={"description": "a timer id: continue after it",
                                    **jsonschema.prefixed_id(ids.TIMER_PREFIX)})


class TestTimerSchema(Schema):
    JSON_SCHEMA = jsonschema.all_of(jsonschema.exactly_one("at", "delay"),
                                    jsonschema.together("repeat_every", "repeat_times"))
    label = fields.String(required=True, validate=validate.Length(min=1, max=100))
    at = Timestamp()
    delay = Duration()
    repeat_every = Duration()
    repeat_times = fields.Integer(strict=True, validate=validate.Range(min=1, max=100_000))


class AuthorizationCodeSchema(Schema):
    object = fields.Constant("lazada_authorization_code")
    code = fields.String(attribute="token", metadata={
        "description": "exchange it once with the Lazada gateway's /rest/auth/token/create"})
    issued_at = Timestamp()
    expires_at = Timestamp()


# -- policies --------------------------------------------------------------------------------------

class PolicySchema(Schema):
    key = fields.String()
    type = fields.String()
    value = fields.Raw()
    default = fields.Raw()
    calendar = fields.String(allow_none=True)
    effect = fields.String(allow_none=True)
    description = fields.String()
    source = fields.String()
    overridden = fields.Boolean()
    by_market = fields.Dict(allow_none=True)
    calendar_by_shipping = fields.Dict(allow_none=True)
    calendar_market = fields.String(allow_none=True)
    end_of_day = fields.Boolean(allow_none=True)


class PolicyTableSchema(Schema):
    object = fields.Constant("policy_table")
    platform = fields.String()
    market = fields.String()
    policies = fields.List(fields.Nested(PolicySchema))


class PolicyQuery(Schema):
    platform = fields.String(validate=validate.OneOf(PLATFORMS))
    market = fields.String(validate=validate.OneOf(SALES_MARKETS))


class CalendarQuery(Schema):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)


class DeadlineQuery(Schema):
    start = Timestamp(data_key="from", required=True)
    duration = Duration(required=True, max_days=MAX_COUNTED_DAYS)
    kind = fields.String(required=True, validate=validate.OneOf(CALENDAR_KINDS))


class MoneySchema(Schema):
    """An amount with its currency: a string with the currency's decimal places."""

    amount = fields.String()
    currency = fields.String()


class DeadlineSchema(Schema):
    object = fields.Constant("deadline")
    start = Timestamp(data_key="from")
    duration = fields.String()
    kind = fields.String()
    due_at = Timestamp()
    due_at_local = fields.String()


class NonWorkingDaySchema(Schema):
    date = fields.Date()
    reason = fields.String()


class CalendarSchema(Schema):
    object = fields.Constant("calendar")
    market = fields.String()
    timezone = fields.String()
    today = fields.Date()
    non_working_days = fields.List(fields.Nested(NonWorkingDaySchema))


class HealthSchema(Schema):
    status = fields.String()
    version = fields.String()
