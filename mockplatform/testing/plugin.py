"""pytest plugin (entry point ``mockplatform``): a sandbox server for your tests.

Fixtures:
- ``mockplatform_url``: the base URL. By default a real server runs in a thread on a free port
  for the whole session (in-memory SQLite, or ``MOCKPLATFORM_DATABASE_URL``); with
  ``--mockplatform-url`` or ``MOCKPLATFORM_URL`` the tests use that deployment instead.
- ``sandbox``: a fresh, seeded sandbox per test, deleted afterwards. Configure it with
  ``@pytest.mark.mockplatform_sandbox(platform="tiktok_shop", market="TH", seed=7, ...)``.
- ``client``: a ``mockplatform_client.Client`` bound to that sandbox.
- ``mockplatform_admin``: a client for sandbox management (the admin token if one is given).
- ``webhook_receiver``: a threaded HTTP receiver on a free port that checks signatures and
  collects pushes; ``subscribe(client)`` points an endpoint at it, ``wait_for(n)`` waits for n.

Nothing starts unless a test asks for these fixtures.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

DEFAULT_SANDBOX = {"platform": "lazada", "market": "MY", "seed": 1}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockplatform")
    group.addoption("--mockplatform-url", default=None,
                    help="run against this mockplatform server instead of an in-process one "
                         "(also MOCKPLATFORM_URL)")
    group.addoption("--mockplatform-admin-token", default=None,
                    help="admin token of that server, if it has one "
                         "(also MOCKPLATFORM_ADMIN_TOKEN)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mockplatform_sandbox(**spec): how the `sandbox` fixture creates its sandbox "
                   "(platform, market, seed, start_at, clock_mode, policy_overrides, ...)")


class ThreadedServer:
    """The app served by werkzeug in a daemon thread on ``host``:``port`` (0 = a free port)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server(host, port, app, threaded=True)
        self.host, self.port = host, self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="mockplatform-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ThreadedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.app.extensions["mockplatform"]["webhooks"].stop()
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


def start_in_process_server(database_url: str | None = None, **settings) -> ThreadedServer:
    from mockplatform.app import create_app
    from mockplatform.settings import Settings

    url = database_url or os.environ.get("MOCKPLATFORM_DATABASE_URL") or "sqlite://"
    return ThreadedServer(create_app(Settings.from_env(database_url=url, **settings))).start()


@pytest.fixture(scope="session")
def mockplatform_url(request: pytest.FixtureRequest) -> Iterator[str]:
    external = request.config.getoption("--mockplatform-url") or os.environ.get("MOCKPLATFORM_URL")
    if external:
        yield external.rstrip("/")
        return
    server = start_in_process_server(admin_token=_admin_token(request.config))
    try:
        yield server.url
    finally:
        server.stop()


def _admin_token(config: pytest.Config) -> str | None:
    return (config.getoption("--mockplatform-admin-token")
            or os.environ.get("MOCKPLATFORM_ADMIN_TOKEN") or None)


@pytest.fixture(scope="session")
def mockplatform_admin(request: pytest.FixtureRequest, mockplatform_url: str):
    from mockplatform_client import Client

    return Client(mockplatform_url, admin_token=_admin_token(request.config), max_retries=2)


@pytest.fixture
def sandbox(request: pytest.FixtureRequest, mockplatform_admin):
    marker = request.node.get_closest_marker("mockplatform_sandbox")
    spec = {**DEFAULT_SANDBOX, "name": request.node.nodeid[-200:],
            **(marker.kwargs if marker else {})}
    created = mockplatform_admin.sandboxes.create(**spec)
    try:
        yield created
    finally:
        from mockplatform_client import AuthenticationError, NotFoundError

        try:
            mockplatform_admin.for_sandbox(created).sandboxes.delete(created.id)
        except (NotFoundError, AuthenticationError):
            pass  # the test deleted it itself (its key is then unknown)


@pytest.fixture
def client(mockplatform_admin, sandbox):
    return mockplatform_admin.for_sandbox(sandbox)


@pytest.fixture
def webhook_receiver():
    """A webhook receiver on a free port (mockplatform/testing/receiver.py): ``subscribe(client,
    event_types=[...], format="native")`` creates an endpoint pointing at it; each push is kept
    with ``verified`` (its signature checked per format); ``wait_for(n)`` returns the first n,
    or fails after a bounded wait; ``respond(status=500 | delay=s | close=True)`` misbehaves."""
    from mockplatform.testing.receiver import WebhookReceiver

    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.stop()
