"""``Resource``: what every ``client.<resource>`` is built on.

A new resource is a subclass with one method per endpoint, each a line or two::

    class Orders(Resource):
        def get(self, order_id: str) -> MockplatformObject:
            return self._request("GET", f"/api/v1/orders/{quote_id(order_id)}")

        def list(self, *, status=None, limit=None) -> Page:
            return self._get_page("/api/v1/orders", {"status": status, "limit": limit})

plus a ``cached_property`` on ``Client`` that returns ``Orders(self)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._object import MockplatformObject
from .._pagination import Page

if TYPE_CHECKING:
    from .._client import Client


def quote_id(value: str | Mapping[str, Any], key: str = "id") -> str:
    """A path segment for an id, or for an object that has one under ``key`` (a sandbox's
    ``id``, a resale item's ``resale_item_id``)."""
    if isinstance(value, Mapping):
        value = value[key]
    return quote(str(value), safe="")


def comma_list(values: str | Iterable[str] | None) -> str | None:
    """One query value for several: ``a,b`` (a string or None as it is)."""
    return values if values is None or isinstance(values, str) else ",".join(values)


class Resource:
    def __init__(self, client: Client) -> None:
        self._client = client

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        admin: bool = False,
    ) -> MockplatformObject:
        return self._client.request(method, path, json=json, params=params,
                                    idempotency_key=idempotency_key, admin=admin)

    def _get_page(self, path: str, params: Mapping[str, Any] | None = None, *,
                  admin: bool = False) -> Page:
        return self._client._get_page(path, params, admin=admin)

    def _sandbox_path(self, *segments: str) -> str:
        """``/api/v1/sandboxes/{id}/...`` for the client's sandbox, resolving its id if needed."""
        return "/".join(["/api/v1/sandboxes", quote_id(self._client._require_sandbox_id()),
                         *segments])
