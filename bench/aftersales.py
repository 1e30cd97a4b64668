"""After-sales benchmark: journeys whose buyers open after-sales requests on the clock against the
same journeys without, and the seller's queue of requests as a sandbox grows.

    python bench/aftersales.py                      # 10,000 orders, 1,000 vs 100,000 requests
    python bench/aftersales.py --orders 1000 --large 10000     # smoke run
    python bench/aftersales.py --rounds 3           # three alternating rounds of the timers
    python bench/aftersales.py --profile advance    # cProfile of the after-sales run's advance

In one run, each sandbox a TikTok Shop sandbox on its own SQLite file, in process through Flask's
test client (bench/orders.py's sandbox, seeding, catalog and alternating rounds):

1. timers: 10,000 orders seeded and walked to ready to ship, then one advance of 30 days, in
   an orders-only sandbox and in an identical one with ``aftersales.request_rate`` 0.1 (a tenth
   of the delivered orders' buyers open a request an hour after delivery, by the policy's
   default type and reason weights, and every deadline of those requests passes with no
   seller action). Timers fired per second of each (the medians over ``--rounds``, the two
   alternating) and the ratio orders-only / after-sales, target <= 1.3. The after-sales
   sandbox's requests are then counted by type and state, with the deadline actions the
   system took (the timelines' SYSTEM steps): the bench stops if no request opened or no
   deadline fired.
2. the seller's queue: ``GET /api/v1/aftersales/requests?awaiting_seller=true`` on a sandbox of
   1,000 requests and on one of 100,000 (``--large``). The 1,000 are made by the domain: 1,000
   orders at ``aftersales.request_rate`` 1 in ten daily blocks, the clock stopped when the two
   newest blocks' requests await the seller. The large sandbox is a copy of that database whose
   requests are then repeated, with ids drawn from the sandbox's counter after the last, until
   it holds ``--large``: the same rows the domain wrote (states, deadlines, timelines), written
   by the store's bulk insert, since 100,000 delivered orders would take many minutes. Probes:
   the first page, the next page by cursor, a page from the middle of the queue by cursor, and
   the first page with ``deadline_before`` (half the queue's deadlines are before it), each
   alternating between the two sandboxes (bench/orders.py's ``compare_probes``); target: the
   median at the large size within 1.3x of the median at 1,000.

Not a test: it prints a table (metric, figure, target, PASS/BELOW) and exits 0 unless it breaks.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path, where bench/http.py would stand
# in for the standard library's http package.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.common import ROWS, Row, log, print_table  # noqa: E402
from bench.orders import (  # noqa: E402
    Bench,
    alternating_medians,
    catalog_for,
    compare_probes,
    ratio_row,
    timed_journeys,
)
from mockplatform.aftersales.models import REQUEST_IDS, AfterSalesRequest  # noqa: E402
from mockplatform.store import bulk  # noqa: E402
from mockplatform.store.models import Sandbox  # noqa: E402

RATIO_TARGET = 1.3
DAYS = 30
RATE = 0.1
TIKTOK = {"platform": "tiktok_shop", "market": "MY", "seed": 11}
REQUESTS = "/api/v1/aftersales/requests"
ORDERS_ONLY, AFTERSALES = "orders only", f"after-sales {RATE:.0%}"
# The queue's sandbox: orders placed in daily blocks, each block's requests opened about six
# days later (delivery, then the policy's delay). A week after the last block the two newest
# blocks' requests await the seller's answer (return.seller_response, 2 days); the older ones
# were approved by their deadline and wait for the buyer or are closed.
BLOCKS = 10
SETTLE = "P7D"
# Before this much after the queue's now: the older of the two blocks awaiting the seller.
SOON = timedelta(hours=12)


def tiktok(rate: float | None) -> dict:
    overrides = {} if rate is None else {"aftersales.request_rate": {"rate": rate}}
    return {**TIKTOK, "policy_overrides": overrides}


# -- 1. timers fired per second, with and without after-sales ----------------------------------------

def all_requests(bench: Bench) -> list[dict]:
    found, cursor = [], None
    while True:
        page = bench.get(REQUESTS, limit=100, **({"after": cursor} if cursor else {}))
        found += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def counted(counter: Counter) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())


def report_requests(bench: Bench, orders: int) -> None:
    """Rows of what the buyers opened and what the deadlines did; stop if nothing happened."""
    requests = all_requests(bench)
    steps = Counter(step["step"] for request in requests for step in request["timeline"]
                    if step["role"] == "SYSTEM")
    ROWS.append(Row(f"requests opened ({AFTERSALES} of {orders:,} orders), by type",
                    f"{len(requests):,}: {counted(Counter(r['type'] for r in requests))}"))
    ROWS.append(Row("  by state after the advance",
                    counted(Counter(r["state"] for r in requests))))
    ROWS.append(Row("  deadline actions (system steps)", counted(steps)))
    if not requests or not steps:
        raise RuntimeError(f"the after-sales run opened {len(requests)} requests and fired "
                           f"{sum(steps.values())} deadlines: it measures nothing")


def bench_timers(tmp: str, orders: int, rounds: int, profile: bool) -> None:
    def run(label: str, rate: float | None) -> Callable[[int], dict[str, float]]:
        def one(number: int) -> dict[str, float]:
            timed = timed_journeys(label, f"sqlite:///{tmp}/{label[0]}{number}.db", orders,
                                   tiktok(rate), DAYS, profile and rate is not None)
            try:
                if rate is not None and number == rounds - 1:
                    report_requests(timed.bench, orders)
            finally:
                timed.bench.close()
            return {"wall": timed.per_second, "cpu": timed.per_cpu_second}
        return one

    rates = alternating_medians(rounds, {ORDERS_ONLY: run(ORDERS_ONLY, None),
                                         AFTERSALES: run(AFTERSALES, RATE)})
    plain, aftersales = rates[ORDERS_ONLY], rates[AFTERSALES]
    ROWS.append(ratio_row(f"{ORDERS_ONLY} / {AFTERSALES} timers per second (medians of "
                          f"{rounds})", f"{plain['wall']:,.0f} / {aftersales['wall']:,.0f}",
                          plain["wall"] / aftersales["wall"], RATIO_TARGET))
    ratio = plain["cpu"] / aftersales["cpu"]
    ROWS.append(Row("  the same per CPU second (less machine noise)",
                    f"{plain['cpu']:,.0f} / {aftersales['cpu']:,.0f} (x{ratio:.2f})"))


# -- 2. the seller's queue as a sandbox grows ----------------------------------------------------------

def queue(url: str, requests: int) -> tuple[Bench, datetime]:
    """A sandbox whose buyers opened ``requests`` requests (one per order) in daily blocks,
    SETTLE after the last: the sandbox, and its clock's instant."""
    bench = Bench(url, tiktok(1))
    bench.seed(**catalog_for(requests))
    started = time.perf_counter()
    for block in range(BLOCKS):
        if block:
            bench.advance("P1D")
        bench.seed(orders=requests // BLOCKS, fulfilment={"ready_to_ship": 1})
    now = bench.advance(SETTLE)["clock"]["now"]
    log(f"{requests:,} orders in {BLOCKS} daily blocks, their requests opened, in "
        f"{time.perf_counter() - started:.1f} s")
    return bench, datetime.fromisoformat(now)


def repeat_requests(bench: Bench, total: int) -> int:
    """Repeat the sandbox's requests, new ids drawn after the last, until it holds ``total``:
    how many it holds."""
    table = AfterSalesRequest.__table__
    with bench.store.transaction() as session:
        rows = [dict(row) for row in session.execute(
            select(table).where(table.c.sandbox_id == bench.sandbox_id)
            .order_by(table.c.aftersales_id)).mappings()]
        copies = max(0, total // len(rows) - 1)
        sandbox = session.get(Sandbox, bench.sandbox_id)
        counters = dict(sandbox.counters)
        ids = iter(REQUEST_IDS.draw(counters, sandbox.seed, copies * len(rows)))
        sandbox.counters = counters
        for _ in range(copies):
            bulk.insert_rows(session.connection(), table,
                             [{**row, "aftersales_id": next(ids)} for row in rows])
    return len(rows) * (copies + 1)


def queue_split(bench: Bench) -> str:
    """The sandbox's requests by state, those awaiting the seller marked."""
    table = AfterSalesRequest.__table__
    with bench.store.transaction(write=False) as session:
        found = session.execute(
            select(table.c.state, table.c.awaiting_seller, func.count())
            .where(table.c.sandbox_id == bench.sandbox_id)
            .group_by(table.c.state, table.c.awaiting_seller)).all()
    return ", ".join(f"{state}{' (awaiting seller)' if awaiting else ''} {count:,}"
                     for state, awaiting, count in sorted(found, key=lambda r: -r[2]))


def middle_of_queue(bench: Bench) -> int:
    """The id of the request halfway down the seller's queue."""
    table = AfterSalesRequest.__table__
    where = (table.c.sandbox_id == bench.sandbox_id) & table.c.awaiting_seller.is_(True)
    with bench.store.transaction(write=False) as session:
        count = session.scalar(select(func.count()).where(where))
        return session.scalar(select(table.c.aftersales_id).where(where)
                              .order_by(table.c.aftersales_id).offset(count // 2).limit(1))


def queue_probes(bench: Bench, now: datetime) -> dict[str, Callable[[int], object]]:
    def listed(**query) -> Callable[[int], object]:
        return lambda _i: bench.get(REQUESTS, awaiting_seller="true", limit=100, **query)

    first = bench.get(REQUESTS, awaiting_seller="true", limit=100)
    probes = {
        "awaiting_seller, first page": listed(),
        "awaiting_seller, next page (cursor)": listed(after=first["next_cursor"]),
        "awaiting_seller, mid-queue page (cursor)": listed(after=middle_of_queue(bench)),
        "awaiting_seller + deadline_before": listed(
            deadline_before=(now + SOON).isoformat()),
    }
    log("rows a probe answers: " + ", ".join(
        f"{name.split(', ')[-1]} {len(probe(0)['data'])}" for name, probe in probes.items()))
    return probes


def copy_database(source: str, target: str) -> None:
    """SQLite's online backup: the committed database, the WAL's pages included."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def bench_queue(tmp: str, small: int, large: int, rounds: int) -> None:
    bench, now = queue(f"sqlite:///{tmp}/queue-small.db", small)
    benches = [bench]
    try:
        copy_database(f"{tmp}/queue-small.db", f"{tmp}/queue-large.db")
        benches.append(Bench(f"sqlite:///{tmp}/queue-large.db", of=bench))
        started = time.perf_counter()
        held = repeat_requests(benches[1], large)
        log(f"large sandbox: {held:,} requests, repeated in {time.perf_counter() - started:.1f} s")
        for size, side in zip((small, held), benches, strict=True):
            ROWS.append(Row(f"queue sandbox of {size:,} requests", queue_split(side)))
        compare_probes([queue_probes(side, now) for side in benches], rounds,
                       f"{small:,} / {held:,} requests")
    finally:
        for side in benches:
            side.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000,
                        help="orders walked to delivery in each timers run (10,000)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="timers runs of each kind, alternating; medians compared (1)")
    parser.add_argument("--small", type=int, default=1_000, help="requests of the small queue")
    parser.add_argument("--large", type=int, default=100_000, help="requests of the large queue")
    parser.add_argument("--calls", type=int, default=100, help="calls per queue probe")
    parser.add_argument("--skip-timers", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    parser.add_argument("--profile", choices=["advance"],
                        help="also print a cProfile of the after-sales run's advance")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"mockplatform after-sales bench: python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cpus, {args.orders:,} orders, {args.rounds} round(s), "
          f"{args.small:,} vs {args.large:,} requests", flush=True)
    tmp = tempfile.mkdtemp(prefix="mp-bench-aftersales-")
    try:
        if not args.skip_timers:
            log(f"1. {args.orders:,} journeys + {DAYS} days: {ORDERS_ONLY} and {AFTERSALES}")
            bench_timers(tmp, args.orders, args.rounds, args.profile == "advance")
        if not args.skip_queue:
            log(f"2. the seller's queue: {args.small:,} vs {args.large:,} requests")
            bench_queue(tmp, args.small, args.large, args.calls)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table()
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
