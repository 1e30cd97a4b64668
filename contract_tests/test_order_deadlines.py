"""The order deadlines of the Lazada profile at their boundaries, through the SDK only: one
second before, nothing has happened; at the deadline, the effect and its event have.

- ``order.rts_deadline``: 48 h after the order, counted in ``hours_excl_non_working`` (the
  market's weekends and public holidays do not count) for cross-border shipping and in plain
  hours for local shipping. Items still pending or packed are canceled
  (``rts_deadline_missed``), ``order.canceled`` is emitted, each item is fined
  ``order.late_rts_fine`` (USD 5, converted into the market currency) and its unit goes back
  into stock.
- ``logistics.first_mile_scan_deadline``: 7 calendar days after ready to ship, a package that
  never reached the origin sorting centre is canceled and its items are never paid.
- ``order.delayed_warning`` ([choice]): 24 h before the RTS deadline (2 days before the
  first-mile deadline) the order enters the "delayed" view and ``order.delayed`` is emitted; it
  leaves the view once the cause is gone.

Every deadline the order shows (``deadlines.rts_deadline``, ``deadlines.first_mile_scan_deadline``)
is the instant its effect happens.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from mockplatform_client import InvalidStateTransitionError

MYT = timezone(timedelta(hours=8))
ONE_SECOND = timedelta(seconds=1)
# A carrier that does not come: every journey step (pickup included) well after the first-mile
# deadline, even moved earlier by the seed's jitter, so the package is never scanned and the
# deadline fires whatever the journey does before it.
SLOW_JOURNEY = {"logistics.journey": {
    "pickup": "P20D", "origin_sorting_scan": "P20D", "uplift": "P21D",
    "destination_arrival": "P22D", "customs": "P22DT12H", "last_mile_hub": "P23D",
    "out_for_delivery": "P24D", "delivery_attempt": "P24DT8H"}}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def policy(client, key: str):
    [found] = [p for p in client.policies.get().policies if p.key == key]
    return found.value


def stocked(client, stock: int = 10):
    """A listed product with one SKU of ``stock`` units."""
    product = client.products.create(name="Phone Case", skus=[
        {"seller_sku": "CASE-BLK", "price": "19.90", "stock": stock}])
    return product, product.skus[0]


def stock_of(client, product) -> int:
    return client.products.get(product.item_id).skus[0].stock


def events_of(client, type_: str, order) -> list:
    return [event for event in client.events.list(type=type_).auto_paging_iter()
            if event.data.order_id == order.order_id]


def fines(client) -> list:
    return list(client.ledger.list(kind="fine").auto_paging_iter())


def item_statuses(client, order) -> list[str]:
    return [item.status for item in client.orders.items(order)]


def item_ids(order) -> list[int]:
    return [item.order_item_id for item in order["items"]]


# -- order.rts_deadline -------------------------------------------------------------------------

def assert_canceled_and_fined_at(client, order, product, deadline: datetime) -> None:
    """The RTS deadline's boundary: nothing at ``deadline`` - 1 s; at ``deadline`` every item
    canceled, ``order.canceled``, one USD 5 fine per item and the units back in stock."""
    units = order.items_count
    stock_before = stock_of(client, product)
    assert at(order.deadlines.rts_deadline) == deadline

    client.clock.advance(to=deadline - ONE_SECOND)
    assert set(item_statuses(client, order)) <= {"pending", "packed"}
    assert events_of(client, "order.canceled", order) == []
    assert fines(client) == []
    assert stock_of(client, product) == stock_before

    result = client.clock.advance(to=deadline)
    assert result.timers_fired >= 1
    items = client.orders.items(order)
    assert {(i.status, i.reason, i.cancel_return_initiator) for i in items} == {
        ("canceled", "rts_deadline_missed", "cancellation-internal")}
    [canceled] = events_of(client, "order.canceled", order)
    assert at(canceled.occurred_at) == deadline
    assert canceled.data.order_item_ids == item_ids(order)
    assert canceled.data.policy_key == "order.rts_deadline"
    assert at(canceled.data.deadline) == deadline
    charged = fines(client)
    assert sorted(fine.subject for fine in charged) == sorted(
        f"order_item:{item_id}" for item_id in item_ids(order))
    assert len(charged) == units
    for fine in charged:
        assert at(fine.occurred_at) == deadline
        assert (fine.amount, fine.currency, fine.direction) == ("-5.00", "USD", "debit")
        assert fine.policy_key == "order.late_rts_fine"
        assert fine.market_currency == "MYR"
        converted = (Decimal(fine.amount) * Decimal(fine.rate)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal(fine.market_amount) == converted < 0
    assert canceled.data.fine_entry_ids == [fine.id for fine in charged]
    assert stock_of(client, product) == stock_before + units
    assert client.orders.get(order).deadlines.rts_deadline == order.deadlines.rts_deadline


@pytest.mark.mockplatform_sandbox(start_at=datetime(2026, 1, 9, 15, 0, tzinfo=MYT))
def test_a_cross_border_order_on_friday_afternoon_is_due_on_tuesday(client):
    assert policy(client, "order.late_rts_fine") == {"amount": "5.00", "currency": "USD"}
    product, sku = stocked(client)

    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 2}])

    # Fri 9 Jan 2026 15:00 MYT: 9 h of Friday, Saturday and Sunday skipped, 24 h of Monday,
    # 15 h of Tuesday: Tue 13 Jan 15:00 MYT.
    deadline = datetime(2026, 1, 13, 15, 0, tzinfo=MYT)
    assert at(client.request("GET", "/api/v1/calendar/deadline", params={
        "from": order.created_at, "duration": "PT48H",
        "kind": "hours_excl_non_working"}).due_at) == deadline
    assert stock_of(client, product) == 8
    assert_canceled_and_fined_at(client, order, product, deadline)


@pytest.mark.mockplatform_sandbox(start_at=datetime(2025, 3, 27, 16, 0, tzinfo=MYT))
def test_a_cross_border_order_before_hari_raya_is_due_after_it(client):
    product, sku = stocked(client)

    order = client.test_helpers.place_order([{"sku_id": sku.sku_id}], shipping="cross_border")

    # Thu 27 Mar 2025 16:00 MYT: 8 h of Thursday, 24 h of Friday; the weekend and Hari Raya
    # Aidilfitri (Mon 31 Mar, Tue 1 Apr) skipped; 16 h of Wednesday: Wed 2 Apr 16:00 MYT.
    off = {day.date for day in client.request("GET", "/api/v1/calendar", params={
        "from": "2025-03-27", "to": "2025-04-02"}).non_working_days}
    assert off == {"2025-03-29", "2025-03-30", "2025-03-31", "2025-04-01"}
    assert_canceled_and_fined_at(client, order, product, datetime(2025, 4, 2, 16, 0,
                                                                  tzinfo=MYT))


@pytest.mark.mockplatform_sandbox(start_at=datetime(2026, 1, 9, 15, 0, tzinfo=MYT))
def test_a_local_order_is_due_48_clock_hours_later_weekend_or_not(client):
    product, sku = stocked(client)

    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 3}],
                                            shipping="local")

    # Plain hours: Fri 9 Jan 15:00 MYT + 48 h = Sun 11 Jan 15:00 MYT.
    assert_canceled_and_fined_at(client, order, product, datetime(2026, 1, 11, 15, 0,
                                                                  tzinfo=MYT))


def test_a_packed_order_not_ready_to_ship_is_canceled_too(client):
    product, sku = stocked(client)
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 2}])
    package = client.orders.pack(order)
    # The sandbox starts on Monday 5 Jan 2026 09:00 MYT: 48 working hours end on Wednesday.
    deadline = datetime(2026, 1, 7, 9, 0, tzinfo=MYT)

    assert_canceled_and_fined_at(client, order, product, deadline)

    assert client.packages.get(package).status == "canceled"
    with pytest.raises(InvalidStateTransitionError):
        client.packages.label(package)


def test_a_ready_to_ship_order_is_not_canceled(client):
    product, sku = stocked(client)
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 2}])
    client.orders.pack(order)
    client.orders.ready_to_ship(order)
    deadline = at(order.deadlines.rts_deadline)

    client.clock.advance(to=deadline + ONE_SECOND)

    assert "canceled" not in item_statuses(client, order)
    assert events_of(client, "order.canceled", order) == []
    assert fines(client) == []
    assert stock_of(client, product) == 8


def test_only_the_items_not_ready_are_canceled_and_fined(client):
    product, sku = stocked(client)
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 3}])
    first, second, third = item_ids(order)
    client.orders.pack(order, order_item_ids=[first])
    client.orders.ready_to_ship(order)
    client.orders.pack(order, order_item_ids=[second])
    deadline = at(order.deadlines.rts_deadline)

    client.clock.advance(to=deadline - ONE_SECOND)
    assert item_statuses(client, order) == ["ready_to_ship", "packed", "pending"]
    client.clock.advance(to=deadline)

    assert item_statuses(client, order)[1:] == ["canceled", "canceled"]
    assert item_statuses(client, order)[0] != "canceled"
    [canceled] = events_of(client, "order.canceled", order)
    assert canceled.data.order_item_ids == [second, third]
    assert sorted(fine.subject for fine in fines(client)) == [
        f"order_item:{second}", f"order_item:{third}"]
    assert stock_of(client, product) == 10 - 1


# -- logistics.first_mile_scan_deadline ---------------------------------------------------------

@pytest.mark.mockplatform_sandbox(policy_overrides=SLOW_JOURNEY)
def test_a_package_never_scanned_in_7_days_is_canceled_and_never_paid(client):
    product, sku = stocked(client)
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": 2}])
    package = client.orders.pack(order)
    client.clock.advance(by=timedelta(hours=5))
    readied = client.orders.ready_to_ship(order)
    handed_over = at(client.packages.get(package).ready_to_ship_at)
    deadline = handed_over + timedelta(days=7)  # calendar days: no calendar can move it
    assert at(readied.deadlines.first_mile_scan_deadline) == deadline
    assert at(client.packages.get(package).first_mile_scan_deadline) == deadline
    subjects = [f"order_item:{item_id}" for item_id in item_ids(order)]

    client.clock.advance(to=deadline - ONE_SECOND)
    assert item_statuses(client, order) == ["ready_to_ship", "ready_to_ship"]
    assert client.packages.get(package).first_mile_scanned_at is None
    assert events_of(client, "order.canceled", order) == []
    assert list(client.events.list(type="settlement.item_unsettleable").auto_paging_iter()) == []

    client.clock.advance(to=deadline)
    items = client.orders.items(order)
    assert {(i.status, i.reason, i.cancel_return_initiator) for i in items} == {
        ("canceled", "first_mile_scan_missed", "cancellation-internal")}
    [canceled] = events_of(client, "order.canceled", order)
    assert at(canceled.occurred_at) == deadline
    assert canceled.data.policy_key == "logistics.first_mile_scan_deadline"
    assert canceled.data.package_id == package.package_id
    unsettleable = list(client.events.list(type="settlement.item_unsettleable")
                        .auto_paging_iter())
    assert sorted(event.subject for event in unsettleable) == subjects
    assert {at(event.occurred_at) for event in unsettleable} == {deadline}
    assert client.packages.get(package).status == "canceled"
    assert client.orders.get(order).deadlines.first_mile_scan_deadline == \
        readied.deadlines.first_mile_scan_deadline
    assert fines(client) == []  # the RTS deadline was met: no late fine

    # Never paid: not in the weekly statements that follow.
    client.clock.advance(by=timedelta(days=30))
    assert [entry.subject for entry in client.ledger.list(kind="settlement").auto_paging_iter()
            if entry.subject in subjects] == []


# -- order.delayed_warning ----------------------------------------------------------------------

def delayed_orders(client) -> list[int]:
    return [order.order_id for order in client.orders.list(delayed=True).auto_paging_iter()]


def test_an_order_enters_the_delayed_view_24_hours_before_its_rts_deadline(client):
    assert policy(client, "order.delayed_warning").before_rts_deadline == "P1D"
    _, sku = stocked(client)
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id}])
    on_time = client.test_helpers.place_order([{"sku_id": sku.sku_id}])
    client.orders.pack(on_time)
    client.orders.ready_to_ship(on_time)
    warning = at(order.deadlines.rts_deadline) - timedelta(hours=24)

    client.clock.advance(to=warning - ONE_SECOND)
    assert delayed_orders(client) == []
    assert client.orders.get(order).delayed is False
    assert events_of(client, "order.delayed", order) == []

    client.clock.advance(to=warning)
    assert delayed_orders(client) == [order.order_id]
    assert client.orders.get(order).delayed is True
    [delayed] = events_of(client, "order.delayed", order)
    assert at(delayed.occurred_at) == warning
    assert delayed.data.deadline == "rts_deadline"
    assert delayed.data.deadlines.rts_deadline == order.deadlines.rts_deadline
    assert [o.order_id for o in client.orders.list(delayed=False).auto_paging_iter()] == [
        on_time.order_id]

    client.orders.pack(order)
    assert delayed_orders(client) == [order.order_id]  # packed still awaits the deadline
    client.orders.ready_to_ship(order)
    assert delayed_orders(client) == []
    assert client.orders.get(order).delayed is False


@pytest.mark.mockplatform_sandbox(policy_overrides=SLOW_JOURNEY)
def test_a_package_waiting_for_its_scan_is_delayed_2_days_before_the_first_mile_deadline(
        client):
    assert policy(client, "order.delayed_warning").before_first_mile_scan_deadline == "P2D"
    _, sku = stocked(client)
    order = client.test_helpers.place_order([{"sku_id": sku.sku_id}])
    client.orders.pack(order)
    readied = client.orders.ready_to_ship(order)
    deadline = at(readied.deadlines.first_mile_scan_deadline)
    warning = deadline - timedelta(days=2)

    client.clock.advance(to=warning - ONE_SECOND)
    assert delayed_orders(client) == []
    assert events_of(client, "order.delayed", order) == []

    client.clock.advance(to=warning)
    assert delayed_orders(client) == [order.order_id]
    [delayed] = events_of(client, "order.delayed", order)
    assert at(delayed.occurred_at) == warning
    assert delayed.data.deadline == "first_mile_scan_deadline"

    # Canceled at the deadline: an order canceled is not delayed.
    client.clock.advance(to=deadline)
    assert delayed_orders(client) == []
    assert client.orders.get(order).statuses == ["canceled"]
