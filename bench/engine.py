"""Engine benchmarks: sandbox creation, timer firing, and HTTP throughput, side by side.

    python bench/engine.py                 # full run (~1-2 minutes on 2 cores)
    python bench/engine.py --quick         # smoke run
    python bench/engine.py --skip-postgres --skip-http
    python bench/engine.py --profile advance   # cProfile of one advance (also: create, clock)

Not a test: it prints a table (metric, figure, target, PASS/BELOW) and exits 0 unless it breaks.
The HTTP throughput part is in ``engine_http.py``; the table, the log, cProfile and the
PostgreSQL helpers (shared with ``orders.py`` and ``resale.py``) in ``common.py``.
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

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
from bench.engine_http import bench_http  # noqa: E402
from mockplatform.app import create_app  # noqa: E402
from mockplatform.control import sandboxes as sandbox_service  # noqa: E402
from mockplatform.settings import Settings  # noqa: E402
from mockplatform.store.models import Sandbox, Timer  # noqa: E402

CREATE_TARGET_MS = 5.0
TIMERS_TARGET = 20_000
SPEC = {"platform": "lazada", "market": "MY"}


# -- 1. sandbox creation -----------------------------------------------------------------------------

def bench_create(count: int, warmup: int, profile: bool) -> None:
    app = create_app(Settings(database_url="sqlite://"))
    client = app.test_client()
    store = app.extensions["mockplatform"]["store"]
    settings = app.extensions["mockplatform"]["settings"]
    try:
        def post(seed: int) -> None:
            r = client.post("/api/v1/sandboxes", json={**SPEC, "seed": seed})
            if r.status_code != 201:
                raise RuntimeError(f"create sandbox: {r.status_code} {r.get_data(as_text=True)}")

        def service(seed: int) -> None:
            with store.transaction() as session:
                sandbox_service.create(session, settings, {**SPEC, "seed": seed}).finish()

        for i in range(warmup):
            post(i)
            service(i)
        http_ms = _timings(post, count)
        service_ms = _timings(service, count)
        # The floor of the same harness: a route doing nothing, through the Flask test client.
        from bench.bare_app import app as bare
        bare_client = bare.test_client()
        bare_ms = _timings(lambda _i: bare_client.get("/ping"), count)

        created = client.post("/api/v1/sandboxes", json={**SPEC, "seed": 1}).get_json()
        headers = {"Authorization": f"Bearer {created['credentials']['api_key']}"}
        clock_url = f"/api/v1/sandboxes/{created['id']}/clock"
        clock_ms = _timings(lambda _i: client.get(clock_url, headers=headers), count)

        med = statistics.median(http_ms)
        ROWS.append(Row("create sandbox, test client, median", f"{med:.2f} ms",
                        f"<= {CREATE_TARGET_MS:g} ms",
                        "PASS" if med <= CREATE_TARGET_MS else "BELOW"))
        ROWS.append(Row("create sandbox, test client, p90", f"{_pct(http_ms, 90):.2f} ms"))
        ROWS.append(Row("create sandbox, service layer, median",
                        f"{statistics.median(service_ms):.2f} ms"))
        ROWS.append(Row("GET /clock, test client, median",
                        f"{statistics.median(clock_ms):.3f} ms"))
        ROWS.append(Row("bare Flask GET /ping, test client, median",
                        f"{statistics.median(bare_ms):.3f} ms"))
        if profile:
            profiled("create sandbox x200 (test client)",
                     lambda: [post(10_000 + i) for i in range(200)])
    finally:
        store.dispose()


def _timings(fn: Callable[[int], object], count: int) -> list[float]:
    out = []
    for i in range(count):
        start = time.perf_counter()
        fn(1000 + i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


# -- 2. timers fired per second ----------------------------------------------------------------------

def bench_timers(label: str, url: str, n: int, profile: bool, target: bool,
                 analyze: bool = False) -> None:
    app = create_app(Settings(database_url=url))
    client = app.test_client()
    store = app.extensions["mockplatform"]["store"]
    sandbox_id = api_key = None
    try:
        r = client.post("/api/v1/sandboxes", json={**SPEC, "seed": 7})
        assert r.status_code == 201, r.get_data(as_text=True)
        created = r.get_json()
        sandbox_id, api_key = created["id"], created["credentials"]["api_key"]
        headers = {"Authorization": f"Bearer {api_key}"}

        setup_start = time.perf_counter()
        with store.transaction() as session:
            sandbox = session.get(Sandbox, sandbox_id)
            start_at = sandbox.clock_anchor_virtual
            span = 30 * 86400
            rows = [{"sandbox_id": sandbox_id, "seq": seq,
                     "due_at": start_at + timedelta(seconds=1 + (seq - 1) * span // n),
                     "kind": "noop", "subject": f"bench_{seq}", "description": "bench no-op",
                     "payload": {}}
                    for seq in range(1, n + 1)]
            for start in range(0, n, 10_000):
                session.execute(insert(Timer), rows[start:start + 10_000])
            sandbox.counters["timer"] = n
            sandbox.next_timer_at = rows[0]["due_at"]
            sandbox.timers_pending = n
        del rows
        if analyze:  # fresh planner statistics, now that the sandbox holds n timers
            with store.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE timers")
                conn.commit()
        log(f"{label}: inserted {n:,} timers{' and analyzed' if analyze else ''} in "
            f"{time.perf_counter() - setup_start:.1f} s (not timed)")

        clock_url = f"/api/v1/sandboxes/{sandbox_id}/clock"
        clock_ms = _timings(lambda _i: client.get(clock_url, headers=headers), 15)
        ROWS.append(Row(f"GET /clock with {n:,} timers pending, {label}",
                        f"{statistics.median(clock_ms):.2f} ms"))

        def advance():
            return client.post(f"/api/v1/sandboxes/{sandbox_id}/clock/advance",
                               json={"by": "P31D"}, headers=headers)

        start = time.perf_counter()
        if profile:
            r = profiled(f"advance over {n:,} no-op timers ({label})", advance)
        else:
            r = advance()
        elapsed = time.perf_counter() - start
        body = r.get_json()
        if r.status_code != 200 or body.get("timers_fired") != n:
            raise RuntimeError(f"advance on {label}: {r.status_code} "
                               f"timers_fired={body.get('timers_fired')!r}, expected {n}")
        if body["clock"]["timers_pending"] != 0:
            raise RuntimeError(f"advance on {label}: {body['clock']['timers_pending']} left")
        rate = n / elapsed
        figure = f"{rate:,.0f} /s ({elapsed:.2f} s)"
        if target:
            ROWS.append(Row(f"timers fired, {label}", figure, f">= {TIMERS_TARGET:,} /s",
                            "PASS" if rate >= TIMERS_TARGET else "BELOW"))
        else:
            ROWS.append(Row(f"timers fired, {label}", figure))
    finally:
        if sandbox_id is not None:
            try:  # do not leave 100k rows behind in a shared database
                client.delete(f"/api/v1/sandboxes/{sandbox_id}",
                              headers={"Authorization": f"Bearer {api_key}"})
            except Exception as exc:  # noqa: BLE001
                note(f"could not delete bench sandbox {sandbox_id} on {label}: {exc}")
        store.dispose()


# -- --profile clock: GET /clock in process ------------------------------------------------------------

def profile_clock_in_process(count: int = 2000) -> None:
    """The per-request server work of GET /clock, without the network (test client)."""
    app = create_app(Settings(database_url="sqlite://"))
    client = app.test_client()
    created = client.post("/api/v1/sandboxes", json={**SPEC, "seed": 1}).get_json()
    headers = {"Authorization": f"Bearer {created['credentials']['api_key']}"}
    url = f"/api/v1/sandboxes/{created['id']}/clock"
    for _ in range(100):
        client.get(url, headers=headers)
    ms = _timings(lambda _i: client.get(url, headers=headers), count)
    print(f"\nGET /clock in process: median {statistics.median(ms):.3f} ms")
    profiled(f"GET /clock x{count} (test client, SQLite memory)",
             lambda: [client.get(url, headers=headers) for _ in range(count)])
    app.extensions["mockplatform"]["store"].dispose()


# -- main ----------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timers, shorter load")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--timers", type=int, help="timers per advance (default 100000, "
                        "--quick 20000)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                  POSTGRES_URL))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both servers)")
    parser.add_argument("--threads", default="1,4",
                        help="gunicorn threads per worker (both servers); a comma-separated "
                             "list runs each setting in turn")
    parser.add_argument("--duration", type=int, help="seconds of load per server, in "
                        "alternating 2-second rounds (default 10, --quick 4)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profile", choices=["create", "advance", "clock"],
                        help="also print a cProfile of that part")
    args = parser.parse_args(argv)

    n = args.timers or (20_000 if args.quick else 100_000)
    creates = 100 if args.quick else 300
    duration = args.duration or (4 if args.quick else 10)
    started = time.perf_counter()
    print(f"mockplatform engine bench: python {sys.version.split()[0]}, {os.cpu_count()} cpus"
          f"{', quick' if args.quick else ''}", flush=True)

    log(f"1. create sandbox x{creates} (after warm-up)")
    bench_create(creates, 30, args.profile == "create")

    log(f"2. advance over {n:,} no-op timers")
    tmp = tempfile.mkdtemp(prefix="mp-bench-")
    try:
        bench_timers("SQLite memory", "sqlite://", n, args.profile == "advance", True)
        bench_timers("SQLite file", f"sqlite:///{tmp}/bench.db", n, args.profile == "advance",
                     True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.skip_postgres:
        ROWS.append(Row("timers fired, PostgreSQL", "skipped (--skip-postgres)", "-", "skip"))
    else:
        problem = postgres_reachable(args.postgres_url)
        if problem:
            ROWS.append(Row("timers fired, PostgreSQL", "skipped (unreachable)", "-", "skip"))
            note(f"PostgreSQL at {args.postgres_url.split('@')[-1]} unreachable: {problem}")
        else:
            try:
                # As found: the planner statistics predate the sandbox's timers (as when a real
                # sandbox schedules many timers between two ANALYZEs); then with fresh ones.
                bench_timers("PostgreSQL, stats as found", args.postgres_url, n,
                             args.profile == "advance", False)
                bench_timers("PostgreSQL, after ANALYZE", args.postgres_url, n,
                             args.profile == "advance", False, analyze=True)
            finally:
                try:
                    postgres_vacuum(args.postgres_url)
                except Exception as exc:  # noqa: BLE001
                    note(f"VACUUM timers failed: {exc}")

    if args.skip_http:
        ROWS.append(Row("GET /clock vs bare, ratio", "skipped (--skip-http)", "-", "skip"))
    else:
        for threads in [int(t) for t in str(args.threads).split(",")]:
            log(f"3. HTTP: gthread {args.workers} workers x {threads} threads, "
                f"{duration:g} s each")
            bench_http(args.workers, threads, duration, args.connections, 2, SPEC)
    if args.profile == "clock":
        profile_clock_in_process()

    print_table()
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
