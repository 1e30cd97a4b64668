"""A package's journey after the seller readies it: each step of ``logistics.journey`` is a
timer on the sandbox clock and a tracking event with Lazada's status code when it fires.

Planning [choice]. When the package is readied, every step is planned at its offset from the
ready-to-ship instant, moved by a seeded amount (``ctx.rng("package:<id>", "journey")``) of at
most ``logistics.journey_jitter`` (0.2) times the gap to the previous step earlier and times the
gap to the next step later (the last step: the gap to the previous one, both ways). Below 0.5 no
two steps can swap; a larger override is still safe, as a step is never planned before the one
it follows. Instants are whole seconds after the ready-to-ship instant. The plan is stored on
``Package.journey`` so users and tests see every instant before it comes.

Timers [choice]: a cascade. Only the earliest step not yet done is on the clock; its handler
re-checks the package (a canceled, lost, delivered package makes it a no-op), does the step and
schedules the next. A package that ends drops its timers.

Local shipping [choice]: a local package crosses no border, so it skips ``uplift`` and
``customs``; its other steps keep their offsets, and ``destination_arrival`` (items become
``shipped``) is its arrival at the destination sorting centre.

What the steps do besides their tracking event:

- ``origin_sorting_scan`` measures the package (weight summed over its units, length and width
  the largest, heights stacked, each within ``logistics.measurement_noise`` of what the SKUs
  declare, seeded), sets ``first_mile_scanned_at`` (the first-mile deadline is met: its timer
  goes and the order's "delayed" point is refreshed) and, for a cross-border package, debits
  the ``logistics.shipping_fee`` from the seller;
- ``destination_arrival`` makes the items ``shipped`` and the package ``in_transit``;
- ``delivery_attempt`` is decided in ``delivery.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from mockplatform.catalog.models import Sku
from mockplatform.catalog.service import PACKAGE_DEFAULTS
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadlines
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer
from mockplatform.finance import service as ledger
from mockplatform.finance import settlement
from mockplatform.logistics import delivery, plans, states, tracking
from mockplatform.logistics import packages as package_service
from mockplatform.orders import flows, models, service, tiktok
from mockplatform.orders import states as item_states
from mockplatform.orders.models import (
    FORWARD_STEPS,
    PACKAGE_ID,
    STEP_NAME,
    Order,
    OrderItem,
    Package,
)

JOURNEY = "logistics.journey"
JITTER = "logistics.journey_jitter"
NOISE = "logistics.measurement_noise"
SHIPPING_FEE = "logistics.shipping_fee"
FIRST_MILE_DEADLINE = "logistics.first_mile_scan_deadline"
STEP_TIMER = "logistics.journey_step"
CROSS_BORDER_ONLY = ("uplift", "customs")
# Where a parcel from the market's local resale warehouse (Package.ships_from) joins the journey.
RESALE_WAREHOUSE = models.RESALE_WAREHOUSE
LOCAL_START = "destination_arrival"
WEIGHT = Decimal("0.001")  # kg
LENGTH = Decimal("0.1")  # cm
PER_MILLE = 1000


def start(ctx: SandboxContext, order: Order, package: Package) -> None:
    """The seller handed the package over: the first tracking event, the plan, the first step
    on the clock."""
    tracking.record(ctx, order, package, "ready_to_ship")
    plans.add(package, plan(ctx, order, package, package.ready_to_ship_at or ctx.now))
    schedule_next(ctx, package)


def steps_of(ctx: SandboxContext, order: Order,
             package: Package | None = None) -> list[tuple[str, timedelta]]:
    """The steps the order's packages take and their offsets from ready to ship. A parcel from
    the market's resale warehouse starts at ``destination_arrival`` (it leaves the warehouse
    when it is ready) and crosses no border: its later steps keep their gaps."""
    steps = [(step, offset) for step, offset in ctx.policies.value(JOURNEY).items()
             if order.shipping_type == "cross_border" or step not in CROSS_BORDER_ONLY]
    if package is not None and package.ships_from == RESALE_WAREHOUSE:
        local = [(step, offset) for step, offset in steps
                 if step not in CROSS_BORDER_ONLY
                 and FORWARD_STEPS.index(step) >= FORWARD_STEPS.index(LOCAL_START)]
        start = local[0][1] if local else timedelta(0)
        steps = [(step, offset - start) for step, offset in local]
    return steps


def plan(ctx: SandboxContext, order: Order, package: Package,
         start_at: datetime) -> dict[str, datetime]:
    """When each step is due: its offset from ``start_at``, jittered from the seed (see the
    module's docstring), never before the step it follows."""
    steps = steps_of(ctx, order, package)
    draw = ctx.rng(package_service.subject(package), "journey")
    offsets = [max(offset + timedelta(seconds=draw.randint(-earliest, latest)), timedelta(0))
               for (_, offset), (earliest, latest) in zip(
                   steps, _jitter_bounds(ctx, steps), strict=True)]
    planned: dict[str, datetime] = {}
    previous = start_at
    for (step, _), due in zip(steps, policy_deadlines(
            ctx, JOURNEY, start_at, offsets, shipping=flows.policy_shipping(order)), strict=True):
        previous = planned[step] = max(due, previous)
    return planned


def _jitter_bounds(ctx: SandboxContext, steps: list[tuple[str, timedelta]]
                   ) -> list[tuple[int, int]]:
    """How many seconds each step may move earlier and later; the same for every package of
    the unit of work with these steps (kept, keyed by them and the ratio)."""
    ratio = Decimal(ctx.policies.value(JITTER))
    kept = ctx.kept(JITTER)
    key = (tuple(steps), ratio)
    bounds = kept.get(key)
    if bounds is None:
        offsets = [timedelta(0), *(offset for _, offset in steps)]
        bounds = kept[key] = []
        for index in range(1, len(offsets)):
            before = offsets[index] - offsets[index - 1]
            after = offsets[index + 1] - offsets[index] if index + 1 < len(offsets) else before
            bounds.append((int(Decimal(before.total_seconds()) * ratio),
                           int(Decimal(after.total_seconds()) * ratio)))
    return bounds


def schedule_next(ctx: SandboxContext, package: Package) -> None:
    """Put the earliest step not yet done on the clock (while the package has steps to take)."""
    if package.status not in states.ACTIVE:
        return
    pending = plans.next_pending(package)
    if pending is not None:
        step, due = pending
        ctx.timers.schedule(STEP_TIMER, due, subject=package_service.subject(package),
                            payload={"package_id": package.package_id, "step": step})


def describe_step(subject: str, payload: dict) -> str:
    step = payload["step"]
    rule = "logistics.return_leg" if plans.is_return_step(step) else (
        "delivery.max_attempts" if plans.split(step)[1] > 1 else JOURNEY)
    return f"package {payload['package_id']}: {step} ({rule})"


def prefetch_steps(ctx: SandboxContext, timers: list[DueTimer]) -> None:
    """What a batch of steps reads, in a few queries: the packages with their orders and items,
    the SKUs the origin scan measures, the settlement rows a delivery looks up. The steps still
    ahead of each package count, not only the one loaded: one step schedules the next, which
    often fires in the same batch."""
    packages = package_service.hold(ctx, (timer.payload["package_id"] for timer in timers))
    scanned, delivered = [], []
    for package in packages:
        ahead = {plans.split(step)[0] for step, entry in package.journey.items()
                 if entry["done_at"] is None}
        items = package_service.held_items(ctx, package)
        if "origin_sorting_scan" in ahead:
            scanned += items
        if "delivery_attempt" in ahead:
            delivered += items
    package_service.hold_all(ctx, Sku, Sku.sku_id, (item.sku_id for item in scanned))
    settlement.hold_items(ctx, [delivery.item_subject(item) for item in delivered])


# A step's timer: the package and the step it takes.
STEP_PAYLOAD = PayloadSpec({"package_id": PACKAGE_ID, "step": STEP_NAME},
                           subject="package:{package_id}")


def fire_step(ctx: SandboxContext, timer: DueTimer) -> None:
    package = package_service.held(ctx, Package, (ctx.id, timer.payload["package_id"]))
    step = timer.payload["step"]
    if package is None:
        return
    entry = package.journey.get(step)
    base, attempt = plans.split(step)
    allowed = RETURN_STATUSES.get(base, states.TRAVELLING)
    if entry is None or entry["done_at"] is not None or package.status not in allowed:
        return
    order = package_service.held(ctx, Order, (ctx.id, package.order_id))
    # The steps read only rows that exist already (items, packages, SKUs), never ones they
    # add; writing their changes at every read would cost more than everything else they do.
    # (``session.no_autoflush`` does the same, through a generator: dearer, at every step.)
    session = ctx.session
    autoflush, session.autoflush = session.autoflush, False
    try:
        plans.mark_done(package, step, ctx.iso(ctx.now))
        STEP_EFFECTS[base](ctx, order, package, attempt)
        schedule_next(ctx, package)
    finally:
        session.autoflush = autoflush


# -- the steps --------------------------------------------------------------------------------

def _scan_only(milestone: str) -> Callable[[SandboxContext, Order, Package, int], None]:
    def effect(ctx: SandboxContext, order: Order, package: Package, attempt: int) -> None:
        details = {"attempt": attempt} if milestone == "out_for_delivery" else None
        description = (f"Out for delivery (attempt {attempt})"
                       if milestone == "out_for_delivery" else "")
        tracking.record(ctx, order, package, milestone, description=description,
                        details=details)
    return effect


def _origin_sorting_scan(ctx: SandboxContext, order: Order, package: Package,
                         attempt: int) -> None:
    items = package_service.held_items(ctx, package)
    package.measured = measure(ctx, package, items)
    package.first_mile_scanned_at = ctx.now
    m = package.measured
    tracking.record(ctx, order, package, "origin_sorting_scan",
                    description=f"Arrived at origin sorting centre: {m['weight_kg']} kg, "
                                f"{m['length_cm']} x {m['width_cm']} x {m['height_cm']} cm",
                    details={"measured": m})
    ctx.timers.cancel(subject=package_service.subject(package), kind_name=FIRST_MILE_DEADLINE)
    all_items = service.items_of(ctx, [order.order_id])[order.order_id]
    service.refresh_delayed(ctx, order, all_items,
                            service.packages_of(ctx, [order.order_id])[order.order_id])
    # A replacement order's fee was charged to the seller when it was readied, under its own
    # policy (reshipment.shipping, aftersales/reshipment.py): not twice.
    if order.shipping_type == "cross_border" and order.replaced_order_id is None:
        charge_shipping_fee(ctx, order, package)


def measure(ctx: SandboxContext, package: Package, items: list[OrderItem]) -> dict[str, str]:
    """What the sorting centre's scale and scanner read (see the module's docstring)."""
    skus = {sku.sku_id: sku for sku in package_service.hold_all(
        ctx, Sku, Sku.sku_id, (item.sku_id for item in items))}

    def declared(item: OrderItem, name: str) -> Decimal:
        sku = skus.get(item.sku_id)
        return getattr(sku, name) if sku is not None else PACKAGE_DEFAULTS[name]

    sizes = {
        "weight_kg": sum((declared(i, "package_weight") for i in items), Decimal(0)),
        "length_cm": max((declared(i, "package_length") for i in items), default=Decimal(0)),
        "width_cm": max((declared(i, "package_width") for i in items), default=Decimal(0)),
        "height_cm": sum((declared(i, "package_height") for i in items), Decimal(0)),
    }
    noise = int(Decimal(ctx.policies.value(NOISE)) * PER_MILLE)
    draw = ctx.rng(package_service.subject(package), "measure")
    measured = {}
    for name, value in sizes.items():
        factor = 1 + Decimal(draw.randint(-noise, noise)) / PER_MILLE
        measured[name] = str((value * factor).quantize(WEIGHT if name == "weight_kg"
                                                        else LENGTH))
    return measured


def charge_shipping_fee(ctx: SandboxContext, order: Order, package: Package, *,
                        subject: str | None = None, policy_key: str = SHIPPING_FEE,
                        details: dict | None = None) -> dict[str, Decimal]:
    """Debit ``logistics.shipping_fee`` for the measured weight: one entry per currency the
    policy's two amounts are in (one, unless an override mixes them). A reshipment names its
    request (``subject``) and its own policy; the amounts charged, by currency."""
    if SHIPPING_FEE not in ctx.policies:
        return {}
    fee = ctx.policies.value(SHIPPING_FEE)
    weight = Decimal(package.measured["weight_kg"])
    amounts: dict[str, Decimal] = {}
    for money, quantity in ((fee["base"], Decimal(1)), (fee["per_kg"], weight)):
        amounts[money.currency] = amounts.get(money.currency, Decimal(0)) + money.amount * quantity
    for currency, amount in amounts.items():
        if amount > 0:
            ledger.post_entry(ctx, kind="shipping_fee", amount=amount, currency=currency,
                              subject=subject or package_service.subject(package),
                              policy_key=policy_key,
                              details={"order_id": order.order_id,
                                       "package_id": package.package_id,
                                       "tracking_number": package.tracking_number,
                                       "weight_kg": package.measured["weight_kg"],
                                       "base": str(fee["base"].amount),
                                       "per_kg": str(fee["per_kg"].amount), **(details or {})})
    return amounts


def _destination_arrival(ctx: SandboxContext, order: Order, package: Package,
                         attempt: int) -> None:
    description = ("Left the local resale warehouse" if package.ships_from == RESALE_WAREHOUSE
                   else "" if order.shipping_type == "cross_border"
                   else "Arrived at destination sorting centre")
    tracking.record(ctx, order, package, "destination_arrival", description=description)
    arrive(ctx, order, package)


def arrive(ctx: SandboxContext, order: Order, package: Package) -> None:
    """The package is in the buyer's market: its items are ``shipped``."""
    package.status = states.check(package.package_id, package.status, "arrive_in_destination",
                                  (), order=order)
    items = [item for item in package_service.held_items(ctx, package)
             if item.status == item_states.READY_TO_SHIP]
    if items:
        service.transition(ctx, order, items, "arrive_in_destination",
                           data=package_service.summary(package))


def _pickup(ctx: SandboxContext, order: Order, package: Package, attempt: int) -> None:
    """The carrier collects the parcel from the seller. A TikTok order records it
    (``order.collected``): its status in TikTok's vocabulary moves from AWAITING_COLLECTION
    once every parcel is collected, and the collection deadline goes then."""
    tracking.record(ctx, order, package, "pickup")
    if order.flow == flows.TIKTOK:
        items = service.items_of(ctx, [order.order_id])[order.order_id]
        packages = service.packages_of(ctx, [order.order_id])[order.order_id]
        ctx.record("order.collected", subject=service.order_subject(order.order_id), data={
            "order_id": order.order_id, **package_service.summary(package),
            "order_item_ids": [item.order_item_id for item in items
                               if item.package_id == package.package_id],
            **tiktok.collected_now(ctx, order, items, packages),
            "statuses": service.statuses_of(items)})


STEP_EFFECTS: dict[str, Callable[[SandboxContext, Order, Package, int], None]] = {
    "pickup": _pickup,
    "origin_sorting_scan": _origin_sorting_scan,
    "uplift": _scan_only("uplift"),
    "destination_arrival": _destination_arrival,
    "customs": _scan_only("customs"),
    "last_mile_hub": _scan_only("last_mile_hub"),
    "out_for_delivery": _scan_only("out_for_delivery"),
    "delivery_attempt": delivery.attempt,
    "shipped_back": delivery.ship_back,
    "shipped_back_success": delivery.arrive_back,
}
# The package status each return step runs in; every other step runs while it travels.
RETURN_STATUSES = {"shipped_back": (states.FAILED_DELIVERY,),
                   "shipped_back_success": (states.RETURNING,)}
