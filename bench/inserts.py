"""Rows inserted by a thread beside a busy one: executemany against few many-row INSERTs.

    python bench/inserts.py [--rows 20000] [--batch 100]

Writes journal entries (``journal_entries``, 16 columns, a 1.3 KB body each) into a SQLite file
in batches of ``--batch``, through ``bulk.insert_rows``, both ways: alone, then with another
thread of this process spinning in Python, as a server's request threads keep the interpreter
lock busy. Prints wall time and the writing thread's CPU per row. Not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime

from mockplatform.control.journal import JournalEntry
from mockplatform.store import bulk
from mockplatform.store.session import Store

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def rows(count: int) -> list[dict]:
    return [{"sandbox_id": "sbx_bench", "number": n + 1, "sandbox_at": NOW, "wall_at": NOW,
             "front": "native",
             "method": "GET", "path": f"/api/v1/orders/{n}", "query": "",
             "operation": "orders.get", "status": 200, "latency_ms": 0.8, "fault_rule": None,
             "fault_effect": None, "request_body": "", "request_truncated": False,
             "response_body": "x" * 1300, "response_truncated": False} for n in range(count)]


def run(store: Store, entries: list[dict], batch: int, few: bool) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    for start in range(0, len(entries), batch):
        with store.transaction() as session:
            bulk.insert_rows(session.connection(), JournalEntry.__table__,
                             entries[start:start + batch], few_statements=few)
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    with store.transaction() as session:
        session.execute(JournalEntry.__table__.delete())
    return wall / len(entries) * 1e6, cpu / len(entries) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    entries = rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/journal.db", durable=False)
        store.create_schema()
        print(f"{'beside':<10} {'inserts':<14} {'wall us/row':>12} {'CPU us/row':>11}")
        for beside in ("nothing", "busy"):
            spinning = threading.Event()
            if beside == "busy":
                spinning.set()
                threading.Thread(target=_spin, args=(spinning,), daemon=True).start()
            for few in (False, True):
                wall, cpu = run(store, entries, args.batch, few)
                label = "few INSERTs" if few else "executemany"
                print(f"{beside:<10} {label:<14} {wall:>12.1f} {cpu:>11.1f}", flush=True)
            spinning.clear()
        store.dispose()


def _spin(going: threading.Event) -> None:
    count = 0
    while going.is_set():
        count += 1


if __name__ == "__main__":
    main()
