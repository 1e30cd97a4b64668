"""The planned dumps of dumping.py give the bytes marshmallow's ``Schema.dump`` gives.

Every answer of a varied walk (orders of both flows at every stage, partly canceled, failed and
delivered; lists, items, packages, tracking, events, the ledger, sandboxes) is dumped both ways
and compared as the JSON text the endpoint sends; then the plans' own edge cases (a key the dict
lacks, a value of another type, a non-dict result, hooks).
"""

from __future__ import annotations

import json

import pytest
from marshmallow import Schema, fields, post_dump

from mockplatform.fronts.native import endpoint as endpoint_module
from mockplatform.fronts.native.dumping import dumper
from mockplatform.fronts.native.orders.schemas import OrderItemSchema, OrderSchema
from mockplatform.fronts.native.schemas import JSONObject, Timestamp
from tests.logistics.support import advance_by, new_sandbox, ok, place, ship
from tests.resale.support import failed


def _text(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture
def compared(monkeypatch) -> dict:
    """Every response schema's dump is checked against marshmallow's; counts by schema."""
    counts: dict[str, int] = {}

    def checking(schema: Schema):
        planned = dumper(schema)

        def dump(result):
            ours = _text(planned(result))
            assert ours == _text(schema.dump(result)), type(schema).__name__
            counts[type(schema).__name__] = counts.get(type(schema).__name__, 0) + 1
            return json.loads(ours)

        return dump

    monkeypatch.setattr(endpoint_module, "dumper", checking)
    return counts


def test_answers_of_a_varied_walk_are_the_same_bytes(api, compared):
    sbx = new_sandbox(api)
    pending = place(sbx, quantity=3, price="19.90", payment_method="cod")
    local = place(sbx, quantity=1, shipping="local", buyer={"first_name": "Siti Ünïcode 名"})
    shipped, package = ship(sbx, quantity=2)
    failing, failing_package = ship(sbx, quantity=1)
    ok(sbx.post(f"/api/v1/test_helpers/packages/{failing_package['package_id']}/fail_next_attempt",
                json={}))
    ok(sbx.post(f"/api/v1/orders/{pending['order_id']}/cancel", json={
        "reason": "out_of_stock", "order_item_ids": [pending["items"][0]["order_item_id"]]}))
    for order in (pending, local, shipped, failing):
        ok(sbx.get(f"/api/v1/orders/{order['order_id']}"))
        ok(sbx.get(f"/api/v1/orders/{order['order_id']}/items"))
    ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))
    advance_by(sbx, "P12D")  # journeys run: delivered, failed attempts, settlement
    for order in (pending, local, shipped, failing):
        ok(sbx.get(f"/api/v1/orders/{order['order_id']}"))
        ok(sbx.get(f"/api/v1/orders/{order['order_id']}/tracking"))
    ok(sbx.get(f"/api/v1/packages/{package['package_id']}"))
    ok(sbx.get(f"/api/v1/tracking/{package['tracking_number']}"))
    ok(sbx.get("/api/v1/orders", query_string={"limit": 3}))
    ok(sbx.get("/api/v1/orders", query_string={"sort_by": "updated_at", "delayed": "true"}))
    ok(sbx.get("/api/v1/events", query_string={"limit": 50}))
    ok(sbx.get("/api/v1/ledger"))
    ok(sbx.get("/api/v1/products"))
    ok(sbx.get(sbx.base))
    ok(sbx.get("/api/v1/policies"))

    semi, semi_api = api.create_sandbox(platform="aliexpress", market="MY")
    product = ok(semi_api.post("/api/v1/products", json={
        "name": "Lamp", "skus": [{"seller_sku": "LAMP-1", "price": "100.00", "stock": 10}]}), 201)
    order = ok(semi_api.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": product["skus"][0]["sku_id"], "quantity": 2}]}), 201)
    ok(semi_api.post(f"/api/v1/orders/{order['order_id']}/accept"))
    ok(semi_api.get(f"/api/v1/orders/{order['order_id']}"))
    ok(semi_api.post(f"/api/v1/sandboxes/{semi['id']}/clock/advance", json={"by": "P9D"}))
    ok(semi_api.get(f"/api/v1/orders/{order['order_id']}"))

    # A TikTok Shop order: its platform_status and SLA instants, on hold then readied.
    tiktok = new_sandbox(api, platform="tiktok_shop", market="TH")
    held = place(tiktok, quantity=2)
    ok(tiktok.get(f"/api/v1/orders/{held['order_id']}"))
    advance_by(tiktok, "PT1H")
    ok(tiktok.post(f"/api/v1/orders/{held['order_id']}/pack", json={}), 201)
    ok(tiktok.post(f"/api/v1/orders/{held['order_id']}/ready_to_ship", json={}))
    advance_by(tiktok, "P8D")
    ok(tiktok.get(f"/api/v1/orders/{held['order_id']}"))
    ok(tiktok.get("/api/v1/orders"))

    assert compared["OrderSchema"] >= 12
    assert {"OrderItemListSchema", "OrderListSchema", "PackageSchema", "OrderTrackingSchema",
            "PackageTrackingSchema", "AdvanceResultSchema", "EventListSchema",
            "LedgerListSchema", "ProductListSchema", "SandboxSchema"} <= set(compared), compared


def test_resale_answers_are_the_same_bytes(api, compared):
    sbx = new_sandbox(api)
    rejected, kept = failed(sbx, 2)
    ok(sbx.post(f"/api/v1/test_helpers/resale/items/{rejected['resale_item_id']}/inspection",
                json={"result": "fail", "check": "complete"}))
    ok(sbx.request("PUT", "/api/v1/return_service", json={"option": "worry_free"}))
    advance_by(sbx, "P9D")  # one compensated, one listed
    ok(sbx.post(f"/api/v1/test_helpers/resale/items/{kept['resale_item_id']}/sell", json={}),
       201)
    for item in (rejected, kept):
        ok(sbx.get(f"/api/v1/resale/items/{item['resale_item_id']}"))
        ok(sbx.get(f"/api/v1/orders/{item['order_id']}/items/{item['order_item_id']}/history"))
        ok(sbx.get(f"/api/v1/orders/{item['order_id']}"))
    ok(sbx.get("/api/v1/resale/items", query_string={"limit": 1}))
    ok(sbx.get("/api/v1/return_service"))
    ok(sbx.get("/api/v1/products"))

    assert {"ResaleItemSchema", "ResaleItemListSchema", "ReturnServiceSchema",
            "OrderItemHistorySchema", "OrderSchema", "ProductListSchema"} <= set(compared)


class _Hooked(Schema):
    name = fields.String()

    @post_dump
    def _upper(self, data, **kwargs):
        return {key: value.upper() for key, value in data.items()}


class _Odd(Schema):
    count = fields.Integer()
    flag = fields.Boolean()
    label = fields.String(data_key="Label")
    at = Timestamp(allow_none=True)
    doc = JSONObject()
    tags = fields.List(fields.String())
    child = fields.Nested(OrderItemSchema, allow_none=True)
    fixed = fields.Constant("x")


@pytest.mark.parametrize("value", [
    {},  # every key missing: marshmallow's own lookup (a dict's attributes) and defaults
    {"count": "7", "flag": "false", "label": 5, "at": None, "doc": {"b": 1, "a": [{"d": 1,
     "c": 2}]}, "tags": [1, None, "t"], "child": None},
    {"count": True, "flag": 0, "label": b"bytes", "doc": None, "tags": None,
     "child": {"order_item_id": "3", "allowed_actions": ("pack",), "status": "pending"}},
    {"count": None, "flag": None, "label": None, "items": 1},
])
def test_edge_cases_match_marshmallow(value):
    schema = _Odd()
    assert _text(dumper(schema)(value)) == _text(schema.dump(value))


def test_what_a_plan_does_not_cover_is_marshmallows():
    hooked = _Hooked()
    assert dumper(hooked)({"name": "a"}) == {"name": "A"}

    class Thing:
        order_id = 4
        items = []

    order = OrderSchema()
    assert dumper(order)(Thing()) == order.dump(Thing())
    many = OrderItemSchema(many=True)
    assert dumper(many)([{"order_item_id": 1}]) == many.dump([{"order_item_id": 1}])
