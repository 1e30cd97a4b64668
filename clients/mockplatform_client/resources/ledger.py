"""The seller's ledger: entries oldest first, with the balance of everything the filters select."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .._object import MockplatformObject
from .._pagination import Page
from ..errors import MockplatformError
from ._base import Resource

if TYPE_CHECKING:
    from .._client import Client

Amount = Decimal | str | int


def amount_to_wire(amount: Amount | float) -> str | int:
    """Amounts travel as strings so that no digit is lost; a float is refused for the same
    reason (``0.1 + 0.2`` is not ``0.3``)."""
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError(f"pass money as a Decimal or a string, not {type(amount).__name__} "
                        f"{amount!r}")
    return str(amount) if isinstance(amount, Decimal) else amount


class LedgerPage(Page):
    """A page of ledger entries; ``balance`` (``{"amount": "13.40", "currency": "MYR"}``) and
    ``total_count`` cover every entry the filters select, whatever the page. Amounts stay the
    strings the server sent, as everywhere in this client: ``Decimal(page.balance.amount)``."""

    def __init__(self, client: Client, path: str, params: Mapping[str, Any] | None,
                 payload: MockplatformObject) -> None:
        super().__init__(client, path, params, payload)
        self.balance: MockplatformObject | None = payload.get("balance")
        self.total_count: int | None = payload.get("total_count")

    def next_page(self) -> LedgerPage | None:
        if not self.has_more:
            return None
        if not self.next_cursor:
            # Stopping here would hand back a truncated list as if it were whole.
            raise MockplatformError(f"{self._path}: the server said has_more but gave no "
                                    f"next_cursor", request_id=self.request_id)
        params = {**self._params, "after": self.next_cursor}
        return LedgerPage(self._client, self._path, params,
                          self._client.request("GET", self._path, params=params))


class Ledger(Resource):
    def list(self, *, kind: str | Iterable[str] | None = None, subject: str | None = None,
             occurred_after: datetime | str | None = None,
             occurred_before: datetime | str | None = None, limit: int | None = None,
             after: str | None = None) -> LedgerPage:
        """Entries oldest first; ``occurred_after`` is inclusive, ``occurred_before`` exclusive.
        ``auto_paging_iter()`` fetches the following pages lazily."""
        if kind is not None and not isinstance(kind, str):
            kind = ",".join(kind)
        params = {"kind": kind, "subject": subject, "occurred_after": occurred_after,
                  "occurred_before": occurred_before, "limit": limit, "after": after}
        path = "/api/v1/ledger"
        return LedgerPage(self._client, path, params,
                          self._client.request("GET", path, params=params))

    def balance(self, **filters: Any) -> MockplatformObject:
        """The balance of the entries ``filters`` select: ``{"amount": "13.40", "currency"}``."""
        return self.list(limit=1, **filters).balance
