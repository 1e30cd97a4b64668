"""Values as Lazada writes them (reference sections 2.5, 4 and 5), and the wire shape of an
order and its items, from the domain's ``OrderDetail``.

Ids are JSON numbers; an order's ``price`` is a string with a thousands separator ("4,720.00");
other amounts are numbers; ``created_at``/``updated_at`` are ``YYYY-MM-DD HH:MM:SS +0800`` in
the venture's offset (SG, MY, PH +0800; TH, VN, ID +0700); ``sla_time_stamp`` is ISO 8601 with
a colon in the offset; ``payment_time`` is epoch milliseconds. Item statuses are the domain's,
which is Lazada's lower-case vocabulary already, but for the resale states (``orders.states.lazada_word``). A
unit sold from the local resale warehouse is a fulfilled-by-Lazada item (``is_fbl`` 1).

Fields the sandbox has nothing behind (vouchers, tax, invoices, gifts) are present with their
empty values, so that code reading them finds what Lazada sends for an order without them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from mockplatform.aftersales import states as aftersales_states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.aftersales.reverse import words as reverse_words
from mockplatform.catalog import money
from mockplatform.orders import states as item_states
from mockplatform.orders.models import OrderItem
from mockplatform.orders.service import SELLER_OWN_FLEET, OrderDetail

VENTURE_OFFSET_HOURS = {"SG": 8, "MY": 8, "PH": 8, "TH": 7, "VN": 7, "ID": 7}
# The domain's payment methods as Lazada names them ([choice] MIXEDCARD for a prepaid order).
PAYMENT_METHODS = {"cod": "COD", "prepaid": "MIXEDCARD"}
# A seller-own-fleet order's items say so (``delivery_option_sof`` 1) [choice: lower case, as
# real payloads write ``standard``].
SHIPPING_PROVIDER_TYPES = {SELLER_OWN_FLEET: "seller_own_fleet"}
EXTRA_ATTRIBUTES = json.dumps({"TaxInvoiceRequested": False}, separators=(",", ":"))


def venture_zone(market: str) -> timezone:
    return timezone(timedelta(hours=VENTURE_OFFSET_HOURS[market]))


def date_text(instant: datetime, market: str) -> str:
    """``2026-03-02 09:00:00 +0800``."""
    return instant.astimezone(venture_zone(market)).strftime("%Y-%m-%d %H:%M:%S %z")


def iso_text(instant: datetime, market: str) -> str:
    return instant.astimezone(venture_zone(market)).isoformat(timespec="seconds")


def millis(instant: datetime) -> int:
    return int((instant - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1))


def price_text(amount: Decimal, currency: str) -> str:
    """``4,720.00`` (``399,000`` in a currency without minor units)."""
    return f"{money.quantize(amount, currency):,.{money.MINOR_DIGITS[currency]}f}"


def number(amount: Decimal) -> int | float:
    """An amount as a JSON number: an integer when it is whole."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _address(address: dict[str, Any], district_key: str) -> dict[str, Any]:
    return {"first_name": address.get("first_name", ""),
            "last_name": address.get("last_name", ""), "phone": address.get("phone", ""),
            "phone2": "", "address1": address.get("address1", ""),
            "address2": address.get("address2", ""), "address3": address.get("region", ""),
            "address4": address.get("city", ""), "address5": address.get("postcode", ""),
            district_key: "", "city": address.get("city", ""),
            "post_code": address.get("postcode", ""), "country": address.get("country", "")}


