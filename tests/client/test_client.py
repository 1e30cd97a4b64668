"""Binding to a sandbox, choosing the bearer, sending times and durations, the resources."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from mockplatform_client import NEXT_TIMER, Client, MockplatformObject, Page

from .payloads import list_payload, sandbox_payload

CLOCK = {"object": "clock", "now": "2025-01-08T01:00:00+00:00", "mode": "frozen", "speed": 1.0,
         "next_timer_at": None, "timers_pending": 0}


def test_for_sandbox_binds_the_sandbox_key_and_id(make_client, server):
    server.reply(201, sandbox_payload("sbx_9", "sk_9")).reply(200, CLOCK)
    admin = make_client(admin_token="adm", timeout=3.0, max_retries=4)

    client = admin.for_sandbox(admin.sandboxes.create(platform="lazada", market="MY"))
    client.clock.get()

    assert (client.api_key, client.sandbox_id, client.admin_token) == ("sk_9", "sbx_9", "adm")
    assert (client.base_url, client.timeout, client.max_retries) == (server.url, 3.0, 4)
    assert server.requests[1].path == "/api/v1/sandboxes/sbx_9/clock"
    assert server.requests[1].bearer == "sk_9"
    assert admin.api_key is None and admin.sandbox_id is None


def test_for_sandbox_with_an_id_and_a_key(make_client, server):
    server.reply(200, CLOCK)

    make_client().for_sandbox("sbx_2", api_key="sk_2").clock.freeze()

    assert server.requests[0].path == "/api/v1/sandboxes/sbx_2/clock/freeze"
    assert server.requests[0].bearer == "sk_2"


def test_for_sandbox_needs_a_key_unless_an_admin_token_can_act(make_client):
    with pytest.raises(ValueError):
        make_client().for_sandbox("sbx_2")
    assert make_client(admin_token="adm").for_sandbox("sbx_2").sandbox_id == "sbx_2"


def test_the_sandbox_id_is_looked_up_once_from_the_api_key(make_client, server):
    server.reply(200, sandbox_payload("sbx_7", "sk_7")).reply(200, CLOCK).reply(200, CLOCK)
    client = make_client(api_key="sk_7")
    assert client.sandbox_id is None

    client.clock.get()
    client.clock.get()

    assert [r.path for r in server.requests] == [
        "/api/v1/sandbox", "/api/v1/sandboxes/sbx_7/clock", "/api/v1/sandboxes/sbx_7/clock"]
    assert client.sandbox_id == "sbx_7"


def test_a_clock_call_without_any_sandbox_says_so(make_client, server):
    with pytest.raises(ValueError, match="sandbox"):
        make_client(admin_token="adm").clock.get()
    assert server.requests == []


def test_the_bearer_is_the_api_key_but_sandbox_management_uses_the_admin_token(make_client,
                                                                              server):
    for _ in range(5):
        server.reply(200, sandbox_payload())
    client = make_client(api_key="sk_1", admin_token="adm", sandbox_id="sbx_1")

    client.sandboxes.create(platform="tiktok_shop", market="SG")
    client.sandboxes.delete("sbx_2")
    client.sandboxes.restore({"version": 1})
    client.sandboxes.current()
    client.sandboxes.reset()

    assert [r.bearer for r in server.requests] == ["adm", "adm", "adm", "sk_1", "sk_1"]


def test_without_an_api_key_the_admin_token_is_sent(make_client, server):
    server.reply(200, list_payload([]))

    make_client(admin_token="adm").events.list()

    assert server.requests[0].bearer == "adm"


def test_without_an_admin_token_sandbox_management_sends_the_api_key(make_client, server):
    server.reply(201, sandbox_payload())

    make_client(api_key="sk_1").sandboxes.create(platform="lazada", market="MY")

    assert server.requests[0].bearer == "sk_1"


def test_no_token_sends_no_authorization(make_client, server):
    server.reply(200, {"status": "ok"})

    assert make_client().health() == {"status": "ok"}

    assert "authorization" not in server.requests[0].headers
    assert server.requests[0].path == "/healthz"


def test_durations_and_timestamps_are_serialised(make_client, server):
    for _ in range(4):
        server.reply(200, {"object": "clock_advance", "clock": CLOCK})
    clock = make_client(sandbox_id="sbx_1").clock
    kuala_lumpur = timezone(timedelta(hours=8))

    clock.advance(by=timedelta(hours=49))
    clock.advance(by=3600)
    clock.advance(to=datetime(2025, 1, 9, 8, 30, tzinfo=kuala_lumpur))
    clock.advance(to=NEXT_TIMER)

    assert [r.json for r in server.requests] == [
        {"by": "PT49H"}, {"by": 3600}, {"to": "2025-01-09T08:30:00+08:00"},
        {"to": "next_timer"}]
    assert server.requests[0].path == "/api/v1/sandboxes/sbx_1/clock/advance"
    assert server.requests[0].headers["content-type"] == "application/json"


def test_timer_durations_and_create_options_are_serialised(make_client, server):
    server.reply(201, {"id": "tmr_1", "object": "timer"}).reply(201, sandbox_payload())
    client = make_client(sandbox_id="sbx_1")

    client.test_helpers.schedule_timer("reminder", delay=timedelta(seconds=90),
                                       repeat_every=timedelta(days=2), repeat_times=3)
    client.sandboxes.create(
        platform="lazada", market="TH", seed=3,
        start_at=datetime(2025, 1, 6, tzinfo=UTC), clock_mode="running", clock_speed=60,
        policy_overrides={"rts_window": timedelta(hours=48)},
        calendar_overrides=[{"date": date(2025, 1, 29), "working": False, "name": "CNY"}])

    timer, sandbox = server.requests
    assert timer.path == "/api/v1/test_helpers/timers"
    assert timer.json == {"label": "reminder", "delay": "PT1M30S", "repeat_every": "P2D",
                          "repeat_times": 3}
    assert sandbox.json == {
        "platform": "lazada", "market": "TH", "seed": 3, "start_at": "2025-01-06T00:00:00+00:00",
        "clock_mode": "running", "clock_speed": 60, "policy_overrides": {"rts_window": "P2D"},
        "calendar_overrides": [{"date": "2025-01-29", "working": False, "name": "CNY"}]}


def test_a_naive_datetime_is_refused_before_anything_is_sent(make_client, server):
    client = make_client(sandbox_id="sbx_1")

    with pytest.raises(ValueError, match="naive"):
        client.clock.advance(to=datetime(2025, 1, 9, 8, 30))
    with pytest.raises(ValueError, match="naive"):
        client.test_helpers.schedule_timer("x", at=datetime(2025, 1, 9))

    assert server.requests == []


def test_advance_takes_exactly_one_of_by_and_to(make_client):
    clock = make_client(sandbox_id="sbx_1").clock
    with pytest.raises(ValueError):
        clock.advance()
    with pytest.raises(ValueError):
        clock.advance(by=60, to=NEXT_TIMER)


def test_advance_returns_what_happened_with_events_that_page_on(make_client, server):
    first_events = list_payload([{"id": "evt_1", "type": "timer.fired"}], next_cursor="evt_1")
    server.reply(200, {"object": "clock_advance", "previous_now": "2025-01-06T00:00:00+00:00",
                       "clock": CLOCK, "timers_fired": 2, "events": first_events})
    server.reply(200, list_payload([{"id": "evt_2", "type": "timer.fired"}]))
    client = make_client(api_key="sk_1", sandbox_id="sbx_1")

    result = client.clock.advance(by=timedelta(hours=49))

    assert result.timers_fired == 2
    assert result.clock.now == "2025-01-08T01:00:00+00:00"
    assert isinstance(result.events, Page)
    assert [e.id for e in result.events.auto_paging_iter()] == ["evt_1", "evt_2"]
    assert server.requests[1].path == "/api/v1/events"
    assert server.requests[1].query == {"after": "evt_1"}
    assert result.to_dict()["events"]["data"] == [{"id": "evt_1", "type": "timer.fired"}]


def test_clock_run_and_freeze(make_client, server):
    server.reply(200, {**CLOCK, "mode": "running", "speed": 60.0}).reply(200, CLOCK)
    clock = make_client(sandbox_id="sbx_1").clock

    assert clock.run(60).mode == "running"
    assert clock.freeze().mode == "frozen"

    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("POST", "/api/v1/sandboxes/sbx_1/clock/run", {"speed": 60}),
        ("POST", "/api/v1/sandboxes/sbx_1/clock/freeze", None)]


def test_sandbox_calls_reach_their_paths(make_client, server):
    snapshot = {"object": "snapshot", "sandbox": {"id": "sbx_1"}}
    server.reply(200, sandbox_payload()).reply(200, snapshot)
    server.reply(201, sandbox_payload("sbx_2")).reply(200, {"id": "sbx_1", "deleted": True})
    server.reply(200, {"object": "policy_table", "policies": []})
    client = make_client(admin_token="adm")

    client.sandboxes.get("sbx_1")
    taken = client.sandboxes.snapshot({"id": "sbx_1"})
    restored = client.sandboxes.restore(taken, name="copy")
    deleted = client.sandboxes.delete("sbx_1")
    client.for_sandbox("sbx_2").policies.get()

    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/api/v1/sandboxes/sbx_1"),
        ("POST", "/api/v1/sandboxes/sbx_1/snapshot"),
        ("POST", "/api/v1/sandboxes/restore"),
        ("DELETE", "/api/v1/sandboxes/sbx_1"),
        ("GET", "/api/v1/policies")]
    assert server.requests[2].json == {"snapshot": snapshot, "name": "copy"}
    assert restored.id == "sbx_2" and deleted.deleted is True


def test_request_is_an_escape_hatch_for_any_endpoint(make_client, server):
    server.reply(201, {"id": "ord_1", "object": "order", "items": [{"sku": "A"}]})

    order = make_client(api_key="sk_1").request(
        "POST", "/api/v1/orders", json={"sku": "A"}, params={"expand": True},
        idempotency_key="order-1")

    assert isinstance(order, MockplatformObject)
    assert order["items"][0].sku == "A"
    recorded = server.requests[0]
    assert recorded.query == {"expand": "true"}
    assert recorded.headers["idempotency-key"] == "order-1"
    assert recorded.headers["user-agent"].startswith("mockplatform-client/")


def test_the_client_is_a_context_manager():
    with Client("http://127.0.0.1:1", api_key="sk_1") as client:
        assert "sk_1" not in repr(client)
