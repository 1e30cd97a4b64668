"""Lazada's order read APIs (reference section 4) over the native API's services: the list is
``orders.listing`` (its filters and sorts; Lazada pages by offset and counts the whole), an order
is ``orders.service.describe``. What is Lazada's own is here: its parameters, their error codes
and the wire shape (``wire``).

Choices where the reference is silent: ``limit`` defaults to 100 (its maximum) and ``offset`` past
5000 is ``E014`` (the guide says to move ``created_after`` on instead); the filter aliases
``topack``, ``toship`` and ``shipping`` mean ``pending``, ``ready_to_ship`` and ``shipped``, and
``all`` no filter; ``/orders/items/get`` answers the orders it finds (``E039`` when it finds
none) and ``E037`` for an id that is not a number.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mockplatform.aftersales import reverse
from mockplatform.engine.context import SandboxContext
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada import wire
from mockplatform.fronts.lazada.errors import missing, numbered
from mockplatform.fronts.lazada.table import GET, api
from mockplatform.orders import listing, service
from mockplatform.orders import states as item_states
from mockplatform.orders.errors import OrderNotFound

# Every item status the filter accepts (reference section 4.1) and the aliases among them.
STATUS_FILTERS = ("unpaid", "pending", "packed", "canceled", "ready_to_ship", "delivered",
                  "returned", "shipped", "failed", "topack", "toship", "shipping", "lost",
                  "lost_by_3pl", "damaged_by_3pl", "failed_delivery", "shipped_back",
                  "shipped_back_success", "shipped_back_failed", "package_scrapped", "all")
STATUS_ALIASES = {"all": (), "topack": ("pending",), "toship": ("ready_to_ship",),
                  "shipping": ("shipped",),
                  "failed_delivery": ("failed_delivery", *item_states.LAZADA_FAILED_DELIVERY)}
MAX_OFFSET, MAX_LIMIT, DEFAULT_LIMIT = 5000, 100, 100
MAX_ORDER_IDS = 50
_ORDER_ID = re.compile(r"[0-9]{1,18}")


def order_id_of(raw: str) -> int:
    if not _ORDER_ID.fullmatch(raw) or int(raw) == 0:
        raise numbered(16, f"{json.dumps(raw[:40])} Invalid Order ID")
    return int(raw)


# -- /orders/get --------------------------------------------------------------------------------

def parse_orders_get(params: dict[str, str]) -> listing.OrderFilter:
    created_after, updated_after = p.date(params, "created_after"), p.date(params, "update_after")
    if created_after is None and updated_after is None:
        raise missing("created_after")
    status = params.get("status") or "all"
    if status not in STATUS_FILTERS:
        raise numbered(36, f"Invalid status filter: {status[:40]!r}")
    sort_by = params.get("sort_by") or "created_at"
    if sort_by not in listing.SORT_FIELDS:
        raise numbered(75, "Invalid sort filter: sort_by must be created_at or updated_at")
    direction = (params.get("sort_direction") or "DESC").lower()
    if direction not in listing.DIRECTIONS:
        raise numbered(74, "Invalid sort direction: sort_direction must be ASC or DESC")
    return listing.OrderFilter(
        limit=p.count(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, 19, "Limit"),
        offset=p.count(params, "offset", 0, 0, MAX_OFFSET, 14, "Offset"),
        status=STATUS_ALIASES.get(status, (status,)),
        created_after=created_after, created_before=p.date(params, "created_before"),
        updated_after=updated_after, updated_before=p.date(params, "update_before"),
        sort_by=sort_by, sort_direction=direction)


@api("/orders/get", methods=(GET,), parse=parse_orders_get)
def orders_get(ctx: SandboxContext, query: listing.OrderFilter) -> dict[str, Any]:
    page = listing.list_orders(ctx, query)
    market = ctx.sandbox.market
    return {"data": {"count": len(page.orders),
                     "countTotal": listing.count_orders(ctx, query),
                     "orders": [wire.order_json(detail, market) for detail in page.orders]}}


# -- one order --------------------------------------------------------------------------------

def parse_order_id(params: dict[str, str]) -> int:
    raw = params.get("order_id")
    if not raw:
        raise missing("order_id")
    return order_id_of(raw)


def _describe(ctx: SandboxContext, order_id: int) -> service.OrderDetail:
    try:
        return service.describe(ctx, order_id)
    except OrderNotFound:  # another sandbox's order too: Lazada answers 16 for another store's
        raise numbered(16, f'"{order_id}" Invalid Order ID') from None


@api("/order/get", methods=(GET,), parse=parse_order_id)
def order_get(ctx: SandboxContext, order_id: int) -> dict[str, Any]:
    return {"data": wire.order_json(_describe(ctx, order_id), ctx.sandbox.market,
                                    district_key="addressDistrict")}


@api("/order/items/get", methods=(GET,), parse=parse_order_id)
def order_items_get(ctx: SandboxContext, order_id: int) -> dict[str, Any]:
    return {"data": wire.items_json(_describe(ctx, order_id), ctx.sandbox.market,
                                    reverse.of_items(ctx, [order_id]))}


# -- several orders' items ----------------------------------------------------------------------

def parse_order_ids(params: dict[str, str]) -> list[int]:
    raw = params.get("order_ids")
    if not raw:
        raise missing("order_ids")
    try:
        ids = json.loads(raw)
    except (ValueError, RecursionError):
        ids = None
    if not isinstance(ids, list) or not ids:
        raise numbered(56, "Invalid list format: order_ids must be a JSON array such as "
                       "[42922,32793]")
    if len(ids) > MAX_ORDER_IDS:
        raise numbered(38, f"Too many orders: at most {MAX_ORDER_IDS} order ids")
    parsed = []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int | str) \
                or not _ORDER_ID.fullmatch(str(value)) or int(value) == 0:
            raise numbered(37, f"One or more order ids are incorrect: {json.dumps(value)[:40]}")
        parsed.append(int(value))
    return list(dict.fromkeys(parsed))


@api("/orders/items/get", methods=(GET,), parse=parse_order_ids)
def orders_items_get(ctx: SandboxContext, order_ids: list[int]) -> dict[str, Any]:
    market, found = ctx.sandbox.market, []
    reverses = reverse.of_items(ctx, order_ids)
    for order_id in order_ids:
        try:
            detail = service.describe(ctx, order_id)
        except OrderNotFound:
            continue
        found.append({"order_id": order_id, "order_number": order_id,
                      "order_items": wire.items_json(detail, market, reverses)})
    if not found:
        raise numbered(39, "No orders were found")
    return {"data": found}
