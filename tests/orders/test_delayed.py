"""The delayed view when ``order.delayed_warning`` is overridden with leads longer than the time
a deadline leaves: the order is delayed at once, and ``order.delayed`` says so once."""

from __future__ import annotations

from datetime import timedelta

from tests.orders.support import act, advance, events, get_order, make_product, ok, placed, sandbox

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
