"""The step table: every step a scenario may take, who takes it (the seller, the buyer, the
carrier, the warehouse, the clock), the fields it takes and the domain operation it calls: the
very functions the native API's views call, in the same unit of work (no HTTP loopback).

A new step is one ``register(Step(...))`` (the ``faults`` step is one: fault_steps.py): the loader
learns its fields, the closest-name hints and the README's list from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from mockplatform.aftersales import actions as aftersales_actions
from mockplatform.aftersales import states as aftersales_states
from mockplatform.aftersales import units as aftersales_units
from mockplatform.catalog import service as catalog
from mockplatform.control import clock as clock_service
from mockplatform.control.scenarios.schema import (
    Amount,
    Boolean,
    Duration,
    Instant,
    Integer,
    ListOf,
    Mapping,
    Reference,
    Text,
    Type,
)
from mockplatform.control.summary import iso
from mockplatform.errors import NotFound, ValidationFailed
from mockplatform.logistics import fulfilment
from mockplatform.logistics import service as logistics
from mockplatform.logistics import states as package_states
from mockplatform.orders import service as orders
from mockplatform.orders import states as order_states
from mockplatform.resale import inspection, return_service
from mockplatform.resale import service as resale
from mockplatform.resale.models import ResaleItem

if TYPE_CHECKING:
    from mockplatform.control.scenarios.runner import Run

NAME_PATTERN = r"[A-Za-z_][\w-]{0,39}"
ORDER, REQUEST = "order", "request"


@dataclass(frozen=True)
class Ref(Text):
    """The name an earlier step gave an order or a request (``as``)."""

    kind: str = ORDER
    pattern: str | None = NAME_PATTERN


@dataclass(frozen=True)
class Defines(Text):
    """A new name (``as``) for what the step makes, for later steps to refer to."""

    kind: str = ORDER
    pattern: str | None = NAME_PATTERN


@dataclass(frozen=True)
class Step:
    name: str
    actor: str  # seller, buyer, carrier, warehouse, clock, catalog, platform
    summary: str
    run: Callable[[Run, dict[str, Any]], dict[str, Any]]
    fields: dict[str, Type] = field(default_factory=dict)
    required: tuple[str, ...] = ()


STEPS: dict[str, Step] = {}


def register(step: Step) -> Step:
    """Add a step to the table (a name taken twice is a programming error)."""
    if step.name in STEPS:
        raise ValueError(f"scenario step {step.name!r} is registered twice")
    STEPS[step.name] = step
    return step


def step(name: str, actor: str, summary: str, fields: dict[str, Type] | None = None,
         required: tuple[str, ...] = ()):
    def decorate(run):
        register(Step(name, actor, summary, run, dict(fields or {}), required))
        return run
    return decorate


# -- what the steps share ------------------------------------------------------------------------

ORDER_REF = {"order": Ref(kind=ORDER)}
REQUEST_REF = {"request": Ref(kind=REQUEST)}
# The buyer's fields as the native API takes them (a phone as its schema checks it).
BUYER = Mapping(fields={**{name: Text(max_length=255) for name in (
    "first_name", "last_name", "email", "address1", "address2", "city", "region", "postcode")},
    "phone": Text(max_length=40, pattern=r"\+?[0-9][0-9 ()-]{5,38}")})
LINES = ListOf(Mapping(fields={"seller_sku": Text(max_length=100),
                               "quantity": Integer(minimum=1, maximum=1000)},
                       required=("seller_sku",)))
TIMES = Integer(minimum=1, maximum=20)


def _order_json(run: Run, detail: orders.OrderDetail) -> dict[str, Any]:
    return {"order_id": detail.order.order_id, "statuses": detail.statuses,
            "package_ids": [p.package_id for p in detail.packages]}


def _order(run: Run, args: dict) -> dict[str, Any]:
    return _order_json(run, orders.describe(run.ctx, run.order_id(args["order"])))


def _request_json(request) -> dict[str, Any]:
    return {"aftersales_id": request.aftersales_id, "type": request.type,
            "state": request.state}


# Which of the order's packages a package step acts on: the Nth packed (1: the first), canceled
# ones left out; by default, the latest.
PACKAGE = {"package": Integer(minimum=1, maximum=100)}


def _package_id(run: Run, args: dict) -> str:
    """The order's package the step names (``package``), or the latest one not canceled."""
    order_id = run.order_id(args["order"])
    packages = [p for p in orders.packages_of(run.ctx, [order_id])[order_id]
                if p.status != package_states.CANCELED]
    if not packages:
        raise NotFound(f"order {args['order']!r} ({order_id}) has no package to act on: pack "
                       "and ready it first", code="not_found")
    number = args.get("package")
    if number is None:
        return packages[-1].package_id
    if number > len(packages):
        raise NotFound(f"order {args['order']!r} ({order_id}) has {len(packages)} package(s) "
                       f"not canceled, not {number}", code="not_found")
    return packages[number - 1].package_id


