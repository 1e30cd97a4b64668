"""Helpers of the HTTP-level tests: the error envelope, the admin-token app, id scrubbing."""

from __future__ import annotations

import re

from mockplatform.app import create_app
from mockplatform.settings import Settings
from mockplatform.store.session import Store
from tests.conftest import DATABASE_URL, Api

ADMIN_TOKEN = "t0k"
ENVELOPE_KEYS = {"type", "code", "message", "details", "request_id"}


def assert_error(response, status: int, code: str, *, field: str | None = None,
                 location: str | None = None) -> dict:
    """Assert the native error envelope; return its ``error`` object.

    ``field`` (and ``location``) must be named by one of the details when given.
    """
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert ENVELOPE_KEYS <= set(error), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert error["request_id"] and error["request_id"] == response.headers["X-Request-Id"]
    assert isinstance(error["details"], list)
    for detail in error["details"]:
        assert {"field", "location", "message"} <= set(detail), detail
        assert isinstance(detail["message"], str) and detail["message"], detail
    if field is not None:
        named = [d for d in error["details"] if d["field"] == field
                 and (location is None or d["location"] == location)]
        assert named, f"no detail names {field!r} ({location}): {error['details']}"
    return error


def scrub(text: str, *sandboxes: dict) -> str:
    """``text`` without the ids and credentials of ``sandboxes`` (the only unseeded values)."""
    for sandbox in sandboxes:
        text = text.replace(sandbox["id"], "<sandbox>")
        for value in sandbox["credentials"].values():
            text = text.replace(value, "<credential>")
    assert not re.search(r"sbx_[0-9a-f]{20}", text), text
    return text


class AdminServer:
    """A second app whose Settings carry an admin token, with its own Store."""

    def __init__(self, **settings):
        self.settings = Settings(database_url=DATABASE_URL, admin_token=ADMIN_TOKEN, **settings)
        self.store = Store(self.settings.resolved_database_url)
        self.store.create_schema()
        self.app = create_app(self.settings, store=self.store)
        self.anonymous = Api(self.app)
        self.admin = Api(self.app, ADMIN_TOKEN)

    def close(self) -> None:
        self.store.dispose()
