"""Soak test of ``mockplatform serve``: mixed traffic over several sandboxes for a bounded time.

    python3 bench/soak.py                              # the project's .venv, 20 minutes
    python3 bench/soak.py --venv /tmp/mp-perf --minutes 3 --serve-args "--workers 2"

It starts the venv's own ``mockplatform serve`` on 127.0.0.1 (a free port, a SQLite file in a
temporary directory, no ``MOCKPLATFORM_*`` variables; see bench/http.py, whose server handling
it shares), creates ``--sandboxes`` sandboxes, each with a product and a few orders, and runs
``--threads`` clients, each on one keep-alive connection, that pick a sandbox and a request at
random (seeded): place an order, read one, list orders, read items, read the clock, pack an
order, ready a packed one to ship, advance the clock ten minutes. It stops by itself after
``--minutes`` or ``--max-requests``, whichever comes first, and stops the server.

Every minute (``--interval``) it prints the requests of that minute, their p50 and p99, the 5xx so far and the
resident memory of the server's process tree; at the end the whole run's p50/p99, the 5xx and
the RSS drift after the first two minutes, against the issue's targets (p99 <= 100 ms, zero
5xx, RSS within 10%). 4xx answers are counted apart: a pack of an order whose deadline has
canceled it is a 409, as it should be. Loopback only; stdlib only. Not a test: it exits 0
unless the server could not be started, or 1 when a target is missed.
"""

from __future__ import annotations

import os
import sys

# As in bench/http.py: this directory must not stand in for the standard library's http.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import collections  # noqa: E402
import http.client  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shlex  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_http", Path(__file__).with_name("http.py"))
bench_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_http)

SKU = "SOAK-1"
# name, weight
MIX = [("create", 20), ("get", 30), ("list", 12), ("items", 8), ("clock", 10), ("pack", 8),
       ("ready", 7), ("advance", 5)]


class Sandbox:
    def __init__(self, sandbox_id: str, key: str):
        self.id, self.key = sandbox_id, key
        self.lock = threading.Lock()
        self.orders: collections.deque[int] = collections.deque(maxlen=500)
        self.packed: collections.deque[int] = collections.deque(maxlen=200)


