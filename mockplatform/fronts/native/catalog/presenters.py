"""The native wire shape of products and their SKUs: prices as strings in the currency's minor
unit, package sizes as strings to their precision (kg to the gram, cm to the millimetre)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mockplatform.catalog import money
from mockplatform.catalog.models import Sku
from mockplatform.catalog.service import ProductDetail

GRAM, MILLIMETRE = Decimal("0.001"), Decimal("0.1")


def sku_json(sku: Sku, currency: str) -> dict[str, Any]:
    return {"sku_id": sku.sku_id, "item_id": sku.item_id, "seller_sku": sku.seller_sku,
            "price": money.format_amount(sku.price, currency), "currency": currency,
            "stock": sku.stock, "resale_stock": sku.resale_stock,
            "resale_oldest_listed_at": sku.resale_oldest_listed_at,
            "package_weight": str(sku.package_weight.quantize(GRAM)),
            **{name: str(getattr(sku, name).quantize(MILLIMETRE))
               for name in ("package_length", "package_width", "package_height")},
            "created_at": sku.created_at, "updated_at": sku.updated_at}


def product_json(detail: ProductDetail) -> dict[str, Any]:
    product = detail.product
    return {"item_id": product.item_id, "name": product.name,
            "description": product.description, "category": product.category,
            "status": product.status, "restricted": product.restricted,
            "currency": detail.currency, "allowed_actions": detail.allowed_actions,
            "skus": [sku_json(sku, detail.currency) for sku in detail.skus],
            "created_at": product.created_at, "updated_at": product.updated_at}
