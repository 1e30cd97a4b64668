"""Claims: a dispatcher leases what is due in one statement that says what it took. Several
processes' dispatchers (the sender process, and the workers once it is gone) claim the same
sandbox at once, and no delivery is taken by two of them."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from mockplatform.control.webhooks import dispatcher as dispatching
from mockplatform.control.webhooks.models import PENDING, WebhookDelivery
from tests.conftest import DATABASE_URL
from tests.webhooks.test_routes import UNREACHABLE, _place, shop  # noqa: F401 - the fixture

AT = datetime(2026, 1, 5, tzinfo=UTC)


def test_dispatchers_of_several_processes_never_claim_the_same_delivery(shop, store,  # noqa: F811
                                                                        monkeypatch):
    # Each its own dispatcher (its own claiming lock), as in processes of their own. Every
    # other dispatcher of this process claims nothing meanwhile: the app's, woken by the orders
    # below, and under PostgreSQL those of other tests' servers, whose threads poll the same
    # database.
    claimers = [dispatching.Dispatcher(store, threads=0) for _ in range(4)]
    claim_now = dispatching.Dispatcher._claim
    monkeypatch.setattr(dispatching.Dispatcher, "_claim", lambda self, sandbox_id: (
        claim_now(self, sandbox_id) if any(self is mine for mine in claimers) else []))
    answer = shop.post(f"{shop.base}/webhook_endpoints", json={"url": UNREACHABLE,
                                                               "event_types": ["*"]})
    assert answer.status_code == 201, answer.get_json()
    for _ in range(70):
        _place(shop)
    sandbox_id = shop.base.rsplit("/", 1)[1]
    with store.transaction(write=False) as session:
        pending = sorted(session.scalars(select(WebhookDelivery.seq).where(
            WebhookDelivery.sandbox_id == sandbox_id, WebhookDelivery.status == PENDING)))
    assert len(pending) > dispatching.BATCH  # two claims at least

    taken: list[list[tuple[int, str]]] = [[] for _ in claimers]
    start = threading.Barrier(len(claimers))

    def claim(number: int) -> None:
        start.wait()
        while batch := claimers[number]._claim(sandbox_id):
            taken[number] += [(work.delivery[0], work.token) for work in batch]

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(len(claimers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    leases = _leases(store, sandbox_id)
    # (Gone with its deliveries: no other test's dispatcher sends them once their leases lapse.)
    assert shop.delete(shop.base).status_code == 200

    seqs = [seq for mine in taken for seq, _token in mine]
    assert sorted(seqs) == pending  # every one, once
    assert {seq: leases[seq] for mine in taken for seq, _ in mine} == {
        seq: token for mine in taken for seq, token in mine}  # held by who says it took them


def _leases(store, sandbox_id: str) -> dict[int, str | None]:
    with store.transaction(write=False) as session:
        return dict(session.execute(select(WebhookDelivery.seq, WebhookDelivery.lease_token)
                                    .where(WebhookDelivery.sandbox_id == sandbox_id)).all())


@pytest.mark.skipif(not DATABASE_URL.startswith("sqlite"),
                    reason="EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
def test_a_claim_reads_the_first_batch_of_a_backlog_and_no_more(store):
    """The due deliveries are read in the due index's order (no sort of the whole backlog) and
    taken by primary key (no walk of every due delivery): a claim costs the same behind a
    backlog of 100,000 as behind one of 100."""
    params = {"b_sandbox": "sbx_x", "b_now": AT, "b_wall": AT, "b_endpoints": [1],
              "b_token": "t", "b_until": AT}
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with store.engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", record)
        try:
            connection.execute(dispatching._TAKE, params)
        finally:
            event.remove(connection, "before_cursor_execute", record)
        statement, parameters = statements[-1]
        plan = [row[3] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters)]
        connection.rollback()

    assert plan[0].startswith("SEARCH webhook_deliveries USING INDEX sqlite_autoindex_"), plan
    assert plan[0].endswith("(sandbox_id=? AND seq=?)"), plan
    assert any("ix_webhook_deliveries_due" in step for step in plan[1:]), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


class _Interrupted:
    """A store whose ``at``-th transaction first runs ``meanwhile`` (another request)."""

    def __init__(self, store, at: int, meanwhile):
        self._store, self._count, self._at, self._meanwhile = store, 0, at, meanwhile

    def __getattr__(self, name):
        return getattr(self._store, name)

    @contextmanager
    def transaction(self, **kw):
        self._count += 1
        if self._count == self._at:
            self._meanwhile()
        with self._store.transaction(**kw) as session:
            yield session


def test_a_claim_whose_sandbox_is_reset_before_it_reads_the_events_sends_nothing(
        shop, store, monkeypatch):  # noqa: F811
    """A reset numbers the sandbox's events from 1 again: the events a claim renders are those
    of the deliveries it still holds, never a new event that took an old number."""
    mine = dispatching.Dispatcher(store, threads=0)
    claim_now = dispatching.Dispatcher._claim
    monkeypatch.setattr(dispatching.Dispatcher, "_claim", lambda self, sandbox_id: (
        claim_now(self, sandbox_id) if self is mine else []))
    subscribe = {"url": UNREACHABLE, "event_types": ["order.created"]}
    assert shop.post(f"{shop.base}/webhook_endpoints", json=subscribe).status_code == 201
    _place(shop)
    sandbox_id = shop.base.rsplit("/", 1)[1]

    def reset_and_order_again():
        assert shop.post(f"{shop.base}/reset").status_code == 200
        assert shop.post("/api/v1/products", json={"name": "Mug", "skus": [
            {"seller_sku": "MUG-1", "price": "20.00", "stock": 100}]}).status_code == 201
        assert shop.post(f"{shop.base}/webhook_endpoints", json=subscribe).status_code == 201
        _place(shop)

    # Its transactions: the clock and what is due (read), the claim (write), the events (read).
    mine.store = _Interrupted(store, 3, reset_and_order_again)
    try:
        claimed = mine._claim(sandbox_id)
    finally:
        mine.store = store
    assert claimed == []
    assert len(mine._claim(sandbox_id)) == 1  # the new order's, in its own time
    assert shop.delete(shop.base).status_code == 200
