"""The official Lazada SDK (``lazop-sdk``) against a sandbox, unchanged: only its server URL and
the sandbox's credentials differ from production.

Every call to the gateway goes through ``lazop_sdk.LazopClient``; the sandbox is set up (orders
placed, the clock moved, an authorization code issued) through ``mockplatform_client``, as an
integrator's test would. Runs in-process (the plugin's threaded server on a free port) or against
``--mockplatform-url``.

Importing ``lazop_sdk`` creates ``~/logs`` and opens a log file there: the ``lazop`` fixture
imports it with ``HOME`` pointed at a temporary directory. On an error answer the SDK resolves the
machine's hostname to log it (reference section 1.3); where the hostname does not resolve, the
fixture gives the SDK ``localhost`` instead.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import time
import types

import pytest

FIRST_DAY = "2026-03-02T00:00:00+08:00"
START = "2026-03-02T09:00:00+08:00"


@pytest.fixture(scope="module")
def lazop(tmp_path_factory):
    home = os.environ.get("HOME")
    os.environ["HOME"] = str(tmp_path_factory.mktemp("lazop-home"))
    try:
        module = importlib.import_module("lazop_sdk")
    except ImportError:
        pytest.skip("lazop-sdk is not installed (pip install -e '.[test]')")
    finally:
        if home is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = home
    base = importlib.import_module("lazop_sdk.base")
    try:
        socket.gethostbyname(socket.gethostname())
    except OSError:
        base.socket = types.SimpleNamespace(gethostname=lambda: "localhost",
                                            gethostbyname=socket.gethostbyname)
    return module


class Seller:
    """A sandbox seen from both sides: ``client`` (mockplatform_client) sets it up, ``sdk``
    (lazop_sdk.LazopClient) is the integration under test."""

    def __init__(self, lazop, url: str, client, sandbox):
        self.lazop, self.client, self.sandbox = lazop, client, sandbox
        credentials = sandbox.credentials
        self.sdk = lazop.LazopClient(url.rstrip("/") + "/rest", credentials.app_key,
                                     credentials.app_secret)
        self.token = credentials.access_token

    def call(self, api: str, params: dict | None = None, *, method: str = "GET",
             token: str | None = "own", sdk=None):
        request = self.lazop.LazopRequest(api, method)
        for key, value in (params or {}).items():
            request.add_api_param(key, value)
        return (sdk or self.sdk).execute(request, self.token if token == "own" else token)

    def place_orders(self, count: int, quantity: int = 1) -> list[int]:
        if not getattr(self, "_sku", None):
            product = self.client.products.create(name="Phone Case", skus=[
                {"seller_sku": "CASE-BLK", "price": "1019.90", "stock": 1000}])
            self._sku = product.skus[0].sku_id
        return [self.client.test_helpers.place_order(
            [{"sku_id": self._sku, "quantity": quantity}]).order_id for _ in range(count)]


@pytest.fixture
def seller(lazop, mockplatform_url, new_sandbox) -> Seller:
    client = new_sandbox.create(platform="lazada", market="MY", seed=13, start_at=START)
    return Seller(lazop, mockplatform_url, client, client.sandboxes.get(client.sandbox_id))


def _ok(response):
    assert response.code == "0", response.body
    return response.body


def _refused(response, code: str):
    assert response.code == code, response.body
    assert response.type and response.message and response.request_id is not None
    return response.body


def test_sync_orders_created_after_a_date_with_paging_and_read_their_items(seller):
    ids = seller.place_orders(3, quantity=2)
    seller.client.clock.advance(by="PT1H")
    ids += seller.place_orders(2)
    synced, offset = [], 0
    while True:
        data = _ok(seller.call("/orders/get", {
            "created_after": FIRST_DAY, "sort_by": "created_at", "sort_direction": "ASC",
            "offset": offset, "limit": 2}))["data"]
        assert data["countTotal"] == 5 and data["count"] == len(data["orders"])
        synced += data["orders"]
        offset += 2
        if offset >= data["countTotal"]:
            break
    assert [order["order_id"] for order in synced] == ids
    assert synced[0]["price"] == "2,039.80" and synced[-1]["price"] == "1,019.90"
    assert synced[0]["created_at"] == "2026-03-02 09:00:00 +0800"
    assert synced[-1]["created_at"] == "2026-03-02 10:00:00 +0800"
    since = _ok(seller.call("/orders/get", {"created_after": "2026-03-02T09:30:00+08:00"}))
    assert since["data"]["countTotal"] == 2

    items = _ok(seller.call("/order/items/get", {"order_id": ids[0]}))["data"]
    assert len(items) == 2 and {item["status"] for item in items} == {"pending"}
    assert all(isinstance(item["order_item_id"], int) for item in items)
    several = _ok(seller.call("/orders/items/get", {"order_ids": json.dumps(ids[:3])}))["data"]
    assert [entry["order_id"] for entry in several] == ids[:3]
    assert sum(len(entry["order_items"]) for entry in several) == 6
    order = _ok(seller.call("/order/get", {"order_id": ids[0]}))["data"]
    assert order["statuses"] == ["pending"] and order["items_count"] == 2


def test_the_sdk_signs_as_the_gateway_verifies(lazop):
    params = {"access_token": "test", "app_key": "123456", "order_id": "1234",
              "sign_method": "sha256", "timestamp": "1517820392000"}
    assert lazop.sign("helloworld", "/order/get", params) == \
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"


def test_an_oauth_token_expires_with_the_sandbox_clock_and_refreshes(seller):
    (order_id,) = seller.place_orders(1)
    code = seller.client.test_helpers.lazada_authorization_code().code
    auth = seller.lazop.LazopRequest("/auth/token/create")
    auth.add_api_param("code", code)
    tokens = _ok(seller.sdk.execute(auth))
    assert tokens["expires_in"] == 7 * 24 * 3600 and tokens["country"] == "my"
    access = tokens["access_token"]
    _ok(seller.call("/order/get", {"order_id": order_id}, token=access))

    seller.client.clock.advance(by="P7D")
    _refused(seller.call("/order/get", {"order_id": order_id}, token=access),
             "IllegalAccessToken")

    refresh = seller.lazop.LazopRequest("/auth/token/refresh")
    refresh.add_api_param("refresh_token", tokens["refresh_token"])
    renewed = _ok(seller.sdk.execute(refresh))
    _ok(seller.call("/order/get", {"order_id": order_id}, token=renewed["access_token"]))
    _refused(seller.sdk.execute(auth), "InvalidCode")  # a code is single use


def test_error_paths(seller, lazop, mockplatform_url):
    (order_id,) = seller.place_orders(1)
    credentials = seller.sandbox.credentials
    forger = lazop.LazopClient(mockplatform_url.rstrip("/") + "/rest", credentials.app_key,
                               "not-the-secret")
    _refused(seller.call("/order/get", {"order_id": order_id}, sdk=forger),
             "IncompleteSignature")
    _refused(seller.call("/order/get"), "MissingParameter")
    _refused(seller.call("/order/get", {"order_id": order_id}, token=None), "MissingParameter")
    _refused(seller.call("/orders/get"), "MissingParameter")
    _refused(seller.call("/order/nothing", {"order_id": order_id}), "InvalidApiPath")
    unknown = _refused(seller.call("/order/get", {"order_id": 300000000000001}), "16")
    assert unknown["message"].startswith("E016: ")
    _refused(seller.call("/order/items/get", {"order_id": "abc"}), "16")
    _refused(seller.call("/orders/get", {"created_after": "2026-03-02"}), "17")
    _refused(seller.call("/orders/get", {"created_after": FIRST_DAY, "limit": 500}), "19")
    _refused(seller.call("/orders/items/get", {"order_ids": json.dumps(list(range(1, 52)))}),
             "38")
    _refused(seller.call("/orders/items/get", {"order_ids": "1,2"}), "56")


def test_another_sandboxs_order_is_unknown(seller, lazop, mockplatform_url, new_sandbox):
    other_client = new_sandbox.create(platform="lazada", market="MY", seed=13, start_at=START)
    other = Seller(lazop, mockplatform_url, other_client,
                   other_client.sandboxes.get(other_client.sandbox_id))
    (theirs,) = other.place_orders(1)
    _refused(seller.call("/order/get", {"order_id": theirs}), "16")
    _refused(seller.call("/order/get", {"order_id": theirs}, token=other.token),
             "IllegalAccessToken")


def test_a_wrong_method_is_refused_in_strict_mode(lazop, mockplatform_url, new_sandbox):
    client = new_sandbox.create(platform="lazada", market="MY", seed=13, start_at=START,
                                policy_overrides={"gateway.http_methods": "strict"})
    seller = Seller(lazop, mockplatform_url, client, client.sandboxes.get(client.sandbox_id))
    # LazopRequest's default method is POST; /orders/get is a GET API.
    _refused(seller.call("/orders/get", {"created_after": FIRST_DAY}, method="POST"),
             "UnsupportedHTTPMethod")
    _ok(seller.call("/orders/get", {"created_after": FIRST_DAY}))


def test_the_timestamp_is_real_time_whatever_the_sandbox_clock(seller, monkeypatch):
    seller.client.clock.advance(by="P400D")  # far from the wall clock: still accepted
    _ok(seller.call("/orders/get", {"created_after": FIRST_DAY}))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3 * 3600)
    _refused(seller.call("/orders/get", {"created_after": FIRST_DAY}), "InvalidTimestamp")
