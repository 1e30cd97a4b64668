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

from tests.aftersales.support import REQUESTS, tiktok
from tests.conftest import DATABASE_URL
from tests.logistics.support import advance_by, new_sandbox
from tests.orders.support import ok
from tests.resale.support import failed

SQLITE = DATABASE_URL.startswith("sqlite")
sqlite_only = pytest.mark.skipif(not SQLITE, reason="EXPLAIN QUERY PLAN is SQLite's; "
                                                    "PostgreSQL plans by its statistics")

# A plan line that reads every row of a table, or every row of the sandbox by its key.
WALKS = re.compile(r"^SCAN \w+$|^SCAN \w+ USING|"
                   r"USING (COVERING )?INDEX sqlite_autoindex_\w+ \(sandbox_id=\?\)$")
# Stricter, for the lookups of resale items and of one subject's events: not even a walk of
# the sandbox along another index.
WALKS_ANY_INDEX = re.compile(r"^SCAN \w+|USING (COVERING )?INDEX \w+ \(sandbox_id=\?\)$|"
                             r"\(sandbox_id=\? AND seq>\?\)$")


def _recorded(store):
    statements: dict[str, tuple] = {}

    def record(conn, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith(
                ("SELECT", "UPDATE", "DELETE")):
            statements.setdefault(statement, parameters if isinstance(parameters, dict)
                                  else tuple(parameters or ()))

    event.listen(store.engine, "before_cursor_execute", record)
    return statements, lambda: event.remove(store.engine, "before_cursor_execute", record)


# Statements that filter on more than the sandbox and still read all of it, by design.
WHOLE_SANDBOX = {
    "catalog_skus.stock > ?": "seeding orders takes every listed SKU with stock as its pool",
    "webhook_endpoints.enabled IS 1": "the dispatcher reads the sandbox's few enabled "
                                      "endpoints with each claim (a delivery the test's flow "
                                      "made, or another test's left pending)",
}


def _narrower_than_a_sandbox(statement: str) -> bool:
    sql = " ".join(statement.split())
    where = sql.partition(" WHERE ")[2].split(" ORDER BY ")[0]
    return " AND " in where and not any(marker in where for marker in WHOLE_SANDBOX)


@sqlite_only
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


@sqlite_only
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
        ok(sbx.get("/api/v1/orders", query_string={"status": "failed_delivery"}))
        ok(sbx.get(f"/api/v1/orders/{first['order_id']}/timeline"))
        ok(sbx.get("/api/v1/events", query_string={"order_id": second["order_id"],
                                                   "type": "order.*"}))
        ok(sbx.get("/api/v1/events", query_string={
            "subject": f"resale_item:{first['resale_item_id']}",
            "occurred_from": "2026-01-01T00:00:00Z"}))
        ok(sbx.get(f"/api/v1/orders/{first['order_id']}/items/{first['order_item_id']}"
                   "/history"))
        ok(sbx.get(f"/api/v1/products/{first['item_id']}"))
    finally:
        stop()

    _assert_no_walks(store, statements,
                     strict_for=("resale_items.", "events.subject", "failed_delivery_at",
                                 "aftersales_requests.order_id", "packages.order_id"))


def test_the_sellers_queue_is_paged_from_its_index(store, api):
    """A page of the requests awaiting the seller, due before an instant or not, after a cursor
    or not, takes its ids from ix_aftersales_awaiting in id order and stops at the page: no
    sort of every request due before the instant (SQLite's choice when the statement reads
    whole rows), nothing read from the table but the page's rows. PostgreSQL plans by its
    statistics, which a test's tables do not have: there every scan but an index-only one is
    ruled out, so that the plan shows the index alone can answer which ids make the page,
    in order (no sort below the LIMIT), the deadline one of its conditions."""
    sbx = tiktok(api, policy_overrides={"aftersales.request_rate": {"rate": 1}})
    ok(sbx.post("/api/v1/test_helpers/seed", json={"products": 5, "buyers": 3}), 201)
    ok(sbx.post("/api/v1/test_helpers/seed", json={
        "orders": 3, "fulfilment": {"ready_to_ship": 1}}), 201)
    advance_by(sbx, "P7D")  # delivered, and their requests opened a little before
    statements, stop = _recorded(store)
    try:
        first = ok(sbx.get(REQUESTS, query_string={"awaiting_seller": "true", "limit": 1}))
        assert first["next_cursor"], "the scenario needs a queue of more than one request"
        for query in ({"after": first["next_cursor"]},
                      {"deadline_before": "2026-03-01T00:00:00Z"},
                      {"deadline_before": "2026-03-01T00:00:00Z", "after": first["next_cursor"]}):
            ok(sbx.get(REQUESTS, query_string={"awaiting_seller": "true", "limit": 1, **query}))
    finally:
        stop()

    pages = [(statement, parameters) for statement, parameters in statements.items()
             if "awaiting_seller" in statement and "aftersales_requests" in statement]
    assert len(pages) == 4
    with store.engine.connect() as connection:
        for statement, parameters in pages:
            plan = (_sqlite_plan if SQLITE else _postgres_plan)(connection, statement, parameters)
            deadline = "deadline_at <" in statement
            if SQLITE:
                assert any("USING COVERING INDEX ix_aftersales_awaiting (sandbox_id=? AND "
                           "awaiting_seller=?" in line for line in plan), plan
                assert not [line for line in plan if "TEMP B-TREE" in line], plan
            else:
                at = next(i for i, line in enumerate(plan) if "Limit" in line)
                assert "Index Only Scan using ix_aftersales_awaiting" in plan[at + 1], plan
                cond = plan[at + 2]
                assert "Index Cond" in cond and "awaiting_seller = true" in cond, plan
                assert ("deadline_at <" in cond) == deadline, plan


def _sqlite_plan(connection, statement: str, parameters) -> list[str]:
    return [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                         parameters).all()]


def _postgres_plan(connection, statement: str, parameters) -> list[str]:
    with connection.begin():
        for scan in ("seqscan", "bitmapscan", "indexscan"):
            connection.exec_driver_sql(f"SET LOCAL enable_{scan} = off")
        return [row[0] for row in connection.exec_driver_sql(
            "EXPLAIN (COSTS OFF) " + statement, parameters).all()]
