"""The sandbox's fault rules: ways its API misbehaves on purpose, tried in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._encoding import without_none
from .._object import MockplatformObject
from ._base import Resource, quote_id


class Faults(Resource):
    def list(self) -> MockplatformObject:
        """The rules in the order they are tried, each with its ``calls`` and ``faults``."""
        return self._request("GET", self._sandbox_path("faults"))

    def add(self, *, effect: Mapping[str, Any], match: Mapping[str, Any] | None = None,
            when: Mapping[str, Any] | None = None,
            description: str | None = None) -> MockplatformObject:
        """Append a rule, e.g. ``add(match={"operation": "/order/get"}, effect={"type":
        "rate_limit", "retry_after": 1}, when={"first": 2})``."""
        return self._request("POST", self._sandbox_path("faults"), json=without_none(
            effect=effect, match=match, when=when, description=description))

    def replace(self, rules: Sequence[Mapping[str, Any]]) -> MockplatformObject:
        """The list becomes ``rules`` (new ids, counts from zero)."""
        return self._request("PUT", self._sandbox_path("faults"), json={"rules": list(rules)})

    def delete(self, rule_id: str | Mapping[str, Any]) -> MockplatformObject:
        return self._request("DELETE", self._sandbox_path("faults", quote_id(rule_id)))

    def clear(self) -> MockplatformObject:
        return self._request("DELETE", self._sandbox_path("faults"))
