"""Resale (a Lazada sandbox): the units that failed delivery and what became of them, the
warehouse's test helpers, the Resale Overview; and the seller's return service, which decides
what becomes of a unit that leaves resale."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from .._encoding import Timestamp, without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource, comma_list, quote_id
from .test_helpers import PaymentMethod

ResaleState = Literal["inspection_pending", "resale_pending", "listed", "resold", "sold",
                      "returning_to_seller", "returned_to_seller", "destroyed_locally",
                      "worry_free_compensated"]
ExitReason = Literal["ineligible", "qc_failed", "window_expired", "second_failure"]
QcCheck = Literal["sku_listed", "no_defects", "matches_description", "correct_item",
                  "complete", "packaging_intact", "not_restricted"]
ReturnOption = Literal["return_to_seller", "worry_free", "local_disposal"]
ResaleItemRef = int | str | Mapping[str, Any]

_ITEMS = "/api/v1/resale/items"
_HELPERS = "/api/v1/test_helpers/resale/items"
_OVERVIEW = "/api/v1/resale/overview"
CSV = "text/csv"


def resale_item_id_of(item: ResaleItemRef) -> str:
    """A path segment for a resale item id, or for a resale item object."""
    return quote_id(item, "resale_item_id")



class Resale(Resource):
    def list(
        self,
        *,
        state: ResaleState | str | Iterable[str] | None = None,
        sku_id: int | str | None = None,
        seller_sku: str | None = None,
        order_id: int | str | None = None,
        exit_reason: ExitReason | str | Iterable[str] | None = None,
        relisted_from: Timestamp | None = None,
        relisted_to: Timestamp | None = None,
        exited_from: Timestamp | None = None,
        exited_to: Timestamp | None = None,
        expired_from: Timestamp | None = None,
        expired_to: Timestamp | None = None,
        market: str | None = None,
        limit: int | None = None,
        after: int | str | None = None,
    ) -> Page:
        """Resale items in the order they came into resale. ``state`` and ``exit_reason``: one
        value or several; ``order_id``: the unit's first order or its resale order;
        ``expired_*``: when an unsold unit's window ended; ``market``: the sandbox's (another
        lists nothing); the ranges are from inclusive, to exclusive. ``auto_paging_iter()`` walks every page."""
        return self._get_page(_ITEMS, {
            "state": comma_list(state), "sku_id": sku_id, "seller_sku": seller_sku,
            "order_id": order_id, "exit_reason": comma_list(exit_reason),
            "relisted_from": relisted_from, "relisted_to": relisted_to,
            "exited_from": exited_from, "exited_to": exited_to, "expired_from": expired_from,
            "expired_to": expired_to, "market": market, "limit": limit, "after": after})

    def get(self, item: ResaleItemRef) -> MockplatformObject:
        """The unit with its deadlines, inspection results check by check, resale order,
        outcome, compensation, timeline and the helpers' ``allowed_actions``."""
        return self._request("GET", f"{_ITEMS}/{resale_item_id_of(item)}")

    # The warehouse's test helpers.

    def script_inspection(self, item: ResaleItemRef, result: Literal["pass", "fail"], *,
                          check: QcCheck | str | None = None,
                          idempotency_key: str | None = None) -> MockplatformObject:
        """The coming inspection of an ``inspection_pending`` unit passes, or fails ``check``
        (default ``no_defects``). The answer is the resale item."""
        return self._request("POST", f"{_HELPERS}/{resale_item_id_of(item)}/inspection",
                             json=without_none(result=result, check=check),
                             idempotency_key=idempotency_key)

    def sell(self, item: ResaleItemRef, *, buyer_id: int | str | None = None,
             buyer: Mapping[str, Any] | None = None,
             payment_method: PaymentMethod | None = None,
             idempotency_key: str | None = None) -> MockplatformObject:
        """A buyer order served by exactly this ``listed`` unit, placed now; it ships from the
        market's resale warehouse at once. The answer is the new order."""
        if buyer_id is not None and buyer is not None:
            raise ValueError("sell() takes buyer_id= or buyer=, not both")
        body = without_none(buyer_id=buyer_id, buyer=dict(buyer) if buyer is not None else None,
                            payment_method=payment_method)
        return self._request("POST", f"{_HELPERS}/{resale_item_id_of(item)}/sell", json=body,
                             idempotency_key=idempotency_key)

    def expire_window(self, item: ResaleItemRef, *,
                      idempotency_key: str | None = None) -> MockplatformObject:
        """The ``listed`` unit's resale window ends now: it leaves for the return service.
        The answer is the resale item."""
        return self._request("POST", f"{_HELPERS}/{resale_item_id_of(item)}/expire_window",
                             idempotency_key=idempotency_key)

    # The Resale Overview, as the seller center shows it.

    def overview(self, **query: Any) -> MockplatformObject:
        """Per market and per product over a period: ``period="7d"`` or ``"30d"``, or
        ``from``/``to`` (pass them as ``**{"from": ..., "to": ...}``, ``from`` being a
        keyword of Python)."""
        return self._request("GET", _OVERVIEW, params=query)

    def overview_csv(self, **query: Any) -> str:
        """The same overview as CSV text."""
        return self._client.request_text("GET", _OVERVIEW, params={**query, "format": "csv"},
                                         accept=CSV)


class ReturnService(Resource):
    def get(self) -> MockplatformObject:
        """The seller's return service: the ``option`` in force, the ``options`` and where each
        is offered, the return threshold (USD and the market currency), the return transit and
        the worry-free compensation."""
        return self._request("GET", "/api/v1/return_service")

    def set(self, option: ReturnOption) -> MockplatformObject:
        """Change it for the units that leave resale from now on; worry-free where it is not
        offered (VN, SG) is a ``ConflictError`` with code ``return_service_unavailable``."""
        return self._request("PUT", "/api/v1/return_service", json={"option": option})
