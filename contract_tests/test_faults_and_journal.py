"""Fault rules and the journal from outside: the Lazada gateway through the official SDK, the
SDK's own retries against injected 429s and 5xx, a dropped connection on a real socket, and
``journal.assert_called`` with its failure message."""

from __future__ import annotations

import json

import pytest
import requests
from mockplatform_client import APIConnectionError, InternalServerError, JournalAssertionError

from contract_tests.test_lazada_sdk import Seller, lazop  # noqa: F401 - the lazop fixture

pytestmark = pytest.mark.mockplatform_sandbox(platform="lazada", market="MY", seed=13,
                                              start_at="2026-03-02T09:00:00+08:00")


@pytest.fixture
def seller(lazop, mockplatform_url, client, sandbox) -> Seller:  # noqa: F811
    return Seller(lazop, mockplatform_url, client, client.sandboxes.get(sandbox.id))


def test_lazada_answers_a_rate_limit_as_api_call_limit(seller, journal):
    [order_id] = seller.place_orders(1)
    seller.client.faults.add(match={"front": "lazada", "operation": "order/get"},
                             effect={"type": "rate_limit", "retry_after": 1},
                             when={"first": 1})

    limited = seller.call("/order/get", {"order_id": order_id})
    passed = seller.call("/order/get", {"order_id": order_id})

    assert limited.code == "ApiCallLimit" and limited.type == "ISV"
    assert "ban will last 1 seconds" in limited.message
    assert passed.code == "0"
    journal.assert_called("/order/get", times=2)
    calls = journal.calls("order/get")
    assert [(c.front, c.status, c.fault_rule) for c in calls] == [
        ("lazada", 200, "flt_1"), ("lazada", 200, None)]
    assert "sign=%2A%2A%2A" in calls[0].query and "access_token=%2A%2A%2A" in calls[0].query


def test_lazada_answers_a_5xx_in_its_envelope_with_the_status(seller, mockplatform_url):
    seller.client.faults.add(match={"operation": "/orders/get"},
                             effect={"type": "error", "status": 503, "retry_after": 5})
    answer = seller.call("/orders/get", {"created_after": "2026-03-01T00:00:00+08:00"})
    assert answer.code == "ServiceUnavailable" and answer.type == "SYSTEM"


def test_a_platform_error_code_in_an_http_200(seller):
    [order_id] = seller.place_orders(1)
    seller.client.faults.add(match={"operation": "/order/get"},
                             effect={"type": "error", "status": 200, "code": "E006",
                                     "message": "E006: System Error"})
    answer = seller.call("/order/get", {"order_id": order_id})
    assert (answer.code, answer.message) == ("E006", "E006: System Error")


@pytest.mark.parametrize("method", ["GET", "POST"])  # parameters in the query, in a form body
def test_a_rule_on_a_parameter_fails_the_calls_about_one_order_only(seller, method):
    first, second = seller.place_orders(2)
    seller.client.faults.add(match={"operation": "/order/get", "params": {"order_id": str(first)}},
                             effect={"type": "error", "status": 200, "code": "E006"})
    assert seller.call("/order/get", {"order_id": first}, method=method).code == "E006"
    assert seller.call("/order/get", {"order_id": second}, method=method).code == "0"
    assert [rule.calls for rule in seller.client.faults.list().data] == [1]


def test_a_malformed_lazada_answer_breaks_the_sdks_json_parsing(seller):
    seller.client.faults.add(match={"front": "lazada"}, effect={"type": "malformed"})
    with pytest.raises(json.JSONDecodeError):
        seller.call("/orders/get", {"created_after": "2026-03-01T00:00:00+08:00"})


def test_a_faulted_lazada_write_changes_nothing(seller, journal):
    [order_id] = seller.place_orders(1)
    seller.client.faults.add(match={"operation": "/order/fulfill/pack"},
                             effect={"type": "error", "status": 500}, when={"first": 1})
    items = [item["order_item_id"] for item in
             seller.call("/order/items/get", {"order_id": order_id}).body["data"]]
    pack = {"packReq": json.dumps({
        "pack_order_list": [{"order_id": order_id, "order_item_list": items}],
        "delivery_type": "dropship", "shipping_allocate_type": "NTFS"})}

    refused = seller.call("/order/fulfill/pack", pack, method="POST")

    assert refused.code == "ServiceUnavailable"
    assert seller.client.orders.get(order_id).statuses == ["pending"]
    assert seller.call("/order/fulfill/pack", pack, method="POST").body["result"]["success"]
    assert seller.client.orders.get(order_id).statuses == ["packed"]
    journal.assert_called("order/fulfill/pack", times=2)


