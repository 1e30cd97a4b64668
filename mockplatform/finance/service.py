"""The ledger: posting entries in any currency, converting them into the market currency, and
reading them back with a balance. No Flask here; all time is the sandbox's ``ctx.now``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import func, select

from mockplatform.engine import ids
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.policies import Money
from mockplatform.errors import ValidationFailed
from mockplatform.finance.models import AMOUNT_SCALE, LedgerEntry, PostedEntry

ENTRY_PREFIX = "le_"
ENTRY_POSTED = "ledger.entry_posted"
LEDGER_ENTRIES = LedgerEntry.__table__

# The direction each kind of entry always has; an adjustment carries the sign it is given.
DEBIT, CREDIT = "debit", "credit"
KIND_DIRECTIONS: dict[str, str | None] = {
    "fine": DEBIT,
    "shipping_fee": DEBIT,
    "refund": DEBIT,  # money returned to the buyer, charged to the seller
    "settlement": CREDIT,
    "compensation": CREDIT,  # the platform pays the seller for a lost or damaged parcel
    "adjustment": None,
}
KINDS = tuple(KIND_DIRECTIONS)
# Well inside NUMERIC(18, 2) and a SQLite integer of cents, with room for a balance of many
# thousands of such entries.
MAX_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class RateTable:
    market_currency: dict[str, str]
    minor_units: dict[str, int]
    rates: dict[str, dict[str, Decimal]]

    def rate(self, source: str, target: str) -> Decimal | None:
        if source == target:
            return Decimal(1)
        return self.rates.get(source, {}).get(target)


@cache
def default_rates() -> RateTable:
    """The fixed rate table of ``rates.yaml`` (see its comments for the source and choice)."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("rates.yaml")
                         .read_text(encoding="utf-8"))
    return RateTable(market_currency=dict(raw["market_currency"]),
                     minor_units=dict(raw["minor_units"]),
                     rates={source: {target: Decimal(str(rate)) for target, rate in row.items()}
                            for source, row in raw["rates"].items()})


def rates_for(ctx: SandboxContext) -> RateTable:
    """The sandbox's rate table. Every sandbox uses the default table for now."""
    return default_rates()


def convert(ctx: SandboxContext, amount: Decimal, source: str, target: str) -> Decimal:
    """``amount`` of ``source`` in ``target`` at the sandbox's rate, rounded to its minor unit
    (a policy's USD or SGD threshold in the market currency). The table quotes each currency
    per USD: another pair crosses through USD (SGD 50 is 50 / 1.365 * 4.47 MYR), rounded
    once, at the end."""
    table = rates_for(ctx)
    rate = table.rate(source, target)
    if rate is None:
        to_source, to_target = table.rate("USD", source), table.rate("USD", target)
        if not to_source or to_target is None:
            raise ValueError(f"the sandbox's rate table has no rate from {source} to {target}")
        return round_money(amount / to_source * to_target, target)
    return round_money(amount * rate, target)


def market_currency(ctx: SandboxContext) -> str:
    return rates_for(ctx).market_currency[ctx.sandbox.market]


def minor_units(currency: str) -> int:
    return default_rates().minor_units[currency]


@cache
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up (away from zero) to the minor unit of ``currency``."""
    magnitude = abs(amount).quantize(_quantum(currency), rounding=ROUND_HALF_UP)
    return -magnitude if amount < 0 else magnitude


def format_money(amount: Decimal, currency: str) -> str:
    """The wire form: a string with exactly the currency's decimal places ("-22.35", "127250")."""
    return str(round_money(amount, currency))


def entry_id(seq: int) -> str:
    return ids.format_id(ENTRY_PREFIX, seq)


def direction_of(entry: LedgerEntry | PostedEntry) -> str:
    return DEBIT if entry.amount < 0 else CREDIT


# -- posting -----------------------------------------------------------------------------------

def post_entry(ctx: SandboxContext, *, kind: str, amount: Money | Decimal,
               currency: str | None = None, subject: str = "", policy_key: str = "",
               details: dict[str, Any] | None = None, exact: bool = False) -> PostedEntry:
    """Append one entry at ``ctx.now`` and record ``ledger.entry_posted``.

    ``amount`` is a ``Money`` (a policy's value, such as ``order.late_rts_fine``) or a
    ``Decimal`` in ``currency`` (the market currency when not given). For every kind but
    ``adjustment`` it is a magnitude, and the kind gives the sign (a fine is a debit, a
    settlement a credit); an adjustment keeps the sign it is given. The amount is rounded to its
    currency's minor unit (``exact``: an amount with more decimal places is refused instead),
    then converted with the sandbox's fixed rate table and rounded again.
    """
    if kind not in KIND_DIRECTIONS:
        raise ValidationFailed.field("kind", f"unknown kind {kind!r}; expected one of "
                                     f"{', '.join(KINDS)}")
    if isinstance(amount, Money):
        if currency is not None and currency != amount.currency:
            raise ValueError(f"amount is in {amount.currency} but currency says {currency}")
        amount, currency = amount.amount, amount.currency
    rates = rates_for(ctx)
    target = rates.market_currency[ctx.sandbox.market]
    currency = currency or target
    if currency not in rates.minor_units:
        raise ValidationFailed.field("currency", f"unknown currency {currency!r}; expected one "
                                     f"of {', '.join(rates.minor_units)}")
    signed = signed_amount(kind, amount, currency, exact=exact)
    rate = rates.rate(currency, target)
    if rate is None:
        raise ValidationFailed.field("currency", f"the sandbox's rate table has no rate from "
                                     f"{currency} to {target}, the market currency")
    market_amount = round_money(signed * rate, target)
    if abs(market_amount) >= MAX_AMOUNT:
        raise ValidationFailed.field("amount", f"converts to {market_amount} {target}, more than "
                                     f"the largest entry the ledger takes ({MAX_AMOUNT})")
    check_length("subject", subject, 120)
    check_length("policy_key", policy_key, 80)
    row = {"sandbox_id": ctx.sandbox.id, "seq": ctx.next_id("ledger_entry"),
           "occurred_at": ctx.now, "kind": kind, "amount": signed, "currency": currency,
           "market_amount": market_amount, "market_currency": target, "rate": rate,
           "subject": subject, "policy_key": policy_key, "details": details or {}}
    # Entries are only ever inserted: a plain row, written with the others of its table (see
    # engine/inserts.py; whoever reads the table writes the buffer first). The entry handed
    # back is its plain values.
    ctx.inserts.add(LEDGER_ENTRIES, row)
    entry = PostedEntry(**row)
    ctx.record(ENTRY_POSTED, subject=subject, data=entry_json(entry))
    return entry


