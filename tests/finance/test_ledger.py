"""The ledger: posting, conversion into the market currency, filters, paging, balance, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.support import assert_error
from tests.finance.support import MYT, advance_to, events, instant, ledger, post_entry

SANDBOX_START = "2026-01-05T01:00:00+00:00"


def test_a_fine_quoted_in_usd_is_a_debit_converted_into_the_market_currency(sbx):
    entry = post_entry(sbx, kind="fine", amount="5.00", currency="USD", subject="ord_1",
                       policy_key="order.late_rts_fine", details={"items": 1})

    assert entry == {
        "id": "le_00000001", "object": "ledger_entry", "occurred_at": SANDBOX_START,
        "kind": "fine", "direction": "debit", "amount": "-5.00", "currency": "USD",
        "market_amount": "-22.35", "market_currency": "MYR", "rate": "4.47",
        "subject": "ord_1", "policy_key": "order.late_rts_fine", "details": {"items": 1}}
    [event] = events(sbx, "ledger.entry_posted")
    assert event["subject"] == "ord_1"
    assert event["occurred_at"] == SANDBOX_START
    assert event["data"] == entry


def test_an_amount_in_the_market_currency_is_taken_as_is(sbx):
    entry = post_entry(sbx, amount=12.5)

    assert (entry["kind"], entry["direction"]) == ("adjustment", "credit")
    assert (entry["amount"], entry["currency"]) == ("12.50", "MYR")
    assert (entry["market_amount"], entry["rate"]) == ("12.50", "1")


@pytest.mark.parametrize(("market", "amount", "expected"), [
    ("MY", "5.00", "-22.35"),
    # 5 x 1.365 = 6.825: half up gives 6.83 (banker's rounding would give 6.82)
    ("SG", "5.00", "-6.83"),
    ("TH", "5.00", "-171.00"),
    # 0.10 x 57.85 = 5.785: half up
    ("PH", "0.10", "-5.79"),
    # 0.01 x 25450 = 254.5: whole dong, half up
    ("VN", "0.01", "-255"),
    ("VN", "5", "-127250"),
    ("ID", "5.00", "-81000"),
])
def test_conversion_rounds_half_up_to_the_market_currency_minor_unit(api, market, amount,
                                                                     expected):
    _, sbx = api.create_sandbox(market=market)

    entry = post_entry(sbx, kind="fine", amount=amount, currency="USD")

    assert entry["market_amount"] == expected
    assert ledger(sbx)["balance"]["amount"] == expected


def test_a_debit_and_a_credit_of_the_same_amount_round_alike_and_cancel_out(api):
    _, sbx = api.create_sandbox(market="SG")
    post_entry(sbx, kind="fine", amount="5", currency="USD")
    credit = post_entry(sbx, kind="compensation", amount="5", currency="USD")

    assert credit["market_amount"] == "6.83"
    assert ledger(sbx)["balance"] == {"amount": "0.00", "currency": "SGD"}


def test_amounts_without_decimals_in_vnd_and_idr(api):
    _, vn = api.create_sandbox(market="VN")
    entry = post_entry(vn, amount="-150000")
    assert (entry["amount"], entry["currency"], entry["direction"]) == ("-150000", "VND", "debit")

    response = vn.post("/api/v1/test_helpers/ledger/entries", json={"amount": "10.5"})
    assert_error(response, 400, "validation_failed", field="amount")
    assert "VND amounts have no decimal places" in response.get_json()["error"]["message"]

    _, indonesia = api.create_sandbox(market="ID")
    assert ledger(indonesia)["balance"] == {"amount": "0", "currency": "IDR"}


def test_filters_select_entries_and_the_balance_follows_them(sbx):
    post_entry(sbx, kind="fine", amount="5", currency="USD", subject="ord_1")
    post_entry(sbx, kind="shipping_fee", amount="3.20", subject="ord_1")
    advance_to(sbx, instant("2026-01-06T10:00:00+08:00"))
    post_entry(sbx, kind="compensation", amount="40", subject="ord_2")
    post_entry(sbx, kind="adjustment", amount="-1.05", subject="ord_2")

    everything = ledger(sbx)
    assert [e["kind"] for e in everything["data"]] == [
        "fine", "shipping_fee", "compensation", "adjustment"]
    assert everything["balance"] == {"amount": "13.40", "currency": "MYR"}
    assert everything["total_count"] == 4

    fines_and_fees = ledger(sbx, kind="fine,shipping_fee")
    assert fines_and_fees["balance"]["amount"] == "-25.55"
    assert ledger(sbx, kind=["fine", "compensation"])["total_count"] == 2

    order_2 = ledger(sbx, subject="ord_2")
    assert [e["subject"] for e in order_2["data"]] == ["ord_2", "ord_2"]
    assert order_2["balance"]["amount"] == "38.95"

    # occurred_after is inclusive, occurred_before exclusive: the two ranges tile.
    split = "2026-01-06T10:00:00+08:00"
    before = ledger(sbx, occurred_before=split)
    after = ledger(sbx, occurred_after=split)
    assert (before["total_count"], after["total_count"]) == (2, 2)
    assert before["balance"]["amount"] == "-25.55"
    assert ledger(sbx, occurred_after="2026-01-05T01:00:00Z",
                  occurred_before="2026-01-05T01:00:01Z")["total_count"] == 2


def test_pages_follow_the_cursor_and_every_page_carries_the_whole_balance(sbx):
    for amount in ("1.00", "2.00", "3.00", "4.00", "5.00"):
        post_entry(sbx, amount=amount)

    first = ledger(sbx, limit=2)
    assert [e["amount"] for e in first["data"]] == ["1.00", "2.00"]
    assert (first["has_more"], first["next_cursor"]) == (True, "le_00000002")
    assert first["balance"]["amount"] == "15.00"

    second = ledger(sbx, limit=2, after=first["next_cursor"])
    last = ledger(sbx, limit=2, after=second["next_cursor"])
    assert [e["id"] for e in second["data"] + last["data"]] == [
        "le_00000003", "le_00000004", "le_00000005"]
    assert (last["has_more"], last["next_cursor"]) == (False, None)
    assert last["balance"]["amount"] == "15.00"


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": 101}, "limit"),
    ({"limit": -1}, "limit"),
    ({"limit": 0}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"kind": "bonus"}, "kind"),
    ({"after": "evt_00000001"}, "after"),
    ({"occurred_after": "yesterday"}, "occurred_after"),
    ({"occurred_after": "2026-01-05T00:00:00"}, "occurred_after"),
    ({"occurred_after": "2026-01-06T00:00:00Z", "occurred_before": "2026-01-05T00:00:00Z"},
     "occurred_before"),
    ({"currency": "MYR"}, "currency"),
])
def test_bad_queries_are_a_400_naming_the_field(sbx, query, field):
    assert_error(sbx.get("/api/v1/ledger", query_string=query), 400, "validation_failed",
                 field=field, location="query")


@pytest.mark.parametrize(("body", "field"), [
    ({}, "amount"),
    ({"amount": True}, "amount"),
    ({"amount": "twelve"}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"amount": "Infinity"}, "amount"),
    ({"amount": "1e30"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "5.001", "currency": "USD"}, "amount"),
    ({"amount": "5", "kind": "fine", "currency": "USD", "subject": "x" * 121}, "subject"),
    ({"amount": "-5", "kind": "fine"}, "amount"),
    ({"amount": "5", "kind": "bonus"}, "kind"),
    ({"amount": "5", "currency": "EUR"}, "currency"),
    ({"amount": "5", "currency": 5}, "currency"),
    ({"amount": "5", "details": ["not", "an", "object"]}, "details"),
    ({"amount": "5", "reason": "unknown field"}, "reason"),
])
def test_bad_entries_are_a_400_naming_the_field_and_post_nothing(sbx, body, field):
    response = sbx.post("/api/v1/test_helpers/ledger/entries", json=body)

    assert_error(response, 400, "validation_failed", field=field, location="body")
    assert ledger(sbx)["data"] == []
    assert events(sbx, "ledger.*") == []


def test_the_ledger_needs_a_sandbox_key(api):
    assert_error(api.get("/api/v1/ledger"), 401, "authentication_required")


def test_entries_survive_snapshot_and_restore_to_the_cent(api, sbx):
    post_entry(sbx, kind="fine", amount="5", currency="USD", subject="ord_1")
    post_entry(sbx, amount="-0.01")
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()

    response = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})
    assert response.status_code == 201, response.get_json()
    restored = api.as_(response.get_json()["credentials"]["api_key"])

    assert ledger(restored)["data"] == ledger(sbx)["data"]
    assert ledger(restored)["balance"]["amount"] == "-22.36"
    assert post_entry(restored, amount="1")["id"] == "le_00000003"


def test_a_damaged_snapshot_with_the_counter_behind_its_entries_is_refused(api, sbx):
    post_entry(sbx, amount="1")
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    snapshot["sandbox"]["counters"]["ledger_entry"] = 0

    response = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})

    assert_error(response, 400, "validation_failed",
                 field="snapshot.sandbox.counters.ledger_entry")


def test_entries_are_stamped_with_the_virtual_time(sbx):
    later = instant(SANDBOX_START) + timedelta(days=3, seconds=7)
    advance_to(sbx, later)

    entry = post_entry(sbx, amount="1")

    assert instant(entry["occurred_at"]) == later
    assert instant(entry["occurred_at"]).astimezone(MYT).day == 8


def test_a_snapshot_amount_with_more_places_than_the_column_keeps_is_refused(api, sbx):
    post_entry(sbx, amount="1")
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    snapshot["tables"]["ledger_entries"][0]["amount"] = "1.005"

    response = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})

    assert_error(response, 400, "validation_failed",
                 field="snapshot.tables.ledger_entries.0.amount")
