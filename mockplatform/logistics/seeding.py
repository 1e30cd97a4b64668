"""Seeded orders: ``M`` orders placed by the sandbox's buyers from its listed stock, each taken
as far as its drawn fulfilment stage by the same services the seller's calls use.

Draws [choice], all from one stream per fill (``ctx.rng("orders", "seed:<n>")``, n counting
the sandbox's fills), so the same seed and calls give the same orders:

- lines: one SKU (75%), two (20%) or three (5%), distinct, drawn among the SKUs of listed
  products that still have stock; each line 1 unit (80%), 2 (15%) or 3 (5%), at most what is
  left. An order takes its stock like a buyer's; when the listed stock runs out before the last
  order, the fill is a 409 ``insufficient_stock`` and nothing of it is kept;
- buyer: one of the sandbox's buyers; a sandbox without any gets a new buyer per order;
- ``payment_methods``, ``shipping`` and ``fulfilment`` are weights (shares need not sum to 1).
  Defaults: all prepaid, all cross-border, all ``pending``. The fulfilment stage is where the
  seller's walk stops: for Lazada ``pending``, ``packed`` (one package, the first provider) or
  ``ready_to_ship`` (the carrier's journey begins); for AliExpress semi-hosted ``pending``,
  ``accepted``, ``packed`` or ``shipped`` (with a carrier of ``SELLER_CARRIERS`` drawn from the
  seed and a tracking number of its shape).

Every order records its own ``order.created`` (and the events of its walk), as an integration
that syncs orders expects; one ``orders.seeded`` event sums the fill up.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import buyers as buyer_service
from mockplatform.catalog import states as product_states
from mockplatform.catalog.errors import InsufficientStock
from mockplatform.catalog.models import Buyer, Product, Sku
from mockplatform.engine import collector, ids
from mockplatform.engine.context import SandboxContext
from mockplatform.logistics import fulfilment, semi_hosted
from mockplatform.logistics.errors import UnknownStage
from mockplatform.orders import service
from mockplatform.orders.models import Order
from mockplatform.orders.service import LAZADA, SEMI_HOSTED

MAX_ORDERS = 10_000
LINE_COUNTS = ((1, 0.75), (2, 0.20), (3, 0.05))
QUANTITIES = ((1, 0.80), (2, 0.15), (3, 0.05))
# Carriers semi-hosted sellers ship with, and the shape of their tracking numbers [choice].
SELLER_CARRIERS = (("Cainiao", "LP", ""), ("YunExpress", "YT", ""), ("4PX", "4PX", "CN"),
                   ("China Post", "RB", "CN"))
SELLER_TRACKING_FLOOR = 100_000_000  # nine digits
DEFAULT_WEIGHTS = {"payment_methods": {"prepaid": 1}, "shipping": {"cross_border": 1},
                   "fulfilment": {"pending": 1}}


# Each walk takes the order just placed. Lazada's takes the seller's own steps on it without
# reading the order or its package back, as the seller's answers would: nothing is queried, so
# nothing is flushed, and the rows are inserted once, as the walk leaves them.
def _pack_lazada(ctx: SandboxContext, order: Order) -> None:
    fulfilment.pack_items(ctx, order)


def _ready(ctx: SandboxContext, order: Order) -> None:
    fulfilment.pack_items(ctx, order)
    fulfilment.ready_packages(ctx, order)


def _accept(ctx: SandboxContext, order: Order) -> None:
    semi_hosted.accept(ctx, order.order_id)


def _accept_and_pack(ctx: SandboxContext, order: Order) -> None:
    _accept(ctx, order)
    fulfilment.pack(ctx, order.order_id, order_item_ids=None, shipment_provider=None)


def _ship_own_carrier(ctx: SandboxContext, order: Order) -> None:
    """Accepted, packed and shipped with one of the sellers' usual carriers, drawn from the
    seed, and a tracking number of that carrier's shape, numbered by the sandbox."""
    _accept_and_pack(ctx, order)
    carrier, prefix, suffix = ctx.rng(f"order:{order.order_id}", "seed_carrier").choice(
        SELLER_CARRIERS)
    serial = ids.seeded_block(ctx.sandbox.counters, ctx.sandbox.seed, domain="logistics",
                              kind="seller_tracking_number", floor=SELLER_TRACKING_FLOOR)[0]
    semi_hosted.ship(ctx, order.order_id, shipment_provider=carrier,
                     tracking_number=f"{prefix}{serial}{suffix}")


# What the seller does to bring a new order to each stage, per flow.
STAGES: dict[str, dict[str, Callable[[SandboxContext, Order], None] | None]] = {
    LAZADA: {"pending": None, "packed": _pack_lazada, "ready_to_ship": _ready},
    SEMI_HOSTED: {"pending": None, "accepted": _accept, "packed": _accept_and_pack,
                  "shipped": _ship_own_carrier},
}
ALL_STAGES = tuple(dict.fromkeys(stage for stages in STAGES.values() for stage in stages))