def _chosen_items(run: Run, args: dict) -> list[int] | None:
    """The pending items ``items`` names (``quantity`` units of each seller SKU, the first
    ones in the order), or None: every pending item."""
    lines = args.get("items")
    if lines is None:
        return None
    order_id = run.order_id(args["order"])
    pending = [item for item in orders.items_of(run.ctx, [order_id])[order_id]
               if item.status == order_states.PENDING]
    chosen: list[int] = []
    for index, line in enumerate(lines):
        sku, wanted = line["seller_sku"], line.get("quantity", 1)
        found = [item.order_item_id for item in pending if item.seller_sku == sku
                 and item.order_item_id not in chosen][:wanted]
        if not found:
            raise ValidationFailed.field(
                f"items.{index}.seller_sku", f"order {args['order']!r} ({order_id}) has no "
                f"pending unit of {sku!r} left to pack")
        if len(found) < wanted:
            raise ValidationFailed.field(
                f"items.{index}.quantity", f"order {args['order']!r} ({order_id}) has "
                f"{len(found)} pending unit(s) of {sku!r} left to pack, not {wanted}")
        chosen += found
    return chosen


def resale_unit_id(run: Run, args: dict) -> int:
    """The resale unit of the order named: the unit that failed from it, or that it bought."""
    order_id = run.order_id(args["order"])
    found = run.ctx.session.scalar(
        select(ResaleItem.resale_item_id).where(
            ResaleItem.sandbox_id == run.ctx.id,
            or_(ResaleItem.order_id == order_id, ResaleItem.resale_order_id == order_id))
        .order_by(ResaleItem.resale_item_id).limit(1))
    if found is None:
        raise NotFound(f"order {args['order']!r} ({order_id}) has no resale unit: none of its "
                       "items failed delivery (yet)", code="not_found")
    return found


def _unit_json(unit: ResaleItem) -> dict[str, Any]:
    return {"resale_item_id": unit.resale_item_id, "state": unit.state}


# -- the catalog and the clock ------------------------------------------------------------------

@step("product", "catalog", "Create a listed product with its SKUs (priced in the market "
      "currency).", {"name": Text(), "restricted": Boolean(),
                     "skus": ListOf(Mapping(fields={"seller_sku": Text(max_length=100),
                                                    "price": Amount(),
                                                    "stock": Integer()},
                                            required=("seller_sku", "price")))},
      required=("name", "skus"))
def _product(run: Run, args: dict) -> dict[str, Any]:
    detail = catalog.create_product(
        run.ctx, name=args["name"], restricted=args.get("restricted", False),
        skus=[catalog.SkuSpec(seller_sku=s["seller_sku"], price=Decimal(s["price"]),
                              stock=s.get("stock", 0)) for s in args["skus"]])
    return {"item_id": detail.product.item_id,
            "skus": {s.seller_sku: s.sku_id for s in detail.skus}}


