"""The AliExpress semi-hosted walk over HTTP: accept, pack, ship with the seller's carrier, the
buyer confirms receipt; the ship deadline (end of calendar day 2, CN local time), the tiered
late fine charged when the order ships or is canceled, and the cancellation 7 days past the due
day, each at its boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mockplatform.orders import states
from tests.api.support import assert_error

CST = timezone(timedelta(hours=8), "CST")  # China: the seller's local time
ICT = timezone(timedelta(hours=7), "ICT")
ONE_SECOND = timedelta(seconds=1)
# Placed Monday 5 January 2026, 10:00 in China (and in Malaysia, also UTC+8).
MONDAY_10AM = datetime(2026, 1, 5, 10, 0, tzinfo=CST)
WEDNESDAY_END = datetime(2026, 1, 7, 23, 59, 59, tzinfo=CST)  # due day: calendar day 2
CANCEL_AT = datetime(2026, 1, 14, 23, 59, 59, tzinfo=CST)  # 7 days past the due day


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class Shop:
    """An aliexpress sandbox with one product (100.00 a unit, 10 in stock) and its caller."""

    def __init__(self, api, **spec):
        spec = {"platform": "aliexpress", "market": "MY", "start_at": MONDAY_10AM.isoformat(),
                **spec}
        self.body, self.http = api.create_sandbox(**spec)
        self.base = f"/api/v1/sandboxes/{self.body['id']}"
        product = self.http.post("/api/v1/products", json={
            "name": "Lamp", "skus": [{"seller_sku": "LAMP-1", "price": "100.00", "stock": 10}]})
        assert product.status_code == 201, product.get_json()
        self.item_id = product.get_json()["item_id"]
        self.sku_id = product.get_json()["skus"][0]["sku_id"]

    def place(self, quantity: int = 2) -> dict:
        response = self.http.post("/api/v1/test_helpers/orders", json={
            "items": [{"sku_id": self.sku_id, "quantity": quantity}]})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def post(self, order: dict, action: str, json=None, status: int = 200) -> dict:
        response = self.http.post(f"/api/v1/orders/{order['order_id']}/{action}", json=json)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def accept(self, order):
        return self.post(order, "accept")

    def pack(self, order):
        return self.post(order, "pack", status=201)

    def ship(self, order, tracking_number="YT2601050001", carrier="YunExpress"):
        return self.post(order, "ship", {"shipment_provider": carrier,
                                         "tracking_number": tracking_number})

    def packed(self, quantity: int = 2) -> dict:
        order = self.place(quantity)
        self.accept(order)
        self.pack(order)
        return order

    def confirm_receipt(self, order, status: int = 200):
        response = self.http.post(
            f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt")
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def get(self, order) -> dict:
        return self.http.get(f"/api/v1/orders/{order['order_id']}").get_json()

    def advance_to(self, moment: datetime) -> dict:
        response = self.http.post(f"{self.base}/clock/advance", json={"to": moment.isoformat()})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def events(self, type_: str) -> list[dict]:
        return self.http.get(f"/api/v1/events?type={type_}&limit=100").get_json()["data"]

    def fines(self) -> list[dict]:
        return self.http.get("/api/v1/ledger?kind=fine").get_json()["data"]

    def stock(self) -> int:
        return self.http.get(f"/api/v1/products/{self.item_id}").get_json()["skus"][0]["stock"]


@pytest.fixture
def shop(api) -> Shop:
    return Shop(api)


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


# -- semi_hosted.late_fine -----------------------------------------------------------------------

@pytest.mark.parametrize(("late_by", "tier", "amount"), [
    (timedelta(seconds=1), "short_delay", "-100.00"),
    (timedelta(hours=48), "short_delay", "-100.00"),  # exactly 48 h late: still 50%
    (timedelta(hours=48, seconds=1), "long_delay", "-200.00"),
])
def test_shipping_late_is_fined_by_how_late_it_ships(shop, late_by, tier, amount):
    order = shop.packed(quantity=2)  # product price 200.00
    shipped_at = WEDNESDAY_END + late_by

    shop.advance_to(shipped_at)
    shipped = shop.ship(order)

    [fine] = shop.fines()
    assert (fine["kind"], fine["amount"], fine["policy_key"]) == (
        "fine", amount, "semi_hosted.late_fine")
    assert fine["occurred_at"] == utc(shipped_at)
    assert fine["details"]["tier"] == tier
    assert fine["details"]["late_by"] == shipped["deadlines"]["shipped_late_by"]
    [event] = shop.events("order.shipped")
    assert event["data"]["late_fine"]["entry_id"] == fine["id"]
    assert event["data"]["late_fine"]["amount"] == amount.lstrip("-")


def test_the_fine_is_a_share_of_the_product_price_only(api):
    shop = Shop(api)
    response = shop.http.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": shop.sku_id, "quantity": 3}], "shipping": "local"})
    order = response.get_json()
    shop.accept(order)
    shop.pack(order)
    shop.advance_to(WEDNESDAY_END + timedelta(days=3))
    shop.ship(order)
    assert [f["amount"] for f in shop.fines()] == ["-300.00"]


def test_the_fine_shares_follow_the_sandboxs_policy_overrides(api):
    shop = Shop(api, policy_overrides={"semi_hosted.late_fine": {"short_delay_fine": "0.3"}})
    order = shop.packed(quantity=1)
    shop.advance_to(WEDNESDAY_END + timedelta(hours=1))
    shop.ship(order)
    assert [f["amount"] for f in shop.fines()] == ["-30.00"]


# -- semi_hosted.cancel_after --------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["pending", "accepted", "packed"])
def test_an_order_still_not_shipped_7_days_past_its_due_day_is_canceled_and_fined(shop, stage):
    order = shop.place(quantity=2)
    if stage != "pending":
        shop.accept(order)
    if stage == "packed":
        package_id = shop.pack(order)["package_id"]
    assert shop.stock() == 8

    shop.advance_to(CANCEL_AT - ONE_SECOND)
    assert shop.get(order)["statuses"] == [stage]
    assert shop.events("order.canceled") == []
    assert shop.fines() == []

    shop.advance_to(CANCEL_AT)
    canceled = shop.get(order)
    assert canceled["statuses"] == ["canceled"]
    assert {(i["reason"], i["cancel_return_initiator"]) for i in canceled["items"]} == {
        ("not_shipped_in_time", "cancellation-internal")}
    [fine] = shop.fines()
    assert (fine["amount"], fine["policy_key"], fine["occurred_at"]) == (
        "-200.00", "semi_hosted.late_fine", utc(CANCEL_AT))
    assert fine["details"]["tier"] == "long_delay"
    assert fine["details"]["occasion"] == "canceled_not_shipped"
    [event] = shop.events("order.canceled")
    assert event["occurred_at"] == utc(CANCEL_AT)
    assert event["data"]["policy_key"] == "semi_hosted.cancel_after"
    assert event["data"]["late_fine"]["entry_id"] == fine["id"]
    assert shop.stock() == 10
    if stage == "packed":
        package = shop.http.get(f"/api/v1/packages/{package_id}").get_json()
        assert package["status"] == "canceled"


def test_an_order_shipped_late_is_fined_once_and_never_canceled(shop):
    order = shop.packed()
    shop.advance_to(WEDNESDAY_END + timedelta(days=5))
    shop.ship(order)

    shop.advance_to(CANCEL_AT + timedelta(days=30))

    assert shop.get(order)["statuses"] == ["shipped"]
    assert [f["details"]["occasion"] for f in shop.fines()] == ["shipped"]


def test_an_order_canceled_by_the_seller_after_its_deadline_is_fined_once(shop):
    order = shop.place()
    shop.advance_to(WEDNESDAY_END + timedelta(hours=5))

    canceled = shop.post(order, "cancel", {"reason": "out_of_stock"})

    assert canceled["statuses"] == ["canceled"]
    assert {i["cancel_return_initiator"] for i in canceled["items"]} == {"cancellation-seller"}
    [fine] = shop.fines()
    assert (fine["amount"], fine["details"]["occasion"]) == ("-100.00", "canceled_by_seller")
    [event] = shop.events("order.canceled")
    assert event["data"]["late_fine"]["entry_id"] == fine["id"]
    shop.advance_to(CANCEL_AT + timedelta(days=1))
    assert len(shop.fines()) == 1


def test_an_order_canceled_by_the_seller_in_time_is_not_fined(shop):
    order = shop.packed()
    shop.advance_to(WEDNESDAY_END - ONE_SECOND)

    shop.post(order, "cancel", {"reason": "sourcing_delay"})

    assert shop.fines() == []
    assert shop.stock() == 10
    shop.advance_to(CANCEL_AT + timedelta(days=1))
    assert shop.fines() == []
    assert shop.events("order.ship_deadline_passed") == []


# -- illegal steps and the wrong flow -------------------------------------------------------------

@pytest.mark.parametrize(("steps", "action", "status", "allowed"), [
    ([], "pack", "pending", ["accept", "cancel"]),
    ([], "ship", "pending", ["accept", "cancel"]),
    (["accept"], "accept", "accepted", ["pack", "cancel"]),
    (["accept"], "ship", "accepted", ["pack", "cancel"]),
    (["accept", "pack"], "pack", "packed", ["ship", "cancel"]),
    (["accept", "pack", "ship"], "cancel", "shipped", []),
    (["accept", "pack", "ship"], "ship", "shipped", []),
])
def test_an_illegal_step_is_a_409_naming_the_status_and_what_is_allowed(shop, steps, action,
                                                                        status, allowed):
    order = shop.place()
    for step in steps:
        getattr(shop, step)(order)
    body = {"ship": {"shipment_provider": "SF Express", "tracking_number": "SF1234567890"},
            "cancel": {"reason": "out_of_stock"}}.get(action)

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/{action}", json=body)

    error = assert_error(response, 409, "invalid_state_transition", field="state")
    assert error["details"][0]["current_state"] == status
    assert error["details"][0]["allowed_actions"] == allowed
    assert f"is {status}: cannot {action}" in error["message"]


def test_the_buyer_confirms_receipt_only_of_a_shipped_order(shop):
    order = shop.packed()
    error = assert_error(shop.http.post(
        f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt"),
        409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "packed"
    shop.ship(order)
    shop.confirm_receipt(order)
    error = assert_error(shop.http.post(
        f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt"),
        409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "delivered"


def test_a_canceled_order_takes_no_more_steps(shop):
    order = shop.place()
    shop.post(order, "cancel", {"reason": "wrong_price"})
    error = assert_error(shop.http.post(f"/api/v1/orders/{order['order_id']}/accept"),
                         409, "invalid_state_transition")
    assert error["details"][0]["current_state"] == "canceled"
    assert error["details"][0]["allowed_actions"] == []


def test_lazadas_ready_to_ship_is_not_a_semi_hosted_step(shop):
    order = shop.packed()

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={})

    error = assert_error(response, 409, "wrong_order_flow", field="order_id")
    assert "semi_hosted flow" in error["message"]
    assert "lazada and tiktok flows" in error["message"]
    assert error["details"][0]["flow"] == "semi_hosted"
    assert error["details"][0]["allowed_actions"] == ["ship", "cancel"]
    assert shop.get(order)["statuses"] == ["packed"]


@pytest.mark.parametrize(("path", "body"), [
    ("accept", None),
    ("ship", {"shipment_provider": "SF Express", "tracking_number": "SF1234567890"}),
])
def test_semi_hosted_steps_are_refused_on_a_lazada_order(sbx, path, body):
    product = sbx.post("/api/v1/products", json={
        "name": "Fan", "skus": [{"seller_sku": "FAN-1", "price": "50.00", "stock": 5}]})
    order = sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": product.get_json()["skus"][0]["sku_id"]}]}).get_json()
    assert order["flow"] == "lazada"

    response = sbx.post(f"/api/v1/orders/{order['order_id']}/{path}", json=body)

    error = assert_error(response, 409, "wrong_order_flow", field="order_id")
    assert "lazada flow" in error["message"] and "semi_hosted flow" in error["message"]
    assert error["details"][0]["allowed_actions"] == ["pack", "cancel"]
    response = sbx.post(f"/api/v1/test_helpers/orders/{order['order_id']}/confirm_receipt")
    assert_error(response, 409, "wrong_order_flow", field="order_id")
    assert sbx.get(f"/api/v1/orders/{order['order_id']}").get_json()["statuses"] == ["pending"]


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field"), [
    ({"shipment_provider": "SF Express"}, "tracking_number"),
    ({"tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": "SF Express", "tracking_number": "SF123"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "S" * 41}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "SF-1234567"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "SF1234567\n"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": "ＳＦ12345678"}, "tracking_number"),
    ({"shipment_provider": "SF Express", "tracking_number": 12345678}, "tracking_number"),
    ({"shipment_provider": "", "tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": " SF", "tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": "SF\tExpress", "tracking_number": "SF1234567890"},
     "shipment_provider"),
    ({"shipment_provider": "S" * 61, "tracking_number": "SF1234567890"}, "shipment_provider"),
    ({"shipment_provider": "SF", "tracking_number": "SF1234567890", "eta": "soon"}, "eta"),
])
def test_bad_shipping_information_is_a_400_naming_the_field_and_changes_nothing(shop, body,
                                                                                field):
    order = shop.packed()
    shop.advance_to(WEDNESDAY_END + timedelta(hours=1))

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/ship", json=body)

    assert_error(response, 400, "validation_failed", field=field)
    assert shop.get(order)["statuses"] == ["packed"]
    assert shop.fines() == []


def test_a_tracking_number_another_package_has_is_a_409_and_changes_nothing(shop):
    first, second = shop.packed(1), shop.packed(1)
    shop.ship(first, tracking_number="YT0000000001")
    shop.advance_to(WEDNESDAY_END + timedelta(hours=1))

    response = shop.http.post(f"/api/v1/orders/{second['order_id']}/ship", json={
        "shipment_provider": "YunExpress", "tracking_number": "YT0000000001"})

    error = assert_error(response, 409, "tracking_number_taken", field="tracking_number")
    assert error["details"][0]["order_id"] == first["order_id"]
    assert shop.get(second)["statuses"] == ["packed"]
    assert shop.fines() == []
    assert len(shop.events("order.shipped")) == 1
    # Another number goes through, and is fined for its lateness.
    shop.ship(second, tracking_number="YT0000000002")
    assert len(shop.fines()) == 1


@pytest.mark.parametrize("body", [{"order_item_ids": [1]}, {"shipment_provider": "SF Express"}])
def test_a_semi_hosted_order_is_packed_whole_and_without_a_carrier(shop, body):
    order = shop.place()
    shop.accept(order)
    if "order_item_ids" in body:
        body = {"order_item_ids": [order["items"][0]["order_item_id"]]}

    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/pack", json=body)

    assert_error(response, 400, "validation_failed", field=next(iter(body)))
    assert shop.get(order)["statuses"] == ["accepted"]
    assert shop.get(order)["package_ids"] == []


def test_a_semi_hosted_order_is_canceled_whole(shop):
    order = shop.place()
    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/cancel", json={
        "reason": "out_of_stock", "order_item_ids": [order["items"][0]["order_item_id"]]})
    assert_error(response, 400, "validation_failed", field="order_item_ids")
    assert shop.get(order)["statuses"] == ["pending"]


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/v1/orders/399999999999999/accept", 404, "order_not_found"),
    ("/api/v1/orders/399999999999999/ship", 404, "order_not_found"),
    ("/api/v1/test_helpers/orders/399999999999999/confirm_receipt", 404, "order_not_found"),
    ("/api/v1/orders/abc/accept", 400, "validation_failed"),
    ("/api/v1/orders/abc/ship", 400, "validation_failed"),
])
def test_an_unknown_or_malformed_order_id_is_refused(shop, path, status, code):
    body = {"shipment_provider": "SF Express", "tracking_number": "SF1234567890"} \
        if path.endswith("ship") else None
    assert_error(shop.http.post(path, json=body), status, code, field="order_id")


def test_accept_takes_no_body(shop):
    order = shop.place()
    response = shop.http.post(f"/api/v1/orders/{order['order_id']}/accept",
                              json={"note": "ok"})
    assert_error(response, 400, "validation_failed")
    assert shop.get(order)["statuses"] == ["pending"]


def test_the_platform_has_no_label_for_a_semi_hosted_package(shop):
    order = shop.packed()
    package_id = shop.get(order)["package_ids"][0]

    response = shop.http.get(f"/api/v1/packages/{package_id}/label")

    error = assert_error(response, 409, "no_label", field="package_id")
    assert "semi_hosted" in error["message"]
