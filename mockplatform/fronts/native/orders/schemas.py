"""The orders domain's wire contract: load schemas reject unknown fields and wrong types."""

from __future__ import annotations

from datetime import timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.engine.ids import MAX_DIGITS
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.catalog.schemas import (
    BuyerCreateSchema,
    SeedRangeSchema,
    SeedResultSchema,
    SeedSchema,
)
from mockplatform.fronts.native.schemas import (
    Duration,
    JSONObject,
    PageQuery,
    Timestamp,
    list_schema,
)
from mockplatform.logistics import fulfilment, seeding
from mockplatform.orders import listing, service, states, tiktok

ID = validate.Range(min=1, max=10 ** MAX_DIGITS - 1, error="expected a positive numeric id")


class OrderLineSchema(Schema):
    JSON_SCHEMA = jsonschema.exactly_one("sku_id", "seller_sku")
    sku_id = fields.Integer(strict=True, validate=ID)
    seller_sku = fields.String(validate=validate.Length(min=1, max=100))
    quantity = fields.Integer(strict=True, load_default=1, validate=validate.Range(
        min=1, max=service.MAX_UNITS_PER_ORDER,
        error=f"must be between 1 and {service.MAX_UNITS_PER_ORDER}"))

    @validates_schema
    def _one_sku(self, data, **kwargs):
        if ("sku_id" in data) == ("seller_sku" in data):
            raise ValidationError("give exactly one of sku_id or seller_sku", "sku_id")


class OrderBuyerSchema(Schema):
    """Who places an order and how it is paid: what placing an order and a test helper's sale
    from resale stock share."""

    JSON_SCHEMA = jsonschema.not_both("buyer_id", "buyer")
    buyer_id = fields.Integer(strict=True, validate=ID)
    buyer = fields.Nested(BuyerCreateSchema, metadata={
        "description": "a new buyer with these fields (the rest generated); magic values in "
                       "phone or address lines script delivery outcomes (see the README)"})
    payment_method = fields.String(load_default="prepaid",
                                   validate=validate.OneOf(service.PAYMENT_METHODS))

    @validates_schema
    def _one_buyer(self, data, **kwargs):
        if "buyer_id" in data and "buyer" in data:
            raise ValidationError("give buyer_id or buyer, not both", "buyer")


class OrderPlaceSchema(OrderBuyerSchema):
    items = fields.List(fields.Nested(OrderLineSchema), required=True,
                        validate=validate.Length(min=1, max=50,
                                                 error="between 1 and 50 lines"))
    shipping = fields.String(load_default="cross_border",
                             validate=validate.OneOf(service.SHIPPING_TYPES))