def test_the_sdk_retries_429s_honouring_retry_after(client, mockplatform_admin, journal):
    slept: list[float] = []
    retrying = client.with_options(max_retries=3)
    retrying._transport.sleep = slept.append
    client.faults.add(match={"operation": "get_clock", "front": "native"},
                      effect={"type": "rate_limit", "retry_after": 2}, when={"first": 2})
    client.faults.add(match={"operation": "events"},
                      effect={"type": "error", "status": 503, "retry_after": 1},
                      when={"first": 3})

    retrying.events.list()

    assert slept == [1.0, 1.0, 1.0]
    journal.assert_called("events", times=4)
    assert [c.status for c in journal.calls("events")] == [503, 503, 503, 200]


def test_the_sdk_gives_up_after_its_retries(client, journal):
    retrying = client.with_options(max_retries=2)
    retrying._transport.sleep = lambda seconds: None
    client.faults.add(match={"operation": "events"}, effect={"type": "error", "status": 503})
    with pytest.raises(InternalServerError):
        retrying.events.list()
    journal.assert_called("events", times=3, status=503)


def test_a_dropped_connection_closes_the_socket_without_an_answer(client, mockplatform_url,
                                                                  sandbox, journal):
    client.faults.add(match={"operation": "events"}, effect={"type": "drop"},
                      when={"first": 1})
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{mockplatform_url}/api/v1/events", timeout=10, headers={
            "Authorization": f"Bearer {sandbox.credentials.api_key}"})
    # The SDK's retry on a broken connection then reaches the next, unfaulted, call.
    retrying = client.with_options(max_retries=1)
    retrying._transport.sleep = lambda seconds: None
    client.faults.add(match={"operation": "events"}, effect={"type": "drop"},
                      when={"first": 1})
    assert retrying.events.list().data
    client.faults.add(match={"operation": "events"}, effect={"type": "drop"})
    with pytest.raises(APIConnectionError):
        client.with_options(max_retries=0).events.list()
    assert [c.status for c in journal.calls("events")][:3] == [0, 0, 200]


def test_assert_called_counts_and_names_near_misses(client, journal):
    client.events.list()
    client.clock.get()  # the control plane: not journaled
    assert journal.assert_called("events", times=1)[0].operation == "events"
    journal.assert_called("events", at_least=1, at_most=1)

    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_called("event", times=1)
    message = str(failure.value)
    assert "expected 'event' to be called exactly 1 time(s); it was called 0 time(s)" in message
    assert "near misses:" in message and "GET /api/v1/events (events, native) -> 200" in message

    with pytest.raises(JournalAssertionError, match="at least 2"):
        journal.assert_called("events", at_least=2)
    with pytest.raises(JournalAssertionError, match="the journal is empty"):
        journal.clear()
        journal.assert_called("get_order")


def test_journal_csv_through_the_sdk(client, journal):
    client.events.list()
    text = journal.csv(operation="events")
    assert text.splitlines()[0].startswith("id,sandbox_at,wall_at,front,method,path")
    assert len(text.splitlines()) == 2


def test_a_dribbled_answer_stalls_after_its_headers_over_a_real_socket(client, mockplatform_url,
                                                                      sandbox):
    """The status and headers come at once; the body stalls between its pieces: a read timeout
    longer than the pauses never fires, a shorter one does, mid-body."""
    url = f"{mockplatform_url}/api/v1/events"
    auth = {"Authorization": f"Bearer {sandbox.credentials.api_key}"}
    whole = requests.get(url, headers=auth, timeout=10).content
    client.faults.add(match={"operation": "events"},
                      effect={"type": "dribble", "ms": 200, "chunks": 5})
    assert requests.get(url, headers=auth, timeout=(10, 5)).content == whole

    client.faults.replace([{"match": {"operation": "events"},
                            "effect": {"type": "dribble", "ms": 3000, "chunks": 2}}])
    with requests.get(url, headers=auth, timeout=(10, 0.5), stream=True) as answer:
        assert answer.status_code == 200
        assert answer.headers["Content-Length"] == str(len(whole))
        with pytest.raises(requests.ConnectionError, match="Read timed out"):
            answer.content  # noqa: B018 - reading the body is the point
