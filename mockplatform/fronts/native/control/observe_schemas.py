"""The wire contract of fault rules and the request journal (control/faults.py, journal.py)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.control import faults, journal
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.schemas import PageQuery, Timestamp, list_schema

MAX_LATENCY_MS = 30_000
MAX_RETRY_AFTER = 3600
MAX_COUNT = 10**9  # every / first
CODE = validate.Regexp(r"^[A-Za-z0-9_.\-]{1,64}$",
                       error="letters, digits, '_', '.' or '-', at most 64 characters")


def _globs(what: str, example: str) -> fields.Dict:
    """A match's ``params`` or ``headers``: names, each with a glob its value must match."""
    return fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.Length(min=1, max=faults.MATCHED_VALUE_LENGTH)),
        validate=_names,
        metadata={"description": f"{what}: each name with a glob (fnmatch) one of its values "
                                 f"must match; {example}",
                  "json_schema": {"minProperties": 1, "maxProperties": faults.MAX_MATCHED}})


def _names(value: dict) -> None:
    if not 1 <= len(value) <= faults.MAX_MATCHED:
        raise ValidationError(f"expected 1 to {faults.MAX_MATCHED} names")


class FaultMatchSchema(Schema):
    front = fields.String(validate=validate.OneOf(faults.FRONTS))
    method = fields.String(validate=validate.OneOf(faults.METHODS))
    path = fields.String(validate=validate.Length(min=1, max=500), metadata={
        "description": "a glob of the request path (fnmatch: *, ?, [...]): /rest/order/*"})
    operation = fields.String(validate=validate.Length(min=1, max=120), metadata={
        "description": "the front's operation: a Lazada api name (/order/package/rts, the "
                       "leading slash optional) or a native endpoint's name (get_order)"})
    params = _globs("parameters of the query string or of a form body (a Lazada call's)",
                    'e.g. {"order_id": "1005*"}')
    headers = _globs("request headers, by name in any case (a header sent twice: its values "
                     "joined with commas)", 'e.g. {"User-Agent": "lazop*"}')


def _effect_rules() -> dict:
    """``JSON_SCHEMA``: each effect type with the fields it takes (``EFFECT_FIELDS``)."""
    every_field = set().union(*faults.EFFECT_FIELDS.values())
    branches = []
    for kind, taken in faults.EFFECT_FIELDS.items():
        branch: dict = {"properties": {"type": {"enum": [kind]}}}
        others = sorted(every_field - taken)
        if others:
            branch["not"] = {"anyOf": [{"required": [name]} for name in others]}
        if kind in faults.TIMED:
            branch["required"] = ["ms"]
        if kind == faults.ERROR:
            branch["required"] = ["status"]
            branch["anyOf"] = [{"properties": {"status": {"minimum": 400}}},
                               {"properties": {"status": {"enum": [200]}},
                                "required": ["code"]}]
        branches.append(branch)
    return {"anyOf": branches}


class FaultEffectSchema(Schema):
    JSON_SCHEMA = _effect_rules()

    type = fields.String(required=True, validate=validate.OneOf(faults.EFFECTS))
    ms = fields.Integer(strict=True, validate=validate.Range(
        min=1, max=MAX_LATENCY_MS, error=f"must be between 1 and {MAX_LATENCY_MS}"),
        metadata={"description": "latency: milliseconds of real time added to the answer; "
                                 "dribble: the real time its body's pieces are spread over"})
    chunks = fields.Integer(strict=True, validate=validate.Range(
        min=2, max=faults.MAX_CHUNKS, error=f"must be between 2 and {faults.MAX_CHUNKS}"),
        metadata={"description": f"dribble: how many pieces the body goes in "
                                 f"({faults.DEFAULT_CHUNKS} by default)"})
    status = fields.Integer(strict=True, validate=validate.Range(min=200, max=599), metadata={
        "description": "error: 400-599 (or 200, for a platform's error code in an HTTP 200 "
                       "answer, as Lazada answers its own); malformed: the status of the cut "
                       "answer (200 by default)"})
    code = fields.String(validate=CODE, metadata={
        "description": "the error code of the front's envelope (native code; Lazada's code, "
                       "E0xx or ApiCallLimit)"})
    message = fields.String(validate=validate.Length(min=1, max=500))
    retry_after = fields.Integer(strict=True, validate=validate.Range(min=0,
                                                                      max=MAX_RETRY_AFTER))

    @validates_schema
    def _fields_of_the_type(self, data, **kwargs):
        problems = faults.effect_problems(data)
        if problems:
            raise ValidationError({name: [message] for name, message in problems.items()})


