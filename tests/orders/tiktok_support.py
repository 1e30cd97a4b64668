"""Helpers of the TikTok Shop order tests: a tiktok_shop TH sandbox whose journeys take their
nominal offsets, orders placed and walked, the instants they show."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.logistics.support import (
    advance_to,
    instant,
    new_sandbox,
    ok,
    order_of,
    package_of,
    place,
)

ICT = timezone(timedelta(hours=7))
# Friday 3 April 2026, 10:00 in Bangkok: before a weekend and Chakri Memorial Day (Monday 6).
FRIDAY = "2026-04-03T10:00:00+07:00"


def tiktok_sandbox(api, *, start_at: str = FRIDAY, market: str = "TH",
                   overrides: dict | None = None):
    return new_sandbox(api, platform="tiktok_shop", market=market, start_at=start_at,
                       overrides=overrides)


def deadline(order: dict, name: str) -> datetime:
    return instant(order["deadlines"][name])


def released(sbx, **order_spec) -> dict:
    """A new order past its remorse window (the clock moved to its end): AWAITING_SHIPMENT."""
    order = place(sbx, **order_spec)
    advance_to(sbx, deadline(order, "on_hold_until"))
    return order_of(sbx, order["order_id"])


def readied(sbx, **order_spec) -> tuple[dict, dict]:
    """A new order past its remorse window, packed and readied: (order, package)."""
    order = released(sbx, **order_spec)
    package = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
    order = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))
    return order, package_of(sbx, package["package_id"])


def buyer_cancel(sbx, order_id: int, body: dict | None = None):
    return sbx.post(f"/api/v1/test_helpers/orders/{order_id}/buyer_cancel", json=body or {})


def timer_kinds(sbx, order_id: int) -> list[str]:
    """The kinds of the order's pending timers, sorted."""
    found = ok(sbx.get(f"{sbx.base}/timers", query_string={"limit": 100}))["data"]
    return sorted(timer["kind"] for timer in found if timer["subject"] == f"order:{order_id}")
