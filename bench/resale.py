"""Resale benchmark: journeys with failed deliveries on the clock against the same journeys
without failures, and the Resale Overview at that size.

    python bench/resale.py                      # 10,000 orders, 90 days
    python bench/resale.py --orders 1000        # smoke run
    python bench/resale.py --profile advance    # cProfile of the resale run's advance

In one run, each sandbox on its own SQLite file, in process through Flask's test client (as
bench/orders.py, whose sandbox, seeding and catalog it reuses):

1. resale: 10,000 orders seeded and walked to ready to ship with ``delivery.failure_rate``
   ``first_attempt`` 0.2 and ``later_attempts`` 1 (a parcel that fails once fails every attempt,
   so a fifth of the orders fail delivery for good and go to resale), then one advance of 90
   days: every journey, inspection, relisting, window end, return and settlement. Timers fired
   per second.
2. orders only: the same orders without failures over the same 90 days (bench/orders.py's
   journeys): timers fired per second. The target: the orders-only rate at most 1.3 times the
   resale rate (``--rounds`` alternates the two and compares the medians).
3. the overview of the resale sandbox over the 90 days from its start: the median of
   ``--calls`` calls of ``GET /api/v1/resale/overview`` (the whole endpoint: authentication,
   catch-up, the aggregates, the dump), target under 50 ms; the 30-day period and the CSV for
   information.

Not a test: it prints a table (metric, figure, target, PASS/BELOW) and exits 0 unless it breaks.
Nothing is resold here (no order is placed once units are relisted): every unit leaves resale
at its window's end for the return service.
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
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import ROWS, Row, log, print_table  # noqa: E402
from bench.orders import (  # noqa: E402
    SPEC,
    Bench,
    alternating_medians,
    ratio_row,
    timed_journeys,
)

RATIO_TARGET = 1.3
OVERVIEW_TARGET_MS = 50.0
DAYS = 90
FAILING = {"delivery.failure_rate": {"first_attempt": 0.2, "later_attempts": 1}}
START = "2026-01-05T01:00:00+00:00"  # a new sandbox's clock (bench/orders.py's SPEC)
END = "2026-04-05T01:00:00+00:00"  # 90 days later


def timed(bench: Bench, calls: int, **query) -> list[float]:
    """Milliseconds of each of ``calls`` overview calls, after three to warm up."""
    timings = []
    for i in range(calls + 3):
        started = time.perf_counter()
        response = bench.client.get("/api/v1/resale/overview", query_string=query,
                                    headers=bench.headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"overview {query}: {response.status_code} "
                               f"{response.get_data(as_text=True)[:500]}")
        if i >= 3:
            timings.append(elapsed)
    return timings


def bench_overview(bench: Bench, calls: int) -> None:
    answer = bench.get("/api/v1/resale/overview", **{"from": START, "to": END})
    figures = answer["metrics"]
    log(f"overview over {DAYS} days: {figures}; {answer['products']['total']:,} products")
    for label, query, target in (
            (f"{DAYS}-day range", {"from": START, "to": END}, True),
            ("30d period", {"period": "30d"}, False),
            (f"{DAYS}-day range, CSV", {"from": START, "to": END, "format": "csv"}, False)):
        timings = timed(bench, calls, **query)
        median = statistics.median(timings)
        ROWS.append(Row(f"overview, {label}: median of {calls} (max)",
                        f"{median:.1f} ms ({max(timings):.1f})",
                        f"< {OVERVIEW_TARGET_MS:.0f} ms" if target else "-",
                        ("PASS" if median < OVERVIEW_TARGET_MS else "BELOW") if target
                        else "info"))
    ROWS.append(Row(f"overview figures over {DAYS} days", ", ".join(
        f"{name} {figures[name]}" for name in ("failed_delivery", "items_entering_resale",
                                               "window_expired", "destroyed_locally",
                                               "returned_to_seller"))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1,
                        help="resale and orders-only runs, alternating; medians compared")
    parser.add_argument("--calls", type=int, default=20, help="overview calls timed")
    parser.add_argument("--profile", choices=["advance"],
                        help="also print a cProfile of the resale run's advance")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"mockplatform resale bench: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
          f"{args.orders:,} orders, {args.rounds} round(s)", flush=True)
    tmp = tempfile.mkdtemp(prefix="mp-bench-resale-")
    try:
        def run(label: str, overrides: dict) -> Callable[[int], dict[str, float]]:
            def one(number: int) -> dict[str, float]:
                timed = timed_journeys(
                    label, f"sqlite:///{tmp}/{label[0]}{number}.db", args.orders,
                    {**SPEC, "policy_overrides": overrides}, DAYS,
                    args.profile == "advance" and label == "resale")
                try:
                    if label == "resale" and number == args.rounds - 1:
                        bench_overview(timed.bench, args.calls)
                finally:
                    timed.bench.close()
                return {"rate": timed.per_second}
            return one

        rates = alternating_medians(args.rounds, {"resale": run("resale", FAILING),
                                                  "orders only": run("orders only", {})})
        resale, orders_only = rates["resale"]["rate"], rates["orders only"]["rate"]
        ROWS.append(ratio_row("orders-only / resale timers per second (medians)",
                              f"{orders_only:,.0f} / {resale:,.0f}", orders_only / resale,
                              RATIO_TARGET))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table()
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
