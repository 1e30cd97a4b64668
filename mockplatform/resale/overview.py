"""The Resale Overview (POLICIES.md ``resale.overview``; reference/platform-policies.md section 3.3,
"Resale Overview dashboard"): what the seller center shows of resale over a range of the sandbox
clock. A sandbox sells in one market, so its overview is that market's.

**The range.** Either explicit, ``from`` included and ``to`` excluded (as tracking reports: two
consecutive ranges never count a unit twice), ``to`` after ``from`` and at most
``resale.overview`` ``max_range`` (90 days) later; or a named period, ``7d`` or ``30d``
(``short_window``, ``long_window``): the window that ends at the sandbox's now, now included
(what happened at the instant the clock was moved to is in "the last 7 days"), so its bounds are
``(from, to]``. The answer says which (``bounds``).

**The figures**, each a count of units (a resale item is one unit, as an order item is), each
unit counted by the instant named, within the range:

- ``failed_delivery``: units of first sales attempts whose delivery failed and that the local
  reverse centre took (``failed_at``; a resale order's second failure is ``second_failures``);
- ``items_entering_resale``: units relisted, that is put on the resale warehouse's shelf for a
  second sale (``relisted_at``; a unit back on the shelf after its resale order was canceled
  keeps its first relisting and is not counted again);
- ``resale_orders_placed``: units taken by resale orders placed (``resold_at``; a canceled
  resale order gives its units back and they no longer count);
- ``items_resold``: units whose resale order was delivered (``sold_at``): resold successfully,
  as the seller center's list says, and paid to the seller; ``resold_gmv`` sums their resale
  prices and the ``resold`` list shows them;
- ``resold_share``: ``items_resold / items_entering_resale`` (null when none entered). Both are
  flows over the same range, not one cohort followed through, so a range that resells units
  relisted before it can show a share above 1;
- ``second_failures``, ``window_expired``: units that left resale for those reasons
  (``exited_at``);
- ``destroyed_locally``, ``returned_to_seller``, ``worry_free_compensated``: units the return
  service took that way when they left resale (``exited_at``): destroyed, shipped back towards
  the seller (arriving ``return_transit`` later; ``arrived_back_at_seller`` counts arrivals,
  ``outcome_at``), compensated (``worry_free_compensation`` sums the credits). The ``destroyed``
  and ``returned`` lists show the units of the first two.

**Per product**, primary orders (units from the seller's stock) and resale orders (units from
resale stock) apart: units whose delivery ended in the range, ``delivered`` (their package's
``delivered_at``) or ``failed`` (the item's ``failed_delivery_at``), and the success and failure
rates over those ended deliveries (null when none ended). Products with the most failures come
first, then the most ended deliveries, then by item id.

Lists and the product table are bounded (``limit``, at most ``MAX_LIMIT`` rows each; their
``total`` says how many there are), newest first by the instant that put the unit in the list,
then by resale item id. Every figure is one aggregate over an index range of its instant
(resale/models.py, orders/models.py), so the overview costs the units in the range, not the
sandbox's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select, union_all

from mockplatform.catalog import money
from mockplatform.catalog.models import Product
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.durations import format_duration
from mockplatform.logistics.reports import spoken
from mockplatform.orders import service as orders
from mockplatform.orders.models import OrderItem, Package
from mockplatform.resale import available, states
from mockplatform.resale.errors import InvalidOverviewRange
from mockplatform.resale.models import ResaleItem

OVERVIEW = "resale.overview"
# The named periods and the policy's window each stands for.
PERIODS = {"7d": "short_window", "30d": "long_window"}
DEFAULT_PERIOD = "30d"
MAX_LIMIT = 100
RATE_PLACES = Decimal("0.0001")
EXPLICIT_BOUNDS, PERIOD_BOUNDS = "[from, to)", "(from, to]"
# The units the return service shipped back towards the seller (arrived or not).
SHIPPED_BACK = (states.RETURNING_TO_SELLER, states.RETURNED_TO_SELLER)


@dataclass(frozen=True)
class Range:
    """The instants an overview covers: ``[start, end)`` when explicit, ``(start, end]`` for a
    named period (which ends at now, now included)."""

    start: datetime
    end: datetime
    period: str | None = None

    @property
    def bounds(self) -> str:
        return PERIOD_BOUNDS if self.period else EXPLICIT_BOUNDS

    def holds(self, column: Any) -> ColumnElement[bool]:
        if self.period:
            return and_(column > self.start, column <= self.end)
        return and_(column >= self.start, column < self.end)


# -- the range --------------------------------------------------------------------------------------

def require(ctx: SandboxContext) -> None:
    """The overview is Lazada's (its profile has ``resale.overview``): elsewhere a 409."""
    available.require(ctx, "no resale overview", OVERVIEW)


