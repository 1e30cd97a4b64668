"""Lists come a page at a time; the next page is fetched only when iteration reaches it."""

from __future__ import annotations

import pytest
from mockplatform_client import MockplatformError, Page

from .payloads import list_payload


def event(number: int) -> dict:
    return {"id": f"evt_{number}", "object": "event", "type": "timer.fired",
            "occurred_at": "2025-01-06T00:00:00+00:00", "subject": "tmr_1", "data": {}}


def test_auto_paging_fetches_the_next_page_only_when_reached(make_client, server):
    server.reply(200, list_payload([event(1), event(2)], next_cursor="evt_2"))
    server.reply(200, list_payload([event(3)]))
    client = make_client(api_key="sk_1")

    page = client.events.list(type="timer.fired", limit=2)
    items = page.auto_paging_iter()

    assert next(items).id == "evt_1"
    assert next(items).id == "evt_2"
    assert len(server.requests) == 1
    assert next(items).id == "evt_3"
    assert len(server.requests) == 2
    assert list(items) == []
    first, second = server.requests
    assert first.query == {"type": "timer.fired", "limit": "2"}
    assert second.query == {"type": "timer.fired", "limit": "2", "after": "evt_2"}
    assert second.bearer == "sk_1"


def test_iterating_a_page_gives_that_page_only(make_client, server):
    server.reply(200, list_payload([event(1), event(2)], next_cursor="evt_2"))

    page = make_client().events.list()

    assert isinstance(page, Page)
    assert [item.id for item in page] == ["evt_1", "evt_2"]
    assert (page.has_more, page.next_cursor, len(page)) == (True, "evt_2", 2)
    assert page.data[0]["type"] == "timer.fired"
    assert page.request_id == "req_1"
    assert len(server.requests) == 1


def test_next_page_and_the_last_page(make_client, server):
    server.reply(200, list_payload([event(1)], next_cursor="evt_1"))
    server.reply(200, list_payload([event(2)]))

    first = make_client(sandbox_id="sbx_1").timers.list(kind="order.rts_deadline")
    second = first.next_page()

    assert [item.id for item in second] == ["evt_2"]
    assert second.next_page() is None
    assert server.requests[1].path == "/api/v1/sandboxes/sbx_1/timers"
    assert server.requests[1].query == {"kind": "order.rts_deadline", "after": "evt_1"}


def test_the_starting_cursor_is_replaced_not_repeated(make_client, server):
    server.reply(200, list_payload([event(5)], next_cursor="evt_5"))
    server.reply(200, list_payload([]))

    page = make_client().events.list(after="evt_4")
    list(page.auto_paging_iter())

    assert [r.query for r in server.requests] == [{"after": "evt_4"}, {"after": "evt_5"}]


def test_has_more_without_a_cursor_is_an_error_not_a_short_list(make_client, server):
    server.reply(200, {"object": "list", "data": [event(1)], "has_more": True,
                       "next_cursor": None})

    items = make_client().events.list().auto_paging_iter()

    assert next(items).id == "evt_1"
    with pytest.raises(MockplatformError, match="next_cursor"):
        next(items)


def test_sandbox_lists_send_the_admin_token(make_client, server):
    server.reply(200, list_payload([{"id": "sbx_1"}], next_cursor="sbx_1"))
    server.reply(200, list_payload([{"id": "sbx_2"}]))

    client = make_client(api_key="sk_1", admin_token="adm")
    ids = [sandbox.id for sandbox in client.sandboxes.list(limit=1).auto_paging_iter()]

    assert ids == ["sbx_1", "sbx_2"]
    assert [r.bearer for r in server.requests] == ["adm", "adm"]
