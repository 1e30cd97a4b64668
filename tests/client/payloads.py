"""Answers as the server would give them, for scripting the fake server."""

from __future__ import annotations


def sandbox_payload(sandbox_id: str = "sbx_1", api_key: str = "sk_test_1") -> dict:
    return {
        "id": sandbox_id, "object": "sandbox", "name": "demo", "platform": "lazada",
        "market": "MY", "seed": 7, "start_at": "2025-01-06T00:00:00+00:00",
        "clock": {"object": "clock", "now": "2025-01-06T00:00:00+00:00", "mode": "frozen",
                  "speed": 1.0, "next_timer_at": None, "timers_pending": 0},
        "policy_overrides": {}, "calendar_overrides": [],
        "credentials": {"api_key": api_key, "app_key": "ak", "app_secret": "as",
                        "access_token": "at"},
    }


def list_payload(data: list, *, next_cursor: str | None = None) -> dict:
    return {"object": "list", "data": data, "has_more": next_cursor is not None,
            "next_cursor": next_cursor}
