"""The policy table in force for the client's sandbox (its platform and market, with overrides)."""

from __future__ import annotations

from .._object import MockplatformObject
from ._base import Resource


class Policies(Resource):
    def get(self) -> MockplatformObject:
        """``{"object": "policy_table", "platform", "market", "policies": [...]}``."""
        return self._request("GET", "/api/v1/policies")
