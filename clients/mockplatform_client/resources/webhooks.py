"""Webhook endpoints of the sandbox, their deliveries and attempts, resend."""

from __future__ import annotations

from collections.abc import Iterable

from .._encoding import without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource, quote_id


class WebhookEndpoints(Resource):
    def create(self, url: str, *, event_types: Iterable[str] | None = None,
               format: str | None = None, secret: str | None = None,
               description: str | None = None, enabled: bool | None = None,
               idempotency_key: str | None = None) -> MockplatformObject:
        """``format``: native (default), lazada or tiktok_shop; ``event_types`` default
        ``["*"]``. The answer carries the ``secret`` to verify native pushes with."""
        body = without_none(url=url, event_types=list(event_types) if event_types else None,
                            format=format, secret=secret, description=description,
                            enabled=enabled)
        return self._request("POST", self._sandbox_path("webhook_endpoints"), json=body,
                             idempotency_key=idempotency_key)

    def list(self, *, limit: int | None = None, after: str | None = None) -> Page:
        return self._get_page(self._sandbox_path("webhook_endpoints"),
                              {"limit": limit, "after": after})

    def get(self, endpoint_id: str) -> MockplatformObject:
        return self._request("GET", self._sandbox_path("webhook_endpoints",
                                                       quote_id(endpoint_id)))

    def update(self, endpoint_id: str, **changes) -> MockplatformObject:
        """``url``, ``event_types``, ``description``, ``enabled``."""
        return self._request("PATCH", self._sandbox_path("webhook_endpoints",
                                                         quote_id(endpoint_id)), json=changes)

    def delete(self, endpoint_id: str) -> MockplatformObject:
        return self._request("DELETE", self._sandbox_path("webhook_endpoints",
                                                          quote_id(endpoint_id)))

    def attempts(self, endpoint_id: str, *, limit: int | None = None,
                 after: str | None = None) -> Page:
        """The endpoint's log: every attempt of every delivery, oldest first."""
        return self._get_page(self._sandbox_path("webhook_endpoints", quote_id(endpoint_id),
                                                 "attempts"), {"limit": limit, "after": after})


class WebhookDeliveries(Resource):
    def list(self, *, endpoint_id: str | None = None, status: str | None = None,
             event_type: str | None = None, limit: int | None = None,
             after: str | None = None) -> Page:
        return self._get_page(self._sandbox_path("webhook_deliveries"), {
            "endpoint_id": endpoint_id, "status": status, "event_type": event_type,
            "limit": limit, "after": after})

    def get(self, delivery_id: str) -> MockplatformObject:
        """With its ``attempt_log`` and the ``body`` every attempt sends."""
        return self._request("GET", self._sandbox_path("webhook_deliveries",
                                                       quote_id(delivery_id)))

    def resend(self, delivery_id: str, *, idempotency_key: str | None = None
               ) -> MockplatformObject:
        return self._request("POST", self._sandbox_path("webhook_deliveries",
                                                        quote_id(delivery_id), "resend"),
                             idempotency_key=idempotency_key)
