"""Wire contract of the event feed and an order's timeline: filters by type, subject and
sandbox time, and the CSV form of a page of events."""

from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from mockplatform.control.timeline import SUBJECT_TYPES
from mockplatform.engine import ids
from mockplatform.engine.ids import MAX_DIGITS
from mockplatform.fronts.native import jsonschema
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.schemas import PageQuery, Timestamp

MAX_SUBJECTS = 20
# One subject, spaces around it allowed (and dropped), its id not empty nor only spaces: the
# same reading as ``subject_parts``, so that the document and the server agree on every value.
_ONE_SUBJECT = f" *(?:{'|'.join(SUBJECT_TYPES)}):[^,]*[^, ][^,]*"
_SUBJECT_PATTERN = f"^{_ONE_SUBJECT}(?:,{_ONE_SUBJECT})*$"

EVENTS_CSV = CsvFormat(columns=("id", "occurred_at", "type", "subject", "data"),
                       filename="events.csv")


def split_commas(values: list[str]) -> list[str]:
    """Repeated parameters and comma-separated values alike: ``type=a,b&type=c``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def subject_parts(values: list[str]) -> list[str]:
    """Each subject of repeated or comma-separated values, its surrounding spaces dropped (an
    empty one stays, to be refused)."""
    return [part.strip(" ") for value in values for part in value.split(",")]


def _subject_types(values: list[str]) -> None:
    values = subject_parts(values)
    for value in values:
        kind, colon, rest = value.partition(":")
        if not colon or kind not in SUBJECT_TYPES or not rest:
            raise ValidationError(f"expected <type>:<id> with a type among "
                                  f"{', '.join(SUBJECT_TYPES)} (such as order:3000000001), got "
                                  f"{value!r}")
    if len(values) > MAX_SUBJECTS:
        raise ValidationError(f"at most {MAX_SUBJECTS} subjects")


class TimelineQuery(PageQuery):
    """What an order's timeline and the feed share: types, a time range, a cursor."""

    type = fields.List(fields.String(validate=validate.Length(min=1, max=80)), metadata={
        "description": "an event type, or a prefix such as order.*; repeat or separate with "
                       "commas for several"})
    occurred_from = Timestamp(metadata={
        "description": "only events at or after this instant of sandbox time (inclusive)"})
    occurred_to = Timestamp(metadata={
        "description": "only events before this instant of sandbox time (exclusive); must not "
                       "be before occurred_from"})
    after = fields.String(metadata={"description": "an event id: return the events after it",
                                    **jsonschema.prefixed_id(ids.EVENT_PREFIX)})
    until = fields.String(metadata={
        "description": "an event id: stop at it (included); the clock-advance answer's "
                       "next_page uses it to page exactly the events that advance produced",
        **jsonschema.prefixed_id(ids.EVENT_PREFIX)})

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start is not None and end is not None and end < start:
            raise ValidationError(f"must not be before occurred_from ({start.isoformat()})",
                                  "occurred_to")

    @post_load
    def _split_lists(self, data, **kwargs):
        data["type"] = tuple(split_commas(data.get("type", [])))
        data["subject"] = tuple(subject_parts(data.get("subject", [])))
        return data


class EventQuery(TimelineQuery):
    subject = fields.List(fields.String(validate=validate.Length(max=2500),
                                        metadata={"pattern": _SUBJECT_PATTERN}),
                          validate=_subject_types,
                          metadata={"description": f"an event's subject, <type>:<id> with a "
                                                   f"type among {', '.join(SUBJECT_TYPES)} "
                                                   f"(order:3000000001, package:FP0100000001); "
                                                   f"repeat or separate with commas for "
                                                   f"several (at most "
                                                   f"{MAX_SUBJECTS})"})
    order_id = fields.Integer(validate=validate.Range(
        min=1, max=10 ** MAX_DIGITS - 1, error="expected a positive numeric id"), metadata={
        "description": "the order's timeline: the events of the order, its items, packages, "
                       "resale units and after-sales requests (as GET /orders/{id}/timeline); "
                       "not with subject"})