@step("advance", "clock", "Advance the sandbox clock by a duration, or to a timestamp, "
      "next_timer or a deadline an earlier step named (r1.deadline_at - PT1S), firing every "
      "timer due on the way.", {"by": Duration(), "to": Instant()})
def _advance(run: Run, args: dict) -> dict[str, Any]:
    to = args.get("to")
    if isinstance(to, Reference):
        to = run.resolve(to)
    result = clock_service.advance(run.ctx, by=args.get("by"), to=to)
    return {"now": iso(result.clock.now), "timers_fired": result.timers_fired,
            "events": result.events_total}


# -- the buyer ----------------------------------------------------------------------------------

@step("place_order", "buyer", "Place an order as the buyer; magic values in the buyer's "
      "address or phone decide its delivery.",
      {"as": Defines(kind=ORDER), "items": LINES, "buyer": BUYER,
       "payment_method": Text(choices=orders.PAYMENT_METHODS),
       "shipping": Text(choices=orders.SHIPPING_TYPES)}, required=("as", "items"))
def _place_order(run: Run, args: dict) -> dict[str, Any]:
    detail = orders.place(
        run.ctx, lines=[orders.OrderLine(seller_sku=line["seller_sku"],
                                         quantity=line.get("quantity", 1))
                        for line in args["items"]],
        buyer=args.get("buyer"), payment_method=args.get("payment_method", "prepaid"),
        shipping=args.get("shipping", "cross_border"))
    run.name(ORDER, args["as"], detail.order.order_id)
    return _order_json(run, detail)


@step("buyer_cancel", "buyer", "Cancel a TikTok Shop order within its remorse window.",
      ORDER_REF, required=("order",))
def _buyer_cancel(run: Run, args: dict) -> dict[str, Any]:
    logistics.buyer_cancel(run.ctx, run.order_id(args["order"]), reason=None)
    return _order(run, args)


@step("confirm_receipt", "buyer", "Confirm receipt of a shipped semi-hosted order.",
      ORDER_REF, required=("order",))
def _confirm_receipt(run: Run, args: dict) -> dict[str, Any]:
    logistics.confirm_receipt(run.ctx, run.order_id(args["order"]))
    return _order(run, args)


@step("open_request", "buyer", "Open an after-sales request (cancellation, refund_only, "
      "return_and_refund, reshipment) for the order's units, or the SKUs given.",
      {"as": Defines(kind=REQUEST), "order": Ref(kind=ORDER),
       "type": Text(choices=aftersales_states.TYPES), "reason": Text(max_length=80),
       "items": LINES}, required=("as", "order", "type", "reason"))
def _open_request(run: Run, args: dict) -> dict[str, Any]:
    lines = [orders.OrderLine(seller_sku=line["seller_sku"], quantity=line.get("quantity", 1))
             for line in args["items"]] if "items" in args else None
    request = aftersales_units.open_request(run.ctx, type_=args["type"],
                                            order_id=run.order_id(args["order"]),
                                            reason=args["reason"], lines=lines)
    run.name(REQUEST, args["as"], request.aftersales_id)
    return _request_json(request)


def _request_step(name: str, actor: str, summary: str, action: Callable,
                  required: tuple[str, ...] = (), **extra: Type):
    """A step that is one after-sales action on a named request (its other fields are the
    action's keyword arguments)."""
    def run_action(run: Run, args: dict) -> dict[str, Any]:
        kwargs = {k: v for k, v in args.items() if k != "request"}
        return _request_json(action(run.ctx, run.request_id(args["request"]), **kwargs))
    register(Step(name, actor, summary, run_action, {**REQUEST_REF, **extra},
                  ("request", *required)))


for _name, _summary in (
        ("accept_partial_refund", "Accept the seller's partial refund."),
        ("reject_partial_refund", "Reject the seller's partial refund."),
        ("withdraw", "Withdraw the request.")):
    _request_step(_name, "buyer", _summary, getattr(aftersales_actions, _name))
