"""The sandbox summary and scenario scripts: ``GET /sandboxes/{id}/summary``, the shipped
scenarios (``GET /scenarios``, ``GET /scenarios/{name}``) and ``POST
/sandboxes/{id}/scenarios/run``."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.control import scenarios as scenario_service
from mockplatform.control import summary as summary_service
from mockplatform.control.scenarios import library
from mockplatform.fronts.native.endpoint import OPTIONAL_SANDBOX, SANDBOX_PATH, Call, endpoint

bp = Blueprint("scenarios", __name__, url_prefix="/api/v1")

_COUNTS = fields.Dict(keys=fields.String(), values=fields.Integer())


class _Tally(Schema):
    total = fields.Integer()
    by_status = _COUNTS


class OrdersTallySchema(_Tally):
    ever_failed_delivery = fields.Integer(metadata={
        "description": "orders with an item that failed delivery at some point"})
    delayed = fields.Integer()


class ItemsTallySchema(_Tally):
    ever_failed_delivery = fields.Integer()
    ever_failed_delivery_by_status = _COUNTS


class ResaleTallySchema(Schema):
    total = fields.Integer()
    by_state = _COUNTS
    by_exit_reason = _COUNTS


class AfterSalesTallySchema(Schema):
    total = fields.Integer()
    by_state = _COUNTS
    by_type = _COUNTS


class TimersTallySchema(Schema):
    pending = fields.Integer()
    next_due_at = fields.String(allow_none=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "per timer kind: {count, next_due_at}"})


class LedgerTallySchema(Schema):
    currency = fields.String()
    total = fields.String(metadata={"description": "every entry, in the market currency"})
    by_kind = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "per kind: {count, total} (total in the market currency)"})


class EventsTallySchema(Schema):
    total = fields.Integer()
    by_type = _COUNTS


class SummarySchema(Schema):
    object = fields.Constant("sandbox_summary")
    sandbox_id = fields.String()
    now = fields.String()
    platform = fields.String()
    market = fields.String()
    currency = fields.String()
    orders = fields.Nested(OrdersTallySchema, metadata={
        "description": "an order counts under each status one of its items has"})
    items = fields.Nested(ItemsTallySchema)
    failure_reasons = _COUNTS
    cancel_reasons = _COUNTS
    resale_items = fields.Nested(ResaleTallySchema)
    aftersales_requests = fields.Nested(AfterSalesTallySchema)
    timers = fields.Nested(TimersTallySchema)
    ledger = fields.Nested(LedgerTallySchema)
    events = fields.Nested(EventsTallySchema)


class ScenarioRunBodySchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "a shipped scenario (GET /api/v1/scenarios)"})
    scenario = fields.Raw(metadata={
        "description": "a scenario of your own: the document (an object), or its YAML or "
                       "JSON text"})
    params = fields.Dict(keys=fields.String(validate=validate.Length(max=100)),
                         values=fields.Raw(allow_none=True), metadata={
        "description": "values for the scenario's parameters (unknown ones are a 400)"})

    @validates_schema
    def _one_source(self, data, **kwargs):
        if ("name" in data) == ("scenario" in data):
            raise ValidationError("give exactly one of name (a shipped scenario) or scenario "
                                  "(a document of your own)", "name")
        if "scenario" in data and not isinstance(data["scenario"], dict | str):
            raise ValidationError("expected the scenario as an object, or YAML or JSON text",
                                  "scenario")


class ScenarioRunSchema(Schema):
    object = fields.Constant("scenario_run")
    scenario = fields.String()
    description = fields.String()
    sandbox_id = fields.String()
    passed = fields.Boolean(metadata={"description": "every expectation held"})
    params = fields.Dict()
    started_at = fields.String()
    finished_at = fields.String()
    steps = fields.List(fields.Dict(), metadata={
        "description": "each step: index, step, actor, at (sandbox time after it), result"})
    expectations = fields.List(fields.Dict(), metadata={
        "description": "each: section, name, expected, actual, passed, why"})
    failed = fields.List(fields.Dict(), metadata={"description": "the expectations that "
                                                                 "failed"})
    names = fields.Dict(metadata={"description": "the ids the steps' names stand for"})
    events = fields.Nested(EventsTallySchema, metadata={
        "description": "the events the run recorded"})
    summary = fields.Nested(SummarySchema)


class ScenarioSchema(Schema):
    object = fields.Constant("scenario")
    name = fields.String()
    description = fields.String()
    sandbox = fields.Dict()
    parameters = fields.Dict()
    steps = fields.Integer()
    expectations = fields.Integer()
    document = fields.Dict()


class ScenarioListSchema(Schema):
    object = fields.Constant("list")
    data = fields.List(fields.Nested(ScenarioSchema))
    has_more = fields.Constant(False)


@endpoint(bp, "/sandboxes/<sandbox_id>/summary", auth=SANDBOX_PATH, response=SummarySchema,
          summary="What happened in the sandbox, at a glance", tags=["sandboxes"],
          errors=[404])
def get_summary(call: Call):
    """Counts by state of orders and order items (and of those that ever failed delivery),
    why deliveries failed and items were canceled, resale units and after-sales requests by
    state, pending timers by kind with the next due, ledger totals by kind in the market
    currency, and events by type."""
    return summary_service.build(call.ctx)


@endpoint(bp, "/scenarios", auth=OPTIONAL_SANDBOX, response=ScenarioListSchema,
          summary="The shipped scenarios", tags=["scenarios"])
def list_scenarios(call: Call):
    """Every scenario of ``fixtures/scenarios/``: its name, description, the sandbox it needs
    (platform, market, seed, policy overrides), its parameters with their defaults, and the
    document itself."""
    return {"data": [library.describe(name) for name in library.names()]}


@endpoint(bp, "/scenarios/<name>", auth=OPTIONAL_SANDBOX, response=ScenarioSchema,
          summary="A shipped scenario", tags=["scenarios"], errors=[404])
def get_scenario(call: Call):
    return library.describe(call.path["name"])


@endpoint(bp, "/sandboxes/<sandbox_id>/scenarios/run", method="POST", auth=SANDBOX_PATH,
          body=ScenarioRunBodySchema, response=ScenarioRunSchema,
          summary="Run a scenario in the sandbox", tags=["scenarios"],
          errors=[400, 404, 409])
def run_scenario(call: Call):
    """One request runs the whole scenario: a shipped one by ``name``, or a ``scenario`` of
    your own, with ``params``. The document is checked first (400 ``invalid_scenario`` naming
    each problem by its path, an unknown step, field or parameter with the closest valid one);
    a sandbox of another platform, market or policy than the scenario's is a 409
    ``scenario_sandbox_mismatch``; a step the domain refuses is a 409 ``scenario_step_failed``
    naming it, and nothing the run did is kept. Otherwise the answer lists each step's result
    and each expectation with what was expected, what was found and why it failed (``passed``
    false when one did: the run itself is kept)."""
    body = call.body
    return scenario_service.run(call.ctx, name=body.get("name"),
                                scenario=body.get("scenario"), params=body.get("params"))
