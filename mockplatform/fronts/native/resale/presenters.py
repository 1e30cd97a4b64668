"""The native wire shape of resale items and the return service setting: money as a string in
its currency's minor unit, instants as aware datetimes for the schemas' ``Timestamp`` fields,
durations in ISO 8601."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mockplatform.engine.durations import format_duration
from mockplatform.engine.policies import Money
from mockplatform.finance.service import format_money
from mockplatform.resale.queries import ResaleItemDetail, ResalePage, detail


def _amount(amount: Decimal | None, currency: str) -> str | None:
    return None if amount is None else format_money(amount, currency)


def resale_item_json(detail: ResaleItemDetail) -> dict[str, Any]:
    unit = detail.unit
    resale_order = None if unit.resale_order_id is None else {
        "order_id": unit.resale_order_id, "order_item_id": unit.resale_order_item_id,
        "resold_at": unit.resold_at, "price": _amount(unit.resale_price, unit.currency),
        "sold_at": unit.sold_at}
    return {"object": "resale_item", "resale_item_id": unit.resale_item_id,
            "state": unit.state, "allowed_actions": detail.allowed_actions,
            "order_id": unit.order_id, "order_item_id": unit.order_item_id,
            "package_id": unit.package_id or None, "item_id": unit.item_id,
            "sku_id": unit.sku_id, "seller_sku": unit.seller_sku, "name": unit.name,
            "market": unit.market, "price": _amount(unit.price, unit.currency),
            "currency": unit.currency, "failure_reason": unit.failure_reason,
            "failed_at": unit.failed_at, "eligible": unit.eligible,
            "ineligible_reasons": list(unit.ineligible_reasons),
            "inspect_at": unit.inspect_at, "relist_at": unit.relist_at,
            "window_ends_at": unit.window_ends_at, "return_arrives_at": unit.return_arrives_at,
            "inspected_at": unit.inspected_at, "qc_results": list(unit.qc_results),
            "qc_scripted": unit.qc_scripted, "relisted_at": unit.relisted_at,
            "resale_order": resale_order, "exit_reason": unit.exit_reason or None,
            "exited_at": unit.exited_at, "return_service": unit.return_service or None,
            "outcome": unit.outcome or None, "outcome_at": unit.outcome_at,
            "compensation": _amount(unit.compensation, unit.currency),
            "timeline": list(unit.timeline), "updated_at": unit.updated_at}


def resale_page_json(page: ResalePage) -> dict[str, Any]:
    return {"data": [resale_item_json(detail(unit)) for unit in page.items],
            "has_more": page.has_more, "next_cursor": page.next_cursor}


def _money(money: Money) -> dict[str, str]:
    return {"amount": format_money(money.amount, money.currency), "currency": money.currency}


def return_service_json(setting: dict[str, Any]) -> dict[str, Any]:
    return {"object": "return_service", **setting,
            "return_threshold": _money(setting["return_threshold"]),
            "return_threshold_in_market_currency": _money(
                setting["return_threshold_in_market_currency"]),
            "return_transit": format_duration(setting["return_transit"]),
            "worry_free_compensation": str(setting["worry_free_compensation"])}
