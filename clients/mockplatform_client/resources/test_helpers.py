"""Test helpers: things only a sandbox lets you do, kept apart from the platform's own API."""

from __future__ import annotations

from .._encoding import Duration, Timestamp, without_none
from .._object import MockplatformObject
from ._base import Resource


class TestHelpers(Resource):
    __test__ = False  # not a pytest test class, despite the name

    def schedule_timer(
        self,
        label: str,
        at: Timestamp | None = None,
        delay: Duration | None = None,
        repeat_every: Duration | None = None,
        repeat_times: int | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> MockplatformObject:
        """A labelled timer on the sandbox clock, due ``at`` a time or after ``delay``."""
        body = without_none(label=label, at=at, delay=delay, repeat_every=repeat_every,
                            repeat_times=repeat_times)
        return self._request("POST", "/api/v1/test_helpers/timers", json=body,
                             idempotency_key=idempotency_key)
