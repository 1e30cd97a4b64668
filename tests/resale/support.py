"""Helpers of the resale tests: units that failed delivery, listed, and the resale feeds."""

from __future__ import annotations

from tests.logistics.support import advance_to, instant, ok, ship

ALWAYS_ABSENT = {"address1": "8 Jalan Bukit FAIL:recipient_absent"}


def failed(sbx, count: int = 1, **order_spec) -> list[dict]:
    """``count`` orders of one unit each, readied together, whose every delivery attempt fails;
    the clock moved past their last attempt (before any inspection): their resale items."""
    shipped = [ship(sbx, buyer=ALWAYS_ABSENT, **order_spec) for _ in range(count)]
    ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "P8DT12H"}))
    found = []
    for order, _ in shipped:
        [item] = ok(sbx.get("/api/v1/resale/items",
                            query_string={"order_id": order["order_id"]}))["data"]
        found.append(item)
    return found


def listed(sbx, count: int = 1, **order_spec) -> list[dict]:
    """Units that failed delivery, moved on to their relisting: the resale items, listed."""
    items = failed(sbx, count, **order_spec)
    advance_to(sbx, max(instant(item["relist_at"]) for item in items))
    return [resale_item(sbx, item) for item in items]


def resale_item(sbx, item: dict) -> dict:
    return ok(sbx.get(f"/api/v1/resale/items/{item['resale_item_id']}"))


def page(sbx, **query) -> dict:
    return ok(sbx.get("/api/v1/resale/items", query_string=query))

