"""Helpers of the sandbox tests (``test_sandboxes.py``, ``test_sandbox_snapshots.py`` and
``test_sandbox_access.py``): a timer, the event feed, and rows counted in the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

SANDBOXES = "/api/v1/sandboxes"


def timer(sbx, label: str = "t", **spec) -> dict:
    response = sbx.post("/api/v1/test_helpers/timers", json={"label": label, **spec})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def events_of(sbx, query: str = "") -> list[dict]:
    response = sbx.get(f"/api/v1/events{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def count_rows(store, model, **where) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))
