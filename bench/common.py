"""What the in-process benchmarks share (``engine.py``, ``orders.py``, ``resale.py``): the table
of results and its notes, the progress log, a cProfile listing, and the PostgreSQL helpers.

Imported as ``bench.common`` by a script that has put the project root on ``sys.path``.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# -- output ----------------------------------------------------------------------------------------

@dataclass
class Row:
    metric: str
    figure: str
    target: str = "-"
    verdict: str = "info"


ROWS: list[Row] = []
NOTES: list[str] = []


def log(message: str) -> None:
    print(f"  .. {message}", flush=True)


def note(message: str) -> None:
    NOTES.append(message)
    log(message)


def print_table() -> None:
    headers = ("metric", "figure", "target", "result")
    cells = [headers] + [(r.metric, r.figure, r.target, r.verdict) for r in ROWS]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for r in cells[1:]:
        print("  ".join((c.rjust(w) if i == 1 else c.ljust(w)) for i, (c, w) in
                        enumerate(zip(r, widths, strict=True))))
    if NOTES:
        print()
        for n in NOTES:
            print(f"note: {n}")


def profiled(label: str, fn: Callable[[], object], top: int = int(os.environ.get("BENCH_PROFILE_TOP", "25"))) -> object:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        return fn()
    finally:
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
            print(f"\n===== profile: {label}, by {order} =====")
            print("\n".join(out.getvalue().splitlines()[4:]))


# -- PostgreSQL ------------------------------------------------------------------------------------

def postgres_vacuum(url: str, tables: tuple[str, ...] = ("timers",), *,
                    analyze: bool = True) -> None:
    """The server runs with autovacuum off: reclaim the dead rows this bench left in ``tables``
    (every table of the database when empty), so that the next run starts as this one did.
    ``analyze`` also refreshes the planner's statistics: taken on tables the bench has just
    emptied, they tell the planner the tables are tiny, and the next run plans accordingly."""
    start = time.perf_counter()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    command = "VACUUM (ANALYZE)" if analyze else "VACUUM"
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"{command} " + ", ".join(tables))
    finally:
        engine.dispose()
    log(f"PostgreSQL: {command} {', '.join(tables) or 'every table'} in "
        f"{time.perf_counter() - start:.1f} s")


def postgres_reachable(url: str) -> str | None:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]