def signed_amount(kind: str, amount: Decimal, currency: str, *, exact: bool = False) -> Decimal:
    """``amount`` checked, rounded to the minor unit of ``currency`` and signed as ``kind`` is."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed.field("amount", f"expected a decimal amount, got {amount!r}") \
            from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValidationFailed.field("amount", f"expected a finite amount below {MAX_AMOUNT}")
    rounded = round_money(amount, currency)
    if exact and rounded != amount:
        places = minor_units(currency)
        raise ValidationFailed.field("amount", f"{currency} amounts have "
                                     f"{f'at most {places}' if places else 'no'} decimal places")
    amount = rounded
    direction = KIND_DIRECTIONS[kind]
    if direction is None:
        if amount == 0:
            raise ValidationFailed.field("amount", "an adjustment must not be zero")
        return amount
    if amount < 0:
        raise ValidationFailed.field("amount", f"a {kind} is always a {direction}: give its "
                                     f"amount as a positive number")
    return -amount if direction == DEBIT else amount


def check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValidationFailed.field(field, f"at most {limit} characters")


def entry_json(entry: LedgerEntry | PostedEntry) -> dict[str, Any]:
    """An entry as its ``ledger.entry_posted`` event records it: amounts as strings, never
    floats."""
    return {
        "id": entry_id(entry.seq), "object": "ledger_entry",
        "occurred_at": entry.occurred_at.isoformat(), "kind": entry.kind,
        "direction": direction_of(entry),
        "amount": format_money(entry.amount, entry.currency), "currency": entry.currency,
        "market_amount": format_money(entry.market_amount, entry.market_currency),
        "market_currency": entry.market_currency, "rate": format_rate(entry.rate),
        "subject": entry.subject, "policy_key": entry.policy_key, "details": entry.details,
    }


def format_rate(rate: Decimal) -> str:
    """A conversion rate without trailing zeros ("4.7", "1")."""
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- reading -----------------------------------------------------------------------------------

@dataclass
class LedgerPage:
    entries: list[LedgerEntry]
    has_more: bool
    balance: Decimal
    currency: str
    count: int


def list_entries(ctx: SandboxContext, *, kinds: list[str] | None = None,
                 subject: str | None = None, occurred_after: datetime | None = None,
                 occurred_before: datetime | None = None, after_seq: int = 0,
                 limit: int = 100) -> LedgerPage:
    """Entries in the order they were posted, and the balance of every entry the filters
    select (in the market currency, whatever the page). ``occurred_after`` is inclusive and
    ``occurred_before`` exclusive, so consecutive ranges neither overlap nor leave a gap."""
    if occurred_after and occurred_before and occurred_before < occurred_after:
        raise ValidationFailed.field("occurred_before", "must not be before occurred_after",
                                     location="query")
    ctx.inserts.write()
    conditions = [LedgerEntry.sandbox_id == ctx.sandbox.id]
    if kinds:
        conditions.append(LedgerEntry.kind.in_(kinds))
    if subject is not None:
        conditions.append(LedgerEntry.subject == subject)
    if occurred_after is not None:
        conditions.append(LedgerEntry.occurred_at >= occurred_after)
    if occurred_before is not None:
        conditions.append(LedgerEntry.occurred_at < occurred_before)
    rows = list(ctx.session.scalars(
        select(LedgerEntry).where(*conditions, LedgerEntry.seq > after_seq)
        .order_by(LedgerEntry.seq).limit(limit + 1)))
    total, count = ctx.session.execute(
        select(func.sum(LedgerEntry.market_amount), func.count()).where(*conditions)).one()
    currency = market_currency(ctx)
    balance = round_money(total if total is not None else Decimal(0).scaleb(-AMOUNT_SCALE),
                          currency)
    return LedgerPage(entries=rows[:limit], has_more=len(rows) > limit, balance=balance,
                      currency=currency, count=count)
