"""Events of the client's sandbox, oldest first: the feed, by type, subject, order and
sandbox time."""

from __future__ import annotations

from collections.abc import Iterable

from .._encoding import Timestamp
from .._pagination import Page
from ._base import Resource, comma_list


class Events(Resource):
    def list(self, type: str | Iterable[str] | None = None, after: str | None = None,
             limit: int | None = None, *, subject: str | Iterable[str] | None = None,
             order_id: int | str | None = None, occurred_from: Timestamp | None = None,
             occurred_to: Timestamp | None = None, until: str | None = None) -> Page:
        """``type``: exact types or prefixes (``order.*``); ``subject``: ``<type>:<id>`` such
        as ``order:3000000001`` or ``package:FP0100000001`` (one or several); ``order_id``:
        the order's timeline across every domain (not with ``subject``); ``occurred_from``
        (inclusive) and ``occurred_to`` (exclusive) in sandbox time; ``until``: stop at that
        event id."""
        return self._get_page("/api/v1/events", {
            "type": comma_list(type), "subject": comma_list(subject), "order_id": order_id,
            "occurred_from": occurred_from, "occurred_to": occurred_to, "after": after,
            "until": until, "limit": limit})
