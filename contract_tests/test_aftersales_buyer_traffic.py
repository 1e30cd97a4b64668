"""After-sales traffic with no control call, through the SDK: a buyer whose address holds the
AFTERSALES magic value opens its request at delivery + delay (one second before, nothing; at
the instant, the request and its event); ``aftersales.request_rate`` at 1 opens one for every
delivered order, the same ones for the same seed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aftersales_support import ONE_SECOND, TIKTOK_MY, delivered, events, instant

pytestmark = pytest.mark.mockplatform_sandbox(**TIKTOK_MY)
MAGIC = {"address1": "7 Jalan Bukit", "address2": "AFTERSALES:reshipment:missing_items:P1D"}


def _opened(client) -> list:
    return list(client.aftersales.list().auto_paging_iter())


def test_the_magic_value_opens_the_request_a_day_after_the_delivery(client):
    order, at = delivered(client, quantity=2, buyer=MAGIC)
    client.clock.advance(to=at + timedelta(days=1) - ONE_SECOND)
    assert _opened(client) == []
    client.clock.advance(to=at + timedelta(days=1))
    [request] = _opened(client)
    assert (request.type, request.reason, request.order_id, request.state) == (
        "reshipment", "missing_items", order.order_id, "requested")
    assert len(request.order_item_ids) == 2
    [event] = events(client, "aftersales.requested")
    assert (instant(event.occurred_at), event.data["aftersales_id"]) == (
        at + timedelta(days=1), request.aftersales_id)


def test_a_rate_of_one_opens_the_same_requests_for_the_same_seed(new_sandbox):
    spec = {**TIKTOK_MY, "policy_overrides": {**TIKTOK_MY["policy_overrides"],
                                              "aftersales.request_rate": {"rate": 1}}}
    seen = []
    for client in (new_sandbox.create(**spec), new_sandbox.create(**spec)):
        orders = [delivered(client)[0] for _ in range(2)]
        client.clock.advance(by="PT1H")
        opened = _opened(client)
        assert sorted(r.order_id for r in opened) == sorted(o.order_id for o in orders)
        seen.append([(r.order_id, r.type, r.reason) for r in opened])
    assert seen[0] == seen[1]