_request_step("ship_back", "buyer", "Ship the returned item back.", aftersales_actions.ship_back,
              tracking_number=Text(max_length=60))


# -- the seller ----------------------------------------------------------------------------------

@step("pack", "seller", "Pack the order's pending items into a package (items: only these "
      "units, by seller SKU and quantity; the rest can go in another package).",
      {**ORDER_REF, "items": LINES}, required=("order",))
def _pack(run: Run, args: dict) -> dict[str, Any]:
    logistics.pack(run.ctx, run.order_id(args["order"]), order_item_ids=_chosen_items(run, args),
                   shipment_provider=None)
    return _order(run, args)


@step("ready_to_ship", "seller", "Hand the order's packed packages to the carrier.", ORDER_REF,
      required=("order",))
def _ready_to_ship(run: Run, args: dict) -> dict[str, Any]:
    logistics.ready_to_ship(run.ctx, run.order_id(args["order"]), package_ids=None)
    return _order(run, args)


@step("cancel", "seller", "Cancel the order's items as the seller.",
      {**ORDER_REF, "reason": Text(choices=fulfilment.CANCEL_REASONS)},
      required=("order", "reason"))
def _cancel(run: Run, args: dict) -> dict[str, Any]:
    logistics.cancel(run.ctx, run.order_id(args["order"]), reason=args["reason"],
                     order_item_ids=None)
    return _order(run, args)


@step("accept", "seller", "Accept a semi-hosted (AliExpress) order.", ORDER_REF,
      required=("order",))
def _accept(run: Run, args: dict) -> dict[str, Any]:
    logistics.accept(run.ctx, run.order_id(args["order"]))
    return _order(run, args)


@step("ship", "seller", "Ship a packed semi-hosted order with the seller's own carrier.",
      {**ORDER_REF, "shipment_provider": Text(max_length=60),
       "tracking_number": Text(max_length=60)},
      required=("order", "shipment_provider", "tracking_number"))
def _ship(run: Run, args: dict) -> dict[str, Any]:
    logistics.ship(run.ctx, run.order_id(args["order"]),
                   shipment_provider=args["shipment_provider"],
                   tracking_number=args["tracking_number"])
    return _order(run, args)


@step("mark_failed_delivery", "seller", "Mark the order's package (package: the Nth packed; "
      "by default the latest) as failed delivery.", {**ORDER_REF, **PACKAGE},
      required=("order",))
def _mark_failed(run: Run, args: dict) -> dict[str, Any]:
    logistics.seller_mark_failed(run.ctx, _package_id(run, args))
    return _order(run, args)


@step("return_service", "seller", "Choose the return service for units leaving resale.",
      {"option": Text(choices=return_service.OPTIONS)}, required=("option",))
def _return_service(run: Run, args: dict) -> dict[str, Any]:
    return {"option": return_service.choose(run.ctx, args["option"])["option"]}


for _name, _summary in (
        ("approve", "Approve the request."),
        ("propose_refund", "Propose a full refund instead of a reshipment."),
        ("ship_reshipment", "Ship an approved reshipment's replacement order."),
        ("approve_package", "Approve the received return parcel: the buyer is refunded."),
        ("instant_refund", "Refund at once with no return (Lazada)."),
        ("confirm_delivery", "Confirm the return parcel arrived (Lazada)."),
        ("claim_return", "Claim a failed return parcel."),
        ("return_not_needed", "Say a failed return parcel is not needed.")):
    _request_step(_name, "seller", _summary, getattr(aftersales_actions, _name))
for _name, _summary in (("reject", "Reject the request."),
                        ("reject_package", "Reject the received return parcel.")):
    _request_step(_name, "seller", _summary, getattr(aftersales_actions, _name),
                  required=("reason",), reason=Text(max_length=80),
                  comment=Text(max_length=500))
