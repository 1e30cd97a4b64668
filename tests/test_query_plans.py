"""Every lookup narrower than a whole sandbox goes through an index on SQLite.

SQLite plans without statistics, and given an ORDER BY on the primary key it would rather walk
every row of the sandbox in key order than sort the few rows an index finds: a package's items,
the SKUs of a page of products. Such a walk costs nothing in a small test and grows with the
sandbox, so it is caught here by plan, not by time: the statements a day in a busy sandbox runs
are recorded and each plan is read. Statements over a whole sandbox (snapshots, reset, the
first page of a list) may walk it; any statement that filters on more than the sandbox may not.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.conftest import DATABASE_URL
from tests.logistics.support import new_sandbox
from tests.orders.support import ok
from tests.resale.support import failed

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("sqlite"),
                                reason="EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by "
                                       "its statistics")

# A plan line that reads every row of a table, or every row of the sandbox by its key.
WALKS = re.compile(r"^SCAN \w+$|^SCAN \w+ USING|"
                   r"USING (COVERING )?INDEX sqlite_autoindex_\w+ \(sandbox_id=\?\)$")
# Stricter, for the lookups of resale items and of one subject's events: not even a walk of
# the sandbox along another index.
WALKS_ANY_INDEX = re.compile(r"^SCAN \w+|USING (COVERING )?INDEX \w+ \(sandbox_id=\?\)$")


def _recorded(store):
    statements: dict[str, tuple] = {}

    def record(conn, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith(
                ("SELECT", "UPDATE", "DELETE")):
            statements.setdefault(statement, tuple(parameters or ()))

    event.listen(store.engine, "before_cursor_execute", record)
    return statements, lambda: event.remove(store.engine, "before_cursor_execute", record)


# Statements that filter on more than the sandbox and still read all of it, by design.
WHOLE_SANDBOX = {
    "catalog_skus.stock > ?": "seeding orders takes every listed SKU with stock as its pool",
}


def _narrower_than_a_sandbox(statement: str) -> bool:
    sql = " ".join(statement.split())
    where = sql.partition(" WHERE ")[2].split(" ORDER BY ")[0]
    return " AND " in where and not any(marker in where for marker in WHOLE_SANDBOX)


def test_lookups_within_a_sandbox_use_an_index(store, sbx):
    statements, stop = _recorded(store)
    try:
        ok(sbx.post("/api/v1/test_helpers/seed", json={"products": 40, "buyers": 10}), 201)
        ok(sbx.post("/api/v1/test_helpers/seed", json={
            "orders": 30, "fulfilment": {"pending": 1, "packed": 1, "ready_to_ship": 2}}), 201)
        ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "P3D"}))
        products = ok(sbx.get("/api/v1/products", query_string={"limit": 20}))
        ok(sbx.get(f"/api/v1/products/{products['data'][0]['item_id']}"))
        orders = ok(sbx.get("/api/v1/orders", query_string={"limit": 50}))["data"]
        ok(sbx.get("/api/v1/orders", query_string={"status": "shipped", "limit": 5}))
        ok(sbx.get("/api/v1/orders", query_string={"delayed": "true", "sort_by": "updated_at"}))
        for order in orders:
            ok(sbx.get(f"/api/v1/orders/{order['order_id']}"))
            ok(sbx.get(f"/api/v1/orders/{order['order_id']}/items"))
        shipped = [order for order in orders if order["package_ids"]]
        assert shipped, "the scenario needs packed orders"
        for order in shipped[:5]:
            package = ok(sbx.get(f"/api/v1/packages/{order['package_ids'][0]}"))
            ok(sbx.get(f"/api/v1/tracking/{package['tracking_number']}"))
            ok(sbx.get(f"/api/v1/orders/{order['order_id']}/tracking"))
        numbers = [ok(sbx.get(f"/api/v1/packages/{order['package_ids'][0]}"))["tracking_number"]
                   for order in shipped[:5]]
        assert ok(sbx.post("/api/v1/tracking/reports",
                           json={"tracking_numbers": numbers}))["found_count"] == len(numbers)
        assert ok(sbx.get("/api/v1/tracking/reports", query_string={
            "from": "2026-01-05T00:00:00+00:00", "to": "2026-01-20T00:00:00+00:00"}))["found_count"]
        ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "P20D"}))
        ok(sbx.get("/api/v1/ledger"))
    finally:
        stop()

    assert len(statements) > 50, "the scenario recorded too little to judge"
    _assert_no_walks(store, statements)


def _assert_no_walks(store, statements: dict[str, tuple], strict_for: tuple[str, ...] = ()
                     ) -> None:
    """No statement narrower than a sandbox walks it; one whose conditions name any of
    ``strict_for`` walks it along no index either."""
    walks = []
    with store.engine.connect() as connection:
        for statement, parameters in statements.items():
            if not _narrower_than_a_sandbox(statement):
                continue
            plan = [row[3] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters).all()]
            sql = " ".join(statement.split())
            where = sql[sql.find(" FROM "):].split(" ORDER BY ")[0]
            strict = any(marker in where for marker in strict_for)
            walked = [line for line in plan
                      if (WALKS_ANY_INDEX if strict else WALKS).search(line)]
            if walked:
                walks.append((sql[sql.find(" FROM "):][:300], walked))
    assert not walks, "\n".join(f"{plan}: {sql}" for sql, plan in walks)


def test_resale_lookups_use_an_index(store, api):
    sbx = new_sandbox(api)
    statements, stop = _recorded(store)
    try:
        first, second = failed(sbx, 2)
        ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "P9D"}))
        for query in ({"state": "listed"}, {"sku_id": first["sku_id"]},
                      {"seller_sku": first["seller_sku"]}, {"order_id": first["order_id"]},
                      {"exit_reason": "window_expired"},
                      {"relisted_from": "2026-01-01T00:00:00Z", "limit": 1},
                      {"exited_from": "2026-01-01T00:00:00Z"}):
            ok(sbx.get("/api/v1/resale/items", query_string=query))
        ok(sbx.get(f"/api/v1/resale/items/{first['resale_item_id']}"))
        sold = ok(sbx.post(f"/api/v1/test_helpers/resale/items/{second['resale_item_id']}"
                           "/sell", json={}), 201)
        ok(sbx.get("/api/v1/resale/items", query_string={"order_id": sold["order_id"]}))
        ok(sbx.get("/api/v1/orders", query_string={"ever_failed_delivery": "true"}))
        ok(sbx.get(f"/api/v1/orders/{first['order_id']}/items/{first['order_item_id']}"
                   "/history"))
        ok(sbx.get(f"/api/v1/products/{first['item_id']}"))
    finally:
        stop()

    _assert_no_walks(store, statements,
                     strict_for=("resale_items.", "events.subject", "failed_delivery_at"))
