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

Placed over time (``placed_over``, at most ``MAX_PLACED_OVER``): the same draws decide each
order's lines, buyer, payment, shipping and stage when the fill is asked for (so the listed
stock must cover them then, or the fill is a 409 and nothing is kept), but nothing is placed
yet and no stock is taken. Each order gets an instant drawn within ``[now, now +
placed_over]`` (whole seconds, from ``ctx.rng("orders", "seed:<n>:placed_at")``), and a timer
(``seed.place_order``) places it then through the buyer's own service, as
``test_helpers/orders`` does: a SKU's listed resale stock first (``resale.stock_priority``),
then the seller's; the seller then walks it to its stage. A unit the resale warehouse ships is
past the seller's steps already: an order whose every unit came from resale stock is not walked.
An order whose SKU was delisted or deleted meanwhile, or whose stock ran short (other orders
took it), is not placed: ``orders.seed_order_skipped`` says why.

Delivery failures and inspection failures are the sandbox's own rules, set when it is created
(``policy_overrides``: ``delivery.failure_rate``, ``resale.qc_failure_rate``), not the fill's:
a seeded population runs into them as any order does.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any, NamedTuple

from sqlalchemy import select

from mockplatform.catalog import buyers as buyer_service
from mockplatform.catalog import states as product_states
from mockplatform.catalog.errors import InsufficientStock
from mockplatform.catalog.models import Buyer, Product, Sku
from mockplatform.engine import collector, ids, payloads
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.durations import format_duration
from mockplatform.engine.scheduler import DueTimer
from mockplatform.logistics import fulfilment, semi_hosted, tiktok
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.errors import UnknownStage
from mockplatform.orders import service
from mockplatform.orders import states as item_states
from mockplatform.orders.errors import ProductNotListed, UnknownSku
from mockplatform.orders.models import Order
from mockplatform.orders.service import LAZADA, SEMI_HOSTED, TIKTOK

MAX_ORDERS = 10_000
LINE_COUNTS = ((1, 0.75), (2, 0.20), (3, 0.05))
QUANTITIES = ((1, 0.80), (2, 0.15), (3, 0.05))
# Carriers semi-hosted sellers ship with, and the shape of their tracking numbers [choice].
SELLER_CARRIERS = (("Cainiao", "LP", ""), ("YunExpress", "YT", ""), ("4PX", "4PX", "CN"),
                   ("China Post", "RB", "CN"))
SELLER_TRACKING_FLOOR = 100_000_000  # nine digits
DEFAULT_WEIGHTS = {"payment_methods": {"prepaid": 1}, "shipping": {"cross_border": 1},
                   "fulfilment": {"pending": 1}}
# The longest spread of a fill's placements [choice]: past the resale window (60 days in VN),
# so that a population sees units relisted, resold and expired.
MAX_PLACED_OVER = timedelta(days=90)
PLACE_TIMER = "seed.place_order"
# The statuses a new order's units take (a TikTok order's are on hold): the seller walks it on.
WALKABLE = (item_states.PENDING, item_states.ON_HOLD)


# Each walk takes the order just placed. Lazada's takes the seller's own steps on it without
# reading the order or its package back, as the seller's answers would: nothing is queried, so
# nothing is flushed, and the rows are inserted once, as the walk leaves them.
def _pack_lazada(ctx: SandboxContext, order: Order) -> None:
    fulfilment.pack_items(ctx, order)


def _ready(ctx: SandboxContext, order: Order) -> None:
    fulfilment.pack_items(ctx, order)
    fulfilment.ready_packages(ctx, order)


def _pack_tiktok(ctx: SandboxContext, order: Order) -> None:
    tiktok.end_remorse_for_seeding(ctx, order)
    _pack_lazada(ctx, order)


def _ready_tiktok(ctx: SandboxContext, order: Order) -> None:
    tiktok.end_remorse_for_seeding(ctx, order)
    _ready(ctx, order)


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
    # A TikTok order's ``pending`` is where it is placed: ON_HOLD for its remorse hour, then
    # AWAITING_SHIPMENT; walked further, it leaves the hold at once (the seed stands for an
    # order whose hour has passed).
    TIKTOK: {"pending": None, "packed": _pack_tiktok, "ready_to_ship": _ready_tiktok},
}
ALL_STAGES = tuple(dict.fromkeys(stage for stages in STAGES.values() for stage in stages))


def stages_of(flow: str) -> tuple[str, ...]:
    return tuple(STAGES[flow])