def _refuse(field: str, message: str, location: str, *, more: str = "",
            **extra: Any) -> InvalidOverviewRange:
    """The 400 naming ``field``; ``more`` adds to the error's message, not to its detail."""
    return InvalidOverviewRange(f"{field}: {message}{more}", details=[
        {"field": field, "location": location, "message": message, **extra}])


def resolve(ctx: SandboxContext, *, period: str | None = None, start: datetime | None = None,
            end: datetime | None = None, location: str = "query") -> Range:
    """The range asked for: ``start`` and ``end`` together, or a named ``period``, or by default
    the last 30 days. A range that is incomplete, inverted, too long or given both ways is a
    400 naming the field."""
    if start is None and end is None:
        return period_range(ctx, period or DEFAULT_PERIOD, location=location)
    if period is not None:
        raise _refuse("period", "give either period or from and to, not both", location)
    if end is None:
        raise _refuse("to", "required with from", location)
    if start is None:
        raise _refuse("from", "required with to", location)
    return explicit_range(ctx, start, end, location=location)


def period_range(ctx: SandboxContext, period: str, *, location: str = "query") -> Range:
    if period not in PERIODS:  # the fronts check it first; a caller in Python gets this
        raise _refuse("period", f"must be one of: {', '.join(PERIODS)} (got {period!r})",
                      location)
    window = ctx.policies.value(OVERVIEW)[PERIODS[period]]
    return Range(ctx.now - window, ctx.now, period)


def explicit_range(ctx: SandboxContext, start: datetime, end: datetime, *,
                   location: str = "query") -> Range:
    if end <= start:
        raise _refuse("to", f"must be after from (from {start.isoformat()}, to "
                            f"{end.isoformat()})", location)
    limit: timedelta = ctx.policies.value(OVERVIEW)["max_range"]
    if end - start > limit:
        raise _refuse("to", f"at most {format_duration(limit)} after from ({OVERVIEW} "
                            f"max_range)", location,
                      more=f": the range from {start.isoformat()} to {end.isoformat()} is "
                           f"{spoken(end - start)} long",
                      policy=OVERVIEW, limit=format_duration(limit))
    return Range(start, end)


# -- the overview ------------------------------------------------------------------------------------

def overview(ctx: SandboxContext, *, start: datetime | None = None,
             end: datetime | None = None, period: str | None = None,
             limit: int = MAX_LIMIT) -> dict[str, Any]:
    """The sandbox market's overview over the range asked for (see the module's docstring).
    Reads only: a refused range writes nothing."""
    require(ctx)
    span = resolve(ctx, period=period, start=start, end=end)
    limit = max(1, min(limit, MAX_LIMIT))
    currency = money.currency_of(ctx.sandbox.market)
    figures = metrics(ctx, span, currency)
    return {"market": ctx.sandbox.market, "currency": currency, "period": span.period,
            "start": span.start, "end": span.end, "bounds": span.bounds,
            "generated_at": ctx.now, "metrics": figures,
            "products": products(ctx, span, limit),
            "resold": _listed(ctx, span, limit, figures["items_resold"], ResaleItem.sold_at),
            "destroyed": _listed(ctx, span, limit, figures["destroyed_locally"],
                                 ResaleItem.exited_at,
                                 ResaleItem.state == states.DESTROYED_LOCALLY),
            "returned": _listed(ctx, span, limit, figures["returned_to_seller"],
                                ResaleItem.exited_at, ResaleItem.state.in_(SHIPPED_BACK))}


