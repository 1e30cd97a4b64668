"""What happened in a sandbox, at a glance: counts by state across every domain, grouped in
the database (one ``GROUP BY`` per figure, never a walk over the rows), so that the summary of
a sandbox of 10,000 orders costs a handful of queries. Scenario expectations read it too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine import clock as clocks
from mockplatform.engine.context import SandboxContext
from mockplatform.finance import service as finance
from mockplatform.finance.models import LedgerEntry
from mockplatform.orders.models import Order, OrderItem, Package
from mockplatform.resale.models import ResaleItem
from mockplatform.store.models import Event, Timer

# The figures a summary has, each a mapping of name to count unless said (the scenario
# validator checks an expectation's keys against this shape).
SHAPE: dict[str, tuple[str, ...]] = {
    "orders": ("total", "by_status", "ever_failed_delivery", "delayed"),
    "items": ("total", "by_status", "ever_failed_delivery", "ever_failed_delivery_by_status"),
    "failure_reasons": (),
    "cancel_reasons": (),
    "resale_items": ("total", "by_state", "by_exit_reason"),
    "aftersales_requests": ("total", "by_state", "by_type"),
    "timers": ("pending", "next_due_at", "by_kind"),
    "ledger": ("currency", "total", "by_kind"),
    "events": ("total", "by_type"),
}


def build(ctx: SandboxContext) -> dict[str, Any]:
    """The sandbox's summary now: see ``SHAPE``; every count is of rows, every amount a string
    in the market currency."""
    ctx.timers.flush()
    ctx.inserts.write()
    ctx.session.flush()
    currency = finance.market_currency(ctx)
    return {"object": "sandbox_summary", "sandbox_id": ctx.id, "now": iso(ctx.now),
            "platform": ctx.sandbox.platform, "market": ctx.sandbox.market,
            "currency": currency, **_orders(ctx), **_resale(ctx), **_aftersales(ctx),
            "timers": _timers(ctx), "ledger": _ledger(ctx, currency),
            "events": _events(ctx)}


def _grouped(ctx: SandboxContext, column, *where, count=None) -> dict[str, int]:
    model = column.class_
    rows = ctx.session.execute(
        select(column, count if count is not None else func.count())
        .where(model.sandbox_id == ctx.id, *where).group_by(column)).all()
    return {key or "": int(n) for key, n in sorted(rows, key=lambda r: r[0] or "")}


def _orders(ctx: SandboxContext) -> dict[str, Any]:
    failed = OrderItem.failed_delivery_at >= clocks.EARLIEST
    items_by_status = _grouped(ctx, OrderItem.status)
    # An order counts once under each status one of its items has (as the orders list's
    # ``status`` filter finds it), so these counts may add up to more than the orders.
    orders_by_status = _grouped(ctx, OrderItem.status,
                                count=func.count(OrderItem.order_id.distinct()))
    # In the delayed view now (as the orders list's ``delayed=true``): its warning instant came.
    orders_total, delayed = ctx.session.execute(
        select(func.count(), func.count(case((Order.delayed_from <= ctx.now, 1))))
        .where(Order.sandbox_id == ctx.id)).one()
    ever_failed_orders = ctx.session.scalar(
        select(func.count(OrderItem.order_id.distinct()))
        .where(OrderItem.sandbox_id == ctx.id, failed))
    failed_by_status = _grouped(ctx, OrderItem.status, failed)
    # The reason of the attempt that failed the delivery for good: its package's last one.
    reasons = ctx.session.execute(
        select(Package.failure_reason, func.count())
        .join(OrderItem, (OrderItem.sandbox_id == Package.sandbox_id)
              & (OrderItem.package_id == Package.package_id))
        .where(Package.sandbox_id == ctx.id, failed).group_by(Package.failure_reason)).all()
    return {
        "orders": {"total": int(orders_total), "by_status": orders_by_status,
                   "ever_failed_delivery": int(ever_failed_orders or 0),
                   "delayed": int(delayed)},
        "items": {"total": sum(items_by_status.values()), "by_status": items_by_status,
                  "ever_failed_delivery": sum(failed_by_status.values()),
                  "ever_failed_delivery_by_status": failed_by_status},
        "failure_reasons": {reason or "unspecified": int(n)
                            for reason, n in sorted(reasons, key=lambda r: r[0] or "")},
        "cancel_reasons": {reason or "unspecified": n for reason, n in _grouped(
            ctx, OrderItem.reason, OrderItem.status == "canceled").items()},
    }


def _resale(ctx: SandboxContext) -> dict[str, Any]:
    by_state = _grouped(ctx, ResaleItem.state)
    return {"resale_items": {"total": sum(by_state.values()), "by_state": by_state,
                             "by_exit_reason": _grouped(ctx, ResaleItem.exit_reason,
                                                        ResaleItem.exit_reason != "")}}


def _aftersales(ctx: SandboxContext) -> dict[str, Any]:
    by_state = _grouped(ctx, AfterSalesRequest.state)
    return {"aftersales_requests": {"total": sum(by_state.values()), "by_state": by_state,
                                    "by_type": _grouped(ctx, AfterSalesRequest.type)}}


def _timers(ctx: SandboxContext) -> dict[str, Any]:
    rows = ctx.session.execute(
        select(Timer.kind, func.count(), func.min(Timer.due_at))
        .where(Timer.sandbox_id == ctx.id).group_by(Timer.kind).order_by(Timer.kind)).all()
    dues = {kind: _aware(due) for kind, _, due in rows}
    by_kind = {kind: {"count": int(n), "next_due_at": iso(dues[kind])} for kind, n, _ in rows}
    return {"pending": sum(v["count"] for v in by_kind.values()),
            "next_due_at": iso(min(dues.values())) if dues else None, "by_kind": by_kind}


def _aware(moment: datetime | str) -> datetime:
    # An aggregate may come back as the stored value rather than through the column's type.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """An instant as every answer writes it (UTC, ISO 8601)."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _ledger(ctx: SandboxContext, currency: str) -> dict[str, Any]:
    """Totals by kind of each entry's market amount (converted when it was posted, at the
    sandbox's fixed rate); an entry kept in another market currency (a snapshot restored into a
    sandbox of another market) is converted with the same rates."""
    rows = ctx.session.execute(
        select(LedgerEntry.kind, LedgerEntry.market_currency, func.count(),
               func.sum(LedgerEntry.market_amount))
        .where(LedgerEntry.sandbox_id == ctx.id)
        .group_by(LedgerEntry.kind, LedgerEntry.market_currency)).all()
    totals: dict[str, list] = {}
    for kind, entry_currency, n, amount in rows:
        amount = Decimal(amount or 0)
        if entry_currency != currency:
            amount = finance.convert(ctx, amount, entry_currency, currency)
        count_total = totals.setdefault(kind, [0, Decimal(0)])
        count_total[0] += int(n)
        count_total[1] += amount
    by_kind = {kind: {"count": n, "total": finance.format_money(total, currency)}
               for kind, (n, total) in sorted(totals.items())}
    grand = sum((total for _, total in totals.values()), Decimal(0))
    return {"currency": currency, "total": finance.format_money(grand, currency),
            "by_kind": by_kind}


def _events(ctx: SandboxContext, after_seq: int = 0) -> dict[str, Any]:
    by_type = events_by_type(ctx, after_seq)
    return {"total": sum(by_type.values()), "by_type": by_type}


def events_by_type(ctx: SandboxContext, after_seq: int = 0) -> dict[str, int]:
    """How many events of each type the sandbox recorded after event ``after_seq``."""
    ctx.inserts.write()
    return _grouped(ctx, Event.type, Event.seq > after_seq)
