"""Endpoints, the outbox and the dispatcher through the native API and a real receiver."""

from __future__ import annotations

from datetime import datetime, timedelta

from mockplatform_client import Client, webhooks

from tests.webhooks.conftest import place


def test_native_pushes_are_signed_and_carry_the_sandbox_instant(shop, receiver):
    receiver.subscribe(shop, event_types=["order.created"])
    order = place(shop)
    push = receiver.wait_for(1)[0]
    assert push.verified, push.error
    event = push.json
    assert event["type"] == "order.created"
    assert event["data"]["order_id"] == order.order_id
    assert event["occurred_at"] == shop.clock.get().now.replace("Z", "+00:00")
    assert push.headers["Mockplatform-Event-Id"] == event["id"]
    assert push.headers["Mockplatform-Attempt"] == "1"


def test_lazada_pushes_one_message_per_order_line(shop, receiver):
    receiver.subscribe(shop, event_types=["order.*"], format="lazada")
    order = place(shop, quantity=2)
    shop.orders.pack(order)
    pushes = receiver.wait_for(4)
    assert all(p.verified for p in pushes), [p.error for p in pushes]
    bodies = [p.json for p in pushes]
    assert {b["message_type"] for b in bodies} == {0}
    # The new order's lines, then each line packed.
    assert [b["data"]["order_status"] for b in bodies] == ["pending"] * 2 + ["packed"] * 2
    assert len({b["data"]["trade_order_line_id"] for b in bodies}) == 2
    assert bodies[0]["site"] == "lazada_my"
    assert bodies[0]["data"]["trade_order_id"] == str(order.order_id)


def test_a_failed_delivery_is_retried_at_the_sandbox_instant_and_not_a_second_before(
        shop, receiver, dispatcher):
    receiver.respond(status=500)
    endpoint = receiver.subscribe(shop, event_types=["order.packed"], format="lazada")
    shop.orders.pack(place(shop))
    receiver.wait_for(1)
    dispatcher.drain(shop.sandboxes.current().id)
    delivery = shop.webhook_deliveries.list(endpoint_id=endpoint.id).data[0]
    first = shop.webhook_deliveries.get(delivery.id)
    assert first.status == "pending" and first.attempts == 1
    [attempt] = first.attempt_log
    assert (attempt.status_code, attempt.error, attempt.trigger) == (500, "status", "auto")
    due = datetime.fromisoformat(first.next_attempt_at)
    assert due - datetime.fromisoformat(attempt.sandbox_at) == timedelta(minutes=30)

    receiver.respond(status=200)
    shop.clock.advance(to=(due - timedelta(seconds=1)).isoformat())
    dispatcher.drain(shop.sandboxes.current().id)
    assert shop.webhook_deliveries.get(delivery.id).attempts == 1
    assert len(receiver.pushes) == 1

    shop.clock.advance(by="PT1S")
    dispatcher.drain(shop.sandboxes.current().id)
    second = shop.webhook_deliveries.get(delivery.id)
    assert (second.status, second.attempts) == ("delivered", 2)
    assert second.attempt_log[1].sandbox_at.replace("Z", "+00:00") == due.isoformat()
    assert receiver.wait_for(2)[1].attempt == 2


def test_lazada_gives_up_after_twelve_retries(shop, receiver, dispatcher):
    receiver.respond(status=503)
    receiver.subscribe(shop, event_types=["order.packed"], format="lazada")
    shop.orders.pack(place(shop))
    sandbox_id = shop.sandboxes.current().id
    receiver.wait_for(1)
    dispatcher.drain(sandbox_id)
    for _ in range(12):
        shop.clock.advance(by="PT30M")
        dispatcher.drain(sandbox_id)
    delivery = shop.webhook_deliveries.list().data[0]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 13, None)
    shop.clock.advance(by="P1D")
    dispatcher.drain(sandbox_id)
    assert len(receiver.pushes) == 13


def test_hanging_and_closing_receivers_block_nothing_and_lose_nothing(shop, receiver,
                                                                       dispatcher):
    receiver.respond(delay=1.5)  # past Lazada's 500 ms
    receiver.subscribe(shop, event_types=["order.packed"], format="lazada")
    shop.orders.pack(place(shop))
    shop.clock.advance(by="PT1M")  # answered while the push hangs
    sandbox_id = shop.sandboxes.current().id
    dispatcher.drain(sandbox_id)
    [delivery] = shop.webhook_deliveries.list().data
    log = shop.webhook_deliveries.get(delivery.id).attempt_log
    assert log[0].error == "timeout" and log[0].status_code is None

    receiver.respond(close=True)
    shop.clock.advance(by="PT30M")
    dispatcher.drain(sandbox_id)
    log = shop.webhook_deliveries.get(delivery.id).attempt_log
    assert log[1].error in ("closed", "reset")

    receiver.respond(status=200)
    shop.clock.advance(by="PT30M")
    dispatcher.drain(sandbox_id)
    assert shop.webhook_deliveries.get(delivery.id).status == "delivered"


