"""The service API the orders domain calls: post a policy's Money, flag a seller-failed item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from mockplatform.control import sandboxes
from mockplatform.errors import InvalidStateTransition
from mockplatform.finance import service, settlement

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


def new_context(session, settings, **spec):
    return sandboxes.create(session, settings, {"platform": "lazada", "market": "MY", "seed": 3,
                                                "start_at": START, **spec})


def test_a_policy_fine_is_posted_from_its_money_value(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings)
        fine = ctx.policies.value("order.late_rts_fine")

        entry = service.post_entry(ctx, kind="fine", amount=fine, subject="ord_1",
                                   policy_key="order.late_rts_fine", details={"items": 2})

        assert (entry.amount, entry.currency) == (Decimal("-5.00"), "USD")
        assert (entry.market_amount, entry.market_currency) == (Decimal("-22.35"), "MYR")
        assert entry.occurred_at == START
        page = service.list_entries(ctx, subject="ord_1")
        assert (page.balance, page.currency, page.count) == (Decimal("-22.35"), "MYR", 1)


def test_service_amounts_are_rounded_half_up_to_the_minor_unit(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings, market="VN")

        entry = service.post_entry(ctx, kind="refund", amount=Decimal("1000.5"))

        assert (entry.amount, entry.currency) == (Decimal("-1001"), "VND")


def test_seller_marked_failed_makes_the_item_unsettleable(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings)

        assert settlement.seller_marked_failed(ctx, subject="item_1") is True
        item = settlement.mark_settleable(ctx, subject="item_1", amount=Decimal("10"))

        assert item["status"] == settlement.UNSETTLEABLE
        assert item["policy_key"] == "settlement.seller_marked_failed"


def test_seller_marked_failed_does_nothing_when_the_policy_is_off(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings,
                          policy_overrides={"settlement.seller_marked_failed": False})

        assert settlement.seller_marked_failed(ctx, subject="item_1") is False
        item = settlement.mark_settleable(ctx, subject="item_1", amount=Decimal("10"))

        assert item["status"] == settlement.PENDING


def test_an_amount_settleable_in_a_closed_statement_joins_the_open_one(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings)
        ctx.timers.advance_to(START + timedelta(days=8), limit=100)

        item = settlement.mark_settleable(ctx, subject="late", amount=Decimal("1"),
                                          settleable_at=START)

        described = settlement.describe_item(ctx, item)
        assert described.statement.period_start.isoformat() == "2026-01-11T16:00:00+00:00"



def _stored_item(session, ctx, subject):
    table = settlement.ITEMS_TABLE
    return session.connection().execute(select(table).where(
        table.c.sandbox_id == ctx.id, table.c.subject == subject)).mappings().one_or_none()


def test_an_item_changed_while_buffered_is_written_once_as_it_ended(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings)
        settlement.mark_settleable(ctx, subject="a", amount=Decimal("10"))
        settlement.mark_unsettleable(ctx, subject="a", reason="lost")
        assert _stored_item(session, ctx, "a") is None  # still buffered

        ctx.inserts.write()

        row = _stored_item(session, ctx, "a")
        assert (row["status"], row["amount"], row["unsettleable_reason"]) == (
            settlement.UNSETTLEABLE, Decimal("10.00"), "lost")


def test_an_item_changed_after_it_was_written_is_updated(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings)
        settlement.mark_settleable(ctx, subject="a", amount=Decimal("10"))
        settlement.mark_settleable(ctx, subject="b", amount=Decimal("20"))
        ctx.inserts.write()

        settlement.mark_unsettleable(ctx, subject="a", reason="lost")
        assert _stored_item(session, ctx, "a")["status"] == settlement.PENDING  # not yet
        ctx.inserts.write()

        row = _stored_item(session, ctx, "a")
        assert (row["status"], row["amount"], row["unsettleable_reason"]) == (
            settlement.UNSETTLEABLE, Decimal("10.00"), "lost")
        assert _stored_item(session, ctx, "b")["status"] == settlement.PENDING  # untouched


def test_the_payout_pays_the_items_this_unit_of_work_holds_as_it_holds_them(store, settings):
    with store.transaction() as session:
        ctx = new_context(session, settings)
        item = settlement.mark_settleable(ctx, subject="a", amount=Decimal("10"))
        ctx.inserts.write()
        ctx.timers.advance_to(START + timedelta(days=12), limit=100)  # paid Fri 16 Jan

        assert item["status"] == settlement.PAID  # the same dict the statement paid
        with pytest.raises(InvalidStateTransition):
            settlement.mark_unsettleable(ctx, subject="a", reason="too late")
        row = _stored_item(session, ctx, "a")
        assert (row["status"], row["entry_seq"]) == (settlement.PAID, item["entry_seq"])