def setup(base: str, count: int) -> list[Sandbox]:
    sandboxes = []
    for n in range(count):
        status, sbx = bench_http.call("POST", f"{base}/api/v1/sandboxes",
                                      body={"platform": "lazada", "market": "MY", "seed": n})
        if status != 201:
            raise RuntimeError(f"create sandbox: {status} {sbx}")
        box = Sandbox(sbx["id"], sbx["credentials"]["api_key"])
        status, body = bench_http.call("POST", f"{base}/api/v1/products", box.key, {
            "name": "Soak", "skus": [{"seller_sku": SKU, "price": "9.90", "stock": 10**9}]})
        if status != 201:
            raise RuntimeError(f"create product: {status} {body}")
        for _ in range(5):
            status, order = bench_http.call("POST", f"{base}/api/v1/test_helpers/orders", box.key,
                                            {"items": [{"seller_sku": SKU, "quantity": 1}]})
            if status != 201:
                raise RuntimeError(f"create order: {status} {order}")
            box.orders.append(order["order_id"])
        sandboxes.append(box)
    return sandboxes


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.minute: list[float] = []
        self.all: list[float] = []
        self.by_class = collections.Counter()

    def add(self, seconds: float, status: int) -> None:
        with self.lock:
            self.minute.append(seconds)
            self.all.append(seconds)
            self.by_class[f"{status // 100}xx" if status else "failed"] += 1

    def take_interval(self) -> list[float]:
        with self.lock:
            taken, self.minute = self.minute, []
        return taken


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def client(port: int, boxes: list[Sandbox], stats: Stats, stop: threading.Event, seed: int,
           budget: list[int]) -> None:
    rng = random.Random(seed)
    names, weights = zip(*MIX, strict=True)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        with stats.lock:
            if budget[0] <= 0:
                stop.set()
                break
            budget[0] -= 1
        box = rng.choice(boxes)
        kind = rng.choices(names, weights)[0]
        method, path, body = request_for(kind, box, rng)
        headers = {"Authorization": f"Bearer {box.key}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            stats.add(time.perf_counter() - started, 0)
            continue
        stats.add(time.perf_counter() - started, status)
        if status < 300:
            remember(kind, box, path, json.loads(text or b"{}"))
    conn.close()


def request_for(kind: str, box: Sandbox, rng: random.Random) -> tuple[str, str, dict | None]:
    with box.lock:
        order = rng.choice(box.orders) if box.orders else None
        packed = box.packed.popleft() if kind == "ready" and box.packed else None
    if kind == "create" or order is None:
        return "POST", "/api/v1/test_helpers/orders", {
            "items": [{"seller_sku": SKU, "quantity": rng.randint(1, 3)}]}
    if kind == "get":
        return "GET", f"/api/v1/orders/{order}", None
    if kind == "list":
        return "GET", "/api/v1/orders?limit=20", None
    if kind == "items":
        return "GET", f"/api/v1/orders/{order}/items", None
    if kind == "clock":
        return "GET", f"/api/v1/sandboxes/{box.id}/clock", None
    if kind == "pack":
        return "POST", f"/api/v1/orders/{order}/pack", {}
    if kind == "ready":
        return "POST", f"/api/v1/orders/{packed or order}/ready_to_ship", {}
    return "POST", f"/api/v1/sandboxes/{box.id}/clock/advance", {"by": "PT10M"}


def remember(kind: str, box: Sandbox, path: str, answer: dict) -> None:
    with box.lock:
        if kind == "create" and "order_id" in answer:
            box.orders.append(answer["order_id"])
        elif kind == "pack" and "order_id" in answer:
            box.packed.append(answer["order_id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=Path(".venv"))
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=2_000_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--sandboxes", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--interval", type=float, default=60.0,
                        help="seconds between reports (60: every minute)")
    parser.add_argument("--serve-args", default="", help="passed to serve, e.g. '--workers 2'")
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    opts = parser.parse_args(argv)
    if not 0 < opts.minutes <= 240 or opts.max_requests <= 0 or not 1 <= opts.interval <= 600:
        parser.error("--minutes must be in (0, 240], --max-requests positive, --interval in "
                     "[1, 600]")

    with tempfile.TemporaryDirectory(prefix="mp-soak-") as workdir:
        server = bench_http.Server(opts.venv.resolve(), Path(workdir),
                                   shlex.split(opts.serve_args), opts.startup_timeout)
        try:
            return run(server, opts)
        finally:
            server.stop()


def run(server, opts: argparse.Namespace) -> int:
    print(f"soak: {opts.venv} serve {opts.serve_args or '(defaults)'}, {opts.threads} threads, "
          f"{opts.sandboxes} sandboxes, {opts.minutes:g} min or {opts.max_requests:,} requests",
          flush=True)
    boxes = setup(server.base, opts.sandboxes)
    stats, stop, budget = Stats(), threading.Event(), [opts.max_requests]
    threads = [threading.Thread(target=client, daemon=True,
                                args=(server.port, boxes, stats, stop, opts.seed * 1000 + n,
                                      budget)) for n in range(opts.threads)]
    started = time.monotonic()
    deadline = started + opts.minutes * 60
    for thread in threads:
        thread.start()
    print(f"{'min':>4} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'5xx':>5} "
          f"{'RSS MiB':>8}", flush=True)
    rss: list[float] = []
    mark = 0
    while True:
        next_mark = min(started + (mark + 1) * opts.interval, deadline)
        finished = stop.wait(max(0.0, next_mark - time.monotonic()))
        mark += 1
        taken = stats.take_interval()
        rss.append(server.rss_mib())
        seconds = max(1e-3, min(time.monotonic(), next_mark) - (started + (mark - 1) * opts.interval))
        print(f"{mark * opts.interval / 60:>4.1f} {len(taken):>9,} {len(taken) / seconds:>7.0f} "
              f"{percentile(taken, 0.5):>8.1f} {percentile(taken, 0.99):>8.1f} "
              f"{stats.by_class['5xx']:>5} {rss[-1]:>8.1f}", flush=True)
        if finished or time.monotonic() >= deadline:
            break
    stop.set()
    for thread in threads:
        thread.join(35)
    # The RSS after the first two minutes is the baseline of the drift.
    return report(stats, rss, time.monotonic() - started, max(1, round(120 / opts.interval)))


def report(stats: Stats, rss: list[float], seconds: float, baseline: int) -> int:
    p50, p99 = percentile(stats.all, 0.5), percentile(stats.all, 0.99)
    fives = stats.by_class["5xx"]
    print(f"\n{len(stats.all):,} requests in {seconds:.0f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(stats.by_class.items())))
    checks = [("p99 <= 100 ms", p99 <= 100, f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"),
              ("zero 5xx", fives == 0, f"{fives} 5xx, {stats.by_class['failed']} failed")]
    if len(rss) > baseline:
        base, later = rss[baseline - 1], rss[baseline:]
        drift = max(abs(r - base) for r in later) / base
        checks.append(("RSS within 10% after minute 2", drift <= 0.10,
                       f"minute 2 {base:.1f} MiB, later {min(later):.1f}-{max(later):.1f} MiB "
                       f"({drift:.1%}), median {statistics.median(rss):.1f}"))
    else:
        checks.append(("RSS within 10% after minute 2", True,
                       "not judged: the run ended within two minutes"))
    for name, ok, detail in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {name}: {detail}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
