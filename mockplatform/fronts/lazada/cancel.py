"""Lazada's seller cancellation (reference section 8) over the native API's cancel
(``logistics.cancel``): out of stock zeroes the SKU's stock, and canceling an item of a packed
package cancels the whole package (the domain's rules).

Reason ids: Lazada's differ per country and are not published as a table; the reference gives
``10000019`` Sourcing Delay, ``10000021`` Out of Stock and ``10000023`` Wrong Price or Pricing
Error. [choice] MY uses those; every other venture offsets them by its index in
``REASON_BASES`` (SG ``10000119``, ``10000121``, ``10000123``...), so a reason id of another
venture is refused, as on Lazada.

Errors (the ROC family, numeric strings): ``MissingParameter`` without ``order_id``,
``order_item_id_list`` or (create) ``reason_id``; ``122`` an order id that is not a number or
not this sandbox's; ``102`` a malformed item id list (not a JSON array of ids, empty, or more
than 100); ``123`` an item not of the order, or [choice] one whose status does not allow
canceling (create; validate answers ``tip_type: "error"`` instead); ``104`` a reason id not of
the venture.
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.errors import InvalidStateTransition
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada.errors import LazadaError, numbered
from mockplatform.fronts.lazada.table import GET, api
from mockplatform.logistics import service as logistics
from mockplatform.logistics.errors import UnknownOrderItem
from mockplatform.orders import service as orders
from mockplatform.orders.errors import OrderNotFound

MARKETS = ("MY", "SG", "TH", "VN", "PH", "ID")
# The domain's reasons and their MY ids, in the order Lazada lists them.
REASON_BASES = {"sourcing_delay": 10000019, "out_of_stock": 10000021, "wrong_price": 10000023}
REASON_NAMES = {"sourcing_delay": "Sourcing Delay", "out_of_stock": "Out of Stock",
                "wrong_price": "Wrong Price or Pricing Error"}
MAX_ITEMS = orders.MAX_UNITS_PER_ORDER


def reason_ids(market: str) -> dict[int, str]:
    """The venture's reason ids, each to the domain's reason."""
    offset = MARKETS.index(market) * 100
    return {base + offset: reason for reason, base in REASON_BASES.items()}


def _bad_order(message: str) -> LazadaError:
    return numbered(122, f"Invalid trade order: {message}")


def _bad_lines(message: str) -> LazadaError:
    return numbered(102, f"Invalid trade order line id: {message}")


def parse_validate(params: dict[str, str]) -> dict[str, Any]:
    order_id = p.whole_id(p.required(params, "order_id").strip(), "order_id", _bad_order)
    raw = p.required(params, "order_item_id_list")
    ids = p.array(p.json_value(raw, "order_item_id_list", _bad_lines), "order_item_id_list",
                  _bad_lines, limit=MAX_ITEMS, too_many=_bad_lines)
    return {"order_id": order_id,
            "order_item_ids": [p.whole_id(value, "order_item_id_list", _bad_lines)
                               for value in ids]}


def parse_create(params: dict[str, str]) -> dict[str, Any]:
    request = parse_validate(params)
    raw = p.required(params, "reason_id").strip()
    request["reason_id"] = p.whole_id(raw, "reason_id", lambda m: numbered(104, f"Reason "
                                                                          f"invalid: {m}"))
    return request


def _preview(ctx: SandboxContext, order_id: int, item_ids: list[int]) -> list[Any]:
    try:
        return logistics.cancel_preview(ctx, order_id, item_ids)
    except OrderNotFound:
        raise _bad_order(f"no order {order_id} in this store") from None
    except UnknownOrderItem as error:
        raise numbered(123, f"Invalid trade order lines: {error.message}") from None


@api("/order/reverse/cancel/validate", methods=(GET,), parse=parse_validate)
def validate(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    market = ctx.sandbox.market
    options = [{"reason_id": str(reason_id), "reason_name": REASON_NAMES[reason]}
               for reason_id, reason in reason_ids(market).items()]
    try:
        canceled = _preview(ctx, request["order_id"], request["order_item_ids"])
    except InvalidStateTransition as error:
        return {"data": {"tip_type": "error", "tip_content": f"These items cannot be "
                         f"canceled: {error.message}", "reason_options": []}}
    mates = sorted({item.order_item_id for item in canceled} - set(request["order_item_ids"]))
    content = ("Canceling these items also cancels the rest of their package: order items "
               + ", ".join(map(str, mates)) + ". Repack first to keep them.") if mates else \
        "The items can be canceled."
    return {"data": {"tip_type": "warning" if mates else "warn", "tip_content": content,
                     "reason_options": options}}


@api("/order/reverse/cancel/create", methods=(GET,), parse=parse_create, write=True)
def create(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    reasons = reason_ids(ctx.sandbox.market)
    reason = reasons.get(request["reason_id"])
    if reason is None:
        raise numbered(104, f"Reason invalid: {request['reason_id']} is not a cancel reason of "
                       f"this venture; use one of {', '.join(map(str, reasons))}")
    try:
        _preview(ctx, request["order_id"], request["order_item_ids"])  # Lazada's codes for ids
        logistics.cancel(ctx, request["order_id"], reason=reason,
                         order_item_ids=request["order_item_ids"])
    except InvalidStateTransition as error:
        raise numbered(123, f"Invalid trade order lines: {error.message}") from None
    return {"data": {"tip_type": "success", "tip_content": "The items are canceled."}}
