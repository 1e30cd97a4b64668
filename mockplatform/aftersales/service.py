"""After-sales requests: opening one (the buyer), moving it by the table of its type
(aftersales/states.py), the deadline each state waits on, and the money.

Every change of state goes through ``move``: it checks the type's machine (a 409 naming the
state and what the actor may do instead), records ``aftersales.<action>`` with the request's
summary, writes a timeline step, drops the old state's timer and starts the new state's one
(``states.DEADLINES``: its policy counted from now), so the seller's next action and its
deadline are on the request before they pass. What entering a state does (a refund, the items
canceled, the return parcel destroyed) is in ``_on_enter``.

Money is in the market currency: the buyer asks back what it paid for the items
(``paid_price``); a refund is a ``refund`` ledger entry (a debit to the seller) naming the
request (``aftersales_request:<id>``), so it reaches settlement as every entry does; so is a
reshipment's shipping fee (``shipping_fee``, aftersales/reshipment.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from mockplatform.aftersales import states
from mockplatform.aftersales.errors import (
    ActionNotOffered,
    AfterSalesNotAvailable,
    AfterSalesRequestNotFound,
    ItemsNotEligible,
    RequestWindowClosed,
    TypeNotOffered,
    UnknownReason,
)
from mockplatform.aftersales.models import REQUEST_IDS, AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.errors import InvalidStateTransition, ValidationFailed
from mockplatform.finance import service as finance
from mockplatform.logistics import fulfilment
from mockplatform.logistics import packages as package_service
from mockplatform.orders import service as orders
from mockplatform.orders import states as item_states
from mockplatform.orders.models import Order, OrderItem
from mockplatform.store.bulk import new_row

REASONS = "aftersales.reasons"
REQUEST_WINDOW = "return.request_window"
REMORSE_WINDOW = "order.remorse_window"
DEADLINE_TIMER = "aftersales.deadline"


def subject(request: AfterSalesRequest) -> str:
    return f"aftersales_request:{request.aftersales_id}"


def require_available(ctx: SandboxContext) -> None:
    """Only a profile whose policies list after-sales reasons has requests (TikTok Shop's,
    Lazada's reverse orders)."""
    if REASONS not in ctx.policies or ctx.sandbox.platform not in states.PROFILES:
        platform = ctx.sandbox.platform
        allowed = list(states.PROFILES)
        raise AfterSalesNotAvailable(
            f"the {platform} profile has no after-sales requests yet: they can be opened in "
            f"{' and '.join(allowed)} sandboxes", details=[{
                "field": "platform", "location": "sandbox",
                "message": f"no after-sales requests for {platform}",
                "current_state": platform, "allowed_platforms": allowed}])


def profile(ctx: SandboxContext) -> states.Profile:
    return states.PROFILES[ctx.sandbox.platform]


def offered(ctx: SandboxContext, actor_actions: Sequence[str]) -> tuple[str, ...]:
    """``actor_actions`` less the seller's actions the profile does not offer."""
    seller = profile(ctx).seller_actions
    return tuple(action for action in actor_actions
                 if action not in states.SELLER_ACTIONS or action in seller)


def check_offered(ctx: SandboxContext, action: str) -> None:
    """A seller's action the profile does not offer is a 409 naming those it does, whatever
    the request's state."""
    seller = profile(ctx).seller_actions
    if action in states.SELLER_ACTIONS and action not in seller:
        platform = ctx.sandbox.platform
        raise ActionNotOffered(
            f"the {platform} profile does not offer {action}; its seller actions: "
            f"{', '.join(seller)}", details=[{
                "field": "action", "location": "path", "action": action,
                "message": f"not offered on {platform}", "current_state": platform,
                "allowed_actions": list(seller)}])


def check_type(ctx: SandboxContext, type_: str) -> None:
    types = profile(ctx).types
    if type_ not in types:
        platform = ctx.sandbox.platform
        raise TypeNotOffered(
            f"type: the {platform} profile has no {type_} requests; its types: "
            f"{', '.join(types)}", details=[{
                "field": "type", "location": "body", "message": f"expected one of "
                f"{', '.join(types)}", "allowed_values": list(types)}])


def get(ctx: SandboxContext, aftersales_id: int) -> AfterSalesRequest:
    require_available(ctx)
    request = ctx.session.get(AfterSalesRequest, (ctx.id, aftersales_id))
    if request is None:
        raise AfterSalesRequestNotFound(
            f"no after-sales request {aftersales_id} in this sandbox",
            details=[{"field": "aftersales_id", "location": "path",
                      "message": "unknown after-sales request"}])
    return request


def reasons(ctx: SandboxContext, list_name: str) -> tuple[str, ...]:
    return tuple(ctx.policies.value(REASONS)[list_name])


def check_reason(ctx: SandboxContext, field: str, reason: str, list_name: str) -> None:
    allowed = reasons(ctx, list_name)
    if reason not in allowed:
        raise UnknownReason(
            f"{field}: {reason!r} is not one of the profile's {list_name} reasons "
            f"({REASONS}): {', '.join(allowed)}",
            details=[{"field": field, "location": "body",
                      "message": f"expected one of {', '.join(allowed)}",
                      "allowed_values": list(allowed)}])


def summary(ctx: SandboxContext, request: AfterSalesRequest) -> dict[str, Any]:
    """What every after-sales event says of its request."""
    return {"aftersales_id": request.aftersales_id, "type": request.type,
            "order_id": request.order_id, "order_item_ids": list(request.order_item_ids),
            "state": request.state,
            "platform_status": states.platform_words(ctx.sandbox.platform, request.type,
                                                     request.state)[1],
            "seller_next_action": request.seller_next_action or None,
            "deadline_at": iso(request.deadline_at)}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def note(ctx: SandboxContext, request: AfterSalesRequest, step: str, role: str,
         **details: Any) -> None:
    request.timeline = [*request.timeline, {"at": ctx.iso(ctx.now), "step": step, "role": role,
                                            "state": request.state, "details": details}]
    request.updated_at = ctx.now


def allowed_actions(request: AfterSalesRequest, actor_actions: Sequence[str]) -> list[str]:
    return [action for action in states.MACHINES[request.type].allowed(request.state)
            if action in actor_actions]


# -- opening a request (the buyer) ------------------------------------------------------------

def open_request(ctx: SandboxContext, *, type_: str, order_id: int,
                 order_item_ids: Sequence[int] | None, reason: str,
                 evidence: dict[str, Any] | None = None) -> AfterSalesRequest:
    """The buyer asks: every check passes before anything is written."""
    require_available(ctx)
    check_type(ctx, type_)
    check_reason(ctx, "reason", reason, states.REASON_LIST[type_])
    order = orders.get_order(ctx, order_id)
    items = _chosen(ctx, order, order_item_ids)
    if type_ == states.CANCELLATION:
        items = _cancelable(ctx, order, items)
    else:
        _delivered_in_window(ctx, order, items)
    _not_in_another_request(ctx, order, items)
    number = REQUEST_IDS.draw(ctx.sandbox.counters, ctx.sandbox.seed)[0]
    request = new_row(
        AfterSalesRequest, sandbox_id=ctx.id, aftersales_id=number, type=type_,
        order_id=order.order_id, order_item_ids=[item.order_item_id for item in items],
        reason=reason, evidence={"text": (evidence or {}).get("text", ""),
                                 "urls": list((evidence or {}).get("urls", []))},
        state=states.REQUESTED, seller_next_action="", awaiting_seller=False,
        deadline_at=None, deadline_policy="", currency=order.currency,
        requested_refund=sum((item.paid_price for item in items), Decimal(0)),
        offered_refund=None, buyer_rejected_partial_refund=False, refunded_amount=None,
        refunded_at=None, reject_reason="", reject_comment="", return_package_id=None,
        return_tracking_number=None, return_delivery_attempts=0,
        return_next_attempt_at=None, carrier_contact="",
        ticket_url="", claim_deadline=None, replacement_order_id=None,
        reshipment_package_id=None,
        reshipment_tracking_number=None, reshipment_due_at=None, reshipment_fee=None,
        reshipment_fee_currency="",
        timeline=[], created_at=ctx.now,
        updated_at=ctx.now, closed_at=None)
    ctx.session.add(request)
    # Kept as read: its timers and the order's next request find it without writing everything
    # pending to look it up.
    ctx.kept(package_service.HELD)[AfterSalesRequest, (ctx.id, number)] = request
    _kept_of_order(ctx, order.order_id).append(request)
    note(ctx, request, "requested", "BUYER", reason=reason,
         requested_refund=_money(request.requested_refund, request.currency))
    _start_deadline(ctx, request)
    ctx.record("aftersales.requested", subject=subject(request), data={
        **summary(ctx, request), "reason": reason,
        "requested_refund": _money(request.requested_refund, request.currency),
        "currency": request.currency})
    return request


def _bad_items(message: str) -> ValidationFailed:
    return ValidationFailed.field("order_item_ids", message)


def _chosen(ctx: SandboxContext, order: Order,
            order_item_ids: Sequence[int] | None) -> list[OrderItem]:
    items = orders.items_of(ctx, [order.order_id])[order.order_id]
    if order_item_ids is None:
        return items
    if not order_item_ids:
        raise _bad_items("name at least one order item, or leave the field out for all")
    if len(set(order_item_ids)) != len(order_item_ids):
        raise _bad_items("an order item is named twice (one order item is one unit)")
    by_id = {item.order_item_id: item for item in items}
    strangers = [str(item_id) for item_id in order_item_ids if item_id not in by_id]
    if strangers:
        raise _bad_items(f"not items of order {order.order_id}: {', '.join(strangers)}")
    return [by_id[item_id] for item_id in order_item_ids]


def _not_eligible(message: str, items: Sequence[OrderItem], **extra: Any) -> ItemsNotEligible:
    return ItemsNotEligible(message, details=[{
        "field": "order_item_ids", "location": "body", "message": message,
        "order_item_ids": [item.order_item_id for item in items],
        "current_state": sorted({item.status for item in items}), **extra}])


def _cancelable(ctx: SandboxContext, order: Order,
                items: list[OrderItem]) -> list[OrderItem]:
    """Items the seller could still cancel (the order has not shipped), with the rest of
    their packages (canceling an item of a package cancels the package), once the remorse
    window, where the buyer cancels without asking, is over."""
    if REMORSE_WINDOW in ctx.policies:
        ends = policy_deadline(ctx, REMORSE_WINDOW, order.created_at)
        if ctx.now < ends:
            raise _not_eligible(
                f"order {order.order_id} is in its remorse window until {ends.isoformat()} "
                f"({REMORSE_WINDOW}): the buyer cancels it directly, without a request", items)
    machine = orders.machine_of(order)
    late = [item for item in items if not machine.can(item.status, "cancel", order)]
    if late:
        raise _not_eligible("a cancellation request is for items not shipped yet: these are "
                            f"{', '.join(sorted({item.status for item in late}))}", late)
    package_ids = {item.package_id for item in items if item.package_id}
    chosen = {item.order_item_id for item in items}
    mates = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if item.package_id in package_ids and item.order_item_id not in chosen
             and machine.can(item.status, "cancel", order)]
    return sorted(items + mates, key=lambda item: item.order_item_id)


