"""The catalog's wire contract: load schemas reject unknown fields and wrong types; amounts go
in as strings or numbers and come out as strings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mockplatform.catalog import money, seeding, states
from mockplatform.catalog.service import MAX_STOCK
from mockplatform.engine.ids import MAX_DIGITS
from mockplatform.errors import ValidationFailed
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.schemas import PageQuery, Timestamp, list_schema


class PositiveDecimal(fields.Field):
    """A positive amount as a string ("12.90") or a JSON number, with at most ``places``
    decimals, loaded as a Decimal (never a float)."""

    def __init__(self, *, places: int, maximum: Decimal, **kwargs):
        super().__init__(**kwargs)
        self.places, self.maximum = places, maximum
        if maximum != 10 ** (len(str(int(maximum))) - 1):
            raise ValueError("the maximum of an amount is a power of ten")

    def json_schema(self) -> dict:
        return jsonschema.decimal(self.places, len(str(int(self.maximum))) - 1)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError('expected a decimal amount as a string such as "12.90", '
                                  'or a number')
        try:
            amount = Decimal(value.strip() if isinstance(value, str) else str(value))
        except InvalidOperation:
            raise ValidationError(f"not a decimal amount: {value!r}") from None
        if not amount.is_finite():
            raise ValidationError("must be a finite amount")
        if amount <= 0:
            raise ValidationError("must be greater than 0")
        if amount >= self.maximum:
            raise ValidationError(f"must be less than {self.maximum}")
        if amount != amount.quantize(Decimal(1).scaleb(-self.places)):
            raise ValidationError(f"at most {self.places} decimal places")
        return amount

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


def _size(places: int) -> PositiveDecimal:
    return PositiveDecimal(places=places, maximum=Decimal(10000))


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only: not 1, "yes" or "true" (1 == True in a set lookup)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value

STOCK = validate.Range(min=0, max=MAX_STOCK, error=f"must be between 0 and {MAX_STOCK}")


class SkuCreateSchema(Schema):
    seller_sku = fields.String(required=True, validate=jsonschema.Pattern(
        f"^[^{jsonschema.SPACES}](?:[^\\n]{{0,98}}[^{jsonschema.SPACES}])?$",
        error="1 to 100 characters on one line, not starting or ending with a space"))
    price = PositiveDecimal(places=2, maximum=money.MAX_AMOUNT, required=True)
    stock = fields.Integer(strict=True, validate=STOCK)
    package_weight = _size(3)
    package_length = _size(1)
    package_width = _size(1)
    package_height = _size(1)


class ProductCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    description = fields.String(validate=validate.Length(max=5000))
    category = fields.String(allow_none=True, validate=validate.Length(min=1, max=120))
    restricted = StrictBoolean()
    skus = fields.List(fields.Nested(SkuCreateSchema), required=True,
                       validate=validate.Length(min=1, max=50))


class ProductListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(states.STATUSES))
    after = fields.String(metadata={"description": "an item_id: return the products after it",
                                    "pattern": jsonschema.NUMERIC_ID["pattern"]})


class StockUpdateSchema(Schema):
    JSON_SCHEMA = jsonschema.exactly_one("stock", "delta")
    stock = fields.Integer(strict=True, validate=STOCK,
                           metadata={"description": "the new seller stock"})
    delta = fields.Integer(strict=True, validate=validate.Range(min=-MAX_STOCK, max=MAX_STOCK),
                           metadata={"description": "add to (or, negative, take from) the "
                                                    "stock; it never goes below 0"})

    @validates_schema
    def _one_of(self, data, **kwargs):
        if ("stock" in data) == ("delta" in data):
            raise ValidationError("give exactly one of stock or delta", "stock")


class PriceUpdateSchema(Schema):
    price = PositiveDecimal(places=2, maximum=money.MAX_AMOUNT, required=True)


class SkuSchema(Schema):
    object = fields.Constant("sku")
    sku_id = fields.Integer()
    item_id = fields.Integer()
    seller_sku = fields.String()
    price = fields.String()
    currency = fields.String()
    stock = fields.Integer(metadata={"description": "the seller's stock"})
    resale_stock = fields.Integer(metadata={
        "description": "units relisted in the market's local resale warehouse: a new order "
                       "takes them first (resale.stock_priority)"})
    resale_oldest_listed_at = Timestamp(allow_none=True, metadata={
        "description": "when the oldest of them was listed"})
    package_weight = fields.String(metadata={"description": "kg"})
    package_length = fields.String(metadata={"description": "cm"})
    package_width = fields.String(metadata={"description": "cm"})
    package_height = fields.String(metadata={"description": "cm"})
    created_at = Timestamp()
    updated_at = Timestamp()


class ProductSchema(Schema):
    object = fields.Constant("product")
    item_id = fields.Integer()
    name = fields.String()
    description = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String()
    restricted = fields.Boolean()
    currency = fields.String()
    allowed_actions = fields.List(fields.String())
    skus = fields.List(fields.Nested(SkuSchema))
    created_at = Timestamp()
    updated_at = Timestamp()


ProductListSchema = list_schema(ProductSchema, "ProductListSchema")


def _text(maximum: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=maximum), **kwargs)


class BuyerCreateSchema(Schema):
    first_name = _text(100)
    last_name = _text(100)
    phone = fields.String(validate=validate.Regexp(
        r"^\+?[0-9][0-9 ()-]{5,38}$", error="a phone number: digits, spaces, -, ( ) and an "
                                            "optional leading +"))
    email = fields.Email(validate=validate.Length(max=254))
    address1 = _text(255)
    address2 = fields.String(validate=validate.Length(max=255))
    city = _text(100)
    region = fields.String(validate=validate.Length(max=100))
    postcode = _text(20)


class BuyerSchema(Schema):
    object = fields.Constant("buyer")
    buyer_id = fields.Integer()
    name = fields.Function(lambda b: f"{b.first_name} {b.last_name}".strip())
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    email = fields.String()
    address1 = fields.String()
    address2 = fields.String()
    city = fields.String()
    region = fields.String()
    postcode = fields.String()
    country = fields.String()
    created_at = Timestamp()


class SeedSchema(Schema):
    products = fields.Integer(strict=True, load_default=0, validate=validate.Range(
        min=0, max=seeding.MAX_PRODUCTS, error=f"must be between 0 and {seeding.MAX_PRODUCTS}"))
    buyers = fields.Integer(strict=True, load_default=0, validate=validate.Range(
        min=0, max=seeding.MAX_BUYERS, error=f"must be between 0 and {seeding.MAX_BUYERS}"))


class SeedRangeSchema(Schema):
    count = fields.Integer()
    first_id = fields.Integer(allow_none=True)
    last_id = fields.Integer(allow_none=True)


class SeedResultSchema(Schema):
    object = fields.Constant("seed_result")
    products = fields.Nested(SeedRangeSchema)
    skus = fields.Integer()
    buyers = fields.Nested(SeedRangeSchema)


def numeric_id(value: str, field: str, location: str) -> int:
    """A numeric id from a path or query (``3012345678``); anything else is a 400."""
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value)
    raise ValidationFailed.field(field, f"expected a numeric id, got {value!r}",
                                 location=location)
