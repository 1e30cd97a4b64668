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
- ``journal``: the request journal of that sandbox (``client.journal``):
  ``journal.assert_called("order/package/rts", times=1)``.

For the day a test fails: ``--mockplatform-keep-failed`` (ini ``mockplatform_keep_failed``,
env ``MOCKPLATFORM_KEEP_FAILED=1``) keeps the sandbox of a failed test instead of deleting it,
and its failure report gets a section with the sandbox's id, api key and summary URL. Request
logging (the in-process server's line per request, the HTTP client's connection lines) stays
out of captured logs unless ``--mockplatform-log-requests`` (ini ``mockplatform_log_requests``,
env ``MOCKPLATFORM_LOG_REQUESTS=1``) asks for it.

Nothing starts unless a test asks for these fixtures.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

DEFAULT_SANDBOX = {"platform": "lazada", "market": "MY", "seed": 1}
KEEP_FAILED, LOG_REQUESTS = "mockplatform_keep_failed", "mockplatform_log_requests"
_TRUE = ("1", "true", "yes", "on")
# The sandbox a test's ``sandbox`` fixture made, and the server's URL; set when it was kept.
_SANDBOX = pytest.StashKey[tuple]()
_KEPT = pytest.StashKey[bool]()
# What the session kept, for the summary at its end; whether the server stops with it.
_KEPT_ALL = pytest.StashKey[list]()
_IN_PROCESS = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockplatform")
    group.addoption("--mockplatform-url", default=None,
                    help="run against this mockplatform server instead of an in-process one "
                         "(also MOCKPLATFORM_URL)")
    group.addoption("--mockplatform-admin-token", default=None,
                    help="admin token of that server, if it has one "
                         "(also MOCKPLATFORM_ADMIN_TOKEN)")
    group.addoption("--mockplatform-keep-failed", action="store_true", default=None,
                    help="keep the sandbox of a failed test (not deleted) and print its id, api "
                         "key and summary URL in the failure report (also ini "
                         "mockplatform_keep_failed, MOCKPLATFORM_KEEP_FAILED=1)")
    group.addoption("--mockplatform-log-requests", action="store_true", default=None,
                    help="let request logging through: the in-process server's line per "
                         "request and the HTTP client's connection lines (also ini "
                         "mockplatform_log_requests, MOCKPLATFORM_LOG_REQUESTS=1)")
    parser.addini(KEEP_FAILED, type="bool", default=False,
                  help="keep the sandbox of a failed test (see --mockplatform-keep-failed)")
    parser.addini(LOG_REQUESTS, type="bool", default=False,
                  help="let request logging through (see --mockplatform-log-requests)")


def _flag(config: pytest.Config, name: str) -> bool:
    """An on/off setting: the command-line option, else the environment, else the ini file."""
    given = config.getoption(f"--{name.replace('_', '-')}")
    if given is not None:
        return bool(given)
    env = os.environ.get(name.upper())
    if env is not None:
        return env.strip().lower() in _TRUE
    return bool(config.getini(name))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mockplatform_sandbox(**spec): how the `sandbox` fixture creates its sandbox "
                   "(platform, market, seed, start_at, clock_mode, policy_overrides, ...)")
    config.stash[_KEPT_ALL] = []


class ThreadedServer:
    """The app served by werkzeug in a daemon thread on ``host``:``port`` (0 = a free port).

    Unless ``log_requests``, the server writes no line per request: in a test run those lines
    land in every failure report's captured logs and bury what went wrong."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, *,
                 log_requests: bool = True):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, code="-", size="-") -> None:
                pass

        self.app = app
        self._server = make_server(host, port, app, threaded=True,
                                   request_handler=None if log_requests else QuietHandler)
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


def start_in_process_server(database_url: str | None = None, *, log_requests: bool = True,
                            **settings) -> ThreadedServer:
    from mockplatform.app import create_app
    from mockplatform.settings import Settings

    url = database_url or os.environ.get("MOCKPLATFORM_DATABASE_URL") or "sqlite://"
    return ThreadedServer(create_app(Settings.from_env(database_url=url, **settings)),
                          log_requests=log_requests).start()


class _NotToServer(logging.Filter):
    """Drops the HTTP client's (urllib3's) lines about connections to the mockplatform server,
    and only those: the tests' own HTTP logging is theirs."""

    def __init__(self, url: str):
        super().__init__()
        parts = urlsplit(url)
        self.netloc = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        self.dropped = f"Resetting dropped connection: {parts.hostname}"  # says no port

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return self.netloc not in message and message != self.dropped