# What a placement timer carries: the order drawn when the fill was asked for.
PLACEMENT_PAYLOAD = payloads.PayloadSpec({
    "fill": payloads.Integer(minimum=1), "index": payloads.Integer(),
    "lines": payloads.ListOf(payloads.Object({
        "sku_id": payloads.Integer(refers_to="catalog_skus.sku_id"),
        "quantity": payloads.Integer(minimum=1, maximum=max(q for q, _ in QUANTITIES))}),
        max_items=max(n for n, _ in LINE_COUNTS)),
    "buyer_id": payloads.Integer(refers_to="catalog_buyers.buyer_id"),
    "payment_method": payloads.Text(choices=service.PAYMENT_METHODS),
    "shipping": payloads.Text(choices=service.SHIPPING_TYPES),
    "stage": payloads.Text(choices=ALL_STAGES)}, subject="seeded_order:{fill}:{index}")
DESCRIBE_PLACEMENT = ("seeded order {index} of fill {fill}: placed by buyer {buyer_id} "
                      "({payment_method}, {shipping}) and walked to {stage} "
                      "(test_helpers/seed placed_over)")


def seed(ctx: SandboxContext, count: int, weights: Mapping[str, Mapping[str, float]],
         placed_over: timedelta | None = None) -> dict[str, Any]:
    """Place ``count`` orders and walk each to its drawn stage, at once or (``placed_over``)
    each at its own instant; the fill's summary."""
    flow = service.flow_of(ctx)
    weights = {**DEFAULT_WEIGHTS, **weights}
    _check_stages(flow, weights["fulfilment"])
    service.check_shipping(flow, [name for name, weight in weights["shipping"].items() if weight],
                           "shipping")
    # A fill keeps every row it makes until the unit of work ends, as an advance does: the
    # collector would walk them all, over and over, and find nothing to free.
    with collector.paused_for(ctx.session):
        if placed_over is None:
            return _fill(ctx, flow, count, weights)
        return _fill_over(ctx, count, weights, placed_over)


class _Drawn(NamedTuple):
    """One seeded order as the fill's stream draws it."""

    units: list[tuple[Sku, Product]]
    buyer: Buyer
    payment_method: str
    shipping: str
    stage: str


def _draw_orders(ctx: SandboxContext, draw: random.Random, count: int,
                 weights: Mapping[str, Mapping[str, float]], *, take_stock: bool,
                 buyers: list[Buyer]) -> Iterator[_Drawn]:
    """The fill's orders, drawn one after the other from ``draw`` (lines, buyer, payment,
    shipping, stage: the order of draws is the fill's contract with its seed)."""
    pool = _StockPool(ctx, take_stock=take_stock)
    for index in range(count):
        units = pool.take(draw, placed=index, wanted=count)
        buyer = draw.choice(buyers) if buyers else buyer_service.create(ctx, {})
        payment_method = _weighted(draw, weights["payment_methods"])
        shipping = _weighted(draw, weights["shipping"])
        yield _Drawn(units, buyer, payment_method, shipping,
                     _weighted(draw, weights["fulfilment"]))


def _buyers(ctx: SandboxContext) -> list[Buyer]:
    return list(ctx.session.scalars(select(Buyer).where(Buyer.sandbox_id == ctx.id)
                                    .order_by(Buyer.buyer_id)))


