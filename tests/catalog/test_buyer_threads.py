"""Generated buyers are the same whatever the concurrency (SQLite and PostgreSQL).

Faker instances are reseeded for every buyer; one shared between threads let a thread reseed it
while another was drawing from it, and the second buyer came out of the first one's stream.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import buyers, seeding
from mockplatform.catalog.models import Buyer
from mockplatform.control import sandboxes
from mockplatform.engine.context import SandboxContext

MARKETS = ("MY", "SG", "TH", "VN", "PH", "ID")  # names and addresses from Faker, or the fixtures
THREADS = 8
BUYERS = 400


@contextmanager
def _switching_often() -> Iterator[None]:
    """Threads switch every 10 microseconds rather than every 5 ms, so that two buyers' draws
    interleave wherever they can."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _in_threads(work: Callable[[int], Any]) -> list[Any]:
    """``work(part)`` for each part in its own thread, all started at once; the results by part."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def run(part: int) -> None:
        try:
            barrier.wait()
            results[part] = work(part)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(part,)) for part in range(THREADS)]
    with _switching_often():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_buyers_generated_by_threads_are_those_of_the_serial_run():
    keys = [(7, MARKETS[i % len(MARKETS)], 1000 + i) for i in range(BUYERS)]
    serial = {key: buyers.generate(*key) for key in keys}
    parts = _in_threads(lambda part: {key: buyers.generate(*key) for key in keys[part::THREADS]})
    threaded = {key: profile for part in parts for key, profile in part.items()}
    assert len(threaded) == BUYERS
    different = [key for key in keys if threaded[key] != serial[key]]
    assert not different, f"{len(different)} of {BUYERS} buyers differ, first {different[:3]}"


def test_buyers_seeded_in_concurrent_units_of_work_are_those_of_a_serial_run(store, settings):
    """Eight sandboxes seeded with 50 buyers each at once (in parallel on PostgreSQL, queued on
    SQLite), and eight of the same seeds and markets seeded one after the other."""

    def create(part: int) -> str:
        with store.transaction() as session:
            ctx = sandboxes.create(session, settings, {
                "platform": "lazada", "market": MARKETS[part % len(MARKETS)], "seed": 40 + part})
            ctx.finish()
            return ctx.sandbox.id

    def seed(sandbox_id: str) -> list[dict[str, str]]:
        with store.transaction() as session:
            ctx = SandboxContext(session, sandboxes.get(session, sandbox_id), settings)
            ctx.catch_up()
            seeding.seed(ctx, products=0, buyers_count=BUYERS // THREADS)
            ctx.finish()
        with store.transaction(write=False) as session:
            rows = session.scalars(select(Buyer).where(Buyer.sandbox_id == sandbox_id)
                                   .order_by(Buyer.buyer_id)).all()
            return [{"buyer_id": row.buyer_id, **{name: getattr(row, name)
                                                   for name in buyers.FIELDS}} for row in rows]

    serial = [seed(create(part)) for part in range(THREADS)]
    concurrent = [create(part) for part in range(THREADS)]
    threaded = _in_threads(lambda part: seed(concurrent[part]))
    assert [len(rows) for rows in threaded] == [BUYERS // THREADS] * THREADS
    assert threaded == serial
