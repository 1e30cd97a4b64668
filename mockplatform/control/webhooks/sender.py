"""One HTTP POST to a receiver, with the standard library (no dependency): each thread keeps one
keep-alive connection per receiver; the answer is read within a time limit and classified.

Error kinds: ``timeout`` (no answer within the limit), ``refused``, ``reset`` (the connection
was reset), ``closed`` (closed before an answer), ``status`` (an answer that is not 2xx),
``slow`` (a 2xx later than the limit), ``error`` (anything else: bad URL, TLS, a broken answer).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from mockplatform.engine.clock import elapsed

EXCERPT = 4096
READ_AT_MOST = 64 * 1024


@dataclass
class Result:
    status_code: int | None
    latency_ms: int
    excerpt: str
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None


_local = threading.local()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Result:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    key = (parts.scheme, parts.hostname, parts.port)
    started = elapsed()
    for fresh in (False, True):
        connection, reused = _connection(key, timeout, fresh)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read(READ_AT_MOST)
            if not response.isclosed():
                _drop(key)
            status = response.status
            break
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            _drop(key)
            if reused and not fresh:
                continue  # a kept connection the receiver had closed meanwhile: once more
            return _failed(started, _kind(exc), exc)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            _drop(key)
            return _failed(started, _kind(exc), exc)
    latency = elapsed() - started
    excerpt = text[:EXCERPT].decode("utf-8", "replace")
    error = None if 200 <= status < 300 else "status"
    if error is None and latency > timeout:
        error = "slow"
    return Result(status, round(latency * 1000), excerpt, error)


def _failed(started: float, kind: str, exc: BaseException) -> Result:
    return Result(None, round((elapsed() - started) * 1000), f"{type(exc).__name__}: {exc}"[:EXCERPT],
                  kind)


def _kind(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "reset"
    if isinstance(exc, http.client.RemoteDisconnected | http.client.IncompleteRead):
        return "closed"
    return "error"


def _connection(key: tuple, timeout: float, fresh: bool) -> tuple[http.client.HTTPConnection, bool]:
    pool = getattr(_local, "connections", None)
    if pool is None:
        pool = _local.connections = {}
    connection = None if fresh else pool.get(key)
    if connection is not None:
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection, True
    _drop(key)
    scheme, host, port = key
    if scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    pool[key] = connection
    return connection, False


def _drop(key: tuple) -> None:
    pool = getattr(_local, "connections", None) or {}
    connection = pool.pop(key, None)
    if connection is not None:
        connection.close()


def close_all() -> None:
    for key in list(getattr(_local, "connections", None) or {}):
        _drop(key)
