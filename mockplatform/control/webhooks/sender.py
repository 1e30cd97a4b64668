"""One HTTP POST to a receiver: each thread keeps one keep-alive connection per receiver; the
answer is read within a time limit and classified.

The request is written in one ``sendall`` and the answer parsed by httptools (llhttp, the parser
of Node.js, in C): http.client spent about 0.1 ms of Python per push building headers one call
at a time and parsing the answer's with the email package, a third of what a push cost the
sender process.

Error kinds: ``timeout`` (no answer within the limit), ``refused``, ``reset`` (the connection
was reset), ``closed`` (closed before a whole answer), ``status`` (an answer that is not 2xx),
``slow`` (a 2xx later than the limit), ``error`` (anything else: bad URL, TLS, a broken answer).
"""

from __future__ import annotations

import functools
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

from mockplatform.engine.clock import elapsed

EXCERPT = 4096
READ_AT_MOST = 64 * 1024
_CHUNK = 65536


@dataclass
class Result:
    status_code: int | None
    latency_ms: int
    excerpt: str
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None


class Closed(Exception):
    """The receiver closed the connection before a whole answer."""


class _Answer:
    """httptools' callbacks: the body (its first READ_AT_MOST bytes) and whether it is whole."""

    __slots__ = ("body", "headers_done", "done", "keep", "parser")

    def __init__(self) -> None:
        self.body = bytearray()
        self.headers_done = False
        self.done = False
        self.keep = False
        self.parser = httptools.HttpResponseParser(self)

    def on_headers_complete(self) -> None:
        self.headers_done = True
        # Asked here: once the message is complete, llhttp has moved on and says False.
        self.keep = self.parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        room = READ_AT_MOST - len(self.body)
        if room > 0:
            self.body += body[:room]

    def on_message_complete(self) -> None:
        self.done = True


_local = threading.local()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Result:
    started = elapsed()
    try:
        target = _target(url)
        request = _request(target, body, headers)
    except ValueError as exc:
        return _failed(started, "error", exc)
    for fresh in (False, True):
        reused = False
        try:
            connection, reused = _connection(target, timeout, fresh)
            status, text, keep = _exchange(connection, request, timeout)
            break
        except (Closed, ConnectionResetError, BrokenPipeError) as exc:
            _drop(target)
            if reused and not fresh:
                continue  # a kept connection the receiver had closed meanwhile: once more
            return _failed(started, _kind(exc), exc)
        except (OSError, httptools.HttpParserError, ValueError) as exc:
            _drop(target)
            return _failed(started, _kind(exc), exc)
    if not keep:
        _drop(target)
    latency = elapsed() - started
    excerpt = text[:EXCERPT].decode("utf-8", "replace")
    error = None if 200 <= status < 300 else "status"
    if error is None and latency > timeout:
        error = "slow"
    return Result(status, round(latency * 1000), excerpt, error)


@functools.lru_cache(maxsize=1024)
def _target(url: str) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, Host header, path and query) of an endpoint's URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in path):
        raise ValueError(f"the URL's path has a space or control character: {path!r}")
    default = 443 if parts.scheme == "https" else 80
    port = parts.port or default
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    return parts.scheme, host, port, shown if port == default else f"{shown}:{port}", path


def _request(target: tuple, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {target[4]} HTTP/1.1", f"Host: {target[3]}", f"Content-Length: {len(body)}",
             "Connection: keep-alive"]
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name} has a line break")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _exchange(sock: socket.socket, request: bytes, timeout: float) -> tuple[int, bytes, bool]:
    """Send, and read the whole answer: (status, body, whether the connection may be kept)."""
    sock.settimeout(timeout)
    sock.sendall(request)
    answer = _Answer()
    parser = answer.parser
    while not answer.done:
        data = sock.recv(_CHUNK)
        if not data:
            if answer.headers_done and not answer.done:  # a body that ends with the connection
                return parser.get_status_code(), bytes(answer.body), False
            raise Closed("the receiver closed the connection before answering")
        parser.feed_data(data)
    return parser.get_status_code(), bytes(answer.body), answer.keep


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
    if isinstance(exc, Closed):
        return "closed"
    return "error"


def _connection(target: tuple, timeout: float, fresh: bool) -> tuple[socket.socket, bool]:
    pool = getattr(_local, "connections", None)
    if pool is None:
        pool = _local.connections = {}
    key = target[:3]
    sock = None if fresh else pool.get(key)
    if sock is not None:
        return sock, True
    _drop(target)
    scheme, host, port = key
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    pool[key] = sock
    return sock, False


def _drop(target: tuple) -> None:
    pool = getattr(_local, "connections", None) or {}
    sock = pool.pop(target[:3], None)
    if sock is not None:
        sock.close()


def close_all() -> None:
    for key in list(getattr(_local, "connections", None) or {}):
        _drop(key)
