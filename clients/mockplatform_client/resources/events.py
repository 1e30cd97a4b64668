"""Events of the client's sandbox, oldest first."""

from __future__ import annotations

from .._pagination import Page
from ._base import Resource


class Events(Resource):
    def list(self, type: str | None = None, after: str | None = None,
             limit: int | None = None) -> Page:
        return self._get_page("/api/v1/events", {"type": type, "after": after, "limit": limit})
