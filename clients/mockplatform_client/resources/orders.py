"""Orders of the client's sandbox, as the seller sees them: the list, one order, its items (one
per unit), and what the seller does with them (pack, ready to ship, cancel).

Orders are placed as the buyer with ``client.test_helpers.place_order``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from .._encoding import Timestamp, without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource, comma_list, quote_id

OrderStatus = Literal["unpaid", "pending", "accepted", "packed", "ready_to_ship", "shipped",
                      "delivered", "failed_delivery", "resale_pending", "resale_listed",
                      "resold", "canceled", "returned", "shipped_back", "shipped_back_success",
                      "package_scrapped", "worry_free_compensated", "lost_by_3pl",
                      "damaged_by_3pl"]
SortField = Literal["created_at", "updated_at"]
SortDirection = Literal["asc", "desc"]
CancelReason = Literal["out_of_stock", "sourcing_delay", "wrong_price"]
OrderRef = int | str | Mapping[str, Any]
PackageRef = str | Mapping[str, Any]

_PATH = "/api/v1/orders"


def order_id_of(order: OrderRef) -> str:
    """A path segment for an order id, or for an order object (``order_id``)."""
    if isinstance(order, Mapping):
        order = order["order_id"]
    return quote_id(order)


def package_id_of(package: PackageRef) -> str:
    if isinstance(package, Mapping):
        return str(package["package_id"])
    return str(package)


def _ids(values: Iterable[Any] | None, key: str) -> list[Any] | None:
    """A list of ids from ids or objects that carry one under ``key`` (an order item, a
    package); ``None`` stays "not given"."""
    if values is None:
        return None
    return [value[key] if isinstance(value, Mapping) else value for value in values]


class Orders(Resource):
    def list(
        self,
        *,
        status: OrderStatus | str | Iterable[str] | None = None,
        created_after: Timestamp | None = None,
        created_before: Timestamp | None = None,
        updated_after: Timestamp | None = None,
        updated_before: Timestamp | None = None,
        sort_by: SortField | None = None,
        sort_direction: SortDirection | None = None,
        delayed: bool | None = None,
        ever_failed_delivery: bool | None = None,
        platform_status: str | Iterable[str] | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Page:
        """Newest first unless told otherwise. ``status``: one status or several (an order
        matches when any of its items has one of them); the time ranges are inclusive;
        ``delayed``: only orders in (``True``) or out of (``False``) the delayed view;
        ``ever_failed_delivery``: only orders with (``True``) or without (``False``) an item
        that failed delivery at some point, whatever its status now; ``platform_status`` (a
        TikTok Shop sandbox's): one TikTok order status or several (``AWAITING_SHIPMENT``).
        ``auto_paging_iter()`` walks every page; the cursor is bound to the sort it was made
        for."""
        if status is not None and not isinstance(status, str):
            status = ",".join(status)
        if platform_status is not None and not isinstance(platform_status, str):
            platform_status = ",".join(platform_status)
        return self._get_page(_PATH, {
            "status": status, "created_after": created_after, "created_before": created_before,
            "updated_after": updated_after, "updated_before": updated_before,
            "sort_by": sort_by, "sort_direction": sort_direction, "delayed": delayed,
            "ever_failed_delivery": ever_failed_delivery, "platform_status": platform_status,
            "limit": limit, "after": after})

    def get(self, order: OrderRef) -> MockplatformObject:
        """The order with its ``items``, ``statuses``, ``deadlines``, ``delayed`` flag and
        ``package_ids``. (``order["items"]``: ``items`` is also a dict method.)"""
        return self._request("GET", f"{_PATH}/{order_id_of(order)}")

    def timeline(self, order: OrderRef, *, type: str | Iterable[str] | None = None,
                 occurred_from: Timestamp | None = None, occurred_to: Timestamp | None = None,
                 limit: int | None = None, after: str | None = None) -> Page:
        """The events of the order, its items, packages, resale units and after-sales
        requests, in the order they happened (``occurred_from`` inclusive, ``occurred_to``
        exclusive, in sandbox time)."""
        return self._get_page(f"{_PATH}/{order_id_of(order)}/timeline", {
            "type": comma_list(type), "occurred_from": occurred_from,
            "occurred_to": occurred_to, "limit": limit, "after": after})

    def items(self, order: OrderRef) -> list[MockplatformObject]:
        """The order's items, one per unit, in ``order_item_id`` order."""
        return list(self._request("GET", f"{_PATH}/{order_id_of(order)}/items")["data"])

    def item_history(self, order: OrderRef, item: int | str | Mapping[str, Any]
                     ) -> MockplatformObject:
        """Every status the item (an id or an item object) took, oldest first, in ``data``:
        ``status``, ``previous_statuses``, ``at``, ``event_id``, ``reason``,
        ``resale_item_id``."""
        item_id = item["order_item_id"] if isinstance(item, Mapping) else item
        return self._request("GET", f"{_PATH}/{order_id_of(order)}/items/"
                                    f"{quote_id(item_id)}/history")

    def pack(self, order: OrderRef, *, order_item_ids: Sequence[Any] | None = None,
             shipment_provider: str | None = None,
             idempotency_key: str | None = None) -> MockplatformObject:
        """Pack items (ids or item objects; by default every ``pending`` one) into one new
        package; the answer is the package, with its ``tracking_number``."""
        body = without_none(order_item_ids=_ids(order_item_ids, "order_item_id"),
                            shipment_provider=shipment_provider)
        return self._request("POST", f"{_PATH}/{order_id_of(order)}/pack", json=body,
                             idempotency_key=idempotency_key)

    def ready_to_ship(self, order: OrderRef, *, package_ids: Sequence[PackageRef] | None = None,
                      idempotency_key: str | None = None) -> MockplatformObject:
        """Hand packed packages (by default every packed one) to the carrier; the answer is the
        order, whose ``deadlines.first_mile_scan_deadline`` is now set."""
        body = without_none(package_ids=_ids(package_ids, "package_id"))
        return self._request("POST", f"{_PATH}/{order_id_of(order)}/ready_to_ship", json=body,
                             idempotency_key=idempotency_key)

    def cancel(self, order: OrderRef, *, reason: CancelReason,
               order_item_ids: Sequence[Any] | None = None,
               idempotency_key: str | None = None) -> MockplatformObject:
        """Cancel items as the seller (by default every cancelable one); canceling an item of a
        package cancels the whole package. ``out_of_stock`` sets the SKUs' stock to 0, the
        other reasons put the units back."""
        body = without_none(reason=reason,
                            order_item_ids=_ids(order_item_ids, "order_item_id"))
        return self._request("POST", f"{_PATH}/{order_id_of(order)}/cancel", json=body,
                             idempotency_key=idempotency_key)
