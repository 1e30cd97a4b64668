"""Products and their SKUs in the client's sandbox: prices in the market currency, seller stock,
listed or delisted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .._encoding import without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource, quote_id
from .ledger import Amount, amount_to_wire

ProductStatus = Literal["listed", "delisted"]
_PATH = "/api/v1/products"


def _sku_to_wire(sku: Mapping[str, Any]) -> dict[str, Any]:
    body = dict(sku)
    if "price" in body:
        body["price"] = amount_to_wire(body["price"])
    return body


class Products(Resource):
    def create(
        self,
        *,
        name: str,
        skus: Sequence[Mapping[str, Any]],
        description: str | None = None,
        category: str | None = None,
        restricted: bool | None = None,
        idempotency_key: str | None = None,
    ) -> MockplatformObject:
        """A listed product. Each SKU: ``seller_sku``, ``price`` (Decimal or string, in the
        market currency), optional ``stock`` and ``package_weight`` / ``_length`` / ``_width``
        / ``_height``."""
        body = without_none(name=name, description=description, category=category,
                            restricted=restricted, skus=[_sku_to_wire(s) for s in skus])
        return self._request("POST", _PATH, json=body, idempotency_key=idempotency_key)

    def get(self, item_id: int | str) -> MockplatformObject:
        return self._request("GET", f"{_PATH}/{quote_id(item_id)}")

    def list(self, status: ProductStatus | None = None, after: int | str | None = None,
             limit: int | None = None) -> Page:
        """In ``item_id`` order; ``auto_paging_iter()`` walks every page."""
        return self._get_page(_PATH, {"status": status, "after": after, "limit": limit})

    def set_stock(self, item_id: int | str, sku_id: int | str, stock: int, *,
                  idempotency_key: str | None = None) -> MockplatformObject:
        return self._stock(item_id, sku_id, {"stock": stock}, idempotency_key)

    def adjust_stock(self, item_id: int | str, sku_id: int | str, delta: int, *,
                     idempotency_key: str | None = None) -> MockplatformObject:
        """Move the stock by ``delta``; below 0 is a ``ConflictError`` (``insufficient_stock``)."""
        return self._stock(item_id, sku_id, {"delta": delta}, idempotency_key)

    def set_price(self, item_id: int | str, sku_id: int | str, price: Amount, *,
                  idempotency_key: str | None = None) -> MockplatformObject:
        return self._request("POST", f"{self._sku(item_id, sku_id)}/price",
                             json={"price": amount_to_wire(price)},
                             idempotency_key=idempotency_key)

    def delist(self, item_id: int | str, *,
               idempotency_key: str | None = None) -> MockplatformObject:
        return self._request("POST", f"{_PATH}/{quote_id(item_id)}/delist",
                             idempotency_key=idempotency_key)

    def relist(self, item_id: int | str, *,
               idempotency_key: str | None = None) -> MockplatformObject:
        return self._request("POST", f"{_PATH}/{quote_id(item_id)}/relist",
                             idempotency_key=idempotency_key)

    def _sku(self, item_id: int | str, sku_id: int | str) -> str:
        return f"{_PATH}/{quote_id(item_id)}/skus/{quote_id(sku_id)}"

    def _stock(self, item_id, sku_id, body, idempotency_key) -> MockplatformObject:
        return self._request("POST", f"{self._sku(item_id, sku_id)}/stock", json=body,
                             idempotency_key=idempotency_key)
