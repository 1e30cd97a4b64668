"""The native wire shape of orders, their items and packages: the domain's typed results
(``OrderDetail``, ``PackageDetail``, ``Label``) as the response schemas dump them. Money is a
string in the currency's minor unit ("60.80" MYR, "399000" VND); instants stay aware datetimes
for the schemas' ``Timestamp`` fields."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from mockplatform.catalog import money
from mockplatform.logistics.packages import Label, PackageDetail
from mockplatform.orders import flows
from mockplatform.orders.history import HistoryEntry
from mockplatform.orders.listing import OrderPage
from mockplatform.orders.models import OrderItem
from mockplatform.orders.service import OrderDetail


def item_json(detail: OrderDetail, item: OrderItem) -> dict[str, Any]:
    order, package = detail.order, detail.package_of(item)
    shown = {"object": "order_item", "order_item_id": item.order_item_id,
            "order_id": item.order_id, "status": item.status, "name": item.name,
            "item_id": item.item_id, "sku_id": item.sku_id, "seller_sku": item.seller_sku,
            "item_price": money.format_amount(item.item_price, order.currency),
            "paid_price": money.format_amount(item.paid_price, order.currency),
            "currency": order.currency, "package_id": item.package_id,
            "tracking_code": package.tracking_number if package else None,
            "shipment_provider": package.shipment_provider if package else None,
            "reason": item.reason, "reason_detail": item.reason_detail,
            "cancel_return_initiator": item.cancel_return_initiator,
            "stock_source": item.stock_source, "failed_delivery_at": item.failed_delivery_at,
            "allowed_actions": detail.allowed_actions(item),
            "created_at": item.created_at, "updated_at": item.updated_at}
    units = detail.platform_statuses
    return shown if units is None else {**shown, "platform_status": units[item.order_item_id]}


def order_json(detail: OrderDetail) -> dict[str, Any]:
    order = detail.order
    shown = {"object": "order", "order_id": order.order_id, "order_number": order.order_id,
            "flow": order.flow, "buyer_id": order.buyer_id,
            "payment_method": order.payment_method, "shipping_type": order.shipping_type,
            "currency": order.currency,
            "price": money.format_amount(order.price, order.currency),
            "shipping_fee": money.format_amount(order.shipping_fee, order.currency),
            "items_count": order.items_count, "statuses": detail.statuses,
            "is_replacement_order": order.replaced_order_id is not None,
            "replaced_order_id": order.replaced_order_id,
            # The same text as the order's events record its deadlines.
            "deadlines": flows.deadlines_document(detail.deadlines),
            "delayed": detail.delayed, "address_shipping": order.address_shipping,
            "package_ids": [package.package_id for package in detail.packages],
            "allowed_actions": detail.order_allowed_actions,
            "items": [item_json(detail, item) for item in detail.items],
            "created_at": order.created_at, "updated_at": order.updated_at}
    status = detail.platform_status
    return shown if status is None else {**shown, "platform_status": status}


def order_page_json(page: OrderPage) -> dict[str, Any]:
    return {"data": [order_json(detail) for detail in page.orders], "has_more": page.has_more,
            "next_cursor": page.next_cursor, "notes": list(page.notes)}


def package_json(detail: PackageDetail) -> dict[str, Any]:
    package = detail.package
    return {"object": "package", "package_id": package.package_id,
            "order_id": package.order_id, "tracking_number": package.tracking_number,
            "shipment_provider": package.shipment_provider,
            "ships_from": package.ships_from, "status": package.status,
            "order_item_ids": [item.order_item_id for item in detail.items],
            "item_statuses": detail.item_statuses,
            "packed_at": package.packed_at, "ready_to_ship_at": package.ready_to_ship_at,
            "first_mile_scan_deadline": package.first_mile_scan_deadline,
            "first_mile_scanned_at": package.first_mile_scanned_at,
            "journey_step": package.journey_step or None,
            "journey": [{"step": step, **planned} for step, planned in detail.journey],
            "delivery_attempts": package.delivery_attempts,
            "queued_failures": detail.queued_failures,
            "failure_reason": package.failure_reason or None, "measured": package.measured,
            "seller_marked_failed": package.seller_marked_failed_at is not None,
            "seller_marked_failed_at": package.seller_marked_failed_at,
            "delivered_at": package.delivered_at, "updated_at": package.updated_at}


def item_history_json(detail: OrderDetail, order_item_id: int,
                      entries: list[HistoryEntry]) -> dict[str, Any]:
    [item] = [item for item in detail.items if item.order_item_id == order_item_id]
    return {"object": "order_item_history", "order_id": item.order_id,
            "order_item_id": item.order_item_id, "status": item.status,
            "failed_delivery_at": item.failed_delivery_at,
            "data": [asdict(entry) for entry in entries]}


def label_json(label: Label) -> dict[str, Any]:
    return {"object": "shipping_label", "package_id": label.package_id,
            "tracking_number": label.tracking_number, "doc_type": "HTML",
            "mime_type": label.mime_type,
            "file": base64.b64encode(label.document.encode("utf-8")).decode("ascii")}


def present(result: Any) -> Any:
    """Whatever an orders or packages operation returned, in the native shape."""
    if isinstance(result, OrderDetail):
        return order_json(result)
    if isinstance(result, PackageDetail):
        return package_json(result)
    return result