@pytest.fixture(scope="session")
def mockplatform_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of the mockplatform server the tests use: ``--mockplatform-url`` or
    ``MOCKPLATFORM_URL``, else a real server in a thread on a free port for the session."""
    config = request.config
    external = config.getoption("--mockplatform-url") or os.environ.get("MOCKPLATFORM_URL")
    log_requests = _flag(config, LOG_REQUESTS)
    server = None
    if external:
        url = external.rstrip("/")
    else:
        server = start_in_process_server(admin_token=_admin_token(config),
                                         log_requests=log_requests)
        url = server.url
    config.stash[_IN_PROCESS] = server is not None
    client_log = logging.getLogger("urllib3.connectionpool")
    quiet = None if log_requests else _NotToServer(url)
    if quiet:
        client_log.addFilter(quiet)
    try:
        yield url
    finally:
        if quiet:
            client_log.removeFilter(quiet)
        if server:
            server.stop()


def _admin_token(config: pytest.Config) -> str | None:
    return (config.getoption("--mockplatform-admin-token")
            or os.environ.get("MOCKPLATFORM_ADMIN_TOKEN") or None)


@pytest.fixture(scope="session")
def mockplatform_admin(request: pytest.FixtureRequest, mockplatform_url: str):
    """A ``mockplatform_client.Client`` for managing sandboxes (with the admin token of
    ``--mockplatform-admin-token`` or ``MOCKPLATFORM_ADMIN_TOKEN``, if any)."""
    from mockplatform_client import Client

    return Client(mockplatform_url, admin_token=_admin_token(request.config), max_retries=2)


@pytest.fixture
def sandbox(request: pytest.FixtureRequest, mockplatform_admin, mockplatform_url):
    """A fresh, seeded sandbox for the test, deleted afterwards (kept when the test fails and
    ``--mockplatform-keep-failed`` is on). Configure it with
    ``@pytest.mark.mockplatform_sandbox(platform=..., market=..., seed=..., ...)``."""
    marker = request.node.get_closest_marker("mockplatform_sandbox")
    spec = {**DEFAULT_SANDBOX, "name": request.node.nodeid[-200:],
            **(marker.kwargs if marker else {})}
    created = mockplatform_admin.sandboxes.create(**spec)
    request.node.stash[_SANDBOX] = (created, mockplatform_url)
    try:
        yield created
    finally:
        from mockplatform_client import AuthenticationError, NotFoundError

        if not request.node.stash.get(_KEPT, False):
            try:
                mockplatform_admin.for_sandbox(created).sandboxes.delete(created.id)
            except (NotFoundError, AuthenticationError):
                pass  # the test deleted it itself (its key is then unknown)


@pytest.fixture
def client(mockplatform_admin, sandbox):
    """A ``mockplatform_client.Client`` bound to the test's ``sandbox`` (its api key)."""
    return mockplatform_admin.for_sandbox(sandbox)


@pytest.fixture
def journal(client):
    """The request journal of the test's sandbox: ``journal.assert_called("order/get")``,
    ``journal.list(status=429)``; the same as ``client.journal``."""
    return client.journal


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


# -- the day a test fails ---------------------------------------------------------------------

def summary_url(base_url: str, sandbox_id: str) -> str:
    return f"{base_url}/api/v1/sandboxes/{sandbox_id}/summary"


def describe_kept(sandbox, base_url: str, *, in_process: bool) -> str:
    """What a failure report says about the sandbox kept for it."""
    lines = [f"sandbox id:   {sandbox.id}",
             f"api key:      {sandbox.credentials.api_key}",
             f"summary:      {summary_url(base_url, sandbox.id)}",
             f"events:       {base_url}/api/v1/events (Authorization: Bearer <api key>)"]
    if in_process:
        lines.append("the in-process server stops with the session: run against a server of "
                     "your own (--mockplatform-url) to look at it afterwards")
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed test's sandbox is kept (when asked) and named in its report: setup or call, the
    phases before the ``sandbox`` fixture's teardown would delete it."""
    report = yield
    made = item.stash.get(_SANDBOX, None)
    if (report.failed and report.when in ("setup", "call") and made is not None
            and not item.stash.get(_KEPT, False) and _flag(item.config, KEEP_FAILED)):
        sandbox, base_url = made
        item.stash[_KEPT] = True
        in_process = item.config.stash.get(_IN_PROCESS, False)
        report.sections.append(("mockplatform: sandbox kept",
                                describe_kept(sandbox, base_url, in_process=in_process)))
        item.config.stash[_KEPT_ALL].append((item.nodeid, sandbox.id,
                                             summary_url(base_url, sandbox.id)))
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    kept = config.stash.get(_KEPT_ALL, [])
    if kept:
        terminalreporter.section("mockplatform: sandboxes kept of failed tests")
        for nodeid, sandbox_id, url in kept:
            terminalreporter.line(f"{nodeid}: {sandbox_id} {url}")
