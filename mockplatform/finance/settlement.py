"""Settlement by ``settlement.cycle``: settleable amounts are grouped into statement periods
(weekly, Monday 00:00 to Sunday 23:59:59 market-local time by default) and each statement is paid
on the Nth working day after it closes, by a timer on the sandbox clock.

Payout instant [choice]: 00:00 market-local time of the Nth working day after the statement's
last day (N = ``paid_after_working_days``, counted with ``add_duration(..., "working_days")`` on
the sandbox's market calendar), and never before the statement closes. With the defaults, a
statement of Mon 5 - Sun 11 January 2026 in MY is paid at Fri 16 January 00:00 MYT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from mockplatform.engine import ids
from mockplatform.engine.calendar import add_duration, local_date
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import Instant, PayloadSpec, PrefixedId
from mockplatform.engine.policies import Money
from mockplatform.engine.scheduler import DueTimer
from mockplatform.errors import InvalidStateTransition, ValidationFailed
from mockplatform.finance import service
from mockplatform.finance.errors import SettlementNotAvailable
from mockplatform.finance.models import SettlementItem, SettlementStatement
from mockplatform.finance.states import CLOSED, OPEN, PAID, PENDING, UNSETTLEABLE
from mockplatform.orders import service as orders

# Items are plain rows (dicts of the table's columns), written through the insert buffer
# (engine/inserts.py), never ORM objects: a 30-day advance over 10,000 journeys adds and pays
# tens of thousands, and building, tracking and flushing an object for each cost more than
# the rest of what settlement does.
ITEMS_TABLE = SettlementItem.__table__
Item = dict[str, Any]

CYCLE = "settlement.cycle"
SELLER_MARKED_FAILED = "settlement.seller_marked_failed"
CLOSE_KIND = "finance.statement_close"
PAYOUT_KIND = "finance.settlement_payout"
STATEMENT_PREFIX = "stm_"
# Any Monday: statement periods are counted from a fixed local midnight, so a period that is
# not a week (an override) still tiles time the same way in every sandbox.
_ANCHOR = datetime(2024, 1, 1)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Period:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    payout_at: datetime  # UTC


def statement_id(seq: int) -> str:
    return ids.format_id(STATEMENT_PREFIX, seq)


def _cycle(ctx: SandboxContext) -> Any:
    if CYCLE not in ctx.policies:
        raise SettlementNotAvailable(f"the {ctx.sandbox.platform} profile has no {CYCLE} policy: nothing is "
                                     f"settled in this sandbox")
    return ctx.policies.value(CYCLE)


def period_of(ctx: SandboxContext, moment: datetime) -> Period:
    """The statement period holding ``moment``, and when it is paid."""
    cycle = _cycle(ctx)
    length: timedelta = cycle["statement_period"]
    if length <= timedelta(0):
        raise SettlementNotAvailable(f"policy {CYCLE}: statement_period must be positive")
    cal = ctx.calendar
    anchor = _ANCHOR + timedelta(days=_WEEKDAYS.index(cycle["statement_starts_on"]))
    local = moment.astimezone(cal.tz).replace(tzinfo=None)
    # The markets keep no daylight saving time, so local wall time and elapsed time agree.
    start_local = anchor + length * ((local - anchor) // length)
    start = start_local.replace(tzinfo=cal.tz).astimezone(UTC)
    end = (start_local + length).replace(tzinfo=cal.tz).astimezone(UTC)
    return Period(start, end, payout_instant(ctx, end, cycle["paid_after_working_days"]))


def payout_instant(ctx: SandboxContext, period_end: datetime, working_days: int) -> datetime:
    cal = ctx.calendar
    # The last second of the statement (Sunday 23:59:59): working days are counted after its date.
    last_second = period_end - timedelta(seconds=1)
    due = add_duration(last_second, timedelta(days=working_days), "working_days", cal)
    start_of_day = datetime.combine(local_date(due, cal), time(0), tzinfo=cal.tz).astimezone(UTC)
    return max(start_of_day, period_end)


# -- marking -------------------------------------------------------------------------------------

def mark_settleable(ctx: SandboxContext, *, subject: str, amount: Money | Decimal,
                    currency: str | None = None,
                    settleable_at: datetime | None = None, exact: bool = False) -> Item:
    """``subject`` (a delivered order item, say) is owed ``amount``, paid with the statement
    holding ``settleable_at`` (default: now). A subject already flagged unsettleable is kept
    unsettleable: it is recorded but never paid. A statement that has already closed takes no
    more: a late amount joins the statement open now."""
    if isinstance(amount, Money):
        amount, currency = amount.amount, amount.currency
    currency = currency or service.market_currency(ctx)
    # The same checks as a posting, now rather than when the statement is paid.
    signed = service.signed_amount("settlement", amount, currency, exact=exact)
    if not subject:
        raise ValidationFailed.field("subject", "must not be empty")
    service.check_length("subject", subject, 120)
    settleable_at = settleable_at or ctx.now
    if settleable_at > ctx.now:
        raise ValidationFailed.field("settleable_at", "must not be after the sandbox's now")
    item = _item(ctx, subject)
    if item is not None and item["status"] != UNSETTLEABLE:
        raise InvalidStateTransition(f"settlement item {subject}", item["status"],
                                     "mark_settleable", ["mark_unsettleable"]
                                     if item["status"] == PENDING else [])
    if item is None:
        item = _new_item(ctx, subject, PENDING)
    statement = _open_statement(ctx, settleable_at)
    _change(ctx, item, amount=signed, currency=currency, settleable_at=settleable_at,
            statement_seq=statement.seq)
    ctx.record("settlement.item_settleable", subject=subject, data=item_json(item, statement))
    return item


def mark_unsettleable(ctx: SandboxContext, *, subject: str, reason: str,
                      policy_key: str = "") -> Item:
    """``subject`` is never paid, even if it becomes (or already is) settleable."""
    service.check_length("subject", subject, 120)
    item = _item(ctx, subject)
    if item is not None and item["status"] == PAID:
        raise InvalidStateTransition(f"settlement item {subject}", PAID, "mark_unsettleable", [])
    if item is None:
        item = _new_item(ctx, subject, UNSETTLEABLE)
    _change(ctx, item, status=UNSETTLEABLE, unsettleable_reason=reason[:200],
            policy_key=policy_key)
    ctx.record("settlement.item_unsettleable", subject=subject,
               data=item_json(item, _statement_of(ctx, item)))
    return item


def seller_marked_failed(ctx: SandboxContext, *, subject: str) -> bool:
    """The seller marked a platform-shipped ``subject`` as failed delivery: per
    ``settlement.seller_marked_failed`` it is never paid. Returns whether the rule applied."""
    if SELLER_MARKED_FAILED not in ctx.policies or not ctx.policies.value(SELLER_MARKED_FAILED):
        return False
    mark_unsettleable(ctx, subject=subject, reason="seller marked the delivery as failed",
                      policy_key=SELLER_MARKED_FAILED)
    return True


# Items by subject (None: the subject has none) and statements by period start, as this unit
# of work found or added them: a row not yet written needs no flush of everything else the unit
# of work changed (a delivery marks its items settleable in the middle of an advance), and a
# row looked up once is not looked up again. The queries run without autoflush: the columns
# they filter on never change once a row exists. Each item is one dict for the whole unit of
# work, whoever found it (``_items_of`` too), so that a change made through one is seen by all.
ITEMS = "settlement.items"
# The insert buffer's generation each item of ``ITEMS`` was added in; None: read from the table.
ADDED_IN = "settlement.added_in"
STATEMENTS = "settlement.statements"
PERIODS = "settlement.periods"


def hold_items(ctx: SandboxContext, subjects: list[str]) -> None:
    """Look the items of ``subjects`` up in one query, for ``mark_settleable`` to find."""
    known = ctx.kept(ITEMS)
    wanted = {subject for subject in subjects if subject not in known}
    if not wanted:
        return
    # Every item not yet written is known already: no need to write the buffer first.
    found = {row["subject"]: dict(row) for row in ctx.session.connection().execute(
        select(ITEMS_TABLE).where(ITEMS_TABLE.c.sandbox_id == ctx.id,
                                  ITEMS_TABLE.c.subject.in_(wanted))).mappings()}
    for subject in wanted:
        known[subject] = found.get(subject)


def _item(ctx: SandboxContext, subject: str) -> Item | None:
    hold_items(ctx, [subject])
    return ctx.kept(ITEMS)[subject]


def _new_item(ctx: SandboxContext, subject: str, status: str) -> Item:
    # Every column set here, not left to the insert's defaults: its event is recorded before
    # the row is written, and must read the same whether it was written in between or not.
    item = {"sandbox_id": ctx.id, "seq": ctx.next_id("settlement_item"), "subject": subject,
            "status": status, "amount": None, "currency": None, "settleable_at": None,
            "statement_seq": None, "entry_seq": None, "unsettleable_reason": "",
            "policy_key": ""}
    ctx.kept(ADDED_IN)[item["seq"]] = ctx.inserts.add(ITEMS_TABLE, item)
    ctx.kept(ITEMS)[subject] = item
    return item


def _change(ctx: SandboxContext, item: Item, **values: Any) -> None:
    ctx.inserts.change(ITEMS_TABLE, item, ctx.kept(ADDED_IN).get(item["seq"]), **values)


def _open_statement(ctx: SandboxContext, settleable_at: datetime) -> SettlementStatement:
    """The statement for ``settleable_at``; created with its two timers the first time."""
    period = _period_holding(ctx, settleable_at)
    if period.end <= ctx.now:
        period = _period_holding(ctx, ctx.now)
    statements = ctx.kept(STATEMENTS)
    if period.start not in statements:
        with ctx.session.no_autoflush:
            statements[period.start] = ctx.session.scalar(select(SettlementStatement).where(
                SettlementStatement.sandbox_id == ctx.sandbox.id,
                SettlementStatement.period_start == period.start))
    if statements[period.start] is not None:
        return statements[period.start]
    statement = statements[period.start] = SettlementStatement(
        sandbox_id=ctx.sandbox.id, seq=ctx.next_id("settlement_statement"),
        period_start=period.start, period_end=period.end, payout_at=period.payout_at,
        status=OPEN)
    # Written with the rest at the next flush: whoever looks it up by its key goes through the
    # session (which flushes first), and this unit of work finds it in ``kept``.
    ctx.session.add(statement)
    payload = {"statement_id": statement_id(statement.seq),
               "period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    ctx.timers.schedule(CLOSE_KIND, period.end, subject=payload["statement_id"], payload=payload)
    ctx.timers.schedule(PAYOUT_KIND, period.payout_at, subject=payload["statement_id"],
                        payload=payload)
    return statement


def _period_holding(ctx: SandboxContext, moment: datetime) -> Period:
    """``period_of``, remembered for the unit of work: the amounts one advance makes settleable
    mostly fall in the same week, and working out a period walks the calendar."""
    kept = ctx.kept(PERIODS)
    last = kept.get("last")
    if last is None or not last.start <= moment < last.end:
        last = kept["last"] = period_of(ctx, moment)
    return last


def _statement_of(ctx: SandboxContext, item: Item) -> SettlementStatement | None:
    if item["statement_seq"] is None:
        return None
    return ctx.session.get(SettlementStatement, (ctx.id, item["statement_seq"]))


@dataclass(frozen=True)
class ItemDetail:
    """A settlement item (the row's values: subject, status, amount in its currency,
    settleable_at, unsettleable_reason, policy_key) and the statement that pays it, None while
    it has none."""

    item: Item
    statement: SettlementStatement | None


def describe_item(ctx: SandboxContext, item: Item) -> ItemDetail:
    return ItemDetail(dict(item), _statement_of(ctx, item))


def item_json(item: Item, statement: SettlementStatement | None) -> dict[str, Any]:
    """An item as its events record it, with the statement that pays it (None while it has
    none)."""
    period = _period_json(statement) if statement is not None else dict.fromkeys(
        ("statement_id", "period_start", "period_end", "payout_at"))
    amount, settleable_at = item["amount"], item["settleable_at"]
    return {"object": "settlement_item", "subject": item["subject"], "status": item["status"],
            "amount": None if amount is None else service.format_money(amount,
                                                                       item["currency"]),
            "currency": item["currency"],
            "settleable_at": settleable_at.isoformat() if settleable_at else None,
            "reason": item["unsettleable_reason"], "policy_key": item["policy_key"], **period}


# -- the timers ----------------------------------------------------------------------------------

def _statement(ctx: SandboxContext, timer: DueTimer) -> SettlementStatement | None:
    seq = ids.parse_id(STATEMENT_PREFIX, timer.payload["statement_id"], field="statement_id")
    return ctx.session.get(SettlementStatement, (ctx.sandbox.id, seq))


def _period_json(statement: SettlementStatement) -> dict[str, Any]:
    return {"statement_id": statement_id(statement.seq),
            "period_start": statement.period_start.isoformat(),
            "period_end": statement.period_end.isoformat(),
            "payout_at": statement.payout_at.isoformat()}


def _items_of(ctx: SandboxContext, statement: SettlementStatement) -> list[Item]:
    """The statement's items, in the order they were added: the ones this unit of work holds
    already as it holds them (only their keys are read), the others read whole."""
    ctx.inserts.write()
    subjects = list(ctx.session.connection().execute(
        select(ITEMS_TABLE.c.subject).where(ITEMS_TABLE.c.sandbox_id == ctx.id,
                                            ITEMS_TABLE.c.statement_seq == statement.seq)
        .order_by(ITEMS_TABLE.c.seq)).scalars())
    hold_items(ctx, subjects)
    known = ctx.kept(ITEMS)
    return [known[subject] for subject in subjects]


def _counts_of(ctx: SandboxContext, statement: SettlementStatement) -> dict[str, int]:
    """How many of the statement's items are in each status."""
    ctx.inserts.write()
    return dict(ctx.session.connection().execute(
        select(ITEMS_TABLE.c.status, func.count()).where(
            ITEMS_TABLE.c.sandbox_id == ctx.id, ITEMS_TABLE.c.statement_seq == statement.seq)
        .group_by(ITEMS_TABLE.c.status)).all())


