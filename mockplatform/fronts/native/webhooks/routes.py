"""Native API of webhooks: a sandbox's endpoints, its deliveries and their attempts, resend,
and the event types an endpoint may subscribe to. Under /api/v1/sandboxes/{id}, as the clock
and timers are."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.control.webhooks import catalogue, deliveries, endpoints
from mockplatform.control.webhooks.dispatcher import DELIVERY_PREFIX
from mockplatform.engine import ids
from mockplatform.errors import ValidationFailed
from mockplatform.fronts.native.endpoint import SANDBOX, SANDBOX_PATH, Call, endpoint
from mockplatform.fronts.native.schemas import page
from mockplatform.fronts.native.webhooks import schemas as s

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1")
BASE = "/sandboxes/<sandbox_id>"
TAGS = ["webhooks"]


def _endpoint_seq(call: Call) -> int:
    return ids.parse_id(endpoints.PREFIX, call.path["endpoint_id"], field="endpoint_id",
                        location="path")


def _delivery_seq(call: Call) -> int:
    return ids.parse_id(DELIVERY_PREFIX, call.path["delivery_id"], field="delivery_id",
                        location="path")


@endpoint(bp, "/webhook_event_types", auth=SANDBOX, response=s.EventTypesSchema, tags=TAGS,
          summary="The event types an endpoint may subscribe to")
def event_types(call: Call):
    return {"data": list(catalogue.event_types())}


@endpoint(bp, f"{BASE}/webhook_endpoints", method="POST", auth=SANDBOX_PATH,
          body=s.EndpointCreateSchema, response=s.EndpointSchema, status=201, tags=TAGS,
          errors=[400], summary="Create a webhook endpoint")
def create_endpoint(call: Call):
    """Every event recorded from now on whose type matches ``event_types`` is pushed to ``url``
    in ``format``, after its request commits; a failed delivery is retried on the sandbox
    clock (native: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; lazada: every 30 min, 12 times;
    tiktok_shop: 2 min, 30 min, 3 h, 12 h)."""
    return endpoints.create(call.ctx, **call.body)


@endpoint(bp, f"{BASE}/webhook_endpoints", auth=SANDBOX_PATH, query=s.EndpointListQuery,
          response=s.EndpointListSchema, tags=TAGS, summary="List webhook endpoints")
def list_endpoints(call: Call):
    after = call.query.get("after")
    after_seq = ids.parse_id(endpoints.PREFIX, after, field="after") if after else 0
    rows, has_more = endpoints.list_(call.ctx, after_seq=after_seq, limit=call.query["limit"])
    return page(rows, has_more, lambda e: endpoints.endpoint_id(e.seq))


@endpoint(bp, f"{BASE}/webhook_endpoints/<endpoint_id>", auth=SANDBOX_PATH,
          response=s.EndpointSchema, tags=TAGS, summary="Get a webhook endpoint")
def get_endpoint(call: Call):
    return endpoints.get(call.ctx, _endpoint_seq(call))


@endpoint(bp, f"{BASE}/webhook_endpoints/<endpoint_id>", method="PATCH", auth=SANDBOX_PATH,
          body=s.EndpointUpdateSchema, response=s.EndpointSchema, tags=TAGS, errors=[400],
          summary="Change a webhook endpoint (url, event_types, description, enabled)")
def update_endpoint(call: Call):
    """A disabled endpoint gets no new deliveries, and its pending ones wait until it is
    enabled again."""
    return endpoints.update(call.ctx, _endpoint_seq(call), call.body)


@endpoint(bp, f"{BASE}/webhook_endpoints/<endpoint_id>", method="DELETE", auth=SANDBOX_PATH,
          response=s.DeletedObjectSchema, tags=TAGS,
          summary="Delete a webhook endpoint, its deliveries and their log")
def delete_endpoint(call: Call):
    seq = _endpoint_seq(call)
    endpoints.delete_(call.ctx, seq)
    return {"id": endpoints.endpoint_id(seq), "object": "webhook_endpoint", "deleted": True}


@endpoint(bp, f"{BASE}/webhook_endpoints/<endpoint_id>/attempts", auth=SANDBOX_PATH,
          query=s.AttemptQuery, response=s.AttemptListSchema, tags=TAGS,
          summary="An endpoint's delivery log: every attempt, oldest first")
def list_attempts(call: Call):
    seq = _endpoint_seq(call)
    endpoints.get(call.ctx, seq)
    after = _attempt_cursor(call.query.get("after"))
    rows, has_more = deliveries.attempts_of(call.ctx, seq, after=after, limit=call.query["limit"])
    return page(rows, has_more,
                lambda a: f"{deliveries.delivery_id(a.delivery_seq)}:{a.number}")


def _attempt_cursor(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    delivery, _, number = value.partition(":")
    seq = ids.parse_id(DELIVERY_PREFIX, delivery, field="after")
    if not (number.isascii() and number.isdigit() and len(number) <= 9):
        raise ValidationFailed.field("after", f"expected <delivery id>:<attempt number>, such as "
                                     f"{deliveries.delivery_id(1)}:2", location="query")
    return seq, int(number)


@endpoint(bp, f"{BASE}/webhook_deliveries", auth=SANDBOX_PATH, query=s.DeliveryQuery,
          response=s.DeliveryListSchema, tags=TAGS, summary="List webhook deliveries")
def list_deliveries(call: Call):
    query = call.query
    endpoint_id, after = query.get("endpoint_id"), query.get("after")
    rows, has_more = deliveries.list_(
        call.ctx,
        endpoint_seq=ids.parse_id(endpoints.PREFIX, endpoint_id, field="endpoint_id")
        if endpoint_id else None,
        status=query.get("status"), event_type=query.get("event_type"),
        after_seq=ids.parse_id(DELIVERY_PREFIX, after, field="after") if after else 0,
        limit=query["limit"])
    return page(rows, has_more, lambda v: deliveries.delivery_id(v.delivery.seq))


@endpoint(bp, f"{BASE}/webhook_deliveries/<delivery_id>", auth=SANDBOX_PATH,
          response=s.DeliverySchema, tags=TAGS,
          summary="Get a webhook delivery with its attempts and body")
def get_delivery(call: Call):
    return deliveries.get(call.ctx, _delivery_seq(call))


@endpoint(bp, f"{BASE}/webhook_deliveries/<delivery_id>/resend", method="POST",
          auth=SANDBOX_PATH, response=s.DeliverySchema, status=202, tags=TAGS,
          summary="Send a delivery again (a manual attempt, signed afresh)")
def resend_delivery(call: Call):
    """The attempt is made by the dispatcher once this request commits, as soon as it can; it
    shows in the delivery's ``attempt_log`` with trigger ``manual``."""
    return deliveries.resend(call.ctx, _delivery_seq(call))
