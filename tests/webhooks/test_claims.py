"""Claims: a dispatcher leases what is due in one statement that says what it took. Several
processes' dispatchers (the sender process, and the workers once it is gone) claim the same
sandbox at once, and no delivery is taken by two of them."""

from __future__ import annotations

import threading

from sqlalchemy import select

from mockplatform.control.webhooks import dispatcher as dispatching
from mockplatform.control.webhooks.models import PENDING, WebhookDelivery
from tests.webhooks.test_routes import UNREACHABLE, _place, shop  # noqa: F401 - the fixture


def test_dispatchers_of_several_processes_never_claim_the_same_delivery(shop, app, store,  # noqa: F811
                                                                        monkeypatch):
    # The app's own dispatcher (its threads, woken by the orders below) claims nothing here.
    monkeypatch.setattr(app.extensions["mockplatform"]["webhooks"], "_claim",
                        lambda sandbox_id: [])
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

    # Each its own dispatcher (its own claiming lock), as in processes of their own.
    claimers = [dispatching.Dispatcher(store, threads=0) for _ in range(4)]
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

    seqs = [seq for mine in taken for seq, _token in mine]
    assert sorted(seqs) == pending  # every one, once
    with store.transaction(write=False) as session:
        leases = dict(session.execute(select(WebhookDelivery.seq, WebhookDelivery.lease_token)
                                      .where(WebhookDelivery.sandbox_id == sandbox_id)).all())
    assert {seq: leases[seq] for mine in taken for seq, _ in mine} == {
        seq: token for mine in taken for seq, token in mine}  # held by who says it took them