def stages_of(flow: str) -> tuple[str, ...]:
    return tuple(STAGES[flow])


def seed(ctx: SandboxContext, count: int, weights: Mapping[str, Mapping[str, float]]
         ) -> dict[str, Any]:
    """Place ``count`` orders and walk each to its drawn stage; the fill's summary."""
    flow = service.flow_of(ctx)
    weights = {**DEFAULT_WEIGHTS, **weights}
    _check_stages(flow, weights["fulfilment"])
    # A fill keeps every row it makes until the unit of work ends, as an advance does: the
    # collector would walk them all, over and over, and find nothing to free.
    with collector.paused_for(ctx.session):
        return _fill(ctx, flow, count, weights)


def _fill(ctx: SandboxContext, flow: str, count: int,
          weights: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    draw = ctx.rng("orders", f"seed:{ctx.next_id('orders_seed')}")
    pool = _StockPool(ctx)
    buyers = list(ctx.session.scalars(select(Buyer).where(Buyer.sandbox_id == ctx.id)
                                      .order_by(Buyer.buyer_id)))
    placed: list[tuple[Order, str]] = []
    for index in range(count):
        units = pool.take(draw, placed=index, wanted=count)
        buyer = draw.choice(buyers) if buyers else buyer_service.create(ctx, {})
        order, _ = service.create(ctx, flow, buyer, units,
                                  payment_method=_weighted(draw, weights["payment_methods"]),
                                  shipping=_weighted(draw, weights["shipping"]))
        placed.append((order, _weighted(draw, weights["fulfilment"])))
    for order, stage in placed:
        walk = STAGES[flow][stage]
        if walk is not None:
            walk(ctx, order)
    order_ids = [order.order_id for order, _ in placed]
    result = {"count": count, "first_id": order_ids[0] if order_ids else None,
              "last_id": order_ids[-1] if order_ids else None,
              "stages": dict(sorted(Counter(stage for _, stage in placed).items())),
              "new_buyers": 0 if buyers else count}
    ctx.record("orders.seeded", data=result)
    return result


def _check_stages(flow: str, given: Mapping[str, float]) -> None:
    unknown = [stage for stage in given if stage not in STAGES[flow]]
    if unknown:
        allowed = stages_of(flow)
        raise UnknownStage(f"fulfilment: {', '.join(unknown)} is not a stage of the {flow} flow; "
                     f"its stages are {', '.join(allowed)}",
                     details=[{"field": f"fulfilment.{stage}", "location": "body",
                               "message": f"not a stage of the {flow} flow",
                               "flow": flow, "allowed_stages": list(allowed)}
                              for stage in unknown])


def _weighted(draw: random.Random, weights: Mapping[str, float]) -> str:
    names = sorted(weights)
    return draw.choices(names, weights=[weights[name] for name in names])[0]


def _pick(draw: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    return draw.choices([value for value, _ in table], weights=[w for _, w in table])[0]


class _StockPool:
    """The SKUs of listed products with stock, in id order; a SKU whose stock runs out leaves
    the pool (swapped with the last one, so every draw stays a function of the seed)."""

    def __init__(self, ctx: SandboxContext):
        self.ctx = ctx
        self.units = list(ctx.session.execute(
            select(Sku, Product).join(Product, (Product.sandbox_id == Sku.sandbox_id)
                                      & (Product.item_id == Sku.item_id))
            .where(Sku.sandbox_id == ctx.id, Sku.stock > 0,
                   Product.status == product_states.LISTED)
            .order_by(Sku.sku_id)))

    def take(self, draw: random.Random, *, placed: int, wanted: int) -> list[tuple[Sku, Product]]:
        lines = min(_pick(draw, LINE_COUNTS), len(self.units))
        if not lines:
            raise InsufficientStock(f"the listed stock ran out after {placed} of {wanted} orders: seed "
                                    f"more products, add stock or ask for fewer orders; nothing of this "
                                    f"fill was kept",
                                    details=[{"field": "orders", "location": "body",
                                              "message": f"stock for {placed} orders",
                                              "placed": placed, "requested": wanted}])
        chosen = draw.sample(range(len(self.units)), lines)
        units = []
        for index in chosen:
            sku, product = self.units[index]
            quantity = min(_pick(draw, QUANTITIES), sku.stock)
            sku.stock -= quantity
            sku.updated_at = self.ctx.now
            units += [(sku, product)] * quantity
        for index in sorted(chosen, reverse=True):
            if self.units[index][0].stock == 0:
                self.units[index] = self.units[-1]
                self.units.pop()
        return units
