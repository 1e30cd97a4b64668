"""A batch's sending: a receiver that hangs costs one time limit per round, not one per delivery;
a batch that runs past its budget leaves the rest for the next round; nothing is lost."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from mockplatform.control.webhooks import dispatcher as dispatching
from mockplatform.control.webhooks.sender import Result
from mockplatform.testing.receiver import WebhookReceiver
from tests.webhooks.conftest import place

AT = datetime(2026, 1, 1)


def _work(seq: int, endpoint_seq: int) -> dispatching.Work:
    return dispatching.Work((seq, endpoint_seq, seq, 0, 0, 0, 0), ("http://x", "native", "s"),
                            None, None, "sbx", AT, "token")


@pytest.fixture
def bare():
    return dispatching.Dispatcher(SimpleNamespace(on_dispose=[]), threads=0)


def test_after_a_timeout_the_batch_sends_that_endpoint_nothing_more(bare, monkeypatch):
    tried = []

    def attempt(work):
        tried.append(work.delivery[0])
        error = "timeout" if work.delivery[1] == 1 else None
        return Result(None if error else 200, 500, "", error), AT

    monkeypatch.setattr(bare, "_attempt", attempt)
    batch = [_work(seq, 1 if seq % 2 else 2) for seq in range(1, 7)]
    done, released = bare._send(batch)
    assert tried == [1, 2, 4, 6]  # endpoint 1 once; endpoint 2 every time
    assert [w.delivery[0] for w, _r, _at in done] == [1, 2, 4, 6]
    assert [w.delivery[0] for w in released] == [3, 5]


def test_a_batch_past_its_budget_releases_what_it_has_not_sent(bare, monkeypatch):
    monkeypatch.setattr(dispatching, "BUDGET", -1.0)  # spent before the first attempt
    monkeypatch.setattr(bare, "_attempt", lambda work: pytest.fail("nothing may be sent"))
    done, released = bare._send([_work(1, 1), _work(2, 1)])
    assert (done, [w.delivery[0] for w in released]) == ([], [1, 2])


def test_a_hanging_receiver_delays_no_other_endpoint_and_loses_nothing(shop, receiver,
                                                                        dispatcher):
    hanging = WebhookReceiver()
    try:
        hanging.respond(delay=1.5)  # past Lazada's 500 ms
        hanging.subscribe(shop, event_types=["order.packed"], format="lazada")
        receiver.subscribe(shop, event_types=["order.packed"])
        shop.orders.pack(place(shop, quantity=3))  # Lazada: a message per line; native: one
        dispatcher.drain(shop.sandboxes.current().id, timeout=30)
        assert len(receiver.wait_for(1)) == 1
        deliveries = shop.webhook_deliveries.list().data
        hung = [d for d in deliveries if d.status == "pending"]
        assert sorted(d.status for d in deliveries) == ["delivered"] + ["pending"] * 3  # every one tried once, timed out, waiting for its retry
        for delivery in hung:
            [attempt] = shop.webhook_deliveries.get(delivery.id).attempt_log
            assert attempt.error == "timeout"
    finally:
        hanging.stop()
