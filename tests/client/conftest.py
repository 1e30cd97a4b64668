from __future__ import annotations

import sys
from pathlib import Path

import pytest

try:
    import mockplatform_client  # noqa: F401
except ImportError:  # not installed yet: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients"))

from mockplatform_client import Client  # noqa: E402

from .fake_server import FakeServer  # noqa: E402


@pytest.fixture
def server():
    fake = FakeServer()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """What the client would have slept, in order; nothing actually sleeps."""
    return []


@pytest.fixture
def make_client(server, sleeps):
    clients: list[Client] = []

    def make(**options) -> Client:
        options.setdefault("_sleep", sleeps.append)
        client = Client(server.url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

