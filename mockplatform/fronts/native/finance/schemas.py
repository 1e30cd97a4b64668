"""Wire contract of the ledger: amounts travel as strings with the currency's decimal places."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, post_load, validate

from mockplatform.engine.policies import CURRENCIES
from mockplatform.finance import service
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.schemas import JSONObject, PageQuery, Timestamp

AMOUNT_EXAMPLE = 'a decimal amount such as "12.50" (a string keeps every digit)'


class Amount(fields.Field):
    """A decimal amount in: a string ("12.50") or a JSON number; never a boolean or NaN."""

    def json_schema(self) -> dict:
        return jsonschema.decimal(None, len(str(int(service.MAX_AMOUNT))) - 1, signed=True)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(f"expected {AMOUNT_EXAMPLE}")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(f"expected {AMOUNT_EXAMPLE}, got {value!r}") from None
        if not amount.is_finite():
            raise ValidationError(f"expected {AMOUNT_EXAMPLE}, got {value!r}")
        if abs(amount) >= service.MAX_AMOUNT:
            raise ValidationError(f"must be below {service.MAX_AMOUNT} in magnitude")
        return amount


def _currency(**kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(CURRENCIES), metadata={
        "description": "ISO 4217 code; the sandbox's market currency when left out"}, **kwargs)


class LedgerEntrySchema(Schema):
    id = fields.Function(lambda e: service.entry_id(e.seq))
    object = fields.Constant("ledger_entry")
    occurred_at = Timestamp()
    kind = fields.String(metadata={"enum": list(service.KINDS)})
    direction = fields.Function(service.direction_of)
    amount = fields.Function(lambda e: service.format_money(e.amount, e.currency))
    currency = fields.String()
    market_amount = fields.Function(lambda e: service.format_money(e.market_amount,
                                                                   e.market_currency))
    market_currency = fields.String()
    rate = fields.Function(lambda e: service.format_rate(e.rate))
    subject = fields.String()
    policy_key = fields.String()
    details = JSONObject()


class BalanceSchema(Schema):
    amount = fields.Function(lambda page: service.format_money(page.balance, page.currency))
    currency = fields.String()


class LedgerListSchema(Schema):
    object = fields.Constant("list")
    data = fields.List(fields.Nested(LedgerEntrySchema), attribute="entries")
    has_more = fields.Boolean()
    next_cursor = fields.Function(lambda page: service.entry_id(page.entries[-1].seq)
                                  if page.has_more and page.entries else None)
    balance = fields.Function(lambda page: BalanceSchema().dump(page), metadata={
        "description": "sum of every entry the filters select (all pages), market currency"})
    total_count = fields.Integer(attribute="count")


class LedgerQuery(PageQuery):
    kind = fields.List(fields.String(validate=validate.Length(min=1, max=40),
                                     metadata={"enum": list(service.KINDS)}), metadata={
        "description": f"one of {', '.join(service.KINDS)}; repeat or separate with commas"})
    subject = fields.String(validate=validate.Length(min=1, max=120))
    occurred_after = Timestamp(metadata={"description": "entries at or after this instant"})
    occurred_before = Timestamp(metadata={"description": "entries before this instant"})
    after = fields.String(metadata={"description": "a ledger entry id: continue after it",
                                    **jsonschema.prefixed_id(service.ENTRY_PREFIX)})

    @post_load
    def _split_kinds(self, data, **kwargs):
        if "kind" in data:
            kinds = [k.strip() for value in data["kind"] for k in value.split(",") if k.strip()]
            unknown = [k for k in kinds if k not in service.KINDS]
            if unknown:
                raise ValidationError(f"unknown kind {unknown[0]!r}; expected one of "
                                      f"{', '.join(service.KINDS)}", "kind")
            data["kind"] = kinds
        return data


class EntryCreateSchema(Schema):
    kind = fields.String(load_default="adjustment", validate=validate.OneOf(service.KINDS))
    amount = Amount(required=True, metadata={
        "description": "signed for an adjustment (negative charges the seller); a positive "
                       "magnitude for the other kinds, whose direction is fixed"})
    currency = _currency()
    subject = fields.String(load_default="", validate=validate.Length(max=120))
    policy_key = fields.String(load_default="", validate=validate.Length(max=80))
    details = fields.Dict(keys=fields.String(), load_default=dict)


class SettleableSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=120))
    amount = Amount(required=True)
    currency = _currency()


class UnsettleableSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=120))
    reason = fields.String(load_default="marked unsettleable by a test helper",
                           validate=validate.Length(max=200))


class SettlementItemSchema(Schema):
    object = fields.Constant("settlement_item")
    subject = fields.String()
    status = fields.String()
    amount = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    settleable_at = fields.String(allow_none=True)
    reason = fields.String()
    policy_key = fields.String()
    statement_id = fields.String(allow_none=True)
    period_start = fields.String(allow_none=True)
    period_end = fields.String(allow_none=True)
    payout_at = fields.String(allow_none=True)
