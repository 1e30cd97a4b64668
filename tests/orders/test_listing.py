"""The seller's order list: each filter, inclusive time ranges, both sorts on both fields, a
cursor that walks every order exactly once (ties of ``created_at`` included) and refuses to be
used with another sort, and a precise 400 for every bad parameter."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import pytest

from tests.api.support import assert_error
from tests.orders.support import (
    ONE_SECOND,
    ORDERS,
    act,
    advance,
    all_orders,
    make_product,
    ok,
    placed,
    sandbox,
)


def ids(orders: list[dict]) -> list[int]:
    return [order["order_id"] for order in orders]


def listed(sbx, **query) -> list[int]:
    return ids(all_orders(sbx, **query))


@pytest.fixture
def sku(sbx) -> int:
    return make_product(sbx, ("CASE-BLK", "19.90", 500))["skus"][0]["sku_id"]


@pytest.fixture
def history(sbx, sku) -> dict:
    """Five orders an hour apart, the first two then moved on:
    ``a`` packed at +5 h, ``b`` canceled at +6 h; ``c``, ``d``, ``e`` pending."""
    orders = {}
    for name in "abcde":
        orders[name] = placed(sbx, (sku, 1))
        advance(sbx, by=timedelta(hours=1))
    ok(act(sbx, orders["a"]["order_id"], "pack"), 201)
    advance(sbx, by=timedelta(hours=1))
    ok(act(sbx, orders["b"]["order_id"], "cancel", reason="wrong_price"))
    return {name: order["order_id"] for name, order in orders.items()} | {
        "created": {name: order["created_at"] for name, order in orders.items()}}


def names(history: dict, order_ids: list[int]) -> str:
    by_id = {order_id: name for name, order_id in history.items() if name != "created"}
    return "".join(by_id[order_id] for order_id in order_ids)


# -- sort ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ({}, "edcba"),  # newest first by default
    ({"sort_by": "created_at", "sort_direction": "desc"}, "edcba"),
    ({"sort_by": "created_at", "sort_direction": "asc"}, "abcde"),
    ({"sort_by": "updated_at", "sort_direction": "asc"}, "cdeab"),
    ({"sort_by": "updated_at", "sort_direction": "desc"}, "baedc"),
])
def test_both_sorts_on_both_fields(sbx, history, query, expected):
    assert names(history, listed(sbx, **query)) == expected
    # The same walk a page at a time.
    assert names(history, listed(sbx, limit=2, **query)) == expected


# -- filters ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "expected"), [
    ("pending", "edc"),
    ("packed", "a"),
    ("canceled", "b"),
    ("packed,canceled", "ba"),
    (["packed", "canceled"], "ba"),  # repeated
    (["pending,packed", "canceled"], "edcba"),  # both at once
    ("ready_to_ship", ""),
])
def test_the_status_filter_takes_one_or_several(sbx, history, status, expected):
    assert names(history, listed(sbx, status=status)) == expected


def test_an_order_matches_when_any_of_its_items_has_the_status(sbx, sku):
    order = placed(sbx, (sku, 2))
    ok(act(sbx, order["order_id"], "pack",
           order_item_ids=[order["items"][0]["order_item_id"]]), 201)

    assert listed(sbx, status="pending") == listed(sbx, status="packed") == [order["order_id"]]
    assert len(all_orders(sbx, status="pending,packed")) == 1


def test_created_ranges_are_inclusive_at_both_ends(sbx, history):
    created = {name: datetime.fromisoformat(at) for name, at in history["created"].items()}

    def between(after=None, before=None, **query) -> str:
        bounds = {"created_after": after, "created_before": before}
        return names(history, listed(sbx, sort_direction="asc", **query, **{
            name: value.isoformat() for name, value in bounds.items() if value}))

    assert between(created["b"], created["d"]) == "bcd"
    assert between(created["b"] + ONE_SECOND, created["d"] - ONE_SECOND) == "c"
    assert between(created["c"], created["c"]) == "c"
    assert between(after=created["e"]) == "e"
    assert between(before=created["a"]) == "a"
    # Another offset, the same instant.
    local = created["d"].astimezone(datetime.fromisoformat("2026-01-01T00:00:00+08:00").tzinfo)
    assert between(after=local) == "de"


def test_updated_ranges_are_inclusive_at_both_ends(sbx, history):
    orders = {name: ok(sbx.get(f"{ORDERS}/{history[name]}")) for name in "abcde"}
    packed_at = datetime.fromisoformat(orders["a"]["updated_at"])
    canceled_at = datetime.fromisoformat(orders["b"]["updated_at"])

    def between(after, before) -> str:
        return names(history, listed(sbx, sort_by="updated_at", sort_direction="asc",
                                     updated_after=after.isoformat(),
                                     updated_before=before.isoformat()))

    assert between(packed_at, canceled_at) == "ab"
    assert between(packed_at, canceled_at - ONE_SECOND) == "a"
    assert between(packed_at + ONE_SECOND, canceled_at) == "b"
    assert between(canceled_at, canceled_at) == "b"
    assert between(datetime.fromisoformat(orders["c"]["updated_at"]),
                   packed_at - ONE_SECOND) == "cde"


def test_filters_combine(sbx, history):
    created = history["created"]

    assert names(history, listed(sbx, status="pending,canceled", created_after=created["b"],
                                 created_before=created["d"], sort_direction="asc")) == "bcd"


@pytest.mark.parametrize("field", ["created", "updated"])
def test_an_inverted_range_is_a_400_naming_its_end(sbx, history, field):
    response = sbx.get(ORDERS, query_string={f"{field}_after": "2026-01-05T02:00:00Z",
                                             f"{field}_before": "2026-01-05T01:59:59Z"})

    error = assert_error(response, 400, "validation_failed", field=f"{field}_before",
                         location="query")
    assert f"{field}_after" in error["message"]


def test_the_delayed_filter_lists_the_orders_past_their_warning_point(sbx, sku):
    late = placed(sbx, (sku, 1))
    advance(sbx, by=timedelta(hours=2))
    early = placed(sbx, (sku, 1))
    readied = placed(sbx, (sku, 1))
    ok(act(sbx, readied["order_id"], "pack"), 201)
    ok(act(sbx, readied["order_id"], "ready_to_ship"))
    # order.delayed_warning: 24 h before the ready-to-ship deadline (cross-border, MY; the
    # sandbox starts on a Monday, so the deadline is 48 clock hours away).
    warning = datetime.fromisoformat(late["deadlines"]["rts_deadline"]) - timedelta(hours=24)

    advance(sbx, to=warning - ONE_SECOND)
    assert listed(sbx, delayed="true") == []
    assert set(listed(sbx, delayed="false")) == {late["order_id"], early["order_id"],
                                                 readied["order_id"]}

    advance(sbx, to=warning)
    assert listed(sbx, delayed="true") == [late["order_id"]]
    assert ok(sbx.get(f"{ORDERS}/{late['order_id']}"))["delayed"] is True
    assert set(listed(sbx, delayed="false")) == {early["order_id"], readied["order_id"]}

    ok(act(sbx, late["order_id"], "cancel", reason="sourcing_delay"))
    assert listed(sbx, delayed="true") == []
    assert len(listed(sbx, delayed="false")) == 3


# -- the cursor ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sort_by", ["created_at", "updated_at"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_the_cursor_walks_ties_exactly_once(sbx, sku, sort_by, direction, limit):
    # Seven orders at one instant and two more a second later: pages split the tie.
    tied = [placed(sbx, (sku, 1))["order_id"] for _ in range(7)]
    advance(sbx, by=ONE_SECOND)
    later = [placed(sbx, (sku, 1))["order_id"] for _ in range(2)]

    walked = listed(sbx, sort_by=sort_by, sort_direction=direction, limit=limit)

    expected = sorted(tied) + sorted(later)
    assert walked == (expected if direction == "asc" else expected[::-1])


def test_a_cursor_survives_orders_placed_while_paging(sbx, sku):
    first = [placed(sbx, (sku, 1))["order_id"] for _ in range(3)]
    page = ok(sbx.get(ORDERS, query_string={"sort_direction": "asc", "limit": 2}))
    newer = placed(sbx, (sku, 1))["order_id"]

    rest = ok(sbx.get(ORDERS, query_string={"sort_direction": "asc", "limit": 2,
                                            "after": page["next_cursor"]}))

    assert ids(page["data"]) + ids(rest["data"]) == first + [newer]
    assert rest["has_more"] is False and rest["next_cursor"] is None


@pytest.mark.parametrize("other", [{"sort_direction": "asc"}, {"sort_by": "updated_at"}])
def test_a_cursor_used_with_another_sort_is_a_400(sbx, sku, other):
    for _ in range(2):
        placed(sbx, (sku, 1))
    cursor = ok(sbx.get(ORDERS, query_string={"limit": 1}))["next_cursor"]

    response = sbx.get(ORDERS, query_string={"after": cursor, **other})

    error = assert_error(response, 400, "validation_failed", field="after", location="query")
    assert "sort_by=created_at sort_direction=desc" in error["message"]


def encoded(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


GARBAGE_CURSORS = {
    "text": "garbage", "not base64": "!!!!", "one character": "a",
    "an object": encoded({"sort_by": "created_at"}), "a string": encoded("x"),
    "three parts": encoded(["created_at", "desc", "2026-01-05T01:00:00+00:00"]),
    "naive instant": encoded(["created_at", "desc", "2026-01-05T01:00:00", 300000000000001]),
    "id as text": encoded(["created_at", "desc", "2026-01-05T01:00:00+00:00",
                           "300000000000001"]),
    "id as boolean": encoded(["created_at", "desc", "2026-01-05T01:00:00+00:00", True]),
    "unknown sort": encoded(["price", "desc", "2026-01-05T01:00:00+00:00", 300000000000001]),
    "sort as list": encoded([["created_at"], "desc", "2026-01-05T01:00:00+00:00",
                             300000000000001]),
    # Edited cursors that the database could not take (past BIGINT, before year 1 in UTC).
    "id past bigint": encoded(["created_at", "desc", "2026-01-05T01:00:00+00:00", 10 ** 30]),
    "instant before year 1": encoded(["created_at", "desc", "0001-01-01T00:00:00+05:00",
                                      300000000000001]),
}


@pytest.mark.parametrize("cursor", list(GARBAGE_CURSORS.values()), ids=list(GARBAGE_CURSORS))
def test_a_garbage_cursor_is_a_400(sbx, sku, cursor):
    placed(sbx, (sku, 1))

    response = sbx.get(ORDERS, query_string={"after": cursor})

    error = assert_error(response, 400, "validation_failed", field="after", location="query")
    assert "next_cursor" in error["message"]


# -- bad parameters -----------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "field"), [
    ({"limit": 0}, "limit"),
    ({"limit": 101}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"status": "lost"}, "status.0"),
    ({"status": "pending,shiped"}, "status.1"),
    ({"status": ["pending", "PENDING"]}, "status.1"),
    ({"sort_by": "price"}, "sort_by"),
    ({"sort_direction": "up"}, "sort_direction"),
    ({"delayed": "maybe"}, "delayed"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"created_before": "2026-01-05"}, "created_before"),
    ({"updated_after": "2026-01-05T00:00:00"}, "updated_after"),  # no offset
    ({"updated_before": "2026-13-01T00:00:00Z"}, "updated_before"),
    ({"page": 2}, "page"),
])
def test_a_bad_parameter_is_a_400_naming_it(sbx, history, query, field):
    response = sbx.get(ORDERS, query_string=query)

    assert_error(response, 400, "validation_failed", field=field, location="query")


def test_limit_100_is_the_largest_page(sbx, sku):
    for _ in range(101):
        placed(sbx, (sku, 1))

    page = ok(sbx.get(ORDERS, query_string={"limit": 100}))

    assert len(page["data"]) == 100 and page["has_more"] is True
    assert len(ok(sbx.get(ORDERS))["data"]) == 100  # the default
    assert len(listed(sbx)) == 101


@pytest.mark.parametrize("statuses", ["pending", "packed", "ready_to_ship", "canceled",
                                      "packed,ready_to_ship", "pending,canceled"])
def test_the_status_filter_finds_the_same_pages_by_ids_or_by_walking(api, monkeypatch,
                                                                     statuses):
    # Few orders with a status are found by their ids, many by walking the sort's index: both
    # ways give the same pages, in every sort.
    from mockplatform.orders import listing

    sbx = sandbox(api, seed=5)
    ok(sbx.post("/api/v1/test_helpers/seed", json={
        "products": 10, "orders": 30,
        "fulfilment": {"pending": 3, "packed": 2, "ready_to_ship": 1}}), 201)
    pages = {}
    for few in (0, 1000):
        monkeypatch.setattr(listing, "FEW_ORDERS", few)
        pages[few] = {(sort_by, direction): listed(sbx, status=statuses, limit=7,
                                                   sort_by=sort_by, sort_direction=direction)
                      for sort_by in ("created_at", "updated_at")
                      for direction in ("asc", "desc")}
    assert pages[0] == pages[1000]
    every = set(pages[0][("created_at", "asc")])
    assert every == {order["order_id"] for order in all_orders(sbx, limit=100)
                     if set(order["statuses"]) & set(statuses.split(","))}
    assert statuses.startswith("canceled") or every  # a status nobody has finds nothing
