"""Wire contract of the ledger: amounts travel as strings with the currency's decimal places."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, post_load, validate

from mockplatform.engine.policies import CURRENCIES
from mockplatform.finance import service
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.schemas import JSONObject, PageQuery, Timestamp

KINDS_TEXT = ("fine (a debit: a late ready-to-ship, a late semi-hosted shipment), "
              "shipping_fee (a debit: a parcel's or a reshipment's carriage), refund (a debit: "
              "an after-sales refund to the buyer), settlement (a credit: the payout of a "
              "delivered item), compensation (a credit: a lost or damaged parcel, the return "
              "service.s worry-free compensation), adjustment (either sign: a test helper's "
              "entry)")
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


LEDGER_CSV = CsvFormat(columns=("id", "occurred_at", "kind", "direction", "amount", "currency",
                                "market_amount", "market_currency", "rate", "subject",
                                "policy_key", "details"), filename="ledger.csv")


class LedgerEntrySchema(Schema):
    id = fields.Function(lambda e: service.entry_id(e.seq))
    object = fields.Constant("ledger_entry")
    occurred_at = Timestamp()
    kind = fields.String(metadata={"enum": list(service.KINDS), "description": KINDS_TEXT})
    direction = fields.Function(service.direction_of, metadata={
        "enum": [service.DEBIT, service.CREDIT],
        "description": "debit charges the seller (amounts negative), credit pays the seller"})
    amount = fields.Function(lambda e: service.format_money(e.amount, e.currency), metadata={
        "description": "the original amount, signed, in `currency`: the currency the rule or "
                       "the order is set in (a USD fine stays USD). Do not add amounts of "
                       "different entries: add market_amount"})
    currency = fields.String(metadata={"description": "ISO 4217 code of `amount`"})
    market_amount = fields.Function(
        lambda e: service.format_money(e.market_amount, e.market_currency), metadata={
            "description": "`amount` converted into the market currency at `rate` and rounded "
                           "to its minor unit: what the balance adds up"})
    market_currency = fields.String(metadata={
        "description": "the sandbox market's currency (MYR in MY), the same on every entry"})
    rate = fields.Function(lambda e: service.format_rate(e.rate), metadata={
        "description": "market currency units per unit of `currency` (1 when they are the "
                       "same)"})
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
        "description": f"one of {', '.join(service.KINDS)}; repeat or separate with commas. "
                       f"{KINDS_TEXT}"})
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
