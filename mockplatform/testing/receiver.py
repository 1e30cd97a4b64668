"""A webhook receiver for tests: a threaded HTTP server on a free port that checks each push's
signature (per format) and keeps what it received, and waits for N of them (a bounded wait on
a condition, never a sleep).

    endpoint = webhook_receiver.subscribe(client, event_types=["order.*"])
    client.orders.create(...)
    pushes = webhook_receiver.wait_for(3)        # AssertionError after the timeout
    assert all(p.verified for p in pushes)

How it answers can be changed for a test: ``respond(status=500)``, ``respond(delay=2)`` (hangs
that long), ``respond(close=True)`` (closes the connection without answering).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from mockplatform_client import webhooks


@dataclass
class Push:
    """One request received: path, headers, the raw body, whether its signature held."""

    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool | None  # None: nobody told the receiver how this path is signed
    error: str | None = None

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def attempt(self) -> int:
        return int(self.headers.get("Mockplatform-Attempt", "0"))


@dataclass
class _Answer:
    status: int = 200
    delay: float = 0.0
    close: bool = False


@dataclass
class _Signing:
    format: str
    secret: str = ""
    app_key: str = ""
    app_secret: str = ""


@dataclass
class WebhookReceiver:
    host: str = "127.0.0.1"
    pushes: list[Push] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        self._answer = _Answer()
        self._signing: dict[str, _Signing] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                answer = receiver._answer
                if answer.close:
                    receiver._keep(self.path, dict(self.headers), body)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if answer.delay:
                    time.sleep(answer.delay)
                receiver._keep(self.path, dict(self.headers), body)
                self.send_response(answer.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="webhook-receiver")
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- set up ---------------------------------------------------------------------------------

    def subscribe(self, client, *, event_types=None, format: str = "native", path: str = "",
                  **options):
        """Create an endpoint of ``client``'s sandbox pointing here (at ``/hooks/<n>`` unless
        ``path`` is given) and remember how its pushes are signed."""
        path = path or f"/hooks/{len(self._signing) + 1}"
        endpoint = client.webhook_endpoints.create(self.url + path, event_types=event_types,
                                                   format=format, **options)
        if format == "native":
            self._signing[path] = _Signing(format, secret=endpoint.secret)
        else:
            credentials = client.sandboxes.current().credentials
            self._signing[path] = _Signing(format, app_key=credentials.app_key,
                                           app_secret=credentials.app_secret)
        return endpoint

    def expect(self, path: str, *, format: str = "native", secret: str = "", app_key: str = "",
               app_secret: str = "") -> None:
        """How pushes to ``path`` are signed (for endpoints created without ``subscribe``)."""
        self._signing[path] = _Signing(format, secret, app_key, app_secret)

    def respond(self, status: int = 200, *, delay: float = 0.0, close: bool = False) -> None:
        self._answer = _Answer(status, delay, close)

    # -- what came ------------------------------------------------------------------------------

    def _keep(self, path: str, headers: dict[str, str], body: bytes) -> None:
        verified, error = self._verify(path, headers, body)
        with self._condition:
            self.pushes.append(Push(path, headers, body, verified, error))
            self._condition.notify_all()

    def _verify(self, path: str, headers: dict[str, str], body: bytes
                ) -> tuple[bool | None, str | None]:
        signing = self._signing.get(path)
        if signing is None:
            return None, None
        try:
            if signing.format == "native":
                webhooks.verify(body, headers.get(webhooks.SIGNATURE_HEADER), signing.secret)
            else:
                webhooks.verify_platform(body, headers.get("Authorization"), signing.app_key,
                                         signing.app_secret)
        except webhooks.SignatureVerificationError as exc:
            return False, str(exc)
        return True, None

    def wait_for(self, count: int, *, timeout: float = 10.0, path: str | None = None
                 ) -> list[Push]:
        """The first ``count`` pushes (to ``path``, if given), once that many came; an
        AssertionError naming what did come if they have not within ``timeout`` seconds."""
        def mine() -> list[Push]:
            return [p for p in self.pushes if path is None or p.path == path]

        with self._condition:
            if not self._condition.wait_for(lambda: len(mine()) >= count, timeout):
                got = [(p.path, p.headers.get("Mockplatform-Event-Type")) for p in mine()]
                raise AssertionError(f"expected {count} webhook pushes within {timeout} s, "
                                     f"got {len(got)}: {got}")
            return mine()[:count]

    def clear(self) -> None:
        with self._condition:
            self.pushes.clear()
