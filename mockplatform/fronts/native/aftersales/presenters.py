"""The native wire shape of an after-sales request: money as strings in the currency's minor
unit, instants as aware datetimes for the schemas' ``Timestamp`` fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mockplatform.aftersales.queries import RequestDetail, RequestPage, detail
from mockplatform.engine.context import SandboxContext
from mockplatform.finance.service import format_money


def _money(amount: Decimal | None, currency: str) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"amount": format_money(amount, currency), "currency": currency}


def request_json(found: RequestDetail, parcels: dict[str, Any]) -> dict[str, Any]:
    """``parcels``: the request's packages by id (``queries.parcels``)."""
    request = found.request
    parcel = parcels.get(request.return_package_id)
    shipped = parcels.get(request.reshipment_package_id)
    reshipment = None if request.reshipment_package_id is None else {
        "package_id": request.reshipment_package_id,
        "tracking_number": request.reshipment_tracking_number,
        "shipment_provider": shipped.shipment_provider if shipped is not None else None,
        "status": shipped.status if shipped is not None else None,
        "delivery_due_at": request.reshipment_due_at,
        "delivered_at": shipped.delivered_at if shipped is not None else None,
        "shipping_fee": _money(request.reshipment_fee, request.reshipment_fee_currency)}
    return_parcel = None if request.return_package_id is None else {
        "package_id": request.return_package_id,
        "tracking_number": request.return_tracking_number,
        "status": parcel.status if parcel is not None else None,
        "delivery_attempts": request.return_delivery_attempts,
        "next_attempt_at": request.return_next_attempt_at}
    failed_return = None if not request.carrier_contact else {
        "carrier_contact": request.carrier_contact, "ticket_url": request.ticket_url,
        "claim_deadline": request.claim_deadline}
    return {
        "object": "aftersales_request", "aftersales_id": request.aftersales_id,
        "type": request.type, "platform_type": found.platform_type,
        "order_id": request.order_id, "order_item_ids": list(request.order_item_ids),
        "reason": request.reason, "evidence": dict(request.evidence), "state": request.state,
        "platform_status": found.platform_status,
        "seller_next_action": request.seller_next_action or None,
        "deadline_at": request.deadline_at,
        "deadline_policy": request.deadline_policy or None,
        "allowed_actions": found.seller_actions, "buyer_actions": found.buyer_actions,
        "carrier_actions": found.carrier_actions,
        "requested_refund": _money(request.requested_refund, request.currency),
        "partial_refund": _money(request.offered_refund, request.currency),
        "buyer_rejected_partial_refund": request.buyer_rejected_partial_refund,
        "refunded": _money(request.refunded_amount, request.currency),
        "refunded_at": request.refunded_at,
        "reject_reason": request.reject_reason or None,
        "reject_comment": request.reject_comment or None,
        "return_parcel": return_parcel, "failed_return": failed_return,
        "replacement_order_id": request.replacement_order_id, "reshipment": reshipment,
        "timeline": list(request.timeline), "created_at": request.created_at,
        "updated_at": request.updated_at, "closed_at": request.closed_at}


def page_json(ctx: SandboxContext, page: RequestPage, parcels: dict[str, Any]) -> dict[str, Any]:
    return {"data": [request_json(detail(ctx, request), parcels) for request in page.requests],
            "has_more": page.has_more, "next_cursor": page.next_cursor}
