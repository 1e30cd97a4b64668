"""Timers pending on the sandbox clock, in due order."""

from __future__ import annotations

from .._pagination import Page
from ._base import Resource


class Timers(Resource):
    def list(self, *, kind: str | None = None, limit: int | None = None,
             after: str | None = None) -> Page:
        return self._get_page(self._sandbox_path("timers"),
                              {"kind": kind, "limit": limit, "after": after})
