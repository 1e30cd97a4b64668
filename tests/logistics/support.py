"""Helpers of the logistics tests: an order readied to ship, its package, the clock, the feeds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

MYT = timezone(timedelta(hours=8))
ONE_SECOND = timedelta(seconds=1)
# Steps at their nominal offsets, so a test can name instants; jitter has its own tests.
NO_JITTER = {"logistics.journey_jitter": 0}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def new_sandbox(api, *, overrides: dict | None = None, **spec):
    """A lazada MY sandbox (seed 1) whose journeys take their nominal offsets unless told."""
    body, sbx = api.create_sandbox(policy_overrides={**NO_JITTER, **(overrides or {})}, **spec)
    sbx.sandbox = body
    sbx.base = f"/api/v1/sandboxes/{body['id']}"
    return sbx


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def new_product(sbx, *, price: str = "30.00", sku: dict | None = None, **fields) -> dict:
    """A new listed product (``fields``: name, restricted, ...) of one SKU, 100 in stock."""
    seller_sku = f"SKU-{len(sbx.get('/api/v1/products').get_json()['data']) + 1}"
    return ok(sbx.post("/api/v1/products", json={"name": "Kettle", **fields, "skus": [{
        "seller_sku": seller_sku, "price": price, "stock": 100, **(sku or {})}]}), 201)


def place(sbx, *, quantity: int = 1, price: str = "30.00", buyer: dict | None = None,
          shipping: str = "cross_border", payment_method: str = "prepaid",
          sku: dict | None = None, sku_id: int | None = None) -> dict:
    """An order of ``quantity`` units of the SKU ``sku_id``, or of a new product's."""
    if sku_id is None:
        sku_id = new_product(sbx, price=price, sku=sku)["skus"][0]["sku_id"]
    return ok(sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": sku_id, "quantity": quantity}],
        "buyer": buyer or {}, "shipping": shipping, "payment_method": payment_method}), 201)


def ship(sbx, **order_spec) -> tuple[dict, dict]:
    """A new order, packed into one package and readied to ship now: (order, package)."""
    order = place(sbx, **order_spec)
    package = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/pack", json={}), 201)
    order = ok(sbx.post(f"/api/v1/orders/{order['order_id']}/ready_to_ship", json={}))
    return order, package_of(sbx, package["package_id"])


def package_of(sbx, package_id: str) -> dict:
    return ok(sbx.get(f"/api/v1/packages/{package_id}"))


def order_of(sbx, order_id: int) -> dict:
    return ok(sbx.get(f"/api/v1/orders/{order_id}"))


def due(package: dict, step: str) -> datetime:
    [entry] = [entry for entry in package["journey"] if entry["step"] == step]
    return instant(entry["due_at"])


def advance_to(sbx, moment: datetime) -> dict:
    return ok(sbx.post(f"{sbx.base}/clock/advance", json={"to": moment.isoformat()}))


def advance_by(sbx, duration: str) -> dict:
    return ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": duration}))


def events(sbx, type_: str | None = None) -> list[dict]:
    """Every event of ``type_`` (a type or a prefix such as ``order.*``; None: of every type),
    oldest first."""
    found, after = [], None
    while True:
        query = {**({"type": type_} if type_ else {}), "limit": 100,
                 **({"after": after} if after else {})}
        page = ok(sbx.get("/api/v1/events", query_string=query))
        found += page["data"]
        if not page["has_more"]:
            return found
        after = page["data"][-1]["id"]


def tracking(sbx, package_id: str | None = None) -> list[dict]:
    """The tracking events (``tracking.updated`` data) of a package, or of every package."""
    return [event["data"] for event in events(sbx, "tracking.updated")
            if package_id is None or event["data"]["package_id"] == package_id]


def milestones(sbx, package_id: str) -> list[str]:
    return [event["milestone"] for event in tracking(sbx, package_id)]


def item_statuses(sbx, order_id: int) -> list[str]:
    return order_of(sbx, order_id)["statuses"]


def ledger(sbx, **query) -> dict:
    return ok(sbx.get("/api/v1/ledger", query_string=query))


def timers(sbx) -> list[dict]:
    return ok(sbx.get(f"{sbx.base}/timers", query_string={"limit": 100}))["data"]


def helper(sbx, package_id: str, action: str, body: dict | None = None):
    return sbx.post(f"/api/v1/test_helpers/packages/{package_id}/{action}", json=body)
