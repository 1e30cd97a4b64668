"""The ledger resource: filters on the wire, lazy paging that keeps the balance, and the
ledger test helpers sending amounts as strings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from mockplatform_client import MockplatformError
from mockplatform_client.resources import LedgerPage

from .payloads import list_payload

BALANCE = {"amount": "-9.35", "currency": "MYR"}


def entry(number: int, amount: str = "1.00") -> dict:
    return {"id": f"le_{number:08d}", "object": "ledger_entry", "kind": "adjustment",
            "amount": amount, "currency": "MYR", "market_amount": amount}


def ledger_payload(data: list, *, next_cursor: str | None = None) -> dict:
    return {**list_payload(data, next_cursor=next_cursor), "balance": BALANCE,
            "total_count": 3}


def test_list_sends_the_filters_and_pages_lazily_keeping_the_balance(make_client, server):
    server.reply(200, ledger_payload([entry(1), entry(2)], next_cursor="le_00000002"))
    server.reply(200, ledger_payload([entry(3)]))
    client = make_client(api_key="sk_1")

    page = client.ledger.list(kind=["fine", "refund"], subject="ord_1", limit=2,
                              occurred_after=datetime(2026, 1, 5, tzinfo=UTC))
    assert isinstance(page, LedgerPage)
    assert (page.balance.amount, page.balance.currency, page.total_count) == (
        "-9.35", "MYR", 3)
    items = page.auto_paging_iter()
    assert [next(items).id, next(items).id] == ["le_00000001", "le_00000002"]
    assert len(server.requests) == 1
    assert [item.id for item in items] == ["le_00000003"]

    first, second = server.requests
    assert first.path == "/api/v1/ledger"
    assert first.query == {"kind": "fine,refund", "subject": "ord_1", "limit": "2",
                           "occurred_after": "2026-01-05T00:00:00+00:00"}
    assert second.query == {**first.query, "after": "le_00000002"}
    server.reply(200, ledger_payload([entry(3)]))
    last = page.next_page()
    assert isinstance(last, LedgerPage) and last.balance == BALANCE
    assert last.next_page() is None


def test_a_page_without_a_cursor_is_an_error_not_a_truncated_list(make_client, server):
    server.reply(200, ledger_payload([entry(1)], next_cursor=None) | {"has_more": True})

    page = make_client(api_key="sk_1").ledger.list()

    with pytest.raises(MockplatformError, match="next_cursor"):
        list(page.auto_paging_iter())


def test_balance_asks_for_one_entry(make_client, server):
    server.reply(200, ledger_payload([entry(1)], next_cursor="le_00000001"))

    balance = make_client(api_key="sk_1").ledger.balance(kind="fine")

    assert balance == BALANCE
    assert server.requests[0].query == {"kind": "fine", "limit": "1"}


def test_test_helpers_send_amounts_as_strings_and_refuse_floats(make_client, server):
    server.reply(201, entry(1, "-1.05")).reply(201, {"object": "settlement_item"})
    server.reply(200, {"object": "settlement_item"})
    helpers = make_client(api_key="sk_1").test_helpers

    helpers.post_ledger_entry(Decimal("-1.05"), subject="ord_1")
    helpers.mark_settleable("item_1", "12.50", currency="MYR")
    helpers.mark_unsettleable("item_2")
    with pytest.raises(TypeError, match="Decimal"):
        helpers.mark_settleable("item_3", 0.1)

    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("POST", "/api/v1/test_helpers/ledger/entries", {"amount": "-1.05", "subject": "ord_1"}),
        ("POST", "/api/v1/test_helpers/ledger/settleable",
         {"subject": "item_1", "amount": "12.50", "currency": "MYR"}),
        ("POST", "/api/v1/test_helpers/ledger/unsettleable", {"subject": "item_2"})]
