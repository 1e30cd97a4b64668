"""After-sales requests (a TikTok Shop sandbox): the buyer's cancellation requests, refunds
only, returns with their return parcel and reshipments with the seller's package; the seller's
actions; the buyer's and the carrier's test helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from .._encoding import Timestamp, without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource, comma_list, quote_id

RequestType = Literal["cancellation", "refund_only", "return_and_refund", "reshipment"]
RequestState = Literal["requested", "partial_refund_offered", "awaiting_buyer_ship",
                       "buyer_shipped", "awaiting_package_review", "awaiting_seller_claim",
                       "return_redelivering", "approved", "reshipped", "refunded", "rejected",
                       "package_rejected", "return_destroyed", "closed", "withdrawn",
                       "delivered"]
RequestRef = int | str | Mapping[str, Any]

_REQUESTS = "/api/v1/aftersales/requests"
_HELPERS = "/api/v1/test_helpers/aftersales/requests"


def aftersales_id_of(request: RequestRef) -> str:
    """A path segment for a request id, or for a request object."""
    return quote_id(request, "aftersales_id")



class AfterSales(Resource):
    def list(self, *, type: RequestType | str | Iterable[str] | None = None,  # noqa: A002
             state: RequestState | str | Iterable[str] | None = None,
             order_id: int | str | None = None, awaiting_seller: bool | None = None,
             deadline_before: Timestamp | None = None, limit: int | None = None,
             after: int | str | None = None) -> Page:
        """Requests in the order they were opened; ``auto_paging_iter()`` walks every page."""
        flag = None if awaiting_seller is None else str(awaiting_seller).lower()
        return self._get_page(_REQUESTS, {
            "type": comma_list(type), "state": comma_list(state), "order_id": order_id,
            "awaiting_seller": flag, "deadline_before": deadline_before, "limit": limit,
            "after": after})

    def get(self, request: RequestRef) -> MockplatformObject:
        """The request with its deadline, allowed actions, money, return parcel and timeline."""
        return self._request("GET", f"{_REQUESTS}/{aftersales_id_of(request)}")

    def _act(self, base: str, request: RequestRef, action: str, body: dict | None = None,
             idempotency_key: str | None = None) -> MockplatformObject:
        return self._request("POST", f"{base}/{aftersales_id_of(request)}/{action}", json=body,
                             idempotency_key=idempotency_key)

    # The seller.

    def approve(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "approve", **kw)

    def reject(self, request: RequestRef, reason: str, *, comment: str | None = None,
               **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "reject",
                         without_none(reason=reason, comment=comment), **kw)

    def offer_partial_refund(self, request: RequestRef, amount: str, currency: str,
                             **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "offer_partial_refund",
                         {"amount": str(amount), "currency": currency}, **kw)

    def approve_package(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "approve_package", **kw)

    def reject_package(self, request: RequestRef, reason: str, *, comment: str | None = None,
                       **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "reject_package",
                         without_none(reason=reason, comment=comment), **kw)

    def claim_return(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "claim_return", **kw)

    def return_not_needed(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_REQUESTS, request, "return_not_needed", **kw)

    def instant_refund(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        """Lazada: a requested refund only or return refunded at once, with no return."""
        return self._act(_REQUESTS, request, "instant_refund", **kw)

    def confirm_delivery(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        """Lazada: the seller says the return parcel arrived; its review starts."""
        return self._act(_REQUESTS, request, "confirm_delivery", **kw)

    def propose_refund(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        """A reshipment: a full refund instead, approved at once."""
        return self._act(_REQUESTS, request, "propose_refund", **kw)

    def ship_reshipment(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        """An approved reshipment: the seller arranges shipment (a package, its fee debited)."""
        return self._act(_REQUESTS, request, "ship_reshipment", **kw)

    # The buyer's test helpers.

    def open(self, type: RequestType, order_id: int | str, reason: str, *,  # noqa: A002
             order_item_ids: Sequence[int | str] | None = None,
             items: Sequence[Mapping[str, Any]] | None = None,
             evidence: Mapping[str, Any] | None = None,
             idempotency_key: str | None = None) -> MockplatformObject:
        """Open a request as the buyer; all the order's items when neither ``order_item_ids``
        nor ``items`` (``[{"sku_id" or "seller_sku", "quantity"}]``: units by SKU) is given."""
        body = without_none(type=type, order_id=int(order_id), reason=reason,
                            order_item_ids=None if order_item_ids is None
                            else [int(i) for i in order_item_ids],
                            items=None if items is None else [dict(line) for line in items],
                            evidence=dict(evidence) if evidence is not None else None)
        return self._request("POST", _HELPERS, json=body, idempotency_key=idempotency_key)

    def accept_partial_refund(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "accept_partial_refund", **kw)

    def reject_partial_refund(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "reject_partial_refund", **kw)

    def ship_back(self, request: RequestRef, *, tracking_number: str | None = None,
                  shipment_provider: str | None = None, **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "ship_back", without_none(
            tracking_number=tracking_number, shipment_provider=shipment_provider), **kw)

    def withdraw(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "withdraw", **kw)

    # The carrier's test helpers on the return parcel and the reshipment.

    def fail_return_attempt(self, request: RequestRef, *, reason: str | None = None,
                            **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "fail_return_attempt", without_none(reason=reason),
                         **kw)

    def deliver_return(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "deliver_return", **kw)

    def deliver_reshipment(self, request: RequestRef, **kw: Any) -> MockplatformObject:
        return self._act(_HELPERS, request, "deliver_reshipment", **kw)
