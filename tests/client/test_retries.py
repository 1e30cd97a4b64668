"""Retries: which failures are tried again, how long the client waits, and idempotency keys."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from mockplatform_client import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    Client,
    ConflictError,
    InternalServerError,
    RateLimitError,
)
from mockplatform_client._transport import retry_after_seconds

from .payloads import sandbox_payload

UNAVAILABLE = {"error": {"type": "api_error", "code": "unavailable", "message": "try later"}}


def test_a_503_is_retried_with_the_same_idempotency_key(make_client, server, sleeps):
    server.reply(503, UNAVAILABLE).reply(201, sandbox_payload())

    sandbox = make_client(admin_token="adm").sandboxes.create(platform="lazada", market="MY")

    assert sandbox.id == "sbx_1"
    first, second = server.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert first.body == second.body
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5


def test_the_callers_idempotency_key_is_sent_on_every_attempt(make_client, server):
    server.reply(502).reply(201, sandbox_payload())

    make_client().sandboxes.create(platform="lazada", market="MY", idempotency_key="mine-1")

    assert [r.headers["idempotency-key"] for r in server.requests] == ["mine-1", "mine-1"]


def test_each_post_gets_its_own_key_and_a_get_gets_none(make_client, server):
    server.reply(200, {}).reply(200, {}).reply(200, {})
    client = make_client(sandbox_id="sbx_1")

    client.clock.freeze()
    client.clock.freeze()
    client.clock.get()

    first, second, get = server.requests
    assert first.headers["idempotency-key"] != second.headers["idempotency-key"]
    assert "idempotency-key" not in get.headers


def test_retry_after_in_seconds_is_honoured(make_client, server, sleeps):
    server.reply(429, {"error": {"code": "rate_limited"}}, headers={"Retry-After": "7"})
    server.reply(200, {"status": "ok"})

    assert make_client().health().status == "ok"

    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(make_client, server, sleeps):
    later = datetime.now(UTC) + timedelta(seconds=30)
    server.reply(503, UNAVAILABLE, headers={"Retry-After": format_datetime(later, usegmt=True)})
    server.reply(200, {"status": "ok"})

    make_client().health()

    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30


def test_retry_after_is_capped_at_a_minute(make_client, server, sleeps):
    server.reply(429, headers={"Retry-After": "3600"}).reply(200, {"status": "ok"})

    make_client().health()

    assert sleeps == [60.0]


def test_retry_after_parsing():
    now = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("2.5") == 2.5
    assert retry_after_seconds("-3") == 0.0
    assert retry_after_seconds("Mon, 06 Jan 2025 12:00:10 GMT", now=now) == 10.0
    assert retry_after_seconds("Mon, 06 Jan 2025 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_retries_run_out_and_the_last_error_is_raised(make_client, server, sleeps):
    for _ in range(4):
        server.reply(429, {"error": {"code": "rate_limited", "message": "slow down"}})

    with pytest.raises(RateLimitError):
        make_client(max_retries=3).health()

    assert len(server.requests) == 4
    assert len(sleeps) == 3
    # Full jitter under an exponential ceiling: 0.5, 1, 2 seconds.
    for attempt, slept in enumerate(sleeps):
        assert 0 <= slept <= 0.5 * 2 ** attempt


def test_backoff_never_exceeds_eight_seconds(make_client, server, sleeps):
    for _ in range(8):
        server.reply(500)

    with pytest.raises(InternalServerError):
        make_client(max_retries=7).health()

    assert len(sleeps) == 7
    assert all(0 <= slept <= 8.0 for slept in sleeps)


@pytest.mark.parametrize(("status", "error_class"), [(400, BadRequestError),
                                                     (409, ConflictError)])
def test_client_errors_are_not_retried(make_client, server, sleeps, status, error_class):
    server.reply(status, {"error": {"code": "nope", "message": "no"}})
    server.reply(200, {})

    with pytest.raises(error_class):
        make_client().request("POST", "/api/v1/things", json={})

    assert len(server.requests) == 1
    assert sleeps == []


def test_max_retries_zero_does_not_retry(make_client, server, sleeps):
    server.reply(503, UNAVAILABLE).reply(200, {"status": "ok"})

    with pytest.raises(InternalServerError):
        make_client(max_retries=0).health()

    assert len(server.requests) == 1
    assert sleeps == []


def test_retry_statuses_are_configurable(make_client, server, sleeps):
    server.reply(503, UNAVAILABLE)

    with pytest.raises(InternalServerError):
        make_client(retry_statuses={429}).health()

    assert sleeps == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_retried_then_raised(sleeps):
    client = Client(f"http://127.0.0.1:{_closed_port()}", max_retries=2, _sleep=sleeps.append)

    with pytest.raises(APIConnectionError) as raised:
        client.health()

    assert not isinstance(raised.value, APITimeoutError)
    assert len(sleeps) == 2


def test_a_dropped_connection_is_retried_with_the_same_key(make_client, server, sleeps):
    server.reply(drop=True).reply(201, sandbox_payload())

    sandbox = make_client().sandboxes.create(platform="lazada", market="MY")

    assert sandbox.id == "sbx_1"
    first, second = server.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(sleeps) == 1


def test_a_timeout_is_retried_then_raised_as_a_connection_error(make_client, server, sleeps):
    server.reply(200, {}, delay=0.5).reply(200, {}, delay=0.5)

    with pytest.raises(APITimeoutError) as raised:
        make_client(timeout=0.1, max_retries=1).health()

    assert isinstance(raised.value, APIConnectionError)
    assert len(server.requests) == 2
    assert len(sleeps) == 1