def _fill(ctx: SandboxContext, flow: str, count: int,
          weights: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    draw = ctx.rng("orders", f"seed:{ctx.next_id('orders_seed')}")
    buyers = _buyers(ctx)
    placed: list[tuple[Order, str]] = []
    for drawn in _draw_orders(ctx, draw, count, weights, take_stock=True, buyers=buyers):
        order, _ = service.create(ctx, flow, drawn.buyer, drawn.units,
                                  payment_method=drawn.payment_method, shipping=drawn.shipping)
        placed.append((order, drawn.stage))
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


def _fill_over(ctx: SandboxContext, count: int, weights: Mapping[str, Mapping[str, float]],
               placed_over: timedelta) -> dict[str, Any]:
    """The orders drawn now, each placed by a timer at its own instant (module docstring)."""
    fill = ctx.next_id("orders_seed")
    draw, when = ctx.rng("orders", f"seed:{fill}"), ctx.rng("orders", f"seed:{fill}:placed_at")
    buyers = _buyers(ctx)
    spread = int(placed_over.total_seconds())
    stages: Counter[str] = Counter()
    instants = []
    for index, drawn in enumerate(_draw_orders(ctx, draw, count, weights, take_stock=False,
                                               buyers=buyers)):
        lines: Counter[int] = Counter(sku.sku_id for sku, _ in drawn.units)
        payload = {"fill": fill, "index": index,
                   "lines": [{"sku_id": sku_id, "quantity": quantity}
                             for sku_id, quantity in lines.items()],
                   "buyer_id": drawn.buyer.buyer_id, "payment_method": drawn.payment_method,
                   "shipping": drawn.shipping, "stage": drawn.stage}
        due_at = ctx.now + timedelta(seconds=when.randint(0, spread))
        ctx.timers.schedule(PLACE_TIMER, due_at, subject=PLACEMENT_PAYLOAD.subject_of(payload),
                            payload=payload)
        stages[drawn.stage] += 1
        instants.append(due_at)
    result = {"count": count, "first_id": None, "last_id": None,
              "stages": dict(sorted(stages.items())), "new_buyers": 0 if buyers else count,
              "placed_over": format_duration(placed_over),
              "first_placed_at": ctx.iso(min(instants)) if instants else None,
              "last_placed_at": ctx.iso(max(instants)) if instants else None}
    ctx.record("orders.seeded", data=result)
    return result


def prefetch_placements(ctx: SandboxContext, timers: list[DueTimer]) -> None:
    """What a batch of placements reads, in three queries, kept for the unit of work: their
    SKUs, products and buyers (each a query, and the flush before it, otherwise)."""
    skus = package_service.hold_all(ctx, Sku, Sku.sku_id, (
        line["sku_id"] for timer in timers for line in timer.payload["lines"]))
    package_service.hold_all(ctx, Product, Product.item_id, (sku.item_id for sku in skus))
    package_service.hold_all(ctx, Buyer, Buyer.buyer_id,
                             (timer.payload["buyer_id"] for timer in timers))


def place_seeded(ctx: SandboxContext, timer: DueTimer) -> None:
    """A seeded order's instant has come: the buyer places it (resale stock first), and the
    seller walks it to its stage (module docstring)."""
    payload = timer.payload
    flow = service.flow_of(ctx)
    lines = [service.OrderLine(sku_id=line["sku_id"], quantity=line["quantity"])
             for line in payload["lines"]]
    try:
        # Each refusal comes before anything is written: a skipped order leaves no trace but
        # its event.
        order, items = service.place_order(
            ctx, lines=lines, buyer_id=payload["buyer_id"],
            payment_method=payload["payment_method"], shipping=payload["shipping"])
    except (InsufficientStock, ProductNotListed, UnknownSku) as refused:
        ctx.record("orders.seed_order_skipped", subject=timer.subject, data={
            "fill": payload["fill"], "index": payload["index"], "code": refused.code,
            "reason": str(refused), "lines": payload["lines"]})
        return
    walk = STAGES[flow].get(payload["stage"])
    if walk is not None and any(item.status in WALKABLE for item in items):
        walk(ctx, order)
    # Written now: the timers that follow in this advance read with autoflush off
    # (journey.fire_step), and must find the order in the store (settlement reads it by key
    # when it is delivered). Kept at hand too, as the steps' prefetch keeps what it loads.
    ctx.session.flush()
    package_service.keep(ctx, order, service.packages_of(ctx, [order.order_id])[order.order_id],
                         items)


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
    the pool (swapped with the last one, so every draw stays a function of the seed). The pool
    counts what it hands out; ``take_stock`` takes it from the SKUs too (a fill placed at once:
    one placed over time takes its stock as each order is placed)."""

    def __init__(self, ctx: SandboxContext, *, take_stock: bool = True):
        self.ctx = ctx
        self.take_stock = take_stock
        self.units = list(ctx.session.execute(
            select(Sku, Product).join(Product, (Product.sandbox_id == Sku.sandbox_id)
                                      & (Product.item_id == Sku.item_id))
            .where(Sku.sandbox_id == ctx.id, Sku.stock > 0,
                   Product.status == product_states.LISTED)
            .order_by(Sku.sku_id)))
        self.left = {sku.sku_id: sku.stock for sku, _ in self.units}

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
            quantity = min(_pick(draw, QUANTITIES), self.left[sku.sku_id])
            self.left[sku.sku_id] -= quantity
            if self.take_stock:
                sku.stock -= quantity
                sku.updated_at = self.ctx.now
            units += [(sku, product)] * quantity
        for index in sorted(chosen, reverse=True):
            if self.left[self.units[index][0].sku_id] == 0:
                self.units[index] = self.units[-1]
                self.units.pop()
        return units
