"""The AliExpress semi-hosted walk over HTTP: accept, pack, ship with the seller's carrier, the
buyer confirms receipt; and the ship deadline (end of calendar day 2, CN local time) at its
boundary. The late fine, the cancellation 7 days past the due day and every refused step are in
``test_semi_hosted_fines_and_refusals.py``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mockplatform.orders import states
from tests.orders.semi_hosted_support import (
    CANCEL_AT,
    CST,
    MONDAY_10AM,
    ONE_SECOND,
    WEDNESDAY_END,
    Shop,
    shop_fixture,  # noqa: F401 (the shop fixture)
    utc,
)

ICT = timezone(timedelta(hours=7), "ICT")


# -- the machine ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "end"), [
    (["pay", "accept", "pack", "ship", "confirm_receipt"], states.DELIVERED),
    (["pay", "accept", "pack", "cancel"], states.CANCELED),
    (["pay", "cancel_not_shipped"], states.CANCELED),
    (["pay", "accept", "pack", "cancel_not_shipped"], states.CANCELED),
])
def test_a_semi_hosted_item_walks_the_semi_hosted_paths(path, end):
    status = states.UNPAID
    for action in path:
        status = states.SEMI_HOSTED_ITEM.next_state(status, action, label="item")
    assert status == end


def test_nothing_moves_a_semi_hosted_item_once_it_is_delivered_or_canceled():
    machine = states.SEMI_HOSTED_ITEM
    assert machine.allowed(states.DELIVERED) == machine.allowed(states.CANCELED) == []
    assert machine.allowed(states.SHIPPED) == ["confirm_receipt"]
    assert set(machine.states) <= set(states.ALL_STATUSES)
    assert states.ALL_STATUSES.index(states.ACCEPTED) == \
        states.ALL_STATUSES.index(states.PENDING) + 1


# -- the walk -------------------------------------------------------------------------------------

def test_an_aliexpress_order_follows_the_semi_hosted_flow_and_shows_its_deadlines(shop):
    order = shop.place()

    assert order["flow"] == "semi_hosted"
    assert order["statuses"] == ["pending"]
    assert order["allowed_actions"] == ["accept", "cancel"]
    assert order["deadlines"] == {
        "ship_deadline": utc(WEDNESDAY_END), "cancel_at": utc(CANCEL_AT), "shipped_at": None,
        "shipped_late": None, "shipped_late_by": None}
    timers = shop.http.get(f"{shop.base}/timers").get_json()["data"]
    assert [(t["kind"], t["due_at"]) for t in timers] == [
        ("semi_hosted.ship_deadline", utc(WEDNESDAY_END)),
        ("order.delayed_warning", utc(WEDNESDAY_END)),
        ("semi_hosted.cancel_after", utc(CANCEL_AT))]


def test_the_seller_accepts_packs_and_ships_and_the_buyer_confirms_receipt(shop):
    order = shop.place()

    accepted = shop.accept(order)
    assert accepted["statuses"] == ["accepted"]
    assert accepted["allowed_actions"] == ["pack", "cancel"]

    package = shop.pack(order)
    assert package["status"] == "packed"
    assert package["item_statuses"] == ["packed"]
    assert package["shipment_provider"] == ""
    assert package["tracking_number"] == f"AE{order['order_id']}"
    assert shop.get(order)["allowed_actions"] == ["ship", "cancel"]

    shipped = shop.ship(order, tracking_number="YT2601050001", carrier="YunExpress")
    assert shipped["statuses"] == ["shipped"]
    assert shipped["allowed_actions"] == []
    assert {(i["tracking_code"], i["shipment_provider"]) for i in shipped["items"]} == {
        ("YT2601050001", "YunExpress")}
    assert shipped["deadlines"]["shipped_at"] == utc(MONDAY_10AM)
    assert shipped["deadlines"]["shipped_late"] is False
    assert shop.http.get(f"/api/v1/packages/{package['package_id']}").get_json()["status"] \
        == "in_transit"
    # Nothing is left for the deadlines to do.
    assert shop.http.get(f"{shop.base}/timers").get_json()["data"] == []

    delivered = shop.confirm_receipt(order)
    assert delivered["statuses"] == ["delivered"]

    assert [e["type"] for e in shop.events("order.*")] == [
        "order.created", "order.accepted", "order.packed", "order.shipped", "order.delivered"]
    [shipped_event] = shop.events("order.shipped")
    assert shipped_event["data"]["late"] is False
    assert shipped_event["data"]["late_fine"] is None
    assert shipped_event["data"]["tracking_number"] == "YT2601050001"
    tracking = shop.events("tracking.updated")
    assert [(e["data"]["milestone"], e["data"]["tracking_number"]) for e in tracking] == [
        ("pickup", "YT2601050001"), ("delivered", "YT2601050001")]
    assert "YunExpress" in tracking[0]["data"]["description"]
    assert tracking[1]["data"]["description"] == "Receipt confirmed by the buyer"
    # The aliexpress profile has no settlement.cycle: delivered items are not settled.
    [delivered_event] = shop.events("order.delivered")
    assert delivered_event["data"]["settleable"] is False
    assert shop.events("settlement.*") == []
    assert shop.fines() == []


def test_the_new_status_filters_the_order_list(shop):
    first, second = shop.place(1), shop.place(1)
    shop.accept(second)

    listed = shop.http.get("/api/v1/orders?status=accepted").get_json()["data"]

    assert [o["order_id"] for o in listed] == [second["order_id"]]
    assert first["order_id"] not in [o["order_id"] for o in listed]


# -- semi_hosted.ship_deadline ------------------------------------------------------------------

def test_one_second_before_the_ship_deadline_the_order_is_on_time(shop):
    order = shop.packed()

    shop.advance_to(WEDNESDAY_END - ONE_SECOND)
    assert shop.events("order.ship_deadline_passed") == []
    shipped = shop.ship(order)

    assert shipped["deadlines"]["shipped_late"] is False
    assert shipped["deadlines"]["shipped_late_by"] is None
    assert shop.fines() == []


def test_at_the_ship_deadline_lateness_starts_but_nothing_is_canceled(shop):
    order = shop.packed()

    shop.advance_to(WEDNESDAY_END)

    [passed] = shop.events("order.ship_deadline_passed")
    assert passed["occurred_at"] == utc(WEDNESDAY_END)
    assert passed["data"]["ship_deadline"] == utc(WEDNESDAY_END)
    assert passed["data"]["cancel_at"] == utc(CANCEL_AT)
    assert passed["data"]["policy_key"] == "semi_hosted.ship_deadline"
    assert shop.get(order)["statuses"] == ["packed"]
    assert shop.fines() == []  # the fine waits until the order ships or is canceled

    shipped = shop.ship(order)
    assert shipped["deadlines"]["shipped_late"] is True
    assert shipped["deadlines"]["shipped_late_by"] == "PT0S"
    [fine] = shop.fines()
    assert (fine["amount"], fine["policy_key"], fine["subject"]) == (
        "-100.00", "semi_hosted.late_fine", f"order:{order['order_id']}")
    assert fine["details"]["tier"] == "short_delay"


def delayed_ids(shop) -> list[int]:
    response = shop.http.get("/api/v1/orders?delayed=true")
    assert response.status_code == 200, response.get_json()
    return [order["order_id"] for order in response.get_json()["data"]]


def test_an_order_not_shipped_by_its_ship_deadline_enters_the_delayed_view(shop):
    late, shipped, canceled = shop.packed(), shop.packed(), shop.place(1)
    shop.ship(shipped)
    shop.post(canceled, "cancel", {"reason": "out_of_stock"})

    shop.advance_to(WEDNESDAY_END - ONE_SECOND)
    assert delayed_ids(shop) == []
    assert shop.events("order.delayed") == []

    shop.advance_to(WEDNESDAY_END)
    assert delayed_ids(shop) == [late["order_id"]]
    [event] = shop.events("order.delayed")
    assert (event["occurred_at"], event["subject"], event["data"]["deadline"]) == (
        utc(WEDNESDAY_END), f"order:{late['order_id']}", "ship_deadline")

    shop.ship(late, tracking_number="YT2601050002")  # shipped late: out of the view
    assert delayed_ids(shop) == []


@pytest.mark.parametrize(("placed_at", "market", "due"), [
    # Late in the CN evening: the order day is still Monday, due by the end of Wednesday.
    (datetime(2026, 1, 5, 23, 30, tzinfo=CST), "MY", datetime(2026, 1, 7, 23, 59, 59, tzinfo=CST)),
    # 23:30 in Bangkok is already Tuesday 00:30 in China: the seller's day counts, so the order
    # is due by the end of Thursday, not Wednesday.
    (datetime(2026, 1, 5, 23, 30, tzinfo=ICT), "TH", datetime(2026, 1, 8, 23, 59, 59, tzinfo=CST)),
    # One second before CN midnight, and the first second of the next CN day.
    (datetime(2026, 1, 5, 23, 59, 59, tzinfo=CST), "MY",
     datetime(2026, 1, 7, 23, 59, 59, tzinfo=CST)),
    (datetime(2026, 1, 6, 0, 0, 0, tzinfo=CST), "MY", datetime(2026, 1, 8, 23, 59, 59, tzinfo=CST)),
])
def test_the_ship_deadline_is_the_end_of_calendar_day_2_in_china(api, placed_at, market, due):
    shop = Shop(api, market=market, start_at=placed_at.isoformat())
    order = shop.place()
    assert order["deadlines"]["ship_deadline"] == utc(due)
    assert order["deadlines"]["cancel_at"] == utc(due + timedelta(days=7))

    shop.advance_to(due - ONE_SECOND)
    assert shop.events("order.ship_deadline_passed") == []

    shop.advance_to(due)
    [passed] = shop.events("order.ship_deadline_passed")
    assert passed["occurred_at"] == utc(due)
