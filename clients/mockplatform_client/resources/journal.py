"""The request journal: what was called in the sandbox, and assertions over it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource

CSV = "text/csv"
# How many entries an assertion reads at most to find near misses (the newest).
NEAR_MISS_SCAN = 1000


class JournalAssertionError(AssertionError):
    """A journal assertion that does not hold; ``calls`` are the matching entries."""

    def __init__(self, message: str, calls: list[Any]):
        super().__init__(message)
        self.calls = calls


class Journal(Resource):
    def list(self, *, operation: str | None = None, status: int | Iterable[int] | None = None,
             front: str | None = None, start: datetime | str | None = None,
             end: datetime | str | None = None, after: str | None = None,
             limit: int | None = None) -> Page:
        """Entries oldest first; ``start``/``end`` bound the sandbox time (end exclusive)."""
        return self._get_page(self._sandbox_path("journal"), _query(
            operation, status, front, start, end, after, limit))

    def csv(self, **filters: Any) -> str:
        """The same entries as CSV text (one page: pass ``limit``/``after`` to page)."""
        params = _query(*(filters.get(k) for k in ("operation", "status", "front", "start",
                                                   "end", "after", "limit")))
        return self._client.request_text("GET", self._sandbox_path("journal"),
                                         params={**params, "format": "csv"}, accept=CSV)

    def clear(self) -> MockplatformObject:
        return self._request("DELETE", self._sandbox_path("journal"))

    def calls(self, operation: str | None = None, **filters: Any) -> list[Any]:
        """Every entry of ``operation`` (all pages)."""
        return list(self.list(operation=operation, **filters).auto_paging_iter())

    def assert_called(self, operation: str, *, times: int | None = None,
                      at_least: int | None = None, at_most: int | None = None,
                      status: int | Iterable[int] | None = None,
                      front: str | None = None) -> list[Any]:
        """Assert how often ``operation`` was called (a Lazada api name such as
        ``order/package/rts``, or a native endpoint's name such as ``get_order``): exactly
        ``times``, or within ``at_least``/``at_most`` (at least once when none is given).
        Returns the matching entries; raises ``JournalAssertionError`` listing near misses."""
        if times is not None and (at_least is not None or at_most is not None):
            raise ValueError("give times, or at_least/at_most, not both")
        if times is None and at_least is None and at_most is None:
            at_least = 1
        calls = self.calls(operation, status=status, front=front)
        count = len(calls)
        low, high = (times, times) if times is not None else (at_least, at_most)
        if (low is None or count >= low) and (high is None or count <= high):
            return calls
        raise JournalAssertionError(self._failure(operation, count, low, high, status, front),
                                    calls)

    def _failure(self, operation: str, count: int, low: int | None, high: int | None,
                 status: Any, front: str | None) -> str:
        wanted = (f"exactly {low}" if low == high else
                  f"at least {low}" if high is None else
                  f"at most {high}" if low is None else f"between {low} and {high}")
        where = "".join([f" with status {status}" if status is not None else "",
                         f" on the {front} front" if front else ""])
        lines = [f"expected {operation!r} to be called {wanted} time(s){where}; "
                 f"it was called {count} time(s)"]
        recent = list(self.list(limit=100).auto_paging_iter())[-NEAR_MISS_SCAN:]
        misses = near_misses(operation, recent)
        if misses:
            lines.append("near misses:")
            lines += [f"  {_describe(entry)}" for entry in misses]
        elif recent:
            lines.append(f"no call like it among the {len(recent)} recorded; the last ones:")
            lines += [f"  {_describe(entry)}" for entry in recent[-5:]]
        else:
            lines.append("the journal is empty")
        return "\n".join(lines)


def near_misses(operation: str, entries: list[Any], limit: int = 5) -> list[Any]:
    """Entries of the same operation (another status or front), or of a similar name or path,
    most similar first."""
    wanted = operation.lstrip("/")

    def score(entry: Any) -> float:
        name = entry["operation"].lstrip("/")
        if name == wanted:
            return 1.0
        return max(difflib.SequenceMatcher(None, wanted, name).ratio(),
                   difflib.SequenceMatcher(None, wanted, entry["path"]).ratio())

    scored = sorted(((score(e), i, e) for i, e in enumerate(entries)),
                    key=lambda item: (-item[0], -item[1]))
    return [entry for value, _, entry in scored if value >= 0.6][:limit]


def _describe(entry: Any) -> str:
    fault = f", fault {entry['fault_rule']}" if entry.get("fault_rule") else ""
    return (f"{entry['id']} {entry['method']} {entry['path']} ({entry['operation']}, "
            f"{entry['front']}) -> {entry['status']}{fault}")


def _query(operation, status, front, start, end, after, limit) -> dict[str, Any]:
    statuses = None if status is None else (
        [status] if isinstance(status, int) else [int(s) for s in status])
    return {"operation": operation, "status": statuses, "front": front, "from": start,
            "to": end, "after": after, "limit": limit}
