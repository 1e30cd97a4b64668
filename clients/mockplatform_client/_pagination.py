"""``Page``: one page of a list, and the way to the next ones.

Iterating a page gives that page's items only; ``auto_paging_iter()`` goes on to the following
pages, fetching each one only when iteration reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ._object import MockplatformObject, _plain
from .errors import MockplatformError

if TYPE_CHECKING:
    from ._client import Client


class Page:
    """A list answer: ``{"object": "list", "data": [...], "has_more", "next_cursor"}``."""

    def __init__(
        self,
        client: Client,
        path: str,
        params: Mapping[str, Any] | None,
        payload: MockplatformObject,
        *,
        admin: bool = False,
    ) -> None:
        self._client = client
        self._path = path
        # The query that produced this page, without its cursor; the next page adds its own.
        self._params = {name: value for name, value in (params or {}).items() if name != "after"}
        self._admin = admin
        self.data: list[Any] = list(payload.get("data") or [])
        self.has_more: bool = bool(payload.get("has_more"))
        self.next_cursor: str | None = payload.get("next_cursor")
        self.object: str = payload.get("object", "list")
        self.request_id: str | None = getattr(payload, "request_id", None)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> Any:
        return self.data[index]

    def __repr__(self) -> str:
        return (f"<Page {self._path} items={len(self.data)} has_more={self.has_more} "
                f"next_cursor={self.next_cursor!r}>")

    def next_page(self) -> Page | None:
        """The following page, or ``None`` when this is the last one."""
        if not self.has_more:
            return None
        if not self.next_cursor:
            # Stopping here would hand back a truncated list as if it were whole.
            raise MockplatformError(
                f"{self._path}: the server said has_more but gave no next_cursor",
                request_id=self.request_id)
        params = {**self._params, "after": self.next_cursor}
        return self._client._get_page(self._path, params, admin=self._admin)

    def auto_paging_iter(self) -> Iterator[Any]:
        """Every item from this page on, fetching each following page lazily."""
        page: Page | None = self
        while page is not None:
            yield from page.data
            page = page.next_page()

    def to_dict(self) -> dict[str, Any]:
        return {"object": self.object, "data": _plain(self.data), "has_more": self.has_more,
                "next_cursor": self.next_cursor}