def _count(ctx: SandboxContext, span: Range, column: Any, *where: Any) -> int:
    return ctx.session.scalar(select(func.count()).select_from(ResaleItem).where(
        ResaleItem.sandbox_id == ctx.id, span.holds(column), *where))


def share(part: int, whole: int) -> float | None:
    """``part / whole`` to four places (half up), or None when ``whole`` is 0."""
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP))


def metrics(ctx: SandboxContext, span: Range, currency: str) -> dict[str, Any]:
    entered = _count(ctx, span, ResaleItem.relisted_at)
    resold, gmv = ctx.session.execute(select(func.count(), func.sum(ResaleItem.resale_price))
                                      .where(ResaleItem.sandbox_id == ctx.id,
                                             span.holds(ResaleItem.sold_at))).one()
    exits: dict[str, int] = defaultdict(int)
    compensation = Decimal(0)
    for state, reason, count, credited in ctx.session.execute(
            select(ResaleItem.state, ResaleItem.exit_reason, func.count(),
                   func.sum(ResaleItem.compensation))
            .where(ResaleItem.sandbox_id == ctx.id, span.holds(ResaleItem.exited_at))
            .group_by(ResaleItem.state, ResaleItem.exit_reason)):
        exits[state] += count
        exits[reason] += count
        compensation += credited or 0
    return {
        "failed_delivery": _count(ctx, span, ResaleItem.failed_at),
        "items_entering_resale": entered,
        "resale_orders_placed": _count(ctx, span, ResaleItem.resold_at),
        "items_resold": resold,
        "resold_gmv": money.format_amount(gmv or Decimal(0), currency),
        "resold_share": share(resold, entered),
        "second_failures": exits[states.SECOND_FAILURE],
        "window_expired": exits[states.WINDOW_EXPIRED],
        "destroyed_locally": exits[states.DESTROYED_LOCALLY],
        "returned_to_seller": sum(exits[state] for state in SHIPPED_BACK),
        "arrived_back_at_seller": _count(ctx, span, ResaleItem.outcome_at,
                                         ResaleItem.outcome == states.RETURNED_TO_SELLER),
        "worry_free_compensated": exits[states.WORRY_FREE_COMPENSATED],
        "worry_free_compensation": money.format_amount(compensation, currency),
    }


# -- per product -------------------------------------------------------------------------------------

ORDER_KINDS = {"primary": orders.SELLER_STOCK, "resale": orders.RESALE_STOCK}


