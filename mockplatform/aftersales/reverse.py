"""After-sales requests seen as Lazada's reverse orders (reference/lazada-api.md section 9): their
lines, their search, and the rule that a request moves whole.

- ``reverse_order_id`` is the request's ``aftersales_id``.
- A reverse order line is one order item (one unit) of the request: its
  ``reverse_order_line_id`` is ``aftersales_id * 1000 + n``, ``n`` the item's place (1, 2, ...)
  in the request's ``order_item_ids``. Stable (a request's items never change), deterministic,
  unique in the sandbox, and it names its reverse order (``line_id // 1000``); an order holds
  at most ``orders.MAX_UNITS_PER_ORDER`` (100) units, so ``n`` never reaches 1000.
- A request moves whole: an action names every line of it ([choice]; Lazada can act on some
  lines of a reverse order, the domain's request has one state).
- The words (``request_type``, ``reverse_status``, ``ofc_status``) are ``states``' tables;
  filtering on them is filtering on the (type, state, has a return parcel) they stand for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import product

from sqlalchemy import and_, false, func, or_, select

from mockplatform.aftersales import service, states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.orders.models import Order

LINE_FACTOR = 1000
DISPUTE_REASON = "start_dispute"


def line_ids(request: AfterSalesRequest) -> list[int]:
    return [request.aftersales_id * LINE_FACTOR + n
            for n in range(1, len(request.order_item_ids) + 1)]


def reverse_id_of_line(line_id: int) -> int:
    return line_id // LINE_FACTOR


def item_of_line(request: AfterSalesRequest, line_id: int) -> int | None:
    """The order item a line of ``request`` stands for, None if the line is not one of it."""
    lines = line_ids(request)
    return request.order_item_ids[lines.index(line_id)] if line_id in lines else None


def words(request: AfterSalesRequest) -> tuple[str, str, str]:
    """(request_type, reverse_status, ofc_status)."""
    return (states.LAZADA_REQUEST_TYPE[request.type],
            states.LAZADA_REVERSE_STATUS[request.type].get(request.state, ""),
            states.ofc_status(request.type, request.state, request.return_package_id is not None))


def of_items(ctx: SandboxContext, order_ids: list[int]) -> dict[int, AfterSalesRequest]:
    """The latest request of each order item of ``order_ids`` that has one, by order item id,
    in one query: what an order's items show of their reverse orders."""
    latest: dict[int, AfterSalesRequest] = {}
    for request in ctx.session.scalars(select(AfterSalesRequest).where(
            AfterSalesRequest.sandbox_id == ctx.id, AfterSalesRequest.order_id.in_(order_ids))
            .order_by(AfterSalesRequest.aftersales_id)):
        latest.update(dict.fromkeys(request.order_item_ids, request))
    return latest


def is_dispute(request: AfterSalesRequest) -> bool:
    """The seller refused to refund: a refund only it disputed (``startDispute``), or a
    returned parcel whose refund it refused (``refuseRefund``) [choice]."""
    return (request.type == states.REFUND_ONLY and request.state == states.REJECTED) \
        or request.state == states.PACKAGE_REJECTED


@dataclass(frozen=True)
class ReverseFilter:
    """``/reverse/getreverseordersforseller``'s filters; instants are inclusive bounds."""

    reverse_order_id: int | None = None
    trade_order_id: int | None = None
    request_types: tuple[str, ...] = ()
    reverse_statuses: tuple[str, ...] = ()
    ofc_statuses: tuple[str, ...] = ()
    dispute: bool | None = None
    nothing: bool = False  # a filter no reverse order here can match (RTW, a QC decision)
    order_created: tuple[datetime | None, datetime | None] = (None, None)
    created: tuple[datetime | None, datetime | None] = (None, None)
    modified: tuple[datetime | None, datetime | None] = (None, None)
    types: tuple[str, ...] = field(default=tuple(states.LAZADA_REQUEST_TYPE))


def _word_condition(query: ReverseFilter):
    """The (type, state, parcel) combinations whose words the filter names, as SQL."""
    model = AfterSalesRequest
    wanted = []
    for type_, state, parcel in product(query.types, states.STATES, (False, True)):
        request_type = states.LAZADA_REQUEST_TYPE[type_]
        reverse_status = states.LAZADA_REVERSE_STATUS[type_].get(state)
        if reverse_status is None:
            continue
        if query.request_types and request_type not in query.request_types:
            continue
        if query.reverse_statuses and reverse_status not in query.reverse_statuses:
            continue
        if query.ofc_statuses and states.ofc_status(type_, state, parcel) not in \
                query.ofc_statuses:
            continue
        has_parcel = model.return_package_id.is_not(None) if parcel \
            else model.return_package_id.is_(None)
        wanted.append(and_(model.type == type_, model.state == state, has_parcel))
    return or_(*wanted) if wanted else false()


def _between(column, bounds: tuple[datetime | None, datetime | None]) -> list:
    start, end = bounds
    return ([column >= start] if start is not None else []) + \
        ([column <= end] if end is not None else [])


def search(ctx: SandboxContext, query: ReverseFilter, page_no: int,
           page_size: int) -> tuple[int, list[AfterSalesRequest]]:
    """(total, the page): the matching requests in the order they were opened."""
    service.require_available(ctx)
    model = AfterSalesRequest
    if query.nothing:
        return 0, []
    conditions = [model.sandbox_id == ctx.id, _word_condition(query)]
    if query.reverse_order_id is not None:
        conditions.append(model.aftersales_id == query.reverse_order_id)
    if query.trade_order_id is not None:
        conditions.append(model.order_id == query.trade_order_id)
    if query.dispute is not None:
        disputed = or_(and_(model.type == states.REFUND_ONLY, model.state == states.REJECTED),
                       model.state == states.PACKAGE_REJECTED)
        conditions.append(disputed if query.dispute else ~disputed)
    conditions += _between(model.created_at, query.created)
    conditions += _between(model.updated_at, query.modified)
    ordered = _between(Order.created_at, query.order_created)
    if ordered:
        conditions.append(model.order_id.in_(select(Order.order_id).where(
            Order.sandbox_id == ctx.id, *ordered)))
    total = ctx.session.scalar(select(func.count()).select_from(model).where(*conditions))
    rows = ctx.session.scalars(select(model).where(*conditions).order_by(model.aftersales_id)
                               .offset((page_no - 1) * page_size).limit(page_size))
    return total or 0, list(rows)
