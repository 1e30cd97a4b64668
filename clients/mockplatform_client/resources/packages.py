"""Packages of the client's sandbox (made by ``client.orders.pack``), their shipping labels, and
what the seller does with them: repack a packed one, report a seller-own-fleet one delivered or
failed, mark a platform-shipped one as failed delivery."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from .._object import MockplatformObject
from ._base import Resource, quote_id
from .orders import PackageRef, package_id_of

_PATH = "/api/v1/packages"


def label_document(label: Mapping[str, Any]) -> str:
    """The text of a label answer: its ``file`` is the document base64-encoded (as Lazada's
    PrintAWB sends it), in UTF-8."""
    return base64.b64decode(label["file"], validate=True).decode("utf-8")


class Packages(Resource):
    def get(self, package: PackageRef) -> MockplatformObject:
        """The package with its items, deadlines, journey and delivery attempts."""
        return self._request("GET", f"{_PATH}/{quote_id(package_id_of(package))}")

    def label(self, package: PackageRef) -> MockplatformObject:
        """``{"object": "shipping_label", "package_id", "tracking_number", "doc_type",
        "mime_type", "file"}``; ``file`` is base64. Only a packed, not canceled package has
        one (else ``InvalidStateTransitionError``)."""
        return self._request("GET", f"{_PATH}/{quote_id(package_id_of(package))}/label")

    def label_html(self, package: PackageRef) -> str:
        """The label's HTML document, decoded."""
        return label_document(self.label(package))

    def mark_failed_delivery(self, package: PackageRef, *,
                             idempotency_key: str | None = None) -> MockplatformObject:
        """Mark a platform-shipped package (ready to ship or in transit) as failed delivery:
        its items are never settled, even if it is delivered later; the journey goes on."""
        return self._request("POST",
                             f"{_PATH}/{quote_id(package_id_of(package))}/mark_failed_delivery",
                             idempotency_key=idempotency_key)

    def repack(self, package: PackageRef, *,
               idempotency_key: str | None = None) -> MockplatformObject:
        """Dissolve a ``packed`` package (Lazada's repack): it is canceled and its items are
        ``pending`` again, to be packed anew. The answer is the order."""
        return self._action(package, "repack", idempotency_key)

    def own_fleet_delivered(self, package: PackageRef, *,
                            idempotency_key: str | None = None) -> MockplatformObject:
        """Report the ``ready_to_ship`` package of a ``seller_own_fleet`` order delivered by
        the seller's fleet: its items become ``delivered``. Any other package is a
        ``ConflictError`` with code ``not_seller_own_fleet``. The answer is the package."""
        return self._action(package, "own_fleet_delivered", idempotency_key)

    def own_fleet_failed_delivery(self, package: PackageRef, *,
                                  idempotency_key: str | None = None) -> MockplatformObject:
        """Report that the seller's fleet could not deliver the ``ready_to_ship`` package of a
        ``seller_own_fleet`` order: its items become ``failed_delivery`` (no platform return
        leg). The answer is the package."""
        return self._action(package, "own_fleet_failed_delivery", idempotency_key)

    def _action(self, package: PackageRef, action: str,
                idempotency_key: str | None) -> MockplatformObject:
        return self._request("POST", f"{_PATH}/{quote_id(package_id_of(package))}/{action}",
                             idempotency_key=idempotency_key)