def _delivered_in_window(ctx: SandboxContext, order: Order, items: list[OrderItem]) -> None:
    """Refunds and returns are for delivered items, inside the buyer's window after delivery
    (``return.request_window``). A TikTok unit is ``completed`` when that window closes: it
    was delivered, and the answer is that its window is over, not that it was not
    delivered."""
    undelivered = [item for item in items
                   if item.status not in (item_states.DELIVERED, item_states.COMPLETED)]
    if undelivered:
        raise _not_eligible("a refund or return is for delivered items: these are "
                            f"{', '.join(sorted({item.status for item in undelivered}))}",
                            undelivered)
    if REQUEST_WINDOW not in ctx.policies:
        return
    for item in items:
        package = package_service.get(ctx, item.package_id) if item.package_id else None
        delivered_at = package.delivered_at if package is not None else None
        if delivered_at is None:
            continue
        ends = policy_deadline(ctx, REQUEST_WINDOW, delivered_at)
        if ctx.now >= ends:
            raise RequestWindowClosed(
                f"order item {item.order_item_id} was delivered at {delivered_at.isoformat()}: "
                f"the buyer's window ({REQUEST_WINDOW}) ended at {ends.isoformat()}",
                details=[{"field": "order_item_ids", "location": "body",
                          "message": "the buyer's after-sales window is over",
                          "order_item_id": item.order_item_id,
                          "window_ended_at": ends.isoformat(), "policy_key": REQUEST_WINDOW}])


