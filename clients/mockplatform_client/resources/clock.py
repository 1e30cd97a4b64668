"""The sandbox clock: read it, advance it (firing the timers that fall due), freeze or run it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .._encoding import Duration, Timestamp, without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource

NEXT_TIMER = "next_timer"


class Clock(Resource):
    def get(self) -> MockplatformObject:
        """``{"object": "clock", "now", "mode", "speed", "next_timer_at", "timers_pending"}``."""
        return self._request("GET", self._sandbox_path("clock"))

    def advance(self, by: Duration | None = None, to: Timestamp | None = None, *,
                idempotency_key: str | None = None) -> MockplatformObject:
        """Move the clock ``by`` a duration or ``to`` a time (or ``NEXT_TIMER``).

        Returns what happened: ``previous_now``, the new ``clock``, ``timers_fired`` and the
        ``events`` raised, as a ``Page`` whose ``auto_paging_iter()`` goes past the first 100
        and stops at the advance's last event; ``events.total_count`` is how many in all.
        """
        if (by is None) == (to is None):
            raise ValueError("advance() takes exactly one of by= or to=")
        result = self._request("POST", self._sandbox_path("clock", "advance"),
                               json=without_none(by=by, to=to), idempotency_key=idempotency_key)
        events = result.get("events")
        if isinstance(events, dict):
            # The cursor of the first events continues in the sandbox's event list, up to the
            # advance's last event (the ``until`` of its ``next_page``).
            until = parse_qs(urlsplit(events.get("next_page") or "").query).get("until")
            page = Page(self._client, "/api/v1/events", {"until": until[-1]} if until else None,
                        events)
            page.total_count = events.get("total_count")
            result["events"] = page
        return result

    def freeze(self, *, idempotency_key: str | None = None) -> MockplatformObject:
        return self._request("POST", self._sandbox_path("clock", "freeze"),
                             idempotency_key=idempotency_key)

    def run(self, speed: float | None = None, *,
            idempotency_key: str | None = None) -> MockplatformObject:
        """Let the clock follow wall time, ``speed`` sandbox seconds per real second."""
        return self._request("POST", self._sandbox_path("clock", "run"),
                             json=without_none(speed=speed), idempotency_key=idempotency_key)
