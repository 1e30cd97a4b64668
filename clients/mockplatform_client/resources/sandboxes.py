"""Sandboxes: create, inspect, reset, snapshot and restore isolated marketplace worlds.

Creating, listing, deleting and restoring sandboxes send the admin token when the client has one;
the other calls act with the client's usual token.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .._encoding import Timestamp, without_none
from .._object import MockplatformObject
from .._pagination import Page
from ._base import Resource, quote_id

Platform = Literal["lazada", "tiktok_shop", "aliexpress"]
Market = Literal["MY", "SG", "TH", "VN", "PH", "ID"]
ClockMode = Literal["frozen", "running"]
SandboxRef = str | Mapping[str, Any]

_PATH = "/api/v1/sandboxes"


class Sandboxes(Resource):
    def create(
        self,
        *,
        platform: Platform,
        market: Market,
        name: str | None = None,
        seed: int | None = None,
        start_at: Timestamp | None = None,
        clock_mode: ClockMode | None = None,
        clock_speed: float | None = None,
        policy_overrides: Mapping[str, Any] | None = None,
        calendar_overrides: Sequence[Mapping[str, Any]] | None = None,
        idempotency_key: str | None = None,
    ) -> MockplatformObject:
        """A new sandbox, with its ``credentials`` (``api_key`` and the platform's own keys)."""
        body = without_none(
            name=name, platform=platform, market=market, seed=seed, start_at=start_at,
            clock_mode=clock_mode, clock_speed=clock_speed, policy_overrides=policy_overrides,
            calendar_overrides=calendar_overrides)
        return self._request("POST", _PATH, json=body, idempotency_key=idempotency_key,
                             admin=True)

    def list(self, *, limit: int | None = None, after: str | None = None) -> Page:
        return self._get_page(_PATH, {"limit": limit, "after": after}, admin=True)

    def get(self, sandbox: SandboxRef | None = None) -> MockplatformObject:
        """A sandbox by id (or object); the client's own sandbox when none is given."""
        return self._request("GET", self._path_of(sandbox))

    def current(self) -> MockplatformObject:
        """The sandbox the client's ``api_key`` belongs to."""
        return self._request("GET", "/api/v1/sandbox")

    def delete(self, sandbox: SandboxRef) -> MockplatformObject:
        """``{"id", "object": "sandbox", "deleted": true}``."""
        return self._request("DELETE", f"{_PATH}/{quote_id(sandbox)}", admin=True)

    def reset(self, sandbox: SandboxRef | None = None, *,
              idempotency_key: str | None = None) -> MockplatformObject:
        """Back to the sandbox's initial state (same seed and start time)."""
        return self._request("POST", self._path_of(sandbox, "reset"),
                             idempotency_key=idempotency_key)

    def snapshot(self, sandbox: SandboxRef | None = None, *,
                 idempotency_key: str | None = None) -> MockplatformObject:
        """A snapshot document: opaque, to be handed back to ``restore``."""
        return self._request("POST", self._path_of(sandbox, "snapshot"),
                             idempotency_key=idempotency_key)

    def restore(self, snapshot: Mapping[str, Any], *, name: str | None = None,
                idempotency_key: str | None = None) -> MockplatformObject:
        """A new sandbox built from ``snapshot``; the snapshotted one is left as it is."""
        return self._request("POST", f"{_PATH}/restore",
                             json=without_none(snapshot=snapshot, name=name),
                             idempotency_key=idempotency_key, admin=True)

    def summary(self, sandbox: SandboxRef | None = None) -> MockplatformObject:
        """What happened, at a glance: ``orders`` and ``items`` by status (and
        ``ever_failed_delivery``), ``failure_reasons``, ``cancel_reasons``, ``resale_items`` and
        ``aftersales_requests`` by state, pending ``timers`` by kind with the next due,
        ``ledger`` totals by kind in the market currency, ``events`` by type."""
        return self._request("GET", self._path_of(sandbox, "summary"))

    def _path_of(self, sandbox: SandboxRef | None, *segments: str) -> str:
        if sandbox is None:
            return self._sandbox_path(*segments)
        return "/".join([_PATH, quote_id(sandbox), *segments])
