"""Helpers of the orders tests: a catalog, placing orders, moving the clock, and a picture of
everything an order call can touch (to prove that a refused call wrote nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

ORDERS = "/api/v1/orders"
PLACE = "/api/v1/test_helpers/orders"
ONE_SECOND = timedelta(seconds=1)


def sandbox(api, **spec):
    """A new sandbox's bound caller, like the ``sbx`` fixture (``.sandbox``, ``.base``)."""
    body, bound = api.create_sandbox(**spec)
    bound.sandbox, bound.base = body, f"/api/v1/sandboxes/{body['id']}"
    return bound


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def make_product(sbx, *skus: tuple[str, str, int], name: str = "Phone Case") -> dict:
    """A listed product with SKUs given as ``(seller_sku, price, stock)``."""
    return ok(sbx.post("/api/v1/products", json={"name": name, "skus": [
        {"seller_sku": seller_sku, "price": price, "stock": stock}
        for seller_sku, price, stock in skus or [("CASE-BLK", "19.90", 10)]]}), 201)


def place(sbx, *lines: tuple[int | str, int], **spec):
    """Place an order of ``(sku_id or seller_sku, quantity)`` lines; the raw response."""
    items = [{"sku_id" if isinstance(sku, int) else "seller_sku": sku, "quantity": quantity}
             for sku, quantity in lines]
    return sbx.post(PLACE, json={"items": items, **spec})


def placed(sbx, *lines: tuple[int | str, int], **spec) -> dict:
    return ok(place(sbx, *lines, **spec), 201)


def get_order(sbx, order_id: int) -> dict:
    return ok(sbx.get(f"{ORDERS}/{order_id}"))


def act(sbx, order_id: int, action: str, **body):
    return sbx.post(f"{ORDERS}/{order_id}/{action}", json=body)


def now(sbx) -> datetime:
    return datetime.fromisoformat(ok(sbx.get(f"{sbx.base}/clock"))["now"])


def advance(sbx, *, to: datetime | None = None, by: timedelta | None = None) -> dict:
    body = {"to": to.isoformat()} if to is not None else {"by": by.total_seconds()}
    return ok(sbx.post(f"{sbx.base}/clock/advance", json=body))


def events(sbx, type_: str | None = None) -> list[dict]:
    """Every event (of ``type_``), following the feed's cursor."""
    found, after = [], None
    while True:
        query = {"limit": 100, **({"type": type_} if type_ else {}),
                 **({"after": after} if after else {})}
        page = ok(sbx.get("/api/v1/events", query_string=query))
        found += page["data"]
        if not page["has_more"]:
            return found
        after = page["data"][-1]["id"]


def stock(sbx, product: dict) -> dict[str, int]:
    current = ok(sbx.get(f"/api/v1/products/{product['item_id']}"))
    return {sku["seller_sku"]: sku["stock"] for sku in current["skus"]}


def all_orders(sbx, **query) -> list[dict]:
    """Every order the list gives for ``query``, following the cursor."""
    found, after = [], None
    while True:
        params = {**query, **({"after": after} if after else {})}
        page = ok(sbx.get(ORDERS, query_string=params))
        found += page["data"]
        if not page["has_more"]:
            return found
        after = page["next_cursor"]


def world(sbx) -> dict:
    """Everything an order call may change: orders with their items, packages, stock, events,
    timers and the ledger."""
    orders = all_orders(sbx)
    packages = [ok(sbx.get(f"/api/v1/packages/{package_id}"))
                for order in orders for package_id in order["package_ids"]]
    products = ok(sbx.get("/api/v1/products"))["data"]
    return {"orders": orders, "packages": packages, "products": products,
            "events": events(sbx), "timers": ok(sbx.get(f"{sbx.base}/timers"))["data"],
            "ledger": ok(sbx.get("/api/v1/ledger"))["data"]}
