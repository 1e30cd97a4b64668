"""The seller's stock an order takes and gives back: whose stock each unit comes from
(``OrderItem.stock_source``), taking every unit of an order or none, and putting canceled
units back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mockplatform.catalog.errors import InsufficientStock
from mockplatform.catalog.models import Product, Sku
from mockplatform.errors import InvalidRequest
from mockplatform.orders.flows import SELLER_OWN_FLEET
from mockplatform.orders.models import OrderItem

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext
    from mockplatform.orders.service import OrderLine

MAX_UNITS_PER_ORDER = 100
# Whose stock a unit is taken from (OrderItem.stock_source), and the rule that puts the market's
# resale warehouse first (a profile without it never sells resale stock).
SELLER_STOCK, RESALE_STOCK = "seller", "resale"
# A replacement order's unit (aftersales/reshipment.py): counted in no stock, so a canceled one
# puts nothing back [choice].
REPLACEMENT_STOCK = "reshipment"
RESALE_PRIORITY = "resale.stock_priority"


def sources(units: Sequence[tuple[Sku, Product]], from_resale: Counter[int]) -> list[str]:
    """Whose stock each unit comes from: the first units of a SKU take its resale stock."""
    left = Counter(from_resale)
    chosen = []
    for sku, _ in units:
        if left[sku.sku_id] > 0:
            left[sku.sku_id] -= 1
            chosen.append(RESALE_STOCK)
        else:
            chosen.append(SELLER_STOCK)
    return chosen


def take(ctx: SandboxContext, lines: Sequence[OrderLine],
         skus: list[tuple[Sku, Product]], shipping: str) -> Counter[int]:
    """Take the units of every line, or none: a SKU's resale stock first where the profile
    says so (``resale.stock_priority``), then the seller's. How many units of each SKU came
    from resale stock. The platform carries resale stock from its warehouse: an order the
    seller's own fleet carries takes the seller's stock only."""
    wanted: Counter[int] = Counter()
    by_id = {}
    for line, (sku, _) in zip(lines, skus, strict=True):
        wanted[sku.sku_id] += line.quantity
        by_id[sku.sku_id] = sku
    if sum(wanted.values()) > MAX_UNITS_PER_ORDER:
        raise InvalidRequest(f"items: at most {MAX_UNITS_PER_ORDER} units in one order",
                             code="validation_failed",
                             details=[{"field": "items", "location": "body", "message":
                                       f"at most {MAX_UNITS_PER_ORDER} units in all"}])
    resale_first = RESALE_PRIORITY in ctx.policies and shipping != SELLER_OWN_FLEET
    from_resale: Counter[int] = Counter({
        sku_id: min(count, by_id[sku_id].resale_stock or 0) if resale_first else 0
        for sku_id, count in wanted.items()})
    short = [(by_id[sku_id], count) for sku_id, count in wanted.items()
             if by_id[sku_id].stock + from_resale[sku_id] < count]
    if short:
        raise InsufficientStock("not enough stock: " + "; ".join(
                     f"SKU {sku.sku_id} ({sku.seller_sku}) has {sku.stock}, the order needs {count}"
                     for sku, count in short),
                     details=[{"field": "items", "location": "body", "message":
                               f"SKU {sku.sku_id} has {sku.stock} in stock, {count} wanted",
                               "sku_id": sku.sku_id, "current_stock": sku.stock, "requested": count}
                              for sku, count in short])
    for sku_id, count in wanted.items():
        sku = by_id[sku_id]
        sku.stock -= count - from_resale[sku_id]
        sku.updated_at = ctx.now
        # The resale domain's subscription to order.created takes the units themselves off
        # the resale warehouse's shelf (and keeps resale_stock in step with them).
    return from_resale


def restore_stock(ctx: SandboxContext, items: Iterable[OrderItem]) -> None:
    """Put the units of ``items`` back into their SKUs' seller stock; a unit taken from resale
    stock goes back to the resale warehouse instead (the resale domain hears of the
    cancellation)."""
    counts = Counter(item.sku_id for item in items if item.stock_source == SELLER_STOCK)
    for sku_id, count in counts.items():
        sku = ctx.session.get(Sku, (ctx.id, sku_id))
        if sku is not None:
            sku.stock += count
            sku.updated_at = ctx.now
