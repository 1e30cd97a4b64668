"""The wire contract of resale and the return service: load schemas reject unknown fields and
wrong types; amounts come out as strings in their currency's minor unit."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.engine.policies import MARKETS
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.orders.schemas import ID, CommaList, OrderBuyerSchema
from mockplatform.fronts.native.schemas import (
    JSONObject,
    MoneySchema,
    PageQuery,
    Timestamp,
    list_schema,
)
from mockplatform.resale import return_service, states
from mockplatform.resale.models import QC_CHECKS

HALF_OPEN = "from inclusive, to exclusive"


class ResaleItemListQuery(PageQuery):
    state = CommaList(fields.String(validate=validate.OneOf(states.STATES)), metadata={
        "description": "one state or several (repeat, or separate with commas)"})
    sku_id = fields.Integer(validate=ID)
    seller_sku = fields.String(validate=validate.Length(min=1, max=100))
    order_id = fields.Integer(validate=ID, metadata={
        "description": "the unit's first order, or the order that bought it from resale stock"})
    exit_reason = CommaList(fields.String(validate=validate.OneOf(states.EXIT_REASONS)),
                            metadata={"description": "why it left resale for the return "
                                                     "service"})
    relisted_from = Timestamp(metadata={"description": f"relisted in a range ({HALF_OPEN})"})
    relisted_to = Timestamp(metadata={"description": "must not be before relisted_from"})
    exited_from = Timestamp(metadata={"description": "left resale for the return service in a "
                                                     f"range ({HALF_OPEN})"})
    exited_to = Timestamp(metadata={"description": "must not be before exited_from"})
    expired_from = Timestamp(metadata={"description": "unsold when its window ended "
                                                      f"(window_expired), in a range ({HALF_OPEN})"})
    expired_to = Timestamp(metadata={"description": "must not be before expired_from"})
    market = fields.String(validate=validate.OneOf(MARKETS), metadata={
        "description": "the market's resale warehouse: a sandbox has one market, so another "
                       "lists nothing"})
    after = fields.String(metadata={"description": "a resale_item_id (the next_cursor): the "
                                                   "items after it",
                                    "pattern": jsonschema.NUMERIC_ID["pattern"]})


class InspectionSchema(Schema):
    JSON_SCHEMA = jsonschema.only_when("result", "fail", "check")
    result = fields.String(required=True, validate=validate.OneOf(("pass", "fail")))
    check = fields.String(validate=validate.Length(min=1, max=60), metadata={
        "description": "with result fail: the check that fails (default no_defects), one of "
                       f"the sandbox's resale.qc_checks ({', '.join(QC_CHECKS)}); another is "
                       "a 400 unknown_check"})

    @validates_schema
    def _check_fails(self, data, **kwargs):
        if "check" in data and data.get("result") != "fail":
            raise ValidationError("only with result fail", "check")


class ResaleSellSchema(OrderBuyerSchema):
    pass


class ReturnServiceChoiceSchema(Schema):
    option = fields.String(required=True, validate=validate.OneOf(return_service.OPTIONS))


class QcResultSchema(Schema):
    check = fields.String()
    passed = fields.Boolean()
    decided_by = fields.String(metadata={
        "description": "automatic, test_helper, magic_value, failure_rate or default"})
    note = fields.String()


class TimelineStepSchema(Schema):
    at = fields.String(metadata={"description": "ISO 8601, UTC"})
    step = fields.String()
    details = JSONObject()


class ResaleOrderSchema(Schema):
    order_id = fields.Integer()
    order_item_id = fields.Integer()
    resold_at = Timestamp()
    price = fields.String()
    sold_at = Timestamp(allow_none=True)


class ResaleItemSchema(Schema):
    object = fields.Constant("resale_item")
    resale_item_id = fields.Integer()
    state = fields.String()
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "what the warehouse test helpers may do now: script_inspection, sell, "
                       "expire_window"})
    order_id = fields.Integer()
    order_item_id = fields.Integer()
    package_id = fields.String(allow_none=True)
    item_id = fields.Integer()
    sku_id = fields.Integer()
    seller_sku = fields.String()
    name = fields.String()
    market = fields.String()
    price = fields.String(metadata={"description": "what the buyer paid the first time"})
    currency = fields.String()
    failure_reason = fields.String()
    failed_at = Timestamp()
    eligible = fields.Boolean()
    ineligible_reasons = fields.List(fields.String())
    inspect_at = Timestamp(allow_none=True)
    relist_at = Timestamp(allow_none=True)
    window_ends_at = Timestamp(allow_none=True)
    return_arrives_at = Timestamp(allow_none=True)
    inspected_at = Timestamp(allow_none=True)
    qc_results = fields.List(fields.Nested(QcResultSchema))
    qc_scripted = JSONObject(allow_none=True, metadata={
        "description": "the warehouse test helper's verdict for the coming inspection"})
    relisted_at = Timestamp(allow_none=True)
    resale_order = fields.Nested(ResaleOrderSchema, allow_none=True)
    exit_reason = fields.String(allow_none=True)
    exited_at = Timestamp(allow_none=True)
    return_service = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_at = Timestamp(allow_none=True)
    compensation = fields.String(allow_none=True)
    timeline = fields.List(fields.Nested(TimelineStepSchema))
    updated_at = Timestamp()


ResaleItemListSchema = list_schema(ResaleItemSchema, "ResaleItemListSchema")


class ReturnOptionSchema(Schema):
    option = fields.String()
    available = fields.Boolean()


class ReturnServiceSchema(Schema):
    object = fields.Constant("return_service")
    option = fields.String()
    default = fields.String()
    changed_at = Timestamp(allow_none=True)
    options = fields.List(fields.Nested(ReturnOptionSchema))
    market = fields.String()
    return_threshold = fields.Nested(MoneySchema)
    return_threshold_in_market_currency = fields.Nested(MoneySchema)
    return_transit = fields.String()
    worry_free_compensation = fields.String()
    worry_free_excluded_markets = fields.List(fields.String())
