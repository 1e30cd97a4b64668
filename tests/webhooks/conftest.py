"""A real threaded server (the pytest plugin's) and a receiver: webhooks go over sockets."""

from __future__ import annotations

import pytest
from mockplatform_client import Client

from mockplatform.testing.plugin import start_in_process_server
from mockplatform.testing.receiver import WebhookReceiver
from tests.conftest import DATABASE_URL


@pytest.fixture(scope="module")
def server():
    # A long poll: the tests wake the dispatcher by their requests, or drain it themselves.
    running = start_in_process_server(DATABASE_URL, webhook_poll_ms=60_000)
    yield running
    running.stop()


@pytest.fixture
def dispatcher(server):
    return server.app.extensions["mockplatform"]["webhooks"]


@pytest.fixture
def shop(server):
    """A Lazada sandbox's client, frozen clock, seed 3."""
    admin = Client(server.url, max_retries=0)
    created = admin.sandboxes.create(platform="lazada", market="MY", seed=3)
    client = admin.for_sandbox(created)
    yield client
    client.sandboxes.delete(created.id)


@pytest.fixture
def receiver():
    running = WebhookReceiver()
    yield running
    running.stop()


def place(client, quantity: int = 1):
    sku = client.products.create(name="Mug", skus=[
        {"seller_sku": "MUG-1", "price": "20.00", "stock": 50}]).skus[0]
    return client.test_helpers.place_order([{"sku_id": sku.sku_id, "quantity": quantity}],
                                           shipping="local")