_request_step("offer_partial_refund", "seller", "Offer a partial refund (amount, currency).",
              aftersales_actions.offer_partial_refund, required=("amount", "currency"),
              amount=Amount(), currency=Text(max_length=3))


# -- the carrier ---------------------------------------------------------------------------------

def _package_step(name: str, summary: str, action: Callable) -> None:
    def run_action(run: Run, args: dict) -> dict[str, Any]:
        action(run.ctx, _package_id(run, args))
        return _order(run, args)
    register(Step(name, "carrier", summary, run_action, {**ORDER_REF, **PACKAGE}, ("order",)))


_package_step("deliver", "Deliver the order's package (package: the Nth packed; by default "
              "the latest) now.", logistics.deliver)
_package_step("lose", "Lose the order's package (lost_by_3pl; package: as deliver).",
              logistics.lose)
_package_step("damage", "Damage the order's package (damaged_by_3pl; package: as deliver).",
              logistics.damage)


@step("fail_next_attempt", "carrier", "Fail the next delivery attempt(s) of the order's "
      "package with a reason (times: how many attempts; package: as deliver).",
      {**ORDER_REF, **PACKAGE, "reason": Text(max_length=60), "times": TIMES},
      required=("order",))
def _fail_next_attempt(run: Run, args: dict) -> dict[str, Any]:
    package_id = _package_id(run, args)
    for _ in range(args.get("times", 1)):
        logistics.fail_next_attempt(run.ctx, package_id, args.get("reason"))
    return _order(run, args)


@step("fail_return_attempt", "carrier", "Fail delivery attempt(s) of the return parcel.",
      {**REQUEST_REF, "reason": Text(max_length=80), "times": TIMES}, required=("request",))
def _fail_return_attempt(run: Run, args: dict) -> dict[str, Any]:
    request_id, request = run.request_id(args["request"]), None
    reason = args.get("reason", aftersales_actions.RETURN_DEFAULT_FAILURE)
    for _ in range(args.get("times", 1)):
        request = aftersales_actions.fail_return_attempt(run.ctx, request_id, reason=reason)
    return _request_json(request)


for _name, _summary in (("deliver_return", "Deliver the return parcel to the seller now."),
                        ("deliver_reshipment", "Deliver the reshipment to the buyer now.")):
    _request_step(_name, "carrier", _summary, getattr(aftersales_actions, _name))


# -- the warehouse (resale) ----------------------------------------------------------------------

@step("inspect", "warehouse", "Script the coming quality inspection of the order's resale "
      "unit: pass, or fail a check.",
      {**ORDER_REF, "result": Text(choices=("pass", "fail")), "check": Text(max_length=60)},
      required=("order", "result"))
def _inspect(run: Run, args: dict) -> dict[str, Any]:
    return _unit_json(inspection.script(run.ctx, resale_unit_id(run, args), result=args["result"],
                                        check=args.get("check")))


@step("sell", "warehouse", "Sell the order's listed resale unit to a buyer now; the resale "
      "order gets the name given with as.",
      {**ORDER_REF, "as": Defines(kind=ORDER), "buyer": BUYER,
       "payment_method": Text(choices=orders.PAYMENT_METHODS)}, required=("order", "as"))
def _sell(run: Run, args: dict) -> dict[str, Any]:
    detail = resale.sell(run.ctx, resale_unit_id(run, args), buyer=args.get("buyer"),
                         payment_method=args.get("payment_method", "prepaid"))
    run.name(ORDER, args["as"], detail.order.order_id)
    return _order_json(run, detail)


@step("expire_window", "warehouse", "End the listed resale unit's window now (it goes to the "
      "return service).", ORDER_REF, required=("order",))
def _expire_window(run: Run, args: dict) -> dict[str, Any]:
    return _unit_json(resale.end_window_now(run.ctx, resale_unit_id(run, args)))
