"""The delayed view when ``order.delayed_warning`` is overridden with leads longer than the time
a deadline leaves: the order is delayed at once, and ``order.delayed`` says so once."""

from __future__ import annotations

from datetime import timedelta

from tests.orders.support import (
    act,
    advance,
    all_orders,
    events,
    get_order,
    make_product,
    ok,
    placed,
    sandbox,
)

LONG_LEADS = {"order.delayed_warning": {"before_rts_deadline": "P3D",
                                        "before_first_mile_scan_deadline": "P8D"}}


def test_a_warning_point_already_past_delays_the_order_at_once_with_its_event(api):
    sbx = sandbox(api, policy_overrides=LONG_LEADS)
    make_product(sbx, ("CASE-BLK", "19.90", 5))

    order = placed(sbx, ("CASE-BLK", 1))

    assert order["delayed"] is True
    [delayed] = events(sbx, "order.delayed")
    assert delayed["occurred_at"] == order["created_at"]
    assert delayed["data"]["deadline"] == "rts_deadline"
    assert [o["order_id"] for o in ok(sbx.get("/api/v1/orders?delayed=true"))["data"]] == [
        order["order_id"]]


def test_an_order_that_stays_delayed_is_not_announced_twice(api):
    sbx = sandbox(api, policy_overrides=LONG_LEADS)
    make_product(sbx, ("CASE-BLK", "19.90", 5))
    order = placed(sbx, ("CASE-BLK", 1))
    advance(sbx, by=timedelta(hours=1))

    # Readied, it waits for its first-mile scan, whose warning point (8 days before a deadline
    # 7 days away) is past too: still in the view, no new announcement.
    ok(act(sbx, order["order_id"], "pack"), 201)
    readied = ok(act(sbx, order["order_id"], "ready_to_ship"))
    advance(sbx, by=timedelta(hours=1))

    assert readied["delayed"] is True and get_order(sbx, order["order_id"])["delayed"] is True
    assert len(events(sbx, "order.delayed")) == 1


# -- the view is a kept flag: it must always agree with each order's own warning point ---------

def assert_view_agrees(sbx) -> set[int]:
    delayed = {o["order_id"] for o in all_orders(sbx, limit=100) if o["delayed"]}
    for sort_by in ("created_at", "updated_at"):
        for direction in ("asc", "desc"):
            sort = {"sort_by": sort_by, "sort_direction": direction}
            assert {o["order_id"] for o in all_orders(sbx, delayed="true", **sort)} == delayed
            assert delayed.isdisjoint(
                o["order_id"] for o in all_orders(sbx, delayed="false", **sort))
    return delayed


def test_the_delayed_list_agrees_with_every_orders_own_field_as_time_passes(api):
    sbx = sandbox(api)
    ok(sbx.post("/api/v1/test_helpers/seed", json={
        "products": 20, "orders": 60, "fulfilment": {"pending": 2, "packed": 1,
                                                     "ready_to_ship": 1}}), 201)
    seen = []
    for hours in (12, 12, 6, 20, 24, 48, 72, 120):
        advance(sbx, by=timedelta(hours=hours))
        seen.append(len(assert_view_agrees(sbx)))
    assert max(seen) > 0 and seen[-1] < max(seen)  # orders came into the view and left it


def test_a_restore_derives_the_view_again_whatever_the_document_says(api):
    sbx = sandbox(api)
    make_product(sbx, ("CASE-BLK", "19.90", 5))
    late, fresh = placed(sbx, ("CASE-BLK", 1)), None
    advance(sbx, by=timedelta(hours=30))
    fresh = placed(sbx, ("CASE-BLK", 1))
    assert assert_view_agrees(sbx) == {late["order_id"]}
    snapshot = ok(sbx.post(f"{sbx.base}/snapshot"))
    rows = {row["order_id"]: row for row in snapshot["tables"]["orders"]}
    del rows[late["order_id"]]["delayed"]  # a document from before the flag
    rows[fresh["order_id"]]["delayed"] = True  # an edited one

    restored = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot})

    assert restored.status_code == 201, restored.get_json()
    copy = api.as_(restored.get_json()["credentials"]["api_key"])
    assert assert_view_agrees(copy) == {late["order_id"]}
