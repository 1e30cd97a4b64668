"""The AliExpress semi-hosted profile at its boundaries, through the SDK.

- ``semi_hosted.ship_deadline``: the end of calendar day 2 after the order, 23:59:59 in the
  seller's local time (China, UTC+8). One second before it the order is on time; at it lateness
  starts (``order.ship_deadline_passed``) and nothing is canceled.
- ``semi_hosted.late_fine``: charged when a late order ships (or is canceled): late by up to
  48 h, that instant included, 50% of the product price; later, 100%. One fine per order.
- ``semi_hosted.cancel_after``: 7 calendar days past the due day, end of day: an order still not
  shipped is canceled, fined 100%, and ``order.canceled`` is recorded.
- the delayed view [choice]: from the ship deadline until the order ships or is canceled
  (``order.delayed`` as it enters).

Placing, reading and packing orders go through ``client.request`` until the SDK's ``orders``
resource covers them; the semi-hosted steps have ``client.semi_hosted``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

import pytest
from mockplatform_client import (
    BadRequestError,
    ConflictError,
    InvalidStateTransitionError,
    NotFoundError,
)

CST = timezone(timedelta(hours=8))  # China, the seller's time zone
ICT = timezone(timedelta(hours=7))  # Thailand
ONE_SECOND = timedelta(seconds=1)
MONDAY_10AM = datetime(2026, 1, 5, 10, 0, tzinfo=CST)
DUE = datetime(2026, 1, 7, 23, 59, 59, tzinfo=CST)  # end of calendar day 2 after Monday
CANCEL_AT = datetime(2026, 1, 14, 23, 59, 59, tzinfo=CST)  # 7 days past the due day
ALIEXPRESS = {"platform": "aliexpress", "market": "MY", "start_at": MONDAY_10AM}
_SKU_NUMBERS = count(1)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def place(client, quantity: int = 1, price: str = "80.00"):
    product = client.products.create(name="Desk lamp", skus=[
        {"seller_sku": f"LAMP-{next(_SKU_NUMBERS)}", "price": price, "stock": 20}])
    return client.request("POST", "/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": product.skus[0].sku_id, "quantity": quantity}]})


def get(client, order):
    return client.request("GET", f"/api/v1/orders/{order.order_id}")


def pack(client, order):
    return client.request("POST", f"/api/v1/orders/{order.order_id}/pack")


def packed_order(client, quantity: int = 1, price: str = "80.00"):
    order = place(client, quantity, price)
    client.semi_hosted.accept(order.order_id)
    pack(client, order)
    return order


def ship(client, order, tracking_number: str = "YT2601050001"):
    return client.semi_hosted.ship(order.order_id, shipment_provider="YunExpress",
                                   tracking_number=tracking_number)


def fines(client) -> list:
    return list(client.ledger.list(kind="fine").auto_paging_iter())


def events(client, type_: str) -> list:
    return list(client.events.list(type=type_).auto_paging_iter())


# -- the walk -------------------------------------------------------------------------------------

@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_the_seller_walks_accept_pack_ship_and_the_buyer_confirms_receipt(client):
    order = place(client)
    assert order.flow == "semi_hosted"
    assert instant(order.deadlines.ship_deadline) == DUE
    assert instant(order.deadlines.cancel_at) == CANCEL_AT

    assert client.semi_hosted.accept(order.order_id).statuses == ["accepted"]
    assert pack(client, order).status == "packed"
    shipped = ship(client, order, "YT2601050001")
    assert shipped.statuses == ["shipped"]
    assert shipped.deadlines.shipped_late is False
    delivered = client.semi_hosted.confirm_receipt(order.order_id)

    assert delivered.statuses == ["delivered"]
    assert [e.type for e in events(client, "order.*")] == [
        "order.created", "order.accepted", "order.packed", "order.shipped", "order.delivered"]
    assert [(e.data.milestone, e.data.tracking_number)
            for e in events(client, "tracking.updated")] == [
        ("pickup", "YT2601050001"), ("delivered", "YT2601050001")]
    assert fines(client) == []


# -- semi_hosted.ship_deadline ------------------------------------------------------------------

@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_shipped_one_second_before_the_ship_deadline_is_on_time(client):
    order = packed_order(client)

    client.clock.advance(to=DUE - ONE_SECOND)

    assert events(client, "order.ship_deadline_passed") == []
    shipped = ship(client, order)
    assert shipped.deadlines.shipped_late is False
    assert fines(client) == []


@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_at_the_ship_deadline_lateness_starts_and_shipping_then_is_fined(client):
    order = packed_order(client, price="80.00")

    client.clock.advance(to=DUE)

    [passed] = events(client, "order.ship_deadline_passed")
    assert instant(passed.occurred_at) == DUE
    assert get(client, order).statuses == ["packed"]  # late, not canceled
    assert fines(client) == []
    shipped = ship(client, order)
    assert shipped.deadlines.shipped_late is True
    [fine] = fines(client)
    assert (fine.amount, fine.policy_key) == ("-40.00", "semi_hosted.late_fine")


@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_an_order_not_shipped_enters_the_delayed_view_at_its_ship_deadline(client):
    order = packed_order(client)

    client.clock.advance(to=DUE - ONE_SECOND)
    assert list(client.orders.list(delayed=True).auto_paging_iter()) == []
    assert events(client, "order.delayed") == []

    client.clock.advance(to=DUE)
    assert [o.order_id for o in client.orders.list(delayed=True).auto_paging_iter()] == [
        order.order_id]
    [delayed] = events(client, "order.delayed")
    assert (instant(delayed.occurred_at), delayed.data.deadline) == (DUE, "ship_deadline")

    ship(client, order)
    assert list(client.orders.list(delayed=True).auto_paging_iter()) == []


@pytest.mark.parametrize(("placed_at", "market", "due"), [
    # 23:30 in China: still Monday there, due by the end of Wednesday.
    (datetime(2026, 1, 5, 23, 30, tzinfo=CST), "MY", datetime(2026, 1, 7, 23, 59, 59, tzinfo=CST)),
    # 23:30 Monday in Bangkok is 00:30 Tuesday in China: due by the end of Thursday.
    (datetime(2026, 1, 5, 23, 30, tzinfo=ICT), "TH", datetime(2026, 1, 8, 23, 59, 59, tzinfo=CST)),
])
def test_the_ship_deadline_counts_days_in_china(new_sandbox, placed_at, market, due):
    client = new_sandbox.create(platform="aliexpress", market=market, start_at=placed_at)
    order = place(client)
    assert instant(order.deadlines.ship_deadline) == due

    client.clock.advance(to=due - ONE_SECOND)
    assert events(client, "order.ship_deadline_passed") == []

    client.clock.advance(to=due)
    [passed] = events(client, "order.ship_deadline_passed")
    assert instant(passed.occurred_at) == due


# -- semi_hosted.late_fine -----------------------------------------------------------------------

@pytest.mark.parametrize(("late_by", "amount"), [
    (timedelta(hours=48), "-100.00"),  # exactly 48 h late: 50%
    (timedelta(hours=48, seconds=1), "-200.00"),  # one second more: 100%
])
@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_the_fine_tier_turns_after_48_hours_late(client, late_by, amount):
    order = packed_order(client, quantity=2, price="100.00")

    client.clock.advance(to=DUE + late_by)
    ship(client, order)

    [fine] = fines(client)
    assert fine.amount == amount
    assert fine.subject == f"order:{order.order_id}"
    assert instant(fine.occurred_at) == DUE + late_by
    [shipped] = events(client, "order.shipped")
    assert shipped.data.late_fine.entry_id == fine.id


# -- semi_hosted.cancel_after --------------------------------------------------------------------

@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_an_order_not_shipped_7_days_past_its_due_day_is_canceled_and_fined_in_full(client):
    order = place(client, quantity=2, price="100.00")
    client.semi_hosted.accept(order.order_id)

    client.clock.advance(to=CANCEL_AT - ONE_SECOND)
    assert get(client, order).statuses == ["accepted"]
    assert events(client, "order.canceled") == []
    assert fines(client) == []

    client.clock.advance(to=CANCEL_AT)
    canceled = get(client, order)
    assert canceled.statuses == ["canceled"]
    assert {item.reason for item in canceled["items"]} == {"not_shipped_in_time"}
    [fine] = fines(client)
    assert (fine.amount, fine.policy_key) == ("-200.00", "semi_hosted.late_fine")
    assert instant(fine.occurred_at) == CANCEL_AT
    [event] = events(client, "order.canceled")
    assert instant(event.occurred_at) == CANCEL_AT
    assert event.data.policy_key == "semi_hosted.cancel_after"
    assert event.data.late_fine.entry_id == fine.id


@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_a_late_order_is_fined_once_however_it_ends(client):
    shipped_late = packed_order(client, price="100.00")
    canceled_late = place(client, price="60.00")
    client.clock.advance(to=DUE + timedelta(days=1))
    ship(client, shipped_late)
    client.request("POST", f"/api/v1/orders/{canceled_late.order_id}/cancel",
                   json={"reason": "out_of_stock"})

    client.clock.advance(to=CANCEL_AT + timedelta(days=10))

    assert sorted((f.subject, f.amount) for f in fines(client)) == sorted([
        (f"order:{shipped_late.order_id}", "-50.00"),
        (f"order:{canceled_late.order_id}", "-30.00")])
    assert get(client, shipped_late).statuses == ["shipped"]


# -- refusals -------------------------------------------------------------------------------------

@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_steps_out_of_order_are_refused_with_the_status_and_the_allowed_actions(client):
    order = place(client)

    with pytest.raises(InvalidStateTransitionError) as raised:
        ship(client, order)
    assert raised.value.current_state == "pending"
    assert raised.value.allowed_actions == ["accept", "cancel"]

    client.semi_hosted.accept(order.order_id)
    with pytest.raises(InvalidStateTransitionError) as raised:
        client.semi_hosted.accept(order.order_id)
    assert (raised.value.current_state, raised.value.allowed_actions) == (
        "accepted", ["pack", "cancel"])

    with pytest.raises(InvalidStateTransitionError) as raised:
        client.semi_hosted.confirm_receipt(order.order_id)
    assert raised.value.current_state == "accepted"

    with pytest.raises(ConflictError) as raised:
        client.request("POST", f"/api/v1/orders/{order.order_id}/ready_to_ship")
    assert raised.value.code == "wrong_order_flow"


@pytest.mark.mockplatform_sandbox(platform="lazada", market="MY")
def test_semi_hosted_steps_on_a_lazada_order_name_the_flow(client):
    order = place(client)

    for step in (lambda: client.semi_hosted.accept(order.order_id),
                 lambda: ship(client, order),
                 lambda: client.semi_hosted.confirm_receipt(order.order_id)):
        with pytest.raises(ConflictError) as raised:
            step()
        assert raised.value.code == "wrong_order_flow"
        assert "lazada flow" in raised.value.message
    assert get(client, order).statuses == ["pending"]


@pytest.mark.mockplatform_sandbox(**ALIEXPRESS)
def test_bad_shipping_information_is_refused_and_changes_nothing(client):
    first, second = packed_order(client), packed_order(client)
    ship(client, first, "YT0000000001")

    for tracking_number in ("YT1", "YT-0000-0001", "Y" * 41):
        with pytest.raises(BadRequestError) as raised:
            ship(client, second, tracking_number)
        assert raised.value.details[0]["field"] == "tracking_number"
    with pytest.raises(ConflictError) as raised:
        ship(client, second, "YT0000000001")
    assert raised.value.code == "tracking_number_taken"
    with pytest.raises(NotFoundError):
        client.semi_hosted.accept(399999999999999)

    assert get(client, second).statuses == ["packed"]
    assert len(events(client, "order.shipped")) == 1
