"""Same seed and same calls give the same orders, items, packages and events, byte for byte; a
sandbox never sees another's orders."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.api.support import assert_error, scrub
from tests.orders.support import act, advance, make_product, ok, placed, sandbox, world


def story(sbx) -> list:
    """Every answer of a short order story: place, pack apart, ready, cancel, miss a deadline."""
    product = make_product(sbx, ("CASE-BLK", "19.90", 10), ("CASE-WHT", "21.00", 10))
    black, white = (sku["sku_id"] for sku in product["skus"])
    answers = []
    first = placed(sbx, (black, 2), (white, 1))
    second = placed(sbx, ("CASE-WHT", 1), buyer={"first_name": "Aisyah"}, shipping="local")
    third = placed(sbx, (black, 1), payment_method="cod")
    answers += [first, second, third]
    items = [item["order_item_id"] for item in first["items"]]
    answers.append(ok(act(sbx, first["order_id"], "pack", order_item_ids=items[:2]), 201))
    answers.append(ok(act(sbx, first["order_id"], "pack"), 201))
    answers.append(ok(act(sbx, first["order_id"], "ready_to_ship",
                          package_ids=[answers[-2]["package_id"]])))
    answers.append(ok(act(sbx, second["order_id"], "cancel", reason="out_of_stock")))
    for package_id in answers[-2]["package_ids"]:
        answers.append(ok(sbx.get(f"/api/v1/packages/{package_id}/label")))
    answers.append(advance(sbx, by=timedelta(days=8)))  # the deadlines fire
    answers.append(world(sbx))
    return answers


def test_the_same_seed_and_calls_give_identical_orders_packages_and_events(api):
    twins = [sandbox(api, seed=42, name="twin") for _ in range(2)]

    stories = [scrub(json.dumps(story(sbx), sort_keys=True), sbx.sandbox) for sbx in twins]

    assert stories[0] == stories[1]
    told = json.loads(stories[0])
    assert told[-1]["ledger"], "the story reaches the fines of the RTS deadline"
    assert {e["type"] for e in told[-1]["events"]} >= {
        "order.created", "order.packed", "order.ready_to_ship", "order.canceled",
        "order.delayed", "tracking.updated", "ledger.entry_posted"}


def test_another_seed_gives_other_ids(api):
    worlds = []
    for seed in (42, 43):
        sbx = sandbox(api, seed=seed)
        sku = make_product(sbx, ("CASE-BLK", "19.90", 10))["skus"][0]["sku_id"]
        order = placed(sbx, (sku, 1))
        package = ok(act(sbx, order["order_id"], "pack"), 201)
        worlds.append((order["order_id"], order["items"][0]["order_item_id"],
                       package["package_id"], package["tracking_number"]))

    assert all(a != b for a, b in zip(*worlds, strict=True))


@pytest.fixture
def two_sandboxes(api):
    mine, theirs = sandbox(api, seed=5), sandbox(api, seed=5)
    sku = make_product(mine, ("CASE-BLK", "19.90", 10))["skus"][0]["sku_id"]
    make_product(theirs, ("CASE-BLK", "19.90", 10))
    order = placed(mine, (sku, 1))
    package = ok(act(mine, order["order_id"], "pack"), 201)
    return mine, theirs, order, package


@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("GET", "", None), ("GET", "/items", None), ("POST", "/pack", {}),
    ("POST", "/ready_to_ship", {}), ("POST", "/cancel", {"reason": "out_of_stock"})])
def test_another_sandboxs_key_gets_a_404_for_the_order(two_sandboxes, method, suffix, body):
    mine, theirs, order, _ = two_sandboxes
    before = world(mine)

    response = theirs.request(method, f"/api/v1/orders/{order['order_id']}{suffix}", json=body)

    assert_error(response, 404, "order_not_found", field="order_id")
    assert world(mine) == before


def test_another_sandboxs_key_sees_neither_its_orders_nor_its_packages(two_sandboxes):
    mine, theirs, order, package = two_sandboxes

    assert ok(theirs.get("/api/v1/orders"))["data"] == []
    assert ok(mine.get("/api/v1/orders"))["data"][0]["order_id"] == order["order_id"]
    for path in ("", "/label"):
        assert_error(theirs.get(f"/api/v1/packages/{package['package_id']}{path}"), 404,
                     "package_not_found")
    assert ok(mine.get(f"/api/v1/packages/{package['package_id']}"))["status"] == "packed"