class FaultWhenSchema(Schema):
    probability = fields.Float(allow_nan=False, validate=validate.Range(
        min=0, max=1, error="must be between 0 and 1"), metadata={
        "description": "the chance of each call, drawn from the sandbox's seed (the same calls "
                       "give the same faults)"})
    every = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_COUNT), metadata={
        "description": "every Nth call the match selects (N, 2N, ...)"})
    first = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_COUNT), metadata={
        "description": "the first N calls the match selects"})
    start = Timestamp(data_key="from", metadata={
        "description": "sandbox time from which the rule applies (inclusive)"})
    end = Timestamp(data_key="until", metadata={
        "description": "sandbox time until which it applies (exclusive); must be after from"})

    @validates_schema
    def _window(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError({"until": [f"must be after 'from' "
                                             f"({data['start'].isoformat()})"]})


class FaultRuleSchema(Schema):
    JSON_SCHEMA = {"required": ["effect"]}

    description = fields.String(validate=validate.Length(max=500))
    match = fields.Nested(FaultMatchSchema, load_default=dict)
    effect = fields.Nested(FaultEffectSchema, required=True)
    when = fields.Nested(FaultWhenSchema, load_default=dict)


class FaultRulesSchema(Schema):
    rules = fields.List(fields.Nested(FaultRuleSchema), required=True,
                        validate=validate.Length(max=faults.MAX_RULES))


class FaultRuleOutSchema(Schema):
    id = fields.String()
    object = fields.Constant("fault_rule")
    description = fields.String()
    match = fields.Dict()
    effect = fields.Dict()
    when = fields.Dict()
    calls = fields.Integer(metadata={"description": "calls the match selected so far"})
    faults = fields.Integer(metadata={"description": "calls the rule answered"})


FaultRuleListSchema = list_schema(FaultRuleOutSchema, "FaultRuleListSchema")


class JournalQuery(PageQuery):
    operation = fields.String(validate=validate.Length(min=1, max=120))
    status = fields.List(fields.Integer(validate=validate.Range(min=0, max=599)), metadata={
        "description": "HTTP status; repeat for several"})
    front = fields.String(validate=validate.OneOf(faults.FRONTS))
    start = Timestamp(data_key="from", metadata={"description": "sandbox time, inclusive"})
    end = Timestamp(data_key="to", metadata={
        "description": "sandbox time, exclusive; must be after from"})
    after = fields.String(metadata={"description": "an entry id: return the entries after it",
                                    **jsonschema.prefixed_id(journal.ENTRY_PREFIX)})

    @validates_schema
    def _range(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError({"to": [f"must be after 'from' "
                                          f"({data['start'].isoformat()})"]})


class JournalEntrySchema(Schema):
    id = fields.Function(journal.entry_id)
    object = fields.Constant("journal_entry")
    sandbox_at = Timestamp(allow_none=True)
    wall_at = Timestamp()
    front = fields.String()
    method = fields.String()
    path = fields.String()
    query = fields.String()
    operation = fields.String()
    status = fields.Integer(metadata={"description": "0: the connection was dropped"})
    latency_ms = fields.Float()
    fault_rule = fields.String(allow_none=True)
    fault_effect = fields.String(allow_none=True)
    request_body = fields.String()
    request_truncated = fields.Boolean()
    response_body = fields.String()
    response_truncated = fields.Boolean()


JournalListSchema = list_schema(JournalEntrySchema, "JournalListSchema")
JOURNAL_COLUMNS = ("id", "sandbox_at", "wall_at", "front", "method", "path", "query",
                   "operation", "status", "latency_ms", "fault_rule", "fault_effect",
                   "request_body", "request_truncated", "response_body", "response_truncated")


class JournalClearedSchema(Schema):
    object = fields.Constant("journal")
    deleted = fields.Integer(metadata={"description": "entries deleted"})
