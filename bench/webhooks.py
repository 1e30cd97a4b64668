"""Webhook benchmark: a 30-day advance over 10,000 journeys with one webhook endpoint subscribed
to every event, against the same advance without, then how fast the outbox drains.

    python bench/webhooks.py                    # 10,000 orders, one round
    python bench/webhooks.py --orders 1000      # smoke run
    python bench/webhooks.py --rounds 3         # three alternating rounds

Each run: a Lazada sandbox on its own SQLite file, in process through Flask's test client
(bench/orders.py's sandbox, seeding and alternating rounds); 10,000 orders seeded and walked to
ready to ship; then, in the webhooks run only, one native endpoint with ``event_types ["*"]``
pointing at a fast receiver (bench/http.py's: its own process, answers 200 at once); then one
``POST .../clock/advance {"by": "P30D"}``, timed. The advance writes one delivery per event in
its transaction (the outbox); the app's dispatcher threads send them once it commits.

Rows: the advance's seconds in each run (medians over ``--rounds``) and the ratio with / without
(target <= 1.3), the same per CPU second; then, of the last webhooks run: events recorded since
the endpoint, deliveries written (they must be equal: the bench stops otherwise), the seconds
the dispatcher took to send them all (deliveries per second), and what the receiver counted
(it must have every one; retries would show as more).

The HTTP side (GET one order, create then read, with and without an endpoint) is
``python3 bench/http.py --webhooks``.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path, where bench/http.py would stand
# in for the standard library's http package.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.common import ROWS, Row, log, print_table  # noqa: E402
from bench.http import Receiver  # noqa: E402
from bench.orders import Bench, alternating_medians, catalog_for, ratio_row, seed_orders  # noqa: E402
from mockplatform.control.webhooks.models import WebhookDelivery  # noqa: E402
from mockplatform.store.models import Event  # noqa: E402

RATIO_TARGET = 1.3
DAYS = 30
LAZADA = {"platform": "lazada", "market": "MY", "seed": 5}
WITHOUT, WITH = "without webhooks", "with webhooks"
DRAIN_TIMEOUT = 1800


def count(bench: Bench, stmt) -> int:
    with bench.store.transaction(write=False) as session:
        return session.scalar(stmt)


def run(tmp: str, label: str, orders: int, receiver: Receiver | None, last: bool):
    def one(number: int) -> dict[str, float]:
        bench = Bench(f"sqlite:///{tmp}/{label[:4]}{number}.db", LAZADA)
        try:
            bench.seed(**catalog_for(orders))
            seed_orders(bench, orders, {"ready_to_ship": 1})
            events_before = count(bench, select(func.max(Event.seq)).where(
                Event.sandbox_id == bench.sandbox_id))
            if receiver is not None:
                bench.post(f"/api/v1/sandboxes/{bench.sandbox_id}/webhook_endpoints",
                           {"url": receiver.url, "event_types": ["*"]}, 201)
            start, cpu = time.perf_counter(), time.process_time()
            answer = bench.advance(f"P{DAYS}D")
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            log(f"{label}: {answer['timers_fired']:,} timers in {elapsed:.1f} s, {cpu:.1f} s CPU")
            ROWS.append(Row(f"advance {DAYS} days over {orders:,} journeys, {label}",
                            f"{elapsed:.1f} s ({cpu:.1f} s CPU)"))
            if receiver is not None and last:
                drain(bench, receiver, events_before)
            return {"wall": elapsed, "cpu": cpu}
        finally:
            bench.close()
    return one


def drain(bench: Bench, receiver: Receiver, events_before: int) -> None:
    """Every event since the endpoint has its delivery, and all of them reach the receiver."""
    sandbox = bench.sandbox_id
    events = count(bench, select(func.count()).select_from(Event).where(
        Event.sandbox_id == sandbox, Event.seq > events_before))
    deliveries = count(bench, select(func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.sandbox_id == sandbox))
    ROWS.append(Row("  events since the endpoint / deliveries written",
                    f"{events:,} / {deliveries:,}", "equal",
                    "PASS" if events == deliveries else "BELOW"))
    if events != deliveries:
        raise RuntimeError(f"{events} events but {deliveries} deliveries")
    before, start = receiver.count(), time.perf_counter()
    while True:
        pending = count(bench, select(func.count()).select_from(WebhookDelivery).where(
            WebhookDelivery.sandbox_id == sandbox, WebhookDelivery.status != "delivered"))
        if not pending or time.perf_counter() - start > DRAIN_TIMEOUT:
            break
        time.sleep(0.5)
    took = time.perf_counter() - start
    got = receiver.count() - before
    ROWS.append(Row("  sent after the advance (dispatcher, 2 threads)",
                    f"{deliveries - pending:,} in {took:.1f} s "
                    f"({(deliveries - pending) / took:,.0f}/s)"))
    ROWS.append(Row("  pushes the receiver counted", f"{got:,}", f">= {deliveries:,}",
                    "PASS" if got >= deliveries and not pending else "BELOW"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1)
    opts = parser.parse_args(argv)
    receiver = Receiver()
    try:
        with tempfile.TemporaryDirectory(prefix="mp-bench-webhooks-") as tmp:
            last = opts.rounds - 1
            runs = {WITHOUT: run(tmp, WITHOUT, opts.orders, None, False),
                    WITH: run(tmp, WITH, opts.orders, receiver, False)}
            runs[WITH] = _last_drains(runs[WITH], tmp, opts.orders, receiver, last)
            medians = alternating_medians(opts.rounds, runs)
    finally:
        receiver.stop()
    plain, hooked = medians[WITHOUT], medians[WITH]
    ROWS.append(ratio_row(f"advance with / without webhooks (medians of {opts.rounds})",
                          f"{hooked['wall']:.1f} s / {plain['wall']:.1f} s",
                          hooked["wall"] / plain["wall"], RATIO_TARGET))
    ROWS.append(Row("  the same in CPU seconds",
                    f"{hooked['cpu']:.1f} / {plain['cpu']:.1f} (x{hooked['cpu'] / plain['cpu']:.2f})"))
    print_table()
    return 0


def _last_drains(plain_run, tmp: str, orders: int, receiver: Receiver, last: int):
    """The webhooks run, which drains the outbox (and checks it) in its last round."""
    draining = run(tmp, WITH, orders, receiver, True)
    return lambda number: (draining if number == last else plain_run)(number)


if __name__ == "__main__":
    sys.exit(main())
