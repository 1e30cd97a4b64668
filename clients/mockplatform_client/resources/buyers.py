"""Buyers of the client's sandbox (made with ``client.test_helpers.create_buyer`` or a seed)."""

from __future__ import annotations

from .._object import MockplatformObject
from ._base import Resource, quote_id


class Buyers(Resource):
    def get(self, buyer_id: int | str) -> MockplatformObject:
        return self._request("GET", f"/api/v1/buyers/{quote_id(buyer_id)}")
