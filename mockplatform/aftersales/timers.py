"""After-sales timers, one request each (subject ``aftersales_request:<id>``):

- ``aftersales.deadline``: the deadline of the state the request was in when it was set
  (``states.DEADLINES``); it takes the state's system action (auto-approve, close, auto-refund,
  destroy, the buyer's silence). The timers list says which, in words.
- ``aftersales.return_attempt``: the carrier offers the return parcel to the seller
  (``return.parcel_journey``); an automatic attempt succeeds.
- ``aftersales.buyer_request`` (subject ``order:<id>``): the buyer opens the request a magic
  value or ``aftersales.request_rate`` planned at a delivery (aftersales/buyer.py).

Each handler re-checks the request's state, so a timer of a request that moved on meanwhile
does nothing.
"""

from __future__ import annotations

from typing import Any

from mockplatform.aftersales import buyer, return_parcel, service, states
from mockplatform.aftersales.models import AFTERSALES_ID, ORDER_ITEM_IDS, AfterSalesRequest
from mockplatform.engine import payloads
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer, timer_kind
from mockplatform.logistics import packages as package_service
from mockplatform.orders.models import ORDER_ID

DEADLINE_PAYLOAD = PayloadSpec({"aftersales_id": AFTERSALES_ID,
                                "type": payloads.Text(choices=states.TYPES),
                                "state": payloads.Text(choices=states.STATES),
                                # Set where a threshold chose the action (Lazada's cheap
                                # returns): what the timers list says it will do.
                                "action": payloads.Text(choices=states.SYSTEM_ACTIONS,
                                                        optional=True)},
                               subject="aftersales_request:{aftersales_id}")
BUYER_PAYLOAD = PayloadSpec({"order_id": ORDER_ID, "order_item_ids": ORDER_ITEM_IDS,
                             "type": payloads.Text(choices=buyer.AFTER_DELIVERY),
                             "reason": payloads.Text(max_length=100),
                             "decided_by": payloads.Text(choices=(buyer.MAGIC_VALUE,
                                                                  buyer.REQUEST_RATE_DRAW))},
                            subject="order:{order_id}")
ATTEMPT_PAYLOAD = PayloadSpec({"aftersales_id": AFTERSALES_ID},
                              subject="aftersales_request:{aftersales_id}")


def _describe_deadline(subject: str, payload: dict[str, Any]) -> str:
    deadline = states.DEADLINES.get((payload["type"], payload["state"]))
    words = deadline.words if deadline else "nothing (no deadline in this state)"
    if deadline and payload.get("action") == deadline.below_action:
        words = (f"refund the request with no return, unanswered by the seller, its refund "
                 f"being at most {deadline.threshold}")
    policy = f" ({deadline.policy})" if deadline else ""
    return (f"{payload['type']} request {payload['aftersales_id']}, {payload['state']}: "
            f"{words}{policy}")


def _prefetch(ctx: SandboxContext, timers: list[DueTimer]) -> None:
    """The batch's requests in one query, kept for the unit of work: looked up one by one, each
    would first write everything the advance changed so far."""
    package_service.hold_all(ctx, AfterSalesRequest, AfterSalesRequest.aftersales_id,
                             (timer.payload["aftersales_id"] for timer in timers))


def _request(ctx: SandboxContext, timer: DueTimer) -> AfterSalesRequest | None:
    return package_service.held(ctx, AfterSalesRequest, (ctx.id, timer.payload["aftersales_id"]))


@timer_kind(service.DEADLINE_TIMER, payload=DEADLINE_PAYLOAD, describe=_describe_deadline,
            prefetch=_prefetch)
def _deadline(ctx: SandboxContext, timer: DueTimer) -> None:
    request = _request(ctx, timer)
    if request is None or request.state != timer.payload["state"]:
        return
    deadline = states.DEADLINES.get((request.type, request.state))
    if deadline is None:
        return
    action, why = service.deadline_action(ctx, request, deadline)
    service.move(ctx, request, action, policy_key=deadline.policy,
                 deadline_at=service.iso(request.deadline_at), **why)


@timer_kind(return_parcel.ATTEMPT_TIMER, payload=ATTEMPT_PAYLOAD, prefetch=_prefetch,
            describe="return parcel of after-sales request {aftersales_id}: the carrier offers it "
                     "to the seller (return.parcel_journey)")
def _return_attempt(ctx: SandboxContext, timer: DueTimer) -> None:
    request = _request(ctx, timer)
    if request is None or request.state not in (states.BUYER_SHIPPED,
                                                states.RETURN_REDELIVERING):
        return
    return_parcel.deliver(ctx, request, by="carrier")


def _describe_buyer_request(subject: str, payload: dict[str, Any]) -> str:
    chosen_by = ("the AFTERSALES magic value in its address" if payload["decided_by"]
                 == buyer.MAGIC_VALUE else f"drawn by {buyer.REQUEST_RATE}")
    items = ", ".join(map(str, payload["order_item_ids"]))
    return (f"order {payload['order_id']}: the buyer opens a {payload['type']} request "
            f"({payload['reason']}) for the order items it received ({items}), {chosen_by}; "
            f"aftersales.request_skipped, with why, if they can no longer be asked about")


@timer_kind(buyer.BUYER_TIMER, payload=BUYER_PAYLOAD, describe=_describe_buyer_request)
def _buyer_request(ctx: SandboxContext, timer: DueTimer) -> None:
    buyer.open_planned(ctx, timer.payload)


TIMER_KINDS = (service.DEADLINE_TIMER, return_parcel.ATTEMPT_TIMER, buyer.BUYER_TIMER)
