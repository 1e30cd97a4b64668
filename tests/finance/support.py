"""Helpers of the finance tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

MYT = timezone(timedelta(hours=8))
ONE_SECOND = timedelta(seconds=1)


def post_entry(sbx, **body) -> dict:
    response = sbx.post("/api/v1/test_helpers/ledger/entries", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def settleable(sbx, subject: str, amount: str, **body) -> dict:
    response = sbx.post("/api/v1/test_helpers/ledger/settleable",
                        json={"subject": subject, "amount": amount, **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ledger(sbx, **query) -> dict:
    response = sbx.get("/api/v1/ledger", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def advance_to(sbx, moment: datetime) -> dict:
    response = sbx.post(f"{sbx.base}/clock/advance", json={"to": moment.isoformat()})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def events(sbx, type_: str) -> list[dict]:
    response = sbx.get("/api/v1/events", query_string={"type": type_})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