def holds_items(request: AfterSalesRequest) -> bool:
    """Whether the request keeps its items from another request: still open, or it refunded
    them."""
    return request.state not in states.FINAL or request.state in (states.REFUNDED,
                                                                  states.RETURN_DESTROYED)


def _not_in_another_request(ctx: SandboxContext, order: Order, items: list[OrderItem]) -> None:
    """An item is in one request at a time: one still open, or one that refunded it."""
    wanted = {item.order_item_id for item in items}
    for other in of_order(ctx, order.order_id):
        if not holds_items(other):
            continue
        taken = sorted(wanted & set(other.order_item_ids))
        if taken:
            raise ItemsNotEligible(
                f"order items {', '.join(map(str, taken))} are in after-sales request "
                f"{other.aftersales_id} ({other.state})",
                details=[{"field": "order_item_ids", "location": "body",
                          "message": "already in another request", "order_item_ids": taken,
                          "aftersales_id": other.aftersales_id, "current_state": other.state}])


def of_order(ctx: SandboxContext, order_id: int) -> list[AfterSalesRequest]:
    return list(_kept_of_order(ctx, order_id))


# The requests of each order asked about, kept for the unit of work with those it opened: the
# buyer's timers ask at every request they open, in the middle of an advance, where a query
# would first write everything the advance changed so far (a flush per request, which cost more
# than the rest of the after-sales work of a 30-day advance).
OF_ORDER = "aftersales.of_order"


