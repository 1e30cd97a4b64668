"""The wire contract of after-sales requests: load schemas reject unknown fields and wrong
types; amounts come out as strings in their currency's minor unit."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.aftersales import states
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.orders.schemas import ID, CommaList, OrderLineSchema
from mockplatform.fronts.native.schemas import (
    JSONObject,
    MoneySchema,
    PageQuery,
    Timestamp,
    list_schema,
)

DECIMAL = r"^[0-9]{1,15}(\.[0-9]{1,6})?$"
REASON = fields.String(required=True, validate=validate.Length(min=1, max=80), metadata={
    "description": "one of the profile's aftersales.reasons for this action "
                   "(GET /api/v1/policies); another is a 400 unknown_reason naming the list"})


class RequestListQuery(PageQuery):
    type = CommaList(fields.String(validate=validate.OneOf(states.TYPES)), metadata={
        "description": "one type or several (repeat, or separate with commas)"})
    state = CommaList(fields.String(validate=validate.OneOf(states.STATES)), metadata={
        "description": "one state or several (repeat, or separate with commas)"})
    order_id = fields.Integer(validate=ID)
    awaiting_seller = fields.Boolean(metadata={
        "description": "only requests whose next action is (true) or is not (false) the "
                       "seller's"})
    deadline_before = Timestamp(metadata={
        "description": "only requests whose next deadline is before this instant"})
    after = fields.String(metadata={"description": "a aftersales_id (the next_cursor): the "
                                                   "requests after it",
                                    "pattern": jsonschema.NUMERIC_ID["pattern"]})


class EvidenceSchema(Schema):
    text = fields.String(load_default="", validate=validate.Length(max=2000))
    urls = fields.List(fields.String(validate=validate.Length(min=1, max=500)),
                       load_default=list, validate=validate.Length(max=9))


class RequestLineSchema(OrderLineSchema):
    """A SKU of the order and how many of its units are asked about."""

    quantity = fields.Integer(strict=True, load_default=1, validate=validate.Range(
        min=1, max=1000), metadata={"description": "at most what the order bought of the SKU "
                                                   "(else a 400 naming items.<n>.quantity and "
                                                   "the bought quantity)"})


class OpenRequestSchema(Schema):
    JSON_SCHEMA = jsonschema.not_both("order_item_ids", "items")
    type = fields.String(required=True, validate=validate.OneOf(states.TYPES), metadata={
        "description": "one of the types the sandbox's profile offers (reshipment: TikTok Shop "
                       "only); another is a 400 type_not_offered naming them"})
    order_id = fields.Integer(required=True, validate=ID)
    order_item_ids = fields.List(fields.Integer(validate=ID), validate=validate.Length(
        min=1, max=1000), metadata={"description": "the units asked about (one order item is "
                                                   "one unit); all the order's when left out "
                                                   "(and items too)"})
    items = fields.List(fields.Nested(RequestLineSchema), validate=validate.Length(
        min=1, max=100), metadata={"description": "instead of order_item_ids: SKUs of the order "
                                                  "and how many units of each"})
    reason = REASON
    evidence = fields.Nested(EvidenceSchema)

    @validates_schema
    def _not_both(self, data, **kwargs):
        if "order_item_ids" in data and "items" in data:
            raise ValidationError("give order_item_ids or items, not both", "items")


class RejectSchema(Schema):
    reason = REASON
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class PartialRefundSchema(Schema):
    amount = fields.String(required=True, validate=validate.Regexp(DECIMAL), metadata={
        "description": "more than zero and less than what the buyer paid for the items, in "
                       "the request's currency's minor unit; else a 400 invalid_refund_offer",
        "pattern": DECIMAL})
    currency = fields.String(required=True, validate=validate.Length(equal=3), metadata={
        "description": "the request's currency (the market's); another is a 400 "
                       "invalid_refund_offer"})


class ShipBackSchema(Schema):
    tracking_number = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9-]{4,60}$"),
                                    metadata={"description": "the buyer's carrier's; the "
                                                             "platform's is drawn when left out",
                                              "pattern": r"^[A-Za-z0-9-]{4,60}$"})
    shipment_provider = fields.String(validate=validate.Length(min=1, max=60))


class FailAttemptSchema(Schema):
    reason = fields.String(load_default="seller_unreachable",
                           validate=validate.Length(min=1, max=60))


class RequestStepSchema(Schema):
    at = fields.String(metadata={"description": "ISO 8601, UTC"})
    step = fields.String(metadata={"description": "the action taken (aftersales.<step> event)"})
    role = fields.String(metadata={"description": "BUYER, SELLER, CARRIER or SYSTEM"})
    state = fields.String(metadata={"description": "the request's state after it"})
    details = JSONObject()


class ReturnParcelSchema(Schema):
    package_id = fields.String()
    tracking_number = fields.String()
    status = fields.String(metadata={"description": "returning, returned, failed_delivery or "
                                                    "destroyed"})
    delivery_attempts = fields.Integer()
    next_attempt_at = Timestamp(allow_none=True)


class FailedReturnSchema(Schema):
    carrier_contact = fields.String()
    ticket_url = fields.String()
    claim_deadline = Timestamp(allow_none=True)


class ReshipmentSchema(Schema):
    package_id = fields.String()
    tracking_number = fields.String()
    shipment_provider = fields.String(allow_none=True)
    status = fields.String(allow_none=True, metadata={
        "description": "the package's status (ready_to_ship, in_transit, delivered, ...): a "
                       "package of the replacement order, tracked as any other"})
    delivery_due_at = Timestamp(allow_none=True, metadata={
        "description": "its first planned delivery attempt (logistics.journey's "
                       "delivery_attempt)"})
    delivered_at = Timestamp(allow_none=True)
    shipping_fee = fields.Nested(MoneySchema, allow_none=True, metadata={
        "description": "debited to the seller (reshipment.shipping)"})


class RequestSchema(Schema):
    object = fields.Constant("aftersales_request")
    aftersales_id = fields.Integer()
    type = fields.String()
    platform_type = fields.String(metadata={"description": "TikTok's return_type or "
                                                           "cancel_type"})
    order_id = fields.Integer()
    order_item_ids = fields.List(fields.Integer())
    reason = fields.String()
    evidence = JSONObject()
    state = fields.String()
    platform_status = fields.String(metadata={"description": "TikTok's cancel_status or "
                                                             "return_status"})
    seller_next_action = fields.String(allow_none=True, metadata={
        "description": "TikTok's seller_next_action_response action, while the seller must "
                       "act"})
    deadline_at = Timestamp(allow_none=True, metadata={
        "description": "when the state's deadline passes (deadline_policy) and the platform "
                       "acts"})
    deadline_policy = fields.String(allow_none=True)
    allowed_actions = fields.List(fields.String(), metadata={"description": "the seller's"})
    buyer_actions = fields.List(fields.String())
    carrier_actions = fields.List(fields.String())
    requested_refund = fields.Nested(MoneySchema)
    partial_refund = fields.Nested(MoneySchema, allow_none=True)
    buyer_rejected_partial_refund = fields.Boolean()
    refunded = fields.Nested(MoneySchema, allow_none=True)
    refunded_at = Timestamp(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    reject_comment = fields.String(allow_none=True)
    return_parcel = fields.Nested(ReturnParcelSchema, allow_none=True)
    failed_return = fields.Nested(FailedReturnSchema, allow_none=True)
    replacement_order_id = fields.Integer(allow_none=True, metadata={
        "description": "a reshipment's replacement order, made when the request was approved "
                       "(GET /api/v1/orders/<id>: is_replacement_order, replaced_order_id)"})
    reshipment = fields.Nested(ReshipmentSchema, allow_none=True)
    timeline = fields.List(fields.Nested(RequestStepSchema))
    created_at = Timestamp()
    updated_at = Timestamp()
    closed_at = Timestamp(allow_none=True)


RequestListSchema = list_schema(RequestSchema, "AfterSalesRequestListSchema")
