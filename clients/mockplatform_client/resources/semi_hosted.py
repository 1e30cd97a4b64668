"""The AliExpress semi-hosted walk of an order (an ``aliexpress`` sandbox): the seller accepts
the order, packs it and ships it with its own carrier and tracking number; the buyer confirms
receipt. Packing and canceling use the endpoints every flow shares (``POST
/api/v1/orders/{id}/pack`` and ``/cancel``)."""

from __future__ import annotations

from .._object import MockplatformObject
from ._base import Resource, quote_id


class SemiHosted(Resource):
    def accept(self, order_id: int | str, *,
               idempotency_key: str | None = None) -> MockplatformObject:
        """Every ``pending`` item becomes ``accepted``; the answer is the order."""
        return self._request("POST", f"/api/v1/orders/{quote_id(order_id)}/accept",
                             idempotency_key=idempotency_key)

    def ship(self, order_id: int | str, *, shipment_provider: str, tracking_number: str,
             idempotency_key: str | None = None) -> MockplatformObject:
        """Hand the packed order to ``shipment_provider`` (the carrier's name) with its
        ``tracking_number`` (6 to 40 letters or digits, unique in the sandbox). Shipped at or
        after the ship deadline, the order is fined now (``semi_hosted.late_fine``)."""
        return self._request("POST", f"/api/v1/orders/{quote_id(order_id)}/ship",
                             json={"shipment_provider": shipment_provider,
                                   "tracking_number": tracking_number},
                             idempotency_key=idempotency_key)

    def confirm_receipt(self, order_id: int | str, *,
                        idempotency_key: str | None = None) -> MockplatformObject:
        """Test helper, as the buyer: the shipped order arrived; its items become
        ``delivered``."""
        return self._request(
            "POST", f"/api/v1/test_helpers/orders/{quote_id(order_id)}/confirm_receipt",
            idempotency_key=idempotency_key)
