"""Helpers of the seller's fulfilment tests (``test_fulfilment.py`` and
``test_fulfilment_cancel_and_labels.py``): an order of three pending items, and a refusal after
which nothing has changed."""

from __future__ import annotations

import pytest

from tests.api.support import assert_error
from tests.orders.support import act, make_product, ok, placed, world


@pytest.fixture(name="case")
def case_fixture(sbx) -> dict:
    return make_product(sbx, ("CASE-BLK", "19.90", 5), ("CASE-WHT", "21.00", 5))


@pytest.fixture(name="order")
def order_fixture(sbx, case) -> dict:
    """Three pending items: two black cases and a white one."""
    black, white = (sku["sku_id"] for sku in case["skus"])
    return placed(sbx, (black, 2), (white, 1))


def item_ids(order: dict) -> list[int]:
    return [item["order_item_id"] for item in order["items"]]


def timers(sbx, kind: str) -> list[dict]:
    return [t for t in ok(sbx.get(f"{sbx.base}/timers"))["data"] if t["kind"] == kind]


def refused(sbx, order: dict, action: str, status: int, code: str, **body) -> dict:
    """``action`` is refused with ``status`` and ``code``, and nothing changed."""
    before = world(sbx)
    response = act(sbx, order["order_id"], action, **body)
    error = assert_error(response, status, code)
    assert world(sbx) == before
    return error


def state_detail(error: dict) -> dict:
    [detail] = error["details"]
    return detail