class CommaList(fields.List):
    """A query list given as repeated parameters or comma-separated (``status=a,b``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            value = [part for item in value for part in str(item).split(",") if part]
        return super()._deserialize(value, attr, data, **kwargs)


class OrderListQuery(PageQuery):
    status = CommaList(fields.String(validate=validate.OneOf(states.ALL_STATUSES)), metadata={
        "description": "orders with an item whose status is now one of these (repeat or "
                       "separate with commas). An item is failed_delivery only until it is "
                       "shipped back or taken into resale, within hours: to find the orders "
                       "whose items failed delivery, use ever_failed_delivery=true"})
    created_after = Timestamp()
    created_before = Timestamp()
    updated_after = Timestamp()
    updated_before = Timestamp()
    sort_by = fields.String(load_default="created_at",
                            validate=validate.OneOf(listing.SORT_FIELDS))
    sort_direction = fields.String(load_default="desc",
                                   validate=validate.OneOf(listing.DIRECTIONS))
    delayed = fields.Boolean(metadata={"description": "only orders in (true) or out of "
                                                      "(false) the delayed view: past the "
                                                      "warning point of a deadline they can "
                                                      "still miss (semi-hosted: past the ship "
                                                      "deadline, not shipped)"})
    ever_failed_delivery = fields.Boolean(metadata={
        "description": "only orders with (true) or without (false) an item that failed "
                       "delivery at some point, whatever its status now (resale_pending, "
                       "shipped_back, package_scrapped ...)"})
    platform_status = CommaList(fields.String(validate=validate.OneOf(tiktok.STATUSES)),
                                metadata={
        "description": "a TikTok Shop sandbox's orders whose TikTok status (the order's "
                       "platform_status, the aggregate of its units') is now one of these "
                       "(repeat or separate with commas); a 400 in another platform's sandbox. "
                       "Worked out order by order, at most 2,000 orders read a page: a page may "
                       "hold fewer than limit (none, even) and still have has_more"})
    after = fields.String(metadata={"description": "the next_cursor of the previous page"})


class PackSchema(Schema):
    order_item_ids = fields.List(fields.Integer(strict=True, validate=ID),
                                 validate=validate.Length(min=1, max=100))
    shipment_provider = fields.String(validate=validate.Length(min=1, max=60))


class ReadyToShipSchema(Schema):
    package_ids = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                              validate=validate.Length(min=1, max=20))


class ShipSchema(Schema):
    shipment_provider = fields.String(required=True, validate=[
        validate.Length(min=1, max=60),
        jsonschema.Pattern(f"^[^{jsonschema.SPACES}\\x00-\\x1f\\x7f]"
                           f"(?:[^\\x00-\\x1f\\x7f]*[^{jsonschema.SPACES}\\x00-\\x1f\\x7f])?$",
                        error="expected the carrier's name in printable characters, without "
                              "leading or trailing spaces")],
        metadata={"description": "the seller's carrier, named as the seller likes"})
    tracking_number = fields.String(required=True, validate=jsonschema.Pattern(
        r"^[A-Za-z0-9]{6,40}$", error="expected 6 to 40 letters or digits"), metadata={
        "description": "the carrier's tracking number: 6 to 40 letters or digits, not used by "
                       "another package of the sandbox"})


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(fulfilment.CANCEL_REASONS))
    order_item_ids = fields.List(fields.Integer(strict=True, validate=ID),
                                 validate=validate.Length(min=1, max=100))


class BuyerCancelSchema(Schema):
    reason = fields.String(validate=validate.Length(min=1, max=255), metadata={
        "description": "the buyer's words, kept as the units' reason_detail (default: "
                       "canceled by the buyer within the remorse window)"})


class FailNextAttemptSchema(Schema):
    reason = fields.String(validate=validate.Length(min=1, max=60), metadata={
        "description": "one of the sandbox's delivery.failure_reasons (default: its first)"})


class OrderItemSchema(Schema):
    object = fields.Constant("order_item")
    order_item_id = fields.Integer()
    order_id = fields.Integer()
    status = fields.String()
    name = fields.String()
    item_id = fields.Integer()
    sku_id = fields.Integer()
    seller_sku = fields.String()
    item_price = fields.String()
    paid_price = fields.String()
    currency = fields.String()
    package_id = fields.String(allow_none=True)
    tracking_code = fields.String(allow_none=True)
    shipment_provider = fields.String(allow_none=True)
    reason = fields.String()
    reason_detail = fields.String()
    cancel_return_initiator = fields.String()
    stock_source = fields.String(metadata={
        "description": "whose stock the unit came from: seller, resale (a unit relisted "
                       "in the market's local resale warehouse), or reshipment (a replacement "
                       "order's free unit, counted in no stock)"})
    failed_delivery_at = Timestamp(allow_none=True, metadata={
        "description": "when the unit failed delivery, kept whatever its status becomes"})
    allowed_actions = fields.List(fields.String())
    platform_status = fields.String(metadata={
        "description": "tiktok flow only: the unit's status in TikTok's vocabulary (ON_HOLD, "
                       "AWAITING_SHIPMENT, AWAITING_COLLECTION, IN_TRANSIT, DELIVERED, "
                       "COMPLETED, CANCELLED)"})
    created_at = Timestamp()
    updated_at = Timestamp()


class OrderItemHistoryEntrySchema(Schema):
    status = fields.String()
    previous_statuses = fields.List(fields.String())
    at = Timestamp()
    event_id = fields.String()
    event_type = fields.String()
    reason = fields.String()
    resale_item_id = fields.Integer(allow_none=True)


class OrderItemHistorySchema(Schema):
    object = fields.Constant("order_item_history")
    order_id = fields.Integer()
    order_item_id = fields.Integer()
    status = fields.String()
    failed_delivery_at = Timestamp(allow_none=True)
    data = fields.List(fields.Nested(OrderItemHistoryEntrySchema))


class OrderSchema(Schema):
    object = fields.Constant("order")
    order_id = fields.Integer()
    order_number = fields.Integer()
    flow = fields.String()
    buyer_id = fields.Integer()
    payment_method = fields.String()
    shipping_type = fields.String()
    currency = fields.String()
    price = fields.String()
    shipping_fee = fields.String()
    items_count = fields.Integer()
    statuses = fields.List(fields.String())
    is_replacement_order = fields.Boolean(metadata={
        "description": "a reshipment's replacement order (TikTok's is_replacement_order): made "
                       "when the reshipment request was approved, its units free of charge, "
                       "never settled as a sale; its one deadline is the reshipment's ship "
                       "deadline (rts_sla_time, shipping_due_time)"})
    replaced_order_id = fields.Integer(allow_none=True, metadata={
        "description": "the order a replacement order replaces; null for any other"})
    deadlines = JSONObject(metadata={"description": "deadline timestamps: rts_deadline and "
                                                    "first_mile_scan_deadline (lazada flow); "
                                                    "ship_deadline, cancel_at, shipped_at, "
                                                    "shipped_late, shipped_late_by "
                                                    "(semi_hosted flow); rts_sla_time, "
                                                    "on_hold_until, shipping_due_time, "
                                                    "collection_due_time, delivery_due_time, "
                                                    "after_sales_until (tiktok flow)"})
    platform_status = fields.String(metadata={
        "description": "tiktok flow only: the order's status in TikTok's vocabulary, the "
                       "aggregate of its units' (UNPAID, ON_HOLD, AWAITING_SHIPMENT, "
                       "PARTIALLY_SHIPPING, AWAITING_COLLECTION, IN_TRANSIT, DELIVERED, "
                       "COMPLETED, CANCELLED)"})
    delayed = fields.Boolean()
    address_shipping = JSONObject()
    package_ids = fields.List(fields.String())
    allowed_actions = fields.List(fields.String())
    items = fields.List(fields.Nested(OrderItemSchema))
    created_at = Timestamp()
    updated_at = Timestamp()


class OrderListSchema(list_schema(OrderSchema, "OrderPageSchema")):
    notes = fields.List(fields.String(), metadata={
        "description": "what the filters may not do as expected, in words (empty mostly): "
                       "asked for status=failed_delivery, how many orders had an item fail "
                       "delivery and the filter that lists them (ever_failed_delivery=true)"})


class OrderItemListSchema(Schema):
    object = fields.Constant("list")
    data = fields.List(fields.Nested(OrderItemSchema))


class JourneyStepSchema(Schema):
    step = fields.String()
    due_at = fields.String(allow_none=True)
    done_at = fields.String(allow_none=True)


class PackageSchema(Schema):
    object = fields.Constant("package")
    package_id = fields.String()
    order_id = fields.Integer()
    tracking_number = fields.String()
    shipment_provider = fields.String()
    ships_from = fields.String(metadata={
        "description": "seller, or resale_warehouse: the market's local resale warehouse (no "
                       "first mile, no border, no shipping fee to the seller)"})
    status = fields.String()
    order_item_ids = fields.List(fields.Integer())
    item_statuses = fields.List(fields.String())
    packed_at = Timestamp()
    ready_to_ship_at = Timestamp(allow_none=True)
    first_mile_scan_deadline = Timestamp(allow_none=True)
    first_mile_scanned_at = Timestamp(allow_none=True)
    journey_step = fields.String(allow_none=True)
    journey = fields.List(fields.Nested(JourneyStepSchema))
    delivery_attempts = fields.Integer()
    queued_failures = fields.List(fields.String(), metadata={
        "description": "failure reasons queued by the carrier's fail_next_attempt test helper "
                       "for the coming delivery attempts, in order"})
    failure_reason = fields.String(allow_none=True)
    measured = JSONObject()
    seller_marked_failed = fields.Boolean()
    seller_marked_failed_at = Timestamp(allow_none=True)
    delivered_at = Timestamp(allow_none=True)
    updated_at = Timestamp()


class LabelSchema(Schema):
    object = fields.Constant("shipping_label")
    package_id = fields.String()
    tracking_number = fields.String()
    doc_type = fields.String()
    mime_type = fields.String()
    file = fields.String(metadata={"description": "the HTML document, base64-encoded"})



def weights(names, description: str) -> fields.Dict:
    """Shares of a draw by name (``{"prepaid": 3, "cod": 1}``): non-negative numbers, not all
    zero; they need not sum to 1."""
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(names)),
        values=fields.Float(validate=validate.Range(min=0, max=1e9, error="expected a weight "
                                                    "between 0 and 1e9")),
        validate=_some_weight,
        metadata={"description": description,
                  "json_schema": jsonschema.weights(names, 1e9)})


def _some_weight(value: dict) -> None:
    if not any(weight > 0 for weight in value.values()):
        raise ValidationError("expected at least one weight above 0")


ORDER_OPTIONS = ("payment_methods", "shipping", "fulfilment", "placed_over")
MAX_PLACED_OVER_DAYS = seeding.MAX_PLACED_OVER.days


def _placed_over(value) -> None:
    if not timedelta(0) < value <= seeding.MAX_PLACED_OVER:
        raise ValidationError(f"expected a duration above zero and at most "
                              f"P{MAX_PLACED_OVER_DAYS}D")


class OrderSeedSchema(SeedSchema):
    JSON_SCHEMA = jsonschema.all_of(
        jsonschema.at_least_one_above_zero("products", "buyers", "orders"),
        jsonschema.only_with_count("orders", *ORDER_OPTIONS))
    orders = fields.Integer(strict=True, load_default=0, validate=validate.Range(
        min=0, max=seeding.MAX_ORDERS, error=f"must be between 0 and {seeding.MAX_ORDERS}"))
    payment_methods = weights(service.PAYMENT_METHODS, "shares of the seeded orders' payment "
                                                       "methods (default: all prepaid)")
    shipping = weights(service.SHIPPING_TYPES, "shares of cross-border and local shipping "
                                               "(default: all cross_border)")
    fulfilment = weights(seeding.ALL_STAGES, "shares of the stage each seeded order is walked "
                                             "to: pending, packed, ready_to_ship (Lazada), "
                                             "accepted, shipped (semi-hosted) (default: all pending)")
    placed_over = Duration(max_days=MAX_PLACED_OVER_DAYS, validate=_placed_over, metadata={
        "description": "spread the orders' placement over this much sandbox time from now "
                       f"(at most P{MAX_PLACED_OVER_DAYS}D): each is placed by a timer at an "
                       "instant drawn from the seed, taking listed resale stock first, then "
                       "walked to its stage (default: all placed at once, now)"})

    @validates_schema
    def _something(self, data, **kwargs):
        if not (data["products"] or data["buyers"] or data["orders"]):
            raise ValidationError("nothing to seed: give products, buyers or orders above 0",
                                  "products")
        given = [name for name in ORDER_OPTIONS if name in data]
        if given and not data["orders"]:
            raise ValidationError("only with orders above 0", given[0])


class OrderSeedRangeSchema(SeedRangeSchema):
    stages = fields.Dict(keys=fields.String(), values=fields.Integer())
    new_buyers = fields.Integer()
    placed_over = fields.String(metadata={"description": "with placed_over: the spread, as an "
                                                         "ISO 8601 duration (first_id and "
                                                         "last_id are null: no order is "
                                                         "placed yet)"})
    first_placed_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "with placed_over: when the first order is "
                                              "placed (ISO 8601, UTC)"})
    last_placed_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "with placed_over: when the last order is "
                                              "placed (ISO 8601, UTC)"})


class OrderSeedResultSchema(SeedResultSchema):
    orders = fields.Nested(OrderSeedRangeSchema)
