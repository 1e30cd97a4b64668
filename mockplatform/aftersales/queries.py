"""Reading after-sales requests: the list with its filters and cursor, and one request with
what each party may do now.

Request ids are drawn in order, so the list in id order is the order requests were opened in,
and the cursor is the last id seen: a page never repeats or skips a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mockplatform.aftersales import service, states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.orders.models import Package


@dataclass(frozen=True)
class RequestFilter:
    """``awaiting_seller``: only requests whose next action is the seller's;
    ``deadline_before``: only those whose next deadline is before that instant."""

    limit: int = 100
    type: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    order_id: int | None = None
    awaiting_seller: bool | None = None
    deadline_before: datetime | None = None
    after: int | None = None


@dataclass(frozen=True)
class RequestPage:
    requests: list[AfterSalesRequest]
    has_more: bool
    next_cursor: str | None


@dataclass(frozen=True)
class RequestDetail:
    """A request with what each party may do now (the seller's, as its profile offers them)
    and its type and state in the profile's words."""

    request: AfterSalesRequest
    seller_actions: list[str]
    buyer_actions: list[str]
    carrier_actions: list[str]
    platform_type: str
    platform_status: str | None


def list_requests(ctx: SandboxContext, query: RequestFilter) -> RequestPage:
    """A page in id order. The seller's queue (``awaiting_seller``) is paged by its ids first,
    read from ``ix_aftersales_awaiting`` alone, then their rows: with the row's columns to
    return, SQLite would rather take every request due before ``deadline_before`` from the
    deadline index and sort them, a cost that grows with the sandbox, than walk the queue in id
    order and stop at a page."""
    service.require_available(ctx)
    model = AfterSalesRequest
    conditions = []
    if query.type:
        conditions.append(model.type.in_(query.type))
    if query.state:
        conditions.append(model.state.in_(query.state))
    if query.order_id is not None:
        conditions.append(model.order_id == query.order_id)
    if query.awaiting_seller is not None:
        conditions.append(model.awaiting_seller == query.awaiting_seller)
    if query.deadline_before is not None:
        conditions.append(model.deadline_at < query.deadline_before)
    if query.after is not None:
        conditions.append(model.aftersales_id > query.after)
    size = query.limit + 1
    if query.awaiting_seller:
        ids = select(model.aftersales_id).where(model.sandbox_id == ctx.id, *conditions) \
            .order_by(model.aftersales_id).limit(size).scalar_subquery()
        stmt = select(model).where(model.sandbox_id == ctx.id, model.aftersales_id.in_(ids))
    else:
        stmt = select(model).where(model.sandbox_id == ctx.id, *conditions).limit(size)
    rows = list(ctx.session.scalars(stmt.order_by(model.aftersales_id)))
    rows, has_more = rows[:query.limit], len(rows) > query.limit
    return RequestPage(requests=rows, has_more=has_more,
                       next_cursor=str(rows[-1].aftersales_id) if has_more else None)


def describe(ctx: SandboxContext, aftersales_id: int) -> RequestDetail:
    return detail(ctx, service.get(ctx, aftersales_id))


def detail(ctx: SandboxContext, request: AfterSalesRequest) -> RequestDetail:
    platform_type, platform_status = states.platform_words(ctx.sandbox.platform, request.type,
                                                           request.state)
    return RequestDetail(
        request=request,
        seller_actions=service.allowed_actions(request,
                                               service.offered(ctx, states.SELLER_ACTIONS)),
        buyer_actions=service.allowed_actions(request, states.BUYER_ACTIONS),
        carrier_actions=[a for a in service.allowed_actions(request, states.CARRIER_ACTIONS)
                         if a != "fail_return"],
        platform_type=platform_type, platform_status=platform_status)


def parcels(ctx: SandboxContext, requests: list[AfterSalesRequest]) -> dict[str, Package]:
    """The return parcels and reshipment packages of ``requests``, by package id, in one
    query."""
    ids = {package_id for request in requests
           for package_id in (request.return_package_id, request.reshipment_package_id)
           if package_id}
    if not ids:
        return {}
    return {package.package_id: package for package in ctx.session.scalars(
        select(Package).where(Package.sandbox_id == ctx.id, Package.package_id.in_(ids)))}