def _kept_of_order(ctx: SandboxContext, order_id: int) -> list[AfterSalesRequest]:
    """The order's requests in id order, as the unit of work has them. Read without autoflush:
    a request not yet written was opened in this unit of work, after its order's list was
    kept (``open_request`` asks first), and added to it; a written one's order never changes,
    and the session answers it with its changes."""
    known = ctx.kept(OF_ORDER)
    requests = known.get(order_id)
    if requests is None:
        with ctx.session.no_autoflush:
            requests = known[order_id] = list(ctx.session.scalars(select(AfterSalesRequest).where(
                AfterSalesRequest.sandbox_id == ctx.id, AfterSalesRequest.order_id == order_id)
                .order_by(AfterSalesRequest.aftersales_id)))
    return requests


# -- moving a request ---------------------------------------------------------------------------

def move(ctx: SandboxContext, request: AfterSalesRequest, action: str,
         actor_actions: Sequence[str] | None = None, **details: Any) -> None:
    """Take the request by ``action`` (see the module's docstring). ``actor_actions``: what
    the acting party may do, named by the 409 when the state does not allow ``action``."""
    move_check(request, action, actor_actions)
    machine = states.MACHINES[request.type]
    previous = request.state
    request.state = machine.next_state(previous, action, label="request")
    role = states.ROLES[action]
    _on_enter(ctx, request, action, details)
    note(ctx, request, action, role, **details)
    if previous != request.state:
        _start_deadline(ctx, request)
    ctx.record(f"aftersales.{action}", subject=subject(request), data={
        **summary(ctx, request), "previous_state": previous, "role": role,
        "policy_key": details.pop("policy_key", ""), **details})


def move_check(request: AfterSalesRequest, action: str,
               actor_actions: Sequence[str] | None = None) -> None:
    """A 409 when the request's state does not allow ``action``, naming the state and what
    the acting party (``actor_actions``) may do instead; on a closed request, that it is."""
    machine = states.MACHINES[request.type]
    if machine.can(request.state, action):
        return
    allowed = machine.allowed(request.state)
    if actor_actions is not None:
        allowed = [a for a in allowed if a in actor_actions]
    closed = " (closed)" if request.state in states.FINAL else ""
    raise InvalidStateTransition(f"{request.type} request {request.aftersales_id}{closed}",
                                 request.state, action, allowed)