def order_json(detail: OrderDetail, market: str, *,
               district_key: str = "addressDsitrict") -> dict[str, Any]:
    """An order of ``/orders/get`` (``district_key`` as /orders/get spells it, sic) or
    ``/order/get`` (``addressDistrict``)."""
    order = detail.order
    address = order.address_shipping or {}
    created = date_text(order.created_at, market)
    zero = 0
    return {
        "order_id": order.order_id, "order_number": order.order_id,
        "created_at": created, "updated_at": date_text(order.updated_at, market),
        "address_updated_at": created,
        "statuses": list(dict.fromkeys(map(item_states.lazada_word, detail.statuses))),
        "items_count": order.items_count, "price": price_text(order.price, order.currency),
        "voucher": zero, "voucher_platform": zero, "voucher_seller": zero, "voucher_code": "",
        "shipping_fee": number(order.shipping_fee),
        "shipping_fee_original": number(order.shipping_fee),
        "shipping_fee_discount_seller": zero, "shipping_fee_discount_platform": zero,
        "payment_method": PAYMENT_METHODS.get(order.payment_method,
                                              order.payment_method.upper()),
        "customer_first_name": address.get("first_name", ""),
        "customer_last_name": address.get("last_name", ""),
        "gift_option": False, "gift_message": "", "remarks": "", "delivery_info": "",
        "promised_shipping_times": "", "national_registration_number": "",
        "branch_number": "", "tax_code": "", "extra_attributes": EXTRA_ATTRIBUTES,
        "warehouse_code": "dropshipping", "buyer_note": "",
        "recipient_info": {"passport_no": "", "identify_no": "",
                           "detail_address": address.get("address1", "")},
        "need_cancel_confirm": False, "is_cancel_pending": False,
        "address_billing": _address(address, district_key),
        "address_shipping": _address(address, district_key),
    }


def item_json(detail: OrderDetail, item: OrderItem, market: str,
              reverse: AfterSalesRequest | None = None) -> dict[str, Any]:
    """One unit of an order, as ``/order/items/get`` lists it; ``reverse``: the latest
    after-sales request (reverse order) of the unit, whose id, line status and pending cancel
    request the unit shows."""
    order, package = detail.order, detail.package_of(item)
    cancel_pending = reverse is not None and reverse.type == aftersales_states.CANCELLATION \
        and reverse.state == aftersales_states.REQUESTED
    rts_deadline = detail.deadlines.get("rts_deadline")
    zero = 0
    return {
        "order_item_id": item.order_item_id, "order_id": item.order_id,
        "status": item_states.lazada_word(item.status), "name": item.name, "sku": item.seller_sku,
        "shop_sku": f"{item.item_id}_{market}-{item.sku_id}", "sku_id": item.sku_id,
        "product_id": item.item_id, "variation": "",
        "item_price": number(item.item_price), "paid_price": number(item.paid_price),
        "tax_amount": zero, "currency": order.currency,
        "voucher_amount": zero, "voucher_seller": zero, "voucher_platform": zero,
        "voucher_code": "", "voucher_code_seller": "", "voucher_code_platform": "",
        "voucher_seller_lpi": zero, "voucher_platform_lpi": zero, "wallet_credits": zero,
        "shipping_amount": zero, "shipping_service_cost": zero,
        "shipping_fee_original": zero, "shipping_fee_discount_seller": zero,
        "shipping_fee_discount_platform": zero, "shipping_type": "Dropshipping",
        "shipping_provider_type": SHIPPING_PROVIDER_TYPES.get(order.shipping_type, "standard"),
        "shipment_provider": package.shipment_provider if package else "",
        "tracking_code": package.tracking_number if package else "",
        "tracking_code_pre": "", "package_id": item.package_id or "",
        "purchase_order_id": "", "purchase_order_number": "", "invoice_number": "",
        "promised_shipping_time": "",
        "sla_time_stamp": iso_text(rts_deadline, market) if rts_deadline else "",
        "created_at": date_text(item.created_at, market),
        "updated_at": date_text(item.updated_at, market),
        "reason": item.reason, "reason_detail": item.reason_detail,
        "return_status": reverse_words(reverse)[1] if reverse is not None else "",
        "cancel_return_initiator": item.cancel_return_initiator or "null-null",
        "order_type": "Normal", "order_flag": "NORMAL", "stage_pay_status": "",
        "is_digital": 0, "delivery_option_sof": int(order.shipping_type == SELLER_OWN_FLEET),
        "is_fbl": int(item.stock_source == "resale"), "is_reroute": 0,
        "warehouse_code": "dropshipping", "buyer_id": order.buyer_id,
        "payment_time": millis(order.created_at), "need_cancel_confirm": cancel_pending,
        "is_cancel_pending": cancel_pending,
        "reverse_order_id": str(reverse.aftersales_id) if reverse is not None else "",
        "product_main_image": "",
        "product_detail_url": "", "digital_delivery_info": "", "extra_attributes": "",
    }


def items_json(detail: OrderDetail, market: str,
               reverses: dict[int, AfterSalesRequest]) -> list[dict[str, Any]]:
    return [item_json(detail, item, market, reverses.get(item.order_item_id))
            for item in detail.items]
