"""The wire contract of webhook endpoints, deliveries and their attempts."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mockplatform.control.webhooks import deliveries, endpoints
from mockplatform.control.webhooks.formats import FORMATS
from mockplatform.control.webhooks.models import STATUSES
from mockplatform.engine import ids
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.schemas import PageQuery, Timestamp, list_schema

FORMAT_HELP = ("native (the event, Mockplatform-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "
               "'<t>.<body>'>), lazada (Lazada's push, Authorization = hex HMAC-SHA256 of app_key "
               "+ body) or tiktok_shop (TikTok Shop's push, signed as Lazada's)")
PATTERNS_HELP = ("event types: exact (order.delivered), a prefix (order.*) or * for every event; "
                 "each must match a type the server emits (GET /api/v1/webhook_event_types)")
URL = fields.String(validate=validate.Length(min=1, max=2048),
                    metadata={"description": "where to POST: an http:// or https:// URL with a "
                                          "host, without spaces or control characters"})
PATTERNS = fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                       validate=validate.Length(min=1, max=endpoints.MAX_PATTERNS),
                       metadata={"description": PATTERNS_HELP})
DESCRIPTION = fields.String(validate=validate.Length(max=500))


class EndpointCreateSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2048),
                        metadata={"description": "where to POST: an http:// or https:// URL with a "
                                          "host, without spaces or control characters"})
    event_types = fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                              validate=validate.Length(min=1, max=endpoints.MAX_PATTERNS),
                              metadata={"description": PATTERNS_HELP + "; default ['*']"})
    format = fields.String(validate=validate.OneOf(tuple(FORMATS)),
                           metadata={"description": FORMAT_HELP + "; default native"})
    secret = fields.String(validate=validate.Length(min=endpoints.MIN_SECRET,
                                                    max=endpoints.MAX_SECRET),
                           metadata={"description": "the native format's signing secret: "
                                     "printable ASCII without spaces; by default whsec_ and 64 "
                                     "hex digits drawn from the seed"})
    description = DESCRIPTION
    enabled = fields.Boolean()


class EndpointUpdateSchema(Schema):
    url = URL
    event_types = PATTERNS
    description = DESCRIPTION
    enabled = fields.Boolean()


class EndpointSchema(Schema):
    id = fields.Function(lambda e: endpoints.endpoint_id(e.seq))
    object = fields.Constant("webhook_endpoint")
    url = fields.String()
    event_types = fields.List(fields.String())
    format = fields.String()
    secret = fields.String()
    description = fields.String()
    enabled = fields.Boolean()
    created_at = Timestamp()


EndpointListSchema = list_schema(EndpointSchema, "WebhookEndpointListSchema")


class AttemptSchema(Schema):
    object = fields.Constant("webhook_attempt")
    delivery_id = fields.Function(lambda a: deliveries.delivery_id(a.delivery_seq))
    number = fields.Integer()
    trigger = fields.String(metadata={"description": "auto (the schedule) or manual (a resend)"})
    sandbox_at = Timestamp(metadata={"description": "the sandbox instant it was made at"})
    wall_at = Timestamp(metadata={"description": "the real time it was sent at"})
    succeeded = fields.Boolean()
    status_code = fields.Integer(allow_none=True)
    latency_ms = fields.Integer()
    response_excerpt = fields.String(metadata={"description": "the first 4 KiB of the answer, "
                                               "or the error"})
    error = fields.String(allow_none=True, metadata={
        "description": "null, or timeout, refused, reset, closed, status (not 2xx), slow (a 2xx "
                       "past the format's time limit), error"})


AttemptListSchema = list_schema(AttemptSchema, "WebhookAttemptListSchema")


class DeliverySchema(Schema):
    id = fields.Function(lambda v: deliveries.delivery_id(v.delivery.seq))
    object = fields.Constant("webhook_delivery")
    endpoint_id = fields.Function(lambda v: endpoints.endpoint_id(v.delivery.endpoint_seq))
    event_id = fields.Function(lambda v: ids.format_id(ids.EVENT_PREFIX, v.delivery.event_seq))
    event_type = fields.String()
    part = fields.Integer(attribute="delivery.part", metadata={
        "description": "which message of the event (Lazada pushes one per order line)"})
    status = fields.String(attribute="delivery.status", metadata={
        "description": "pending, delivered or failed (no attempt left)"})
    attempts = fields.Integer(attribute="delivery.attempts")
    next_attempt_at = Timestamp(attribute="delivery.next_attempt_at", allow_none=True, metadata={
        "description": "the sandbox instant the next attempt is due at"})
    attempt_log = fields.List(fields.Nested(AttemptSchema), allow_none=True, metadata={
        "description": "every attempt (in a single delivery only; null in a list)"})
    body = fields.String(allow_none=True, metadata={
        "description": "the body every attempt sends (in a single delivery only)"})


DeliveryListSchema = list_schema(DeliverySchema, "WebhookDeliveryListSchema")


class EndpointListQuery(PageQuery):
    after = fields.String(metadata=jsonschema.prefixed_id(endpoints.PREFIX))


class DeliveryQuery(PageQuery):
    endpoint_id = fields.String(metadata=jsonschema.prefixed_id(endpoints.PREFIX))
    status = fields.String(validate=validate.OneOf(STATUSES))
    event_type = fields.String(validate=validate.Length(min=1, max=80), metadata={
        "description": "an event type or a prefix such as order.*"})
    after = fields.String(metadata=jsonschema.prefixed_id("whd_"))


class AttemptQuery(PageQuery):
    after = fields.String(metadata={"description": "continue after this attempt: "
                                    "<delivery id>:<number>",
                                    "pattern": r"^whd_[0-9]{1,18}:[0-9]{1,9}$"})


class EventTypesSchema(Schema):
    object = fields.Constant("list")
    data = fields.List(fields.String())


class DeletedObjectSchema(Schema):
    id = fields.String()
    object = fields.String()
    deleted = fields.Boolean()
