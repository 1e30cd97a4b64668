"""Fixtures of the contract suite, on top of the ``mockplatform`` pytest plugin.

Everything here goes through the SDK (``mockplatform_client``) and nothing else, so the suite runs
unchanged against the in-process server or any deployment given by ``--mockplatform-url``.
The plugin gives ``mockplatform_url``, ``mockplatform_admin``, ``sandbox`` and ``client``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mockplatform_client import AuthenticationError, Client, NotFoundError

# Like the plugin's ``sandbox`` fixture when no marker is given.
DEFAULT_SPEC = {"platform": "lazada", "market": "MY", "seed": 1}


class SandboxFactory:
    """Sandboxes beyond the test's own ``sandbox``, each deleted when the test ends."""

    def __init__(self, admin: Client, name: str):
        self._admin = admin
        self._name = name
        self._created: list[Any] = []

    def create(self, **spec: Any) -> Client:
        """A new sandbox (``DEFAULT_SPEC`` unless told otherwise) and a client bound to it."""
        sandbox = self._admin.sandboxes.create(**{**DEFAULT_SPEC, "name": self._name, **spec})
        return self._adopt(sandbox)

    def restore(self, snapshot: Any) -> Client:
        """A new sandbox restored from ``snapshot``, and a client bound to it."""
        return self._adopt(self._admin.sandboxes.restore(snapshot, name=self._name))

    def _adopt(self, sandbox: Any) -> Client:
        self._created.append(sandbox)
        return self._admin.for_sandbox(sandbox)

    def delete_all(self) -> None:
        for sandbox in self._created:
            try:
                self._admin.for_sandbox(sandbox).sandboxes.delete(sandbox.id)
            # The test deleted it itself: its key is then unknown (401), or its id (404).
            except (NotFoundError, AuthenticationError):
                pass


@pytest.fixture
def new_sandbox(request: pytest.FixtureRequest, mockplatform_admin: Client,
                ) -> Iterator[SandboxFactory]:
    factory = SandboxFactory(mockplatform_admin, request.node.nodeid[-200:])
    yield factory
    factory.delete_all()


@pytest.fixture
def fired_events():
    """``fired_events(client)``: every ``test_timer.fired`` event of its sandbox, oldest first."""

    def fired(client: Client) -> list[Any]:
        return list(client.events.list(type="test_timer.fired").auto_paging_iter())

    return fired
