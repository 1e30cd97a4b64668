"""The units a buyer asks about, named by SKU and quantity rather than by order item: an
order keeps one order item per unit (TikTok's line items have no quantity), so
``items: [{sku_id | seller_sku, quantity}]`` becomes the order item ids the request names.

A quantity above what the order bought of that SKU is a 400 naming the line's ``quantity`` and
the bought quantity; a SKU the order did not buy, or one named twice, a 400 naming the line.
Nothing is written: the ids go through ``service.open_request``'s own checks next.

Which units [choice]: those of the SKU not held by another request first (so asking again for
the rest of a SKU names the rest), then in order item id order.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockplatform.aftersales import service
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import ValidationFailed
from mockplatform.orders import service as orders
from mockplatform.orders.models import OrderItem
from mockplatform.orders.service import OrderLine


def _bad(field: str, message: str, **extra) -> ValidationFailed:
    error = ValidationFailed.field(field, message)
    error.details[0].update(extra)
    return error


def _held(ctx: SandboxContext, order_id: int) -> set[int]:
    """Units named by a request of the order that still holds them (as the service counts)."""
    return {item_id for request in service.of_order(ctx, order_id)
            if service.holds_items(request) for item_id in request.order_item_ids}


def open_request(ctx: SandboxContext, *, type_: str, order_id: int, reason: str,
                 item_ids: Sequence[int] | None = None, lines: Sequence[OrderLine] | None = None,
                 evidence: dict | None = None):
    """The buyer asks about the order's units named by id (``item_ids``), or by SKU and
    quantity (``lines``), or all of them: what the API and a scenario's step both open."""
    service.require_available(ctx)
    if lines is not None:
        item_ids = order_item_ids(ctx, order_id, lines)
    return service.open_request(ctx, type_=type_, order_id=order_id, order_item_ids=item_ids,
                                reason=reason, evidence=evidence)


def order_item_ids(ctx: SandboxContext, order_id: int,
                   lines: Sequence[OrderLine]) -> list[int]:
    """The order items ``lines`` ask about (see the module's docstring)."""
    order = orders.get_order(ctx, order_id)
    items = orders.items_of(ctx, [order.order_id])[order.order_id]
    held = _held(ctx, order.order_id)
    chosen: list[int] = []
    seen: dict[int, int] = {}
    for index, line in enumerate(lines):
        field = f"items.{index}"
        key, value = (("sku_id", line.sku_id) if line.sku_id is not None
                      else ("seller_sku", line.seller_sku))
        units = [item for item in items if getattr(item, key) == value]
        if not units:
            raise _bad(f"{field}.{key}", f"order {order.order_id} has no unit of SKU {value!r}",
                       bought_quantity=0)
        sku_id = units[0].sku_id
        if sku_id in seen:
            raise _bad(f"{field}.{key}", f"SKU {value!r} is named twice (items.{seen[sku_id]}): "
                                         f"give its whole quantity once")
        seen[sku_id] = index
        if line.quantity > len(units):
            raise _bad(f"{field}.quantity",
                       f"order {order.order_id} bought {len(units)} unit"
                       f"{'s' if len(units) != 1 else ''} of SKU {value!r}; "
                       f"{line.quantity} asked about", bought_quantity=len(units),
                       requested_quantity=line.quantity)
        chosen += [item.order_item_id for item in _preferred(units, held)[:line.quantity]]
    return chosen


def _preferred(units: list[OrderItem], held: set[int]) -> list[OrderItem]:
    return sorted(units, key=lambda item: (item.order_item_id in held, item.order_item_id))