def products(ctx: SandboxContext, span: Range, limit: int) -> dict[str, Any]:
    """Delivery success and failure per product, of primary and of resale orders: one
    aggregate over the units delivered and the units failed in the range (each read from an
    index that holds every column it needs), sorted and cut in SQL."""
    zero = literal_column("0")
    by_product = (OrderItem.item_id, OrderItem.stock_source)
    delivered = (select(*by_product, func.count().label("delivered"), zero.label("failed"))
                 .join(Package, and_(Package.sandbox_id == OrderItem.sandbox_id,
                                     Package.package_id == OrderItem.package_id))
                 .where(Package.sandbox_id == ctx.id, span.holds(Package.delivered_at))
                 .group_by(*by_product))
    failed = (select(*by_product, zero, func.count())
              .where(OrderItem.sandbox_id == ctx.id, span.holds(OrderItem.failed_delivery_at))
              .group_by(*by_product))
    ended = union_all(delivered, failed).subquery("ended")

    def units(kind: str, outcome: str) -> Any:
        return func.sum(case((ended.c.stock_source == ORDER_KINDS[kind], ended.c[outcome]),
                             else_=0))

    kinds = [(kind, outcome) for kind in ORDER_KINDS for outcome in ("delivered", "failed")]
    failures = func.sum(ended.c.failed)
    rows = ctx.session.execute(
        select(ended.c.item_id, func.count().over(), *(units(*k) for k in kinds))
        .group_by(ended.c.item_id)
        .order_by(failures.desc(), (func.sum(ended.c.delivered) + failures).desc(),
                  ended.c.item_id)
        .limit(limit)).all()
    names = dict(ctx.session.execute(select(Product.item_id, Product.name).where(
        Product.sandbox_id == ctx.id, Product.item_id.in_([row[0] for row in rows]))).all()
    ) if rows else {}
    data = []
    for item_id, _, *counts in rows:
        ended_counts: dict[str, dict[str, int]] = defaultdict(dict)
        for (kind, outcome), count in zip(kinds, counts, strict=True):
            ended_counts[kind][outcome] = int(count)
        data.append({"item_id": item_id, "name": names.get(item_id, ""),
                     **{kind: _rates(**found) for kind, found in ended_counts.items()}})
    return {"total": rows[0][1] if rows else 0, "data": data}


def _rates(delivered: int, failed: int) -> dict[str, Any]:
    ended = delivered + failed
    return {"delivered": delivered, "failed": failed, "ended": ended,
            "success_rate": share(delivered, ended), "failure_rate": share(failed, ended)}


# -- the lists -----------------------------------------------------------------------------------------

# What a list shows of a unit: its columns, not the whole row (the timeline and the inspection's
# results are the item's page's).
LISTED_COLUMNS = (ResaleItem.resale_item_id, ResaleItem.item_id, ResaleItem.sku_id,
                  ResaleItem.seller_sku, ResaleItem.name, ResaleItem.order_id,
                  ResaleItem.resale_order_id, ResaleItem.state, ResaleItem.exit_reason,
                  ResaleItem.return_service, ResaleItem.failed_at, ResaleItem.relisted_at,
                  ResaleItem.resold_at, ResaleItem.sold_at, ResaleItem.exited_at,
                  ResaleItem.return_arrives_at, ResaleItem.outcome_at, ResaleItem.price,
                  ResaleItem.resale_price, ResaleItem.currency)


def _listed(ctx: SandboxContext, span: Range, limit: int, total: int, instant: Any,
            *where: Any) -> dict[str, Any]:
    """The units whose ``instant`` is in the range (and ``where``), newest first; ``total``
    of them, as the figures counted."""
    units = ctx.session.execute(
        select(*LISTED_COLUMNS)
        .where(ResaleItem.sandbox_id == ctx.id, span.holds(instant), *where)
        .order_by(instant.desc(), ResaleItem.resale_item_id.desc()).limit(limit)) \
        if total else []
    return {"total": total, "data": [row(unit) for unit in units]}


def row(unit: Any) -> dict[str, Any]:
    """A unit as the overview's lists show it (a ResaleItem, or a row of its columns)."""
    def amount(value: Decimal | None) -> str | None:
        return None if value is None else money.format_amount(value, unit.currency)

    return {"resale_item_id": unit.resale_item_id, "item_id": unit.item_id,
            "sku_id": unit.sku_id, "seller_sku": unit.seller_sku, "name": unit.name,
            "order_id": unit.order_id, "resale_order_id": unit.resale_order_id,
            "state": unit.state, "exit_reason": unit.exit_reason or None,
            "return_service": unit.return_service or None, "failed_at": unit.failed_at,
            "relisted_at": unit.relisted_at, "resold_at": unit.resold_at,
            "sold_at": unit.sold_at, "left_resale_at": unit.exited_at,
            "return_arrives_at": unit.return_arrives_at,
            "returned_at": unit.outcome_at if unit.state == states.RETURNED_TO_SELLER else None,
            "price": amount(unit.price), "resale_price": amount(unit.resale_price),
            "currency": unit.currency}
