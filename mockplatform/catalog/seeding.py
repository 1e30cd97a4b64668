"""Seeded fills: ``N`` products and ``M`` buyers drawn from the catalog fixtures.

Every product is drawn from a stream keyed by its own ``item_id`` (and every buyer by its
``buyer_id``), so the same seed and the same calls give the same names, prices, stock and ids.
One ``catalog.seeded`` event summarises a fill instead of one event per row: a fill of 10,000
products would otherwise bury the feed.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from mockplatform.catalog import buyers, fixtures, money, states
from mockplatform.catalog.models import Buyer, Product, Sku
from mockplatform.catalog.service import check_seller_skus_free, currency, reserve_ids
from mockplatform.engine.context import SandboxContext

MAX_PRODUCTS = 10_000
MAX_BUYERS = 10_000
MAX_SKUS_PER_PRODUCT = 3
RESTRICTED_SHARE = 0.02  # a few restricted products, for the resale rules
OUT_OF_STOCK_SHARE = 0.1
_ROWS_PER_INSERT = 1000


def seed(ctx: SandboxContext, *, products: int, buyers_count: int) -> dict[str, Any]:
    item_ids = reserve_ids(ctx, "item", products)
    buyer_ids = reserve_ids(ctx, "buyer", buyers_count)
    code = currency(ctx)
    product_rows, sku_specs = [], []
    for item_id in item_ids:
        product, skus = _draw_product(ctx, item_id, code)
        product_rows.append(product)
        sku_specs.append(skus)
    sku_ids = iter(reserve_ids(ctx, "sku", sum(len(skus) for skus in sku_specs)))
    sku_rows = []
    for skus in sku_specs:
        for sku in skus:
            sku_id = next(sku_ids)
            sku_rows.append({**sku, "sku_id": sku_id, "seller_sku": f"{sku['seller_sku']}-{sku_id}"})
    check_seller_skus_free(ctx, [row["seller_sku"] for row in sku_rows])
    buyer_rows = [_buyer_row(buyers.build(ctx, buyer_id, {})) for buyer_id in buyer_ids]
    for model, rows in ((Product, product_rows), (Sku, sku_rows), (Buyer, buyer_rows)):
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            ctx.session.execute(insert(model), rows[start:start + _ROWS_PER_INSERT])
    result = {"products": _summary(item_ids), "skus": len(sku_rows),
              "buyers": _summary(buyer_ids)}
    ctx.record("catalog.seeded", data=result)
    return result


def _summary(ids: range) -> dict[str, Any]:
    return {"count": len(ids), "first_id": ids[0] if ids else None,
            "last_id": ids[-1] if ids else None}


def _buyer_row(buyer: Buyer) -> dict[str, Any]:
    return {column.key: getattr(buyer, column.key) for column in Buyer.__table__.c}


def _draw_product(ctx: SandboxContext, item_id: int,
                  code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    draw = ctx.rng(f"item:{item_id}", "seed")
    category = draw.choice(fixtures.categories())
    words = category["words"]
    name = draw.choice(category["templates"]).format(
        **{key: draw.choice(values) for key, values in words.items()})
    product = {"sandbox_id": ctx.id, "item_id": item_id, "name": name,
               "description": f"{name}. {category['name']}, ships from the seller's warehouse.",
               "category": category["name"], "status": states.LISTED,
               "restricted": draw.random() < RESTRICTED_SHARE,
               "created_at": ctx.now, "updated_at": ctx.now}
    variants = draw.sample(category["variants"],
                           draw.randint(1, min(MAX_SKUS_PER_PRODUCT, len(category["variants"]))))
    code_prefix = "".join(word[0] for word in category["name"].split() if word[0].isalnum())
    skus = [{"sandbox_id": ctx.id, "item_id": item_id,
             "seller_sku": f"{code_prefix.upper()}-{_slug(variant)}",
             "price": _price(draw, category["price"][code], code),
             "stock": 0 if draw.random() < OUT_OF_STOCK_SHARE else draw.randint(1, 200),
             **_package(draw, category), "created_at": ctx.now, "updated_at": ctx.now}
            for variant in variants]
    return product, skus


def _slug(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())[:12] or "X"


def _price(draw: random.Random, price_range: list, code: str) -> Decimal:
    low, high, step = (Decimal(str(value)) for value in price_range)
    steps = int((high - low) / step)
    return money.quantize(low + step * draw.randint(0, steps), code)


def _package(draw: random.Random, category: dict[str, Any]) -> dict[str, Decimal]:
    low, high = category["weight_kg"]
    (length_lo, length_hi), (width_lo, width_hi), (height_lo, height_hi) = \
        category["dimensions_cm"]
    return {"package_weight": Decimal(str(round(draw.uniform(low, high), 3))),
            "package_length": Decimal(draw.randint(length_lo, length_hi)),
            "package_width": Decimal(draw.randint(width_lo, width_hi)),
            "package_height": Decimal(draw.randint(height_lo, height_hi))}
