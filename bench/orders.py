"""Orders benchmarks: list and get latency as a sandbox grows, and whole journeys on the clock.

    python bench/orders.py                  # full run (SQLite file and PostgreSQL; long)
    python bench/orders.py --quick          # smoke run: 1,000 vs 10,000 orders, 1,000 journeys
    python bench/orders.py --skip-postgres
    python bench/orders.py --profile advance   # cProfile of the journeys' advance (also: seed)

Not a test: it prints a table (metric, figure, target, PASS/BELOW) and exits 0 unless it breaks.
Everything goes through the native API with Flask's test client, in process.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path, where bench/http.py would stand
# in for the standard library's http package.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    POSTGRES_URL,
    ROWS,
    Row,
    log,
    note,
    postgres_reachable,
    postgres_vacuum,
    print_table,
    profiled,
)
from mockplatform.app import create_app  # noqa: E402
from mockplatform.settings import Settings  # noqa: E402

LATENCY_RATIO_TARGET = 1.3
TIMERS_TARGET = 10_000
SEED_CHUNK = 10_000  # the most orders one seed call places
ALTERNATIONS = 10  # rounds of each latency probe, alternating between the two sandboxes
SPEC = {"platform": "lazada", "market": "MY", "seed": 11}
# Pending and packed orders: every list filter has something to find, and no journey runs
# while the big sandbox is filled.
LATENCY_MIX = {"pending": 8, "packed": 2}
# Both sandboxes start at 2026-01-05T01:00Z (Monday 09:00 in MY); the big one's orders are
# placed over the next 9 hours. At this instant every order is past its warning point (24 h
# before its ready-to-ship deadline, Wednesday 09:00-18:00 MYT) and none is canceled yet: the
# delayed view has pages to show.
LATENCY_CLOCK = "2026-01-06T16:00:00+00:00"


class Bench:
    """One app on one database, one sandbox in it, and its bound caller."""

    def __init__(self, url: str, spec: dict | None = None, *, of: Bench | None = None):
        """A new sandbox of ``spec``; with ``of``, that bench's sandbox instead, found in
        ``url`` (a copy of its database)."""
        self.app = create_app(Settings(database_url=url))
        self.client = self.app.test_client()
        if of is None:
            created = self._ok(self.client.post("/api/v1/sandboxes", json=spec or SPEC), 201)
            self.sandbox_id = created["id"]
            self.headers = {"Authorization": f"Bearer {created['credentials']['api_key']}"}
        else:
            self.sandbox_id, self.headers = of.sandbox_id, of.headers

    @property
    def store(self):
        return self.app.extensions["mockplatform"]["store"]

    def _ok(self, response, status: int = 200) -> dict:
        if response.status_code != status:
            raise RuntimeError(f"{response.request.method} {response.request.path}: "
                               f"{response.status_code} {response.get_data(as_text=True)[:500]}")
        return response.get_json()

    def get(self, path: str, **query) -> dict:
        return self._ok(self.client.get(path, query_string=query, headers=self.headers))

    def post(self, path: str, body: dict, status: int = 200) -> dict:
        return self._ok(self.client.post(path, json=body, headers=self.headers), status)

    def seed(self, **body) -> dict:
        return self.post("/api/v1/test_helpers/seed", body, 201)

    def advance(self, by: str) -> dict:
        return self.post(f"/api/v1/sandboxes/{self.sandbox_id}/clock/advance", {"by": by})

    def close(self) -> None:
        try:  # leave no rows behind in a shared database
            self.client.delete(f"/api/v1/sandboxes/{self.sandbox_id}", headers=self.headers)
        finally:
            self.store.dispose()


def seed_orders(bench: Bench, count: int, fulfilment: dict[str, int], *,
                hour_apart: bool = False) -> tuple[list[int], float]:
    """``count`` orders in calls of at most SEED_CHUNK; their ids and the seconds it took. With
    ``hour_apart`` the clock moves an hour between calls, so creation times differ."""
    started, ids = time.perf_counter(), []
    for start in range(0, count, SEED_CHUNK):
        if hour_apart and start:
            bench.advance("PT1H")
        summary = bench.seed(orders=min(SEED_CHUNK, count - start),
                             fulfilment=fulfilment)["orders"]
        ids += range(summary["first_id"], summary["last_id"] + 1)
    return ids, time.perf_counter() - started


def catalog_for(orders: int) -> dict[str, int]:
    """Products enough that the listed stock outlasts the orders: about 160 units a product,
    an order takes 1.6 on average; 10,000 products (the most one call makes) serve 100,000."""
    return {"products": min(10_000, max(200, orders // 10)), "buyers": 2_000}


# -- 1. list and get latency -------------------------------------------------------------------

def latency_probes(bench: Bench, ids: list[int]) -> dict[str, Callable[[int], object]]:
    draw = random.Random(5)
    first_page = bench.get("/api/v1/orders", limit=100)
    newest = bench.get("/api/v1/orders", limit=1)["data"][0]["created_at"]
    return {
        "list, newest first": lambda _i: bench.get("/api/v1/orders", limit=100),
        "list, next page (cursor)": lambda _i: bench.get(
            "/api/v1/orders", limit=100, after=first_page["next_cursor"]),
        "list, updated_at ascending": lambda _i: bench.get(
            "/api/v1/orders", limit=100, sort_by="updated_at", sort_direction="asc"),
        "list, status=packed": lambda _i: bench.get("/api/v1/orders", limit=100,
                                                    status="packed"),
        "list, status=canceled (none)": lambda _i: bench.get("/api/v1/orders", limit=100,
                                                             status="canceled"),
        "list, created_after (last hour)": lambda _i: bench.get(
            "/api/v1/orders", limit=100, created_after=newest),
        "list, delayed": lambda _i: bench.get("/api/v1/orders", limit=100, delayed="true"),
        "get order": lambda _i: bench.get(f"/api/v1/orders/{draw.choice(ids)}"),
        "get order items": lambda _i: bench.get(f"/api/v1/orders/{draw.choice(ids)}/items"),
    }


def filled(url: str, count: int) -> tuple[Bench, list[int]]:
    """A sandbox of ``count`` pending and packed orders, created an hour apart in blocks."""
    bench = Bench(url)
    bench.seed(**catalog_for(count))
    ids, seconds = seed_orders(bench, count, LATENCY_MIX, hour_apart=True)
    log(f"seeded {count:,} orders in {seconds:.1f} s ({count / seconds:,.0f}/s)")
    ROWS.append(Row(f"seed {count:,} orders (pending/packed), SQLite file",
                    f"{seconds:.1f} s ({count / seconds:,.0f}/s)"))
    return bench, ids


def compare_probes(probes: list[dict[str, Callable[[int], object]]], rounds: int,
                   sizes: str) -> None:
    """One row per probe: its median on the small sandbox and on the large one (``probes[0]``
    and ``probes[1]``, the same names) and their ratio, against LATENCY_RATIO_TARGET. Each
    probe alternates between the two in ALTERNATIONS short rounds of ``rounds`` calls in all:
    this machine's speed drifts by up to 2x within seconds, so measuring one size after the
    other would compare the drift, not the sizes."""
    per_round = max(1, rounds // ALTERNATIONS)
    for name in probes[0]:
        timings: list[list[float]] = [[], []]
        for side_probes in probes:
            for i in range(10):  # warm caches and the statement cache
                side_probes[name](i)
        for _ in range(ALTERNATIONS):
            for side, side_probes in enumerate(probes):
                for i in range(per_round):
                    start = time.perf_counter()
                    side_probes[name](i)
                    timings[side].append((time.perf_counter() - start) * 1000)
        small_ms, large_ms = (statistics.median(t) for t in timings)
        ROWS.append(ratio_row(f"{name}: median at {sizes}",
                              f"{small_ms:.2f} / {large_ms:.2f} ms", large_ms / small_ms,
                              LATENCY_RATIO_TARGET))


def ratio_row(metric: str, figures: str, ratio: float, target: float) -> Row:
    """A row comparing two figures measured in the same run: PASS when ``ratio`` <= ``target``."""
    return Row(metric, f"{figures} (x{ratio:.2f})", f"<= x{target}",
               "PASS" if ratio <= target else "BELOW")


def bench_latency(tmp: str, small: int, large: int, rounds: int) -> None:
    """Both sandboxes stay open while the probes alternate between them (``compare_probes``)."""
    benches = [filled(f"sqlite:///{tmp}/latency-{n}.db", n) for n in (small, large)]
    try:
        for bench, _ in benches:
            fired = bench.post(f"/api/v1/sandboxes/{bench.sandbox_id}/clock/advance",
                               {"to": LATENCY_CLOCK})["timers_fired"]
            log(f"clock moved to {LATENCY_CLOCK}: {fired:,} timers fired")
        compare_probes([latency_probes(bench, ids) for bench, ids in benches], rounds,
                       f"{small:,} / {large:,} orders")
    finally:
        for bench, _ in benches:
            bench.close()


# -- 2. whole journeys on the clock --------------------------------------------------------------

def bench_journeys(label: str, url: str, count: int, profile: str | None,
                   target: bool) -> None:
    bench = Bench(url)
    try:
        bench.seed(**catalog_for(count))
        def run():
            return seed_orders(bench, count, {"ready_to_ship": 1})

        _, seconds = profiled(f"seed {count:,} journeys ({label})", run) \
            if profile == "seed" else run()
        ROWS.append(Row(f"seed {count:,} orders, ready to ship, {label}",
                        f"{seconds:.1f} s ({count / seconds:,.0f}/s)"))
        pending = bench.get(f"/api/v1/sandboxes/{bench.sandbox_id}/clock")["timers_pending"]
        log(f"{label}: {count:,} orders ready to ship in {seconds:.1f} s, {pending:,} timers "
            f"pending")
        start = time.perf_counter()
        answer = profiled(f"advance 30 days over {count:,} journeys ({label})",
                          lambda: bench.advance("P30D")) if profile == "advance" \
            else bench.advance("P30D")
        elapsed = time.perf_counter() - start
        fired = answer["timers_fired"]
        rate = fired / elapsed
        figure = f"{rate:,.0f} /s ({fired:,} in {elapsed:.1f} s)"
        ROWS.append(Row(f"timers fired, {count:,} journeys + 30 days, {label}", figure,
                        f">= {TIMERS_TARGET:,} /s" if target else "-",
                        ("PASS" if rate >= TIMERS_TARGET else "BELOW") if target else "info"))
        ROWS.append(Row(f"seed + advance, total, {label}", f"{seconds + elapsed:.1f} s"))
        statuses = bench.get("/api/v1/orders", limit=1)["data"][0]["statuses"]
        log(f"{label}: {fired:,} timers in {elapsed:.1f} s; newest order now {statuses}")
    finally:
        bench.close()


class Journeys(NamedTuple):
    """Timers fired per second of an advance, of wall time and of this process's CPU time (on a
    shared machine the second drifts less: other processes take the CPU, not its seconds), and
    the sandbox."""

    per_second: float
    per_cpu_second: float
    bench: Bench


def timed_journeys(label: str, url: str, count: int, spec: dict, days: int, profile: bool
                   ) -> Journeys:
    """Seed ``count`` orders to ready to ship in a new sandbox of ``spec``, then advance ``days``
    days: a row of timers fired per second, the rates, and the sandbox (left open: close it)."""
    bench = Bench(url, spec)
    bench.seed(**catalog_for(count))
    _, seeded = seed_orders(bench, count, {"ready_to_ship": 1})
    start, cpu = time.perf_counter(), time.process_time()
    answer = profiled(f"advance {days} days, {label}", lambda: bench.advance(f"P{days}D")) \
        if profile else bench.advance(f"P{days}D")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    fired = answer["timers_fired"]
    log(f"{label}: seeded {count:,} in {seeded:.1f} s; {fired:,} timers in {elapsed:.1f} s "
        f"({fired / elapsed:,.0f}/s), {cpu:.1f} s of CPU")
    ROWS.append(Row(f"timers fired, {count:,} journeys + {days} days, {label}",
                    f"{fired / elapsed:,.0f} /s ({fired:,} in {elapsed:.1f} s, {cpu:.1f} s CPU)"))
    return Journeys(fired / elapsed, fired / cpu, bench)


def alternating_medians(rounds: int, runs: dict[str, Callable[[int], dict[str, float]]]
                        ) -> dict[str, dict[str, float]]:
    """Each of ``runs`` in turn (given the round's number), ``rounds`` times: the median of each
    figure each one returns, by name. Alternating, every kind of run sees the same drift of a
    shared machine."""
    figures: dict[str, list[dict[str, float]]] = {label: [] for label in runs}
    for number in range(rounds):
        for label, run in runs.items():
            log(f"round {number + 1}: {label}")
            figures[label].append(run(number))
    return {label: {name: statistics.median(one[name] for one in values) for name in values[0]}
            for label, values in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000 vs 10,000 orders for latency, 1,000 journeys")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-journeys", action="store_true")
    parser.add_argument("--large", type=int, help="orders of the big sandbox (default 100000)")
    parser.add_argument("--journeys", type=int, help="orders walked to ready to ship "
                                                     "(default 10000)")
    parser.add_argument("--rounds", type=int, default=100, help="calls per latency probe")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                  POSTGRES_URL))
    parser.add_argument("--profile", choices=["seed", "advance"],
                        help="also print a cProfile of that part of the journeys")
    args = parser.parse_args(argv)
    large = args.large or (10_000 if args.quick else 100_000)
    journeys = args.journeys or (1_000 if args.quick else 10_000)
    started = time.perf_counter()
    print(f"mockplatform orders bench: python {sys.version.split()[0]}, {os.cpu_count()} cpus"
          f"{', quick' if args.quick else ''}", flush=True)
    tmp = tempfile.mkdtemp(prefix="mp-bench-orders-")
    try:
        if not args.skip_latency:
            log(f"1. list and get latency: 1,000 vs {large:,} orders (SQLite file)")
            bench_latency(tmp, 1_000, large, args.rounds)
        if not args.skip_journeys:
            log(f"2. {journeys:,} journeys, then 30 days (SQLite file)")
            bench_journeys("SQLite file", f"sqlite:///{tmp}/journeys.db", journeys,
                           args.profile, True)
            problem = None if args.skip_postgres else postgres_reachable(args.postgres_url)
            if args.skip_postgres or problem:
                ROWS.append(Row("timers fired, PostgreSQL", "skipped", "-", "skip"))
                if problem:
                    note(f"PostgreSQL at {args.postgres_url.split('@')[-1]} unreachable: "
                         f"{problem}")
            else:
                log(f"2. {journeys:,} journeys, then 30 days (PostgreSQL)")
                try:
                    bench_journeys("PostgreSQL", args.postgres_url, journeys, args.profile,
                                   False)
                finally:
                    try:
                        postgres_vacuum(args.postgres_url, tables=(), analyze=False)
                    except Exception as exc:  # noqa: BLE001
                        note(f"VACUUM failed: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table()
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