def _start_deadline(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    """The deadline of the request's state (``states.DEADLINES``), counted from now, with its
    timer; the seller's next action with it. A final state waits on nothing."""
    ctx.timers.cancel(subject=subject(request), kind_name=DEADLINE_TIMER)
    deadline = states.DEADLINES.get((request.type, request.state))
    request.seller_next_action = (deadline.seller_action or "") if deadline else ""
    request.awaiting_seller = bool(request.seller_next_action)
    request.deadline_at, request.deadline_policy = None, ""
    if request.state in states.FINAL:
        request.closed_at = ctx.now
    if deadline is None:
        return
    request.deadline_at = policy_deadline(ctx, deadline.policy, ctx.now)
    request.deadline_policy = deadline.policy
    payload = {"aftersales_id": request.aftersales_id, "type": request.type,
               "state": request.state}
    if deadline.threshold is not None and deadline.threshold in ctx.policies:
        payload["action"] = deadline_action(ctx, request, deadline)[0]
    ctx.timers.schedule(DEADLINE_TIMER, request.deadline_at, subject=subject(request),
                        payload=payload)


def deadline_action(ctx: SandboxContext, request: AfterSalesRequest,
                    deadline: states.Deadline) -> tuple[str, dict[str, Any]]:
    """What the system does when ``deadline`` passes, with what the event says of why: the
    deadline's action, or its ``below_action`` on a profile with its ``threshold`` policy when
    the requested refund is at or below it (in the market currency at the sandbox's rate)."""
    if deadline.threshold is None or deadline.threshold not in ctx.policies:
        return deadline.action, {}
    money = ctx.policies.value(deadline.threshold)
    limit = finance.convert(ctx, money.amount, money.currency, request.currency)
    below = request.requested_refund <= limit
    return (deadline.below_action if below else deadline.action), {
        "threshold_policy": deadline.threshold,
        "threshold": _money(limit, request.currency),
        "requested_refund": _money(request.requested_refund, request.currency)}


def _on_enter(ctx: SandboxContext, request: AfterSalesRequest, action: str,
              details: dict[str, Any]) -> None:
    """What entering the new state does, beyond the request itself."""
    from mockplatform.aftersales import (  # noqa: PLC0415 - they build on this module
        reshipment,
        return_parcel,
    )

    state = request.state
    if state == states.REFUNDED:
        if request.type == states.CANCELLATION:
            _cancel_items(ctx, request)
        if action == "convert_to_refund" and details.get("replacement_canceled"):
            details.update(charged_to="seller", conversion_reason=(
                "the replacement order was canceled before it was shipped: a full refund "
                "instead, charged to the seller"))
        elif action == "convert_to_refund":
            details.update(charged_to="seller", conversion_reason=(
                "the approved reshipment was not shipped by its deadline "
                "(reshipment.ship_deadline): a full refund instead, charged to the seller"))
            reshipment.cancel_replacement(ctx, request, details)
        amount = (request.offered_refund if action == "accept_partial_refund"
                  else request.requested_refund)
        refund(ctx, request, amount, details)
    elif state == states.PACKAGE_REJECTED:
        return_parcel.destroy(ctx, request, "failed_return.seller_rejected", details)
    elif state == states.RETURN_DESTROYED:
        return_parcel.destroy(ctx, request, "failed_return.claim_window", details)
        # The buyer sent the item back and the carrier could not hand it over: the buyer is
        # refunded [choice].
        refund(ctx, request, request.requested_refund, details)
    elif state == states.AWAITING_SELLER_CLAIM:
        return_parcel.notify_seller(ctx, request, details)
    elif state == states.APPROVED and request.type == states.RESHIPMENT:
        reshipment.create_replacement(ctx, request, details)
    elif state == states.REQUESTED and action in ("reject_partial_refund",
                                                  "partial_refund_lapsed"):
        request.buyer_rejected_partial_refund = True


def _cancel_items(ctx: SandboxContext, request: AfterSalesRequest) -> None:
    """The request's items still cancelable: one the platform canceled meanwhile (a missed
    ready-to-ship deadline, due with the seller's window on Lazada) stays as it is."""
    order = orders.get_order(ctx, request.order_id)
    wanted, machine = set(request.order_item_ids), orders.machine_of(order)
    items = [item for item in orders.items_of(ctx, [order.order_id])[order.order_id]
             if item.order_item_id in wanted and machine.can(item.status, "cancel", order)]
    if not items:
        return
    fulfilment.cancel_items(ctx, order, items, request.reason, initiator=fulfilment.BUYER_INITIATED,
                            reason_detail=f"buyer's cancellation request {request.aftersales_id}",
                            data={"aftersales_id": request.aftersales_id})


def refund(ctx: SandboxContext, request: AfterSalesRequest, amount: Decimal,
           details: dict[str, Any]) -> None:
    """The buyer gets ``amount`` back: a ``refund`` ledger entry naming the request."""
    entry = finance.post_entry(
        ctx, kind="refund", amount=amount, currency=request.currency, subject=subject(request),
        policy_key=details.get("policy_key", ""),
        details={"aftersales_id": request.aftersales_id, "order_id": request.order_id,
                 "type": request.type, "order_item_ids": list(request.order_item_ids)})
    request.refunded_amount, request.refunded_at = amount, ctx.now
    details.update(refunded_amount=_money(amount, request.currency),
                   ledger_entry_id=finance.entry_id(entry.seq))


def _money(amount: Decimal | None, currency: str) -> str | None:
    return None if amount is None else finance.format_money(amount, currency)
