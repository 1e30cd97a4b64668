"""Fixtures of the server's own tests.

``api`` talks to an app in-process through Flask's test client (fast, no socket); ``store`` is
its database. Both follow ``MOCKPLATFORM_DATABASE_URL`` so the suite runs on PostgreSQL too.

The store (its schema) and the app are made once for the whole run, as building them took about
half of the suite's time; a test is kept apart from the others by its own sandboxes (``sbx``,
``api.create_sandbox``), as on a shared server, and asserts only about those. A test that needs
other settings (an admin token, a body limit) or a database of its own makes its own store and
app with ``own_store`` and ``create_app``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mockplatform.app import create_app
from mockplatform.settings import Settings
from mockplatform.store.session import Store

DATABASE_URL = os.environ.get("MOCKPLATFORM_DATABASE_URL") or "sqlite://"


def own_store(settings: Settings) -> Iterator[Store]:
    """A store with its schema, disposed of afterwards: the body of a ``store`` fixture."""
    store = Store(settings.resolved_database_url)
    store.create_schema()
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(database_url=DATABASE_URL)


@pytest.fixture(scope="session")
def store(settings) -> Iterator[Store]:
    # In-memory SQLite is one connection shared by every thread (StaticPool, session.py), so
    # the database lives as long as this store.
    yield from own_store(settings)


@pytest.fixture(scope="session")
def app(settings, store):
    return create_app(settings, store=store)


class Api:
    """A thin JSON caller around Flask's test client, with an optional bearer token."""

    def __init__(self, app, token: str | None = None):
        self.app = app
        self.http = app.test_client()
        self.token = token

    def as_(self, token: str | None) -> Api:
        return Api(self.app, token)

    def request(self, method: str, path: str, json=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.http.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def create_sandbox(self, **spec) -> tuple[dict, Api]:
        """Create a sandbox; return its body and an Api bound to its key."""
        response = self.post("/api/v1/sandboxes", json={"platform": "lazada", "market": "MY",
                                                        "seed": 1, **spec})
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        return body, Api(self.app, body["credentials"]["api_key"])


@pytest.fixture
def api(app) -> Api:
    return Api(app)


@pytest.fixture
def sbx(api):
    """A fresh sandbox (lazada, MY, seed 1, frozen at 2026-01-05T01:00Z) and its bound caller."""
    body, bound = api.create_sandbox()
    bound.sandbox = body
    bound.base = f"/api/v1/sandboxes/{body['id']}"
    return bound
