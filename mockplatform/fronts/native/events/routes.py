"""Native API of the event feed: every event in the order it happened, filtered by type,
subject and sandbox time, and one order's timeline across every domain; JSON or CSV."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.control import timeline
from mockplatform.engine import ids
from mockplatform.engine.events import EventFilter, list_events
from mockplatform.errors import ValidationFailed
from mockplatform.fronts.native import schemas as common
from mockplatform.fronts.native.catalog.schemas import numeric_id
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.events import schemas as s

bp = Blueprint("events", __name__, url_prefix="/api/v1")


@endpoint(bp, "/events", query=s.EventQuery, response=common.EventListSchema, csv=s.EVENTS_CSV,
          summary="The event feed, in the order things happened", tags=["events"],
          errors=[400, 404])
def events(call: Call):
    """Every state change records an event at its virtual instant. Filter by ``type`` (exact or
    a prefix ``order.*``), by ``subject`` (``order:3000000001``, ``package:FP0100000001``,
    ``order_item:…``, ``resale_item:…``, ``aftersales_request:…``), by ``order_id`` (the
    order's timeline across every domain, as ``GET /orders/{id}/timeline``; not with
    ``subject``) and by sandbox time (``occurred_from`` inclusive, ``occurred_to`` exclusive).
    Page with ``after`` (the ``next_cursor``); ``until`` stops at an event id. ``format=csv``
    (or ``Accept: text/csv``) answers the same page as CSV, the next page's URL in the ``Link``
    header."""
    query = call.query
    subjects = query["subject"]
    if "order_id" in query:
        if subjects:
            raise ValidationFailed.field("subject", "give subject or order_id, not both (an "
                                         "order's timeline already holds every subject of "
                                         "the order)", location="query")
        subjects = timeline.order_subjects(call.ctx, query["order_id"], location="query")
    return _page(call, subjects)


@endpoint(bp, "/orders/<order_id>/timeline", query=s.TimelineQuery,
          response=common.EventListSchema, csv=s.EVENTS_CSV,
          summary="An order's events across every domain, in order", tags=["events"],
          errors=[400, 404])
def order_timeline(call: Call):
    """The events of the order, its items (settlement, fines), its packages (tracking,
    delivery attempts, shipping fees), the resale units its failed items became and its
    after-sales requests (with their return parcels), in the order they happened. Filter by
    ``type`` and sandbox time (``occurred_from`` inclusive, ``occurred_to`` exclusive); page
    with ``after``. A resale order or a replacement order is an order of its own, with its own
    timeline."""
    order_id = numeric_id(call.path["order_id"], "order_id", "path")
    return _page(call, timeline.order_subjects(call.ctx, order_id))


def _page(call: Call, subjects: tuple[str, ...]) -> dict:
    query = call.query
    after, until = query.get("after"), query.get("until")
    rows, has_more = list_events(call.ctx, EventFilter(
        types=query["type"], subjects=subjects, occurred_from=query.get("occurred_from"),
        occurred_to=query.get("occurred_to"),
        after_seq=ids.parse_id(ids.EVENT_PREFIX, after, field="after") if after else 0,
        until_seq=ids.parse_id(ids.EVENT_PREFIX, until, field="until") if until else None),
        limit=query["limit"])
    return common.page(rows, has_more, lambda e: ids.format_id(ids.EVENT_PREFIX, e.seq))
