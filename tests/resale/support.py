"""Helpers of the resale tests: a unit that failed delivery, stepping the clock timer by timer
until something happens, what the native API shows of a SKU, a package and the timers, and
units that failed delivery or were listed, read through the resale API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tests.logistics.support import ONE_SECOND, advance_to, events, instant, ok, order_of, ship

# Every delivery attempt to this address fails (README.md, "Magic values").
FAIL = {"address1": "12 Jalan Ampang FAIL:recipient_absent"}


def next_timer(sbx) -> dict:
    return ok(sbx.post(f"{sbx.base}/clock/advance", json={"to": "next_timer"}))


def until(sbx, type_: str, count: int = 1) -> list[dict]:
    """Fire the sandbox's timers one instant at a time until ``count`` events of ``type_``
    were recorded; those events, oldest first."""
    for _ in range(500):
        found = events(sbx, type_)
        if len(found) >= count:
            return found
        next_timer(sbx)
    raise AssertionError(f"no {count} {type_} events after 500 timers")


def fail(sbx, **order_spec) -> tuple[dict, dict, dict]:
    """An order shipped to an address where every attempt fails, the clock moved to its last
    failed attempt: (order, package, the unit's ``resale.item_received`` event)."""
    before = len(events(sbx, "resale.item_received"))
    order, package = ship(sbx, buyer=FAIL, **order_spec)
    received = until(sbx, "resale.item_received", before + 1)[before:]
    assert [e["data"]["order_id"] for e in received] == [order["order_id"]] * len(received)
    return order, package, received[0]


def of_unit(found: list[dict], resale_item_id: int) -> list[dict]:
    return [event for event in found if event["data"]["resale_item_id"] == resale_item_id]


def sku_of(sbx, sku_id: int) -> dict:
    """The SKU as the seller's product API shows it (seller stock)."""
    for product in ok(sbx.get("/api/v1/products", query_string={"limit": 100}))["data"]:
        for sku in product["skus"]:
            if sku["sku_id"] == sku_id:
                return sku
    raise AssertionError(f"no SKU {sku_id}")


def timers_of(sbx, subject: str) -> list[dict]:
    return [timer for timer in ok(sbx.get(f"{sbx.base}/timers",
                                          query_string={"limit": 100}))["data"]
            if timer["subject"] == subject]


def of_subject(found: list[dict], subject: str) -> list[dict]:
    return [event for event in found if event["subject"] == subject]


def cross(sbx, moment: datetime, type_: str, subject: str, *,
          before: Callable[[], None] = lambda: None) -> dict:
    """A timed rule's boundary: one second before ``moment`` no ``type_`` event of ``subject``
    (and ``before`` holds), at ``moment`` exactly one, recorded at that instant; it is
    returned."""
    advance_to(sbx, moment - ONE_SECOND)
    assert of_subject(events(sbx, type_), subject) == []
    before()
    advance_to(sbx, moment)
    [event] = of_subject(events(sbx, type_), subject)
    assert instant(event["occurred_at"]) == moment
    return event


def item_status(sbx, order_id: int, order_item_id: int) -> str:
    [item] = [item for item in order_of(sbx, order_id)["items"]
              if item["order_item_id"] == order_item_id]
    return item["status"]


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

