"""Engine benchmark 3, HTTP throughput: ``GET /clock`` under ``mockplatform serve`` against a
bare Flask app under gunicorn with the same workers and threads (``bench/README.md``).

Part of ``engine.py`` (``--skip-http`` leaves it out); imported as ``bench.engine_http``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import ROOT, ROWS, Row, note

RATIO_TARGET = 0.50


class Server:
    """A server in its own process group; ``ready`` waits for ``pattern`` on stdout or stderr."""

    def __init__(self, name: str, argv: list[str], pattern: str, cwd: Path):
        self.name = name
        self.lines: list[str] = []
        self._found = threading.Event()
        self._pattern = re.compile(pattern)
        self.match: re.Match | None = None
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if self.match is None:
                m = self._pattern.search(line)
                if m:
                    self.match = m
                    self._found.set()
        self._found.set()

    def ready(self, timeout: float = 30) -> re.Match:
        self._found.wait(timeout)
        if self.match is None:
            tail = "\n".join(self.lines[-20:])
            raise RuntimeError(f"{self.name} did not start (exit {self.proc.poll()}):\n{tail}")
        return self.match

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        except ProcessLookupError:
            pass


def load(url: str, headers: dict[str, str], seconds: float, connections: int,
         threads: int) -> tuple[float, str]:
    """Requests per second and a description of how they were measured."""
    wrk = shutil.which("wrk")
    if wrk:
        argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                "--latency"]
        for k, v in headers.items():
            argv += ["-H", f"{k}: {v}"]
        out = subprocess.run(argv + [url], capture_output=True, text=True, timeout=seconds + 30)
        if out.returncode != 0:
            raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out.stdout).group(1))
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out.stdout)
        errors = re.search(r"Socket errors:.*", out.stdout)
        p50 = re.search(r"^\s*50%\s+(\S+)", out.stdout, re.M)
        p99 = re.search(r"^\s*99%\s+(\S+)", out.stdout, re.M)
        if bad:
            raise RuntimeError(f"{bad.group(1)} non-2xx answers from {url}")
        if errors:
            note(f"wrk {url}: {errors.group(0)}")
        how = (f"wrk -t{threads} -c{connections} -d{max(1, round(seconds))}s; "
               f"p50 {p50.group(1) if p50 else '?'}, p99 {p99.group(1) if p99 else '?'}")
        return rps, how
    import requests

    total = int(seconds * 400)
    local = threading.local()

    def one(_i):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        r = session.get(url, headers=headers, timeout=10)
        if r.status_code != 200:
            raise RuntimeError(f"{r.status_code} from {url}")

    start = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(one, range(total)))
    rps = total / (time.perf_counter() - start)
    return rps, (f"wrk NOT installed: Python fallback, {connections} threads with "
                 f"requests.Session, {total} requests (client-bound, figures not comparable "
                 "with wrk)")


def bench_http(workers: int, threads: int, seconds: float, connections: int,
               wrk_threads: int, spec: dict) -> None:
    """Alternate short rounds of load on our ``GET /clock`` (of a sandbox made from ``spec``)
    and on the bare app's ``GET /ping``; add their medians and ratio to the table."""
    import requests

    tmp = tempfile.mkdtemp(prefix="mp-bench-http-")
    servers: list[Server] = []
    try:
        ours = Server("mockplatform serve", [
            str(Path(sys.executable).with_name("mockplatform")), "serve", "--port", "0",
            "--data-dir", tmp, "--workers", str(workers), "--threads", str(threads)],
            r"listening on (http://[^\s]+)", ROOT)
        servers.append(ours)
        bare = Server("gunicorn bench.bare_app", [
            sys.executable, "-m", "gunicorn", "-k", "gthread", "--workers", str(workers),
            "--threads", str(threads), "-b", "127.0.0.1:0", "--chdir", str(ROOT),
            "bench.bare_app:app"], r"Listening at: (http://[^\s]+)", ROOT)
        servers.append(bare)
        base = ours.ready().group(1)
        bare_base = bare.ready().group(1)
        _wait_http(f"{base}/healthz", f"{base}/api/v1/policies")

        r = requests.post(f"{base}/api/v1/sandboxes", json={**spec, "seed": 1}, timeout=10)
        r.raise_for_status()
        created = r.json()
        headers = {"Authorization": f"Bearer {created['credentials']['api_key']}"}
        clock_url = f"{base}/api/v1/sandboxes/{created['id']}/clock"
        ping_url = f"{bare_base}/ping"
        check = requests.get(clock_url, headers=headers, timeout=10)
        check.raise_for_status()
        assert requests.get(ping_url, timeout=10).json() == {"ok": True}

        # Warm both (imports, connection pools, every worker), then alternate short rounds of
        # each: this machine's speed drifts by a factor of two within seconds, so one long
        # round of each would compare two different machines. The medians are the figures.
        load(clock_url, headers, 1, connections, wrk_threads)
        load(ping_url, {}, 1, connections, wrk_threads)
        rounds = max(2, round(seconds / 2))
        half = 2  # seconds per round (wrk takes whole seconds)
        ours_runs, bare_runs = [], []
        for _round in range(rounds):
            ours_runs.append(load(clock_url, headers, half, connections, wrk_threads))
            bare_runs.append(load(ping_url, {}, half, connections, wrk_threads))
        ours_rps = statistics.median(r for r, _ in ours_runs)
        bare_rps = statistics.median(r for r, _ in bare_runs)
        how = "; ".join(f"{r:,.0f} rps ({h})" for r, h in ours_runs)
        bare_how = "; ".join(f"{r:,.0f} rps ({h})" for r, h in bare_runs)
        # Our endpoint wrapper with no SQL at all: how much of the gap is not the database.
        health_rps, _ = load(f"{base}/healthz", {}, half, connections, wrk_threads)
        ratio = ours_rps / bare_rps
        setting = f"gthread {workers}w x {threads}t"
        ROWS.append(Row(f"GET /clock, mockplatform serve ({setting})", f"{ours_rps:,.0f} rps"))
        ROWS.append(Row(f"GET /ping, bare Flask ({setting})", f"{bare_rps:,.0f} rps"))
        ROWS.append(Row(f"GET /healthz, mockplatform serve, no SQL ({setting})",
                        f"{health_rps:,.0f} rps ({health_rps / bare_rps:.0%})"))
        ROWS.append(Row(f"GET /clock vs bare ({setting}), median of {rounds} rounds",
                        f"{ratio:.0%}", f">= {RATIO_TARGET:.0%}",
                        "PASS" if ratio >= RATIO_TARGET else "BELOW"))
        best = max(r for r, _ in ours_runs) / max(r for r, _ in bare_runs)
        ROWS.append(Row(f"GET /clock vs bare ({setting}), best rounds", f"{best:.0%}"))
        note(f"/clock: {how}")
        note(f"/ping: {bare_how}")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_http(*urls: str) -> None:
    import requests

    deadline = time.monotonic() + 20
    for url in urls:
        while True:
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer")
            time.sleep(0.1)