# The statement a timer closes or pays, and its period (in the timers list only).
STATEMENT_PAYLOAD = PayloadSpec({
    "statement_id": PrefixedId(STATEMENT_PREFIX, refers_to="settlement_statements.seq"),
    "period_start": Instant(), "period_end": Instant()}, subject="{statement_id}")


def close_statement(ctx: SandboxContext, timer: DueTimer) -> None:
    statement = _statement(ctx, timer)
    if statement is None or statement.status != OPEN:
        return
    statement.status, statement.closed_at = CLOSED, ctx.now
    counts = _counts_of(ctx, statement)
    ctx.record("settlement.statement_closed", subject=statement_id(statement.seq), data={
        **_period_json(statement), "payable_count": counts.get(PENDING, 0),
        "unsettleable_count": counts.get(UNSETTLEABLE, 0)})


def pay_statement(ctx: SandboxContext, timer: DueTimer) -> None:
    statement = _statement(ctx, timer)
    if statement is None or statement.status == PAID:
        return
    period = _period_json(statement)
    target = service.market_currency(ctx)
    total, entries, skipped = Decimal(0), [], 0
    for item in _items_of(ctx, statement):
        if item["status"] != PENDING:
            skipped += item["status"] == UNSETTLEABLE
            continue
        entry = service.post_entry(ctx, kind="settlement", amount=item["amount"],
                                   currency=item["currency"], subject=item["subject"],
                                   policy_key=CYCLE, details=period)
        _change(ctx, item, status=PAID, entry_seq=entry.seq)
        total += entry.market_amount
        entries.append(service.entry_id(entry.seq))
    statement.status, statement.paid_at = PAID, ctx.now
    ctx.record("settlement.paid", subject=statement_id(statement.seq), data={
        **period, "entry_count": len(entries), "unsettleable_count": skipped,
        "total": service.format_money(total, target), "currency": target,
        "first_entry_id": entries[0] if entries else None,
        "last_entry_id": entries[-1] if entries else None})


# -- subscriptions ----------------------------------------------------------------------------------

def on_order_delivered(ctx: SandboxContext, _type: str, data: dict[str, Any]) -> None:
    """Delivered items are owed their paid price, paid with the statement open now, where the
    profile settles (``settlement.cycle``); an item flagged unsettleable stays unpaid, and a
    replacement order's free units are owed nothing."""
    if CYCLE not in ctx.policies:
        return
    order = orders.get_order(ctx, data["order_id"])
    if order.replaced_order_id is not None:
        return  # a replacement order (aftersales/reshipment.py) is no sale: nothing to pay
    delivered = set(data["order_item_ids"])
    for item in orders.items_of(ctx, [order.order_id])[order.order_id]:
        if item.order_item_id in delivered:
            mark_settleable(ctx, subject=f"order_item:{item.order_item_id}",
                            amount=item.paid_price, currency=order.currency)
