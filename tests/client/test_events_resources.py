"""The SDK's view of what happened: the feed's filters, an order's timeline and the events of
an advance, paged up to that advance's last event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mockplatform_client import Page

from .payloads import list_payload

CLOCK = {"object": "clock", "now": "2025-01-08T01:00:00+00:00", "mode": "frozen", "speed": 1.0,
         "next_timer_at": None, "timers_pending": 0}


def test_events_list_sends_every_filter(make_client, server):
    server.reply(200, list_payload([]))
    client = make_client(api_key="sk_1", sandbox_id="sbx_1")

    client.events.list(type=["order.*", "tracking.updated"],
                       subject=["order:1", "package:FP1"], order_id=None,
                       occurred_from=datetime(2026, 1, 5, tzinfo=UTC),
                       occurred_to="2026-01-06T00:00:00Z", until="evt_00000009", limit=5)

    assert server.requests[0].path == "/api/v1/events"
    assert server.requests[0].query == {
        "type": "order.*,tracking.updated", "subject": "order:1,package:FP1",
        "occurred_from": "2026-01-05T00:00:00+00:00", "occurred_to": "2026-01-06T00:00:00Z",
        "until": "evt_00000009", "limit": "5"}


def test_an_orders_timeline_pages_with_its_filters(make_client, server):
    server.reply(200, list_payload([{"id": "evt_1"}], next_cursor="evt_1"))
    server.reply(200, list_payload([{"id": "evt_7"}]))
    client = make_client(api_key="sk_1", sandbox_id="sbx_1")

    page = client.orders.timeline(300000000001, type="order.*")

    assert [e.id for e in page.auto_paging_iter()] == ["evt_1", "evt_7"]
    assert [r.path for r in server.requests] == ["/api/v1/orders/300000000001/timeline"] * 2
    assert server.requests[1].query == {"type": "order.*", "after": "evt_1"}


def test_an_advances_events_page_on_only_up_to_its_last_event(make_client, server):
    first = {**list_payload([{"id": "evt_00000001"}], next_cursor="evt_00000001"),
             "total_count": 2,
             "next_page": "/api/v1/events?after=evt_00000001&until=evt_00000002"}
    server.reply(200, {"object": "clock_advance", "previous_now": "2025-01-06T00:00:00+00:00",
                       "clock": CLOCK, "timers_fired": 2, "events": first})
    server.reply(200, list_payload([{"id": "evt_00000002"}]))
    client = make_client(api_key="sk_1", sandbox_id="sbx_1")

    result = client.clock.advance(by=timedelta(hours=49))

    assert isinstance(result.events, Page) and result.events.total_count == 2
    assert [e.id for e in result.events.auto_paging_iter()] == ["evt_00000001", "evt_00000002"]
    assert server.requests[1].path == "/api/v1/events"
    assert server.requests[1].query == {"until": "evt_00000002", "after": "evt_00000001"}