def test_resend_makes_a_manual_attempt_of_the_same_delivery(shop, receiver, dispatcher):
    receiver.subscribe(shop, event_types=["order.created"])
    place(shop)
    first = receiver.wait_for(1)[0]
    delivery_id = first.headers["Mockplatform-Delivery"]
    dispatcher.drain(shop.sandboxes.current().id)
    shop.webhook_deliveries.resend(delivery_id)
    again = receiver.wait_for(2)[1]
    assert again.headers["Mockplatform-Delivery"] == delivery_id
    assert again.body == first.body and again.verified
    dispatcher.drain(shop.sandboxes.current().id)
    log = shop.webhook_deliveries.get(delivery_id).attempt_log
    assert [a.trigger for a in log] == ["auto", "manual"]


def test_the_endpoint_log_lists_every_attempt(shop, receiver, dispatcher):
    endpoint = receiver.subscribe(shop, event_types=["order.*"])
    order = place(shop)
    shop.orders.pack(order)
    receiver.wait_for(2)
    dispatcher.drain(shop.sandboxes.current().id)
    attempts = shop.webhook_endpoints.attempts(endpoint.id).data
    assert [a.succeeded for a in attempts] == [True, True]
    assert all(a.latency_ms >= 0 and a.wall_at for a in attempts)
    delivered = shop.webhook_deliveries.list(status="delivered", event_type="order.packed").data
    assert len(delivered) == 1


def test_the_same_seed_and_calls_give_the_same_bodies(server, receiver, dispatcher):
    from mockplatform_client import Client

    admin = Client(server.url, max_retries=0)
    bodies = []
    for _ in range(2):
        client = admin.for_sandbox(admin.sandboxes.create(platform="lazada", market="MY",
                                                          seed=11))
        endpoint = client.webhook_endpoints.create("http://127.0.0.1:9/none", format="lazada")
        order = place(client, quantity=2)
        client.orders.pack(order)
        client.orders.ready_to_ship(order)
        client.clock.advance(by="P3D")
        bodies.append([client.webhook_deliveries.get(d.id).body
                       for d in client.webhook_deliveries.list().auto_paging_iter()])
        assert endpoint.secret.startswith("whsec_")
        client.sandboxes.delete(client.sandboxes.current().id)
    assert bodies[0] and bodies[0] == bodies[1]


def test_the_sdk_verifier_refuses_tampering_and_old_stamps():
    header = webhooks.sign(b'{"a":1}', "whsec_x" * 3, timestamp=1_000)
    assert webhooks.verify(b'{"a":1}', header, "whsec_x" * 3, now=1_100) == {"a": 1}
    for payload, secret, now, words in [(b'{"a":2}', "whsec_x" * 3, 1_100, "no v1 signature"),
                                        (b'{"a":1}', "other-secret-000", 1_100, "no v1"),
                                        (b'{"a":1}', "whsec_x" * 3, 1_301, "tolerance")]:
        try:
            webhooks.verify(payload, header, secret, now=now)
        except webhooks.SignatureVerificationError as exc:
            assert words in str(exc)
        else:
            raise AssertionError("accepted")


def test_a_reverse_order_push_names_the_gateways_line_ids(shop, receiver):
    order = place(shop)
    shop.orders.pack(order)
    shop.orders.ready_to_ship(order)
    shop.clock.advance(by="P8D")  # delivered
    receiver.subscribe(shop, event_types=["aftersales.*"], format="lazada")
    request = shop.aftersales.open("return_and_refund", order.order_id, "damaged_item")
    [push] = receiver.wait_for(1)
    body = push.json
    assert (body["message_type"], body["data"]["reverse_status"]) == (10, "REQUEST_INITIATE")
    assert body["data"]["reverse_order_id"] == request.aftersales_id
    # The line the gateway's /order/reverse/return/detail/list names: id * 1000 + place.
    assert body["data"]["reverse_order_line_id"] == request.aftersales_id * 1000 + 1
    assert body["data"]["trade_order_line_id"] == request.order_item_ids[0]


def test_tiktok_shop_pushes_an_order_status_change_signed_as_the_platform(server, receiver):
    admin = Client(server.url, max_retries=0)
    created = admin.sandboxes.create(platform="tiktok_shop", market="TH", seed=5)
    tiktok = admin.for_sandbox(created)
    try:
        receiver.subscribe(tiktok, event_types=["order.*"], format="tiktok_shop")
        order = place(tiktok)
        pushes = receiver.wait_for(1)
        assert pushes[0].verified, pushes[0].error
        body = pushes[0].json
        assert (body["type"], body["data"]["order_id"]) == (1, str(order.order_id))
        assert (body["data"]["order_status"], body["data"]["is_on_hold_order"]) == (
            "ON_HOLD", True)
        assert body["tts_notification_id"].isdigit() and body["shop_id"].isdigit()
    finally:
        tiktok.sandboxes.delete(created.id)
