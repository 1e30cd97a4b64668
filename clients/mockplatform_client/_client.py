"""``Client``: one explicit object holding the base URL, the tokens, timeout and retries."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from functools import cached_property
from typing import Any

import requests

from ._object import MockplatformObject
from ._pagination import Page
from ._transport import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_STATUSES,
    DEFAULT_TIMEOUT,
    Transport,
)
from .errors import MockplatformError, make_status_error
from .resources import (
    AfterSales,
    Buyers,
    Clock,
    Events,
    Faults,
    Journal,
    Ledger,
    Orders,
    Packages,
    Policies,
    Products,
    Resale,
    ReturnService,
    Sandboxes,
    Scenarios,
    SemiHosted,
    TestHelpers,
    Timers,
    Tracking,
    WebhookDeliveries,
    WebhookEndpoints,
)

_UNSET: Any = object()


class Client:
    """A client for one mockplatform server, optionally bound to one sandbox.

    The bearer token sent is ``api_key`` when set, else ``admin_token``; calls that manage
    sandboxes (create, list, delete, restore) send ``admin_token`` when there is one.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        admin_token: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sandbox_id: str | None = None,
        session: requests.Session | None = None,
        *,
        retry_statuses: Collection[int] = DEFAULT_RETRY_STATUSES,
        _sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.api_key = api_key
        self.admin_token = admin_token
        self._sandbox_id = sandbox_id
        self._sandbox_id_lock = threading.Lock()
        self._transport = Transport(base_url, timeout=timeout, max_retries=max_retries,
                                    retry_statuses=retry_statuses, session=session,
                                    sleep=_sleep)

    # Resources. A new one is a Resource subclass and three lines here.

    @cached_property
    def sandboxes(self) -> Sandboxes:
        return Sandboxes(self)

    @cached_property
    def clock(self) -> Clock:
        return Clock(self)

    @cached_property
    def webhook_endpoints(self) -> WebhookEndpoints:
        return WebhookEndpoints(self)

    @cached_property
    def webhook_deliveries(self) -> WebhookDeliveries:
        return WebhookDeliveries(self)

    @cached_property
    def timers(self) -> Timers:
        return Timers(self)

    @cached_property
    def events(self) -> Events:
        return Events(self)

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(self)

    @cached_property
    def products(self) -> Products:
        return Products(self)

    @cached_property
    def orders(self) -> Orders:
        return Orders(self)

    @cached_property
    def packages(self) -> Packages:
        return Packages(self)

    @cached_property
    def buyers(self) -> Buyers:
        return Buyers(self)

    @cached_property
    def policies(self) -> Policies:
        return Policies(self)

    @cached_property
    def semi_hosted(self) -> SemiHosted:
        return SemiHosted(self)

    @cached_property
    def aftersales(self) -> AfterSales:
        return AfterSales(self)

    @cached_property
    def resale(self) -> Resale:
        return Resale(self)

    @cached_property
    def return_service(self) -> ReturnService:
        return ReturnService(self)

    @cached_property
    def test_helpers(self) -> TestHelpers:
        return TestHelpers(self)

    @cached_property
    def tracking(self) -> Tracking:
        return Tracking(self)

    @cached_property
    def scenarios(self) -> Scenarios:
        return Scenarios(self)

    @cached_property
    def faults(self) -> Faults:
        return Faults(self)

    @cached_property
    def journal(self) -> Journal:
        return Journal(self)

    # Configuration.

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def timeout(self) -> float | None:
        return self._transport.timeout

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    @property
    def sandbox_id(self) -> str | None:
        """The bound sandbox's id if known; calls that need it look it up from ``api_key``."""
        return self._sandbox_id

    def with_options(
        self,
        *,
        api_key: str | None = _UNSET,
        admin_token: str | None = _UNSET,
        timeout: float | None = _UNSET,
        max_retries: int = _UNSET,
        sandbox_id: str | None = _UNSET,
    ) -> Client:
        """A new client like this one but for the options given; it shares the HTTP session."""
        transport = self._transport

        def pick(value: Any, current: Any) -> Any:
            return current if value is _UNSET else value

        # A new api_key may belong to another sandbox: its id is then looked up afresh.
        key_changed = api_key is not _UNSET and api_key != self.api_key
        return Client(
            transport.base_url,
            api_key=pick(api_key, self.api_key),
            admin_token=pick(admin_token, self.admin_token),
            timeout=pick(timeout, transport.timeout),
            max_retries=pick(max_retries, transport.max_retries),
            sandbox_id=pick(sandbox_id, None if key_changed else self._sandbox_id),
            session=transport.session,
            retry_statuses=transport.retry_statuses,
            _sleep=transport.sleep,
        )

    def for_sandbox(self, sandbox: str | Mapping[str, Any] | None = None, *,
                    api_key: str | None = None) -> Client:
        """A client bound to one sandbox: pass the sandbox object, or its id and ``api_key``.

        The new client keeps this one's base URL, timeout, retries and admin token.
        """
        sandbox_id: str | None
        if isinstance(sandbox, Mapping):
            sandbox_id = sandbox["id"]
            credentials = sandbox.get("credentials") or {}
            api_key = api_key or credentials.get("api_key")
        else:
            sandbox_id = sandbox
        if api_key is None and (sandbox_id is None or self.admin_token is None):
            raise ValueError("for_sandbox() needs the sandbox's api_key (or an admin token and "
                             "the sandbox id)")
        return self.with_options(api_key=api_key, sandbox_id=sandbox_id)

    # Requests.

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        *,
        admin: bool = False,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        """Call any endpoint; the answer comes back as a ``MockplatformObject``.

        ``admin=True`` sends the admin token (when set) instead of the api_key. ``files`` (part
        name -> ``(filename, content, content type)``) sends a multipart body instead of JSON.
        Non-2xx answers raise the matching ``APIStatusError`` subclass.
        """
        response = self._send(method, path, json=json, params=params,
                              idempotency_key=idempotency_key, admin=admin, files=files,
                              accept="application/json")
        request_id = response.headers.get("X-Request-Id")
        if not response.content:
            return MockplatformObject(request_id=request_id)
        try:
            payload = response.json()
        except ValueError:
            raise MockplatformError(
                f"{method.upper()} {path}: the server answered {response.status_code} with a "
                f"body that is not JSON", status=response.status_code,
                request_id=request_id, body=response.text, headers=response.headers) from None
        return MockplatformObject.construct_from(payload, request_id=request_id)

    def request_text(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        *,
        accept: str,
        admin: bool = False,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> str:
        """Call an endpoint that answers text (``accept``, such as ``text/csv``): its body as a
        string, decoded as UTF-8. Errors still come as JSON and raise as ``request`` does."""
        response = self._send(method, path, json=json, params=params,
                              idempotency_key=idempotency_key, admin=admin, files=files,
                              accept=accept)
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type != accept:
            raise MockplatformError(
                f"{method.upper()} {path}: asked for {accept}, the server answered "
                f"{media_type or 'without a content type'}", status=response.status_code,
                request_id=response.headers.get("X-Request-Id"), body=response.text,
                headers=response.headers)
        return response.content.decode("utf-8")

    def _send(self, method: str, path: str, *, json: Any, params: Mapping[str, Any] | None,
              idempotency_key: str | None, admin: bool,
              files: Mapping[str, tuple[str, bytes, str]] | None,
              accept: str) -> requests.Response:
        if admin:
            token = self.admin_token or self.api_key
        else:
            token = self.api_key or self.admin_token
        response = self._transport.send(method, path, token=token, json=json, params=params,
                                        idempotency_key=idempotency_key, files=files,
                                        accept=accept)
        if not 200 <= response.status_code < 300:
            raise make_status_error(response.status_code, response.headers, response.text)
        return response

    def health(self) -> MockplatformObject:
        """``GET /healthz``: ``{"status": "ok"}`` when the server is up."""
        return self.request("GET", "/healthz")

    def _get_page(self, path: str, params: Mapping[str, Any] | None = None, *,
                  admin: bool = False) -> Page:
        payload = self.request("GET", path, params=params, admin=admin)
        return Page(self, path, params, payload, admin=admin)

    def _require_sandbox_id(self) -> str:
        if self._sandbox_id is None:
            if not self.api_key:
                raise ValueError("this call needs a sandbox: pass sandbox_id= or api_key=, or use "
                                 "client.for_sandbox(sandbox)")
            with self._sandbox_id_lock:
                if self._sandbox_id is None:
                    self._sandbox_id = self.sandboxes.current()["id"]
        return self._sandbox_id

    # Lifecycle.

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Client base_url={self.base_url!r} sandbox_id={self._sandbox_id!r}>"
