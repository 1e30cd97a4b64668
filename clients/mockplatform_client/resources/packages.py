"""Packages of the client's sandbox: what the seller packed, where the carrier has it, and the
seller's "mark as failed delivery"."""

from __future__ import annotations

from .._object import MockplatformObject
from ._base import Resource, quote_id

_PATH = "/api/v1/packages"


class Packages(Resource):
    def get(self, package_id: str) -> MockplatformObject:
        """With its journey (each step's ``due_at`` and ``done_at``), delivery attempts and
        what the origin sorting centre measured."""
        return self._request("GET", f"{_PATH}/{quote_id(package_id)}")

    def label(self, package_id: str) -> MockplatformObject:
        """The shipping label: an HTML document, base64-encoded in ``file``."""
        return self._request("GET", f"{_PATH}/{quote_id(package_id)}/label")

    def mark_failed_delivery(self, package_id: str, *,
                             idempotency_key: str | None = None) -> MockplatformObject:
        """Mark a platform-shipped package (ready to ship or in transit) as failed delivery:
        its items are never settled, even if it is delivered later."""
        return self._request("POST", f"{_PATH}/{quote_id(package_id)}/mark_failed_delivery",
                             idempotency_key=idempotency_key)
