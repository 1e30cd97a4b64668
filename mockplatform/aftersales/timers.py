"""After-sales timers, one request each (subject ``aftersales_request:<id>``):

- ``aftersales.deadline``: the deadline of the state the request was in when it was set
  (``states.DEADLINES``); it takes the state's system action (auto-approve, close, auto-refund,
  destroy, the buyer's silence). The timers list says which, in words.
- ``aftersales.return_attempt``: the carrier offers the return parcel to the seller
  (``return.parcel_journey``); an automatic attempt succeeds.
- ``aftersales.reshipment_delivery``: a reshipment's package reaches the buyer at its planned
  ``delivery_attempt`` (aftersales/reshipment.py).

Each handler re-checks the request's state, so a timer of a request that moved on meanwhile
does nothing.
"""

from __future__ import annotations

from typing import Any

from mockplatform.aftersales import reshipment, return_parcel, service, states
from mockplatform.aftersales.models import AFTERSALES_ID, AfterSalesRequest
from mockplatform.engine import payloads
from mockplatform.engine.context import SandboxContext
from mockplatform.engine.payloads import PayloadSpec
from mockplatform.engine.scheduler import DueTimer, timer_kind

DEADLINE_PAYLOAD = PayloadSpec({"aftersales_id": AFTERSALES_ID,
                                "type": payloads.Text(choices=states.TYPES),
                                "state": payloads.Text(choices=states.STATES)},
                               subject="aftersales_request:{aftersales_id}")
ATTEMPT_PAYLOAD = PayloadSpec({"aftersales_id": AFTERSALES_ID},
                              subject="aftersales_request:{aftersales_id}")


def _describe_deadline(subject: str, payload: dict[str, Any]) -> str:
    deadline = states.DEADLINES.get((payload["type"], payload["state"]))
    words = deadline.words if deadline else "nothing (no deadline in this state)"
    policy = f" ({deadline.policy})" if deadline else ""
    return (f"{payload['type']} request {payload['aftersales_id']}, {payload['state']}: "
            f"{words}{policy}")


def _request(ctx: SandboxContext, timer: DueTimer) -> AfterSalesRequest | None:
    return ctx.session.get(AfterSalesRequest, (ctx.id, timer.payload["aftersales_id"]))


@timer_kind(service.DEADLINE_TIMER, payload=DEADLINE_PAYLOAD, describe=_describe_deadline)
def _deadline(ctx: SandboxContext, timer: DueTimer) -> None:
    request = _request(ctx, timer)
    if request is None or request.state != timer.payload["state"]:
        return
    deadline = states.DEADLINES.get((request.type, request.state))
    if deadline is None:
        return
    service.move(ctx, request, deadline.action, policy_key=deadline.policy,
                 deadline_at=service.iso(request.deadline_at))


@timer_kind(return_parcel.ATTEMPT_TIMER, payload=ATTEMPT_PAYLOAD,
            describe="return parcel of after-sales request {aftersales_id}: the carrier offers it "
                     "to the seller (return.parcel_journey)")
def _return_attempt(ctx: SandboxContext, timer: DueTimer) -> None:
    request = _request(ctx, timer)
    if request is None or request.state not in (states.BUYER_SHIPPED,
                                                states.RETURN_REDELIVERING):
        return
    return_parcel.deliver(ctx, request, by="carrier")


@timer_kind(reshipment.DELIVERY_TIMER, payload=ATTEMPT_PAYLOAD,
            describe="reshipment of after-sales request {aftersales_id}: the carrier delivers it "
                     "to the buyer (logistics.journey)")
def _reshipment_delivery(ctx: SandboxContext, timer: DueTimer) -> None:
    request = _request(ctx, timer)
    if request is None or request.state != states.RESHIPPED:
        return
    reshipment.deliver(ctx, request, by="carrier")


TIMER_KINDS = (service.DEADLINE_TIMER, return_parcel.ATTEMPT_TIMER, reshipment.DELIVERY_TIMER)
