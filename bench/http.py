"""HTTP benchmark of ``mockplatform serve`` with wrk: one install, or two side by side.

    python3 bench/http.py                                  # the project's .venv, 3 rounds
    python3 bench/http.py --venv /tmp/mp-before --rounds 5
    python3 bench/http.py --compare /tmp/mp-before .venv   # A, B, A, B, ...: medians and B/A
    python3 bench/http.py --env-a MOCKPLATFORM_JOURNAL=off # one install, A with that setting
    python3 bench/http.py --webhooks --env-a MOCKPLATFORM_JOURNAL=off  # B: webhooks and journal
    python3 bench/http.py --workloads crud --rounds 9      # create then read only

Each round starts a fresh server from the venv's ``mockplatform`` (SQLite file in a temporary
directory, a free port on 127.0.0.1), times it to the first answer of /healthz, creates a
sandbox, a product and an order, lets it settle, reads its idle RSS, then runs wrk: GET that
order at --conns connections and at 1, then create-then-read at --conns and at 1. Stdlib only,
plus wrk on the PATH. Not a test: it prints a table and exits 0 unless something breaks.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path, and this file (http.py) would
# then stand in for the standard library's http package that urllib imports.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_procs", Path(__file__).with_name("procs.py"))
procs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(procs)

LUA = Path(__file__).resolve().parent / "wrk"
SKU = "BENCH-1"
# key, label ({c}: --conns), unit, whether higher is better
METRICS = [
    ("get_rps", "GET one order, c{c}", "req/s", True),
    ("get_p50", "GET one order, c1 p50", "ms", False),
    ("crud_rps", "create then read, c{c}", "req/s", True),
    ("crud_p50", "create then read, c1 p50", "ms", False),
    # Half the requests are POSTs and half GETs, a few times faster: the median falls in the
    # gap between the two and moves with either; the mean weighs both.
    ("crud_mean", "create then read, c1 mean", "ms", False),
    ("startup_ms", "startup to first answer", "ms", False),
    ("idle_rss", "idle RSS", "MiB", False),
]


def log(message: str) -> None:
    print(f"  .. {message}", flush=True)


# -- the server ---------------------------------------------------------------------------------

def clean_env() -> dict[str, str]:
    """Our environment without what would make the venv run other code or another database."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith("MOCKPLATFORM_")}


def describe(venv: Path) -> str:
    """Version and location of the mockplatform a venv imports (from a neutral directory)."""
    code = ("import importlib.metadata as m, mockplatform; "
            "print(m.version('mockplatform'), mockplatform.__file__)")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True,
                         text=True, cwd=tempfile.gettempdir(), env=clean_env(), timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"{venv}: cannot import mockplatform:\n{out.stderr.strip()}")
    version, path = out.stdout.split()
    where = str(Path(path).parent.parent)
    git = subprocess.run(["git", "-C", where, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    if git.returncode == 0 and "site-packages" not in path:
        dirty = subprocess.run(["git", "-C", where, "status", "--porcelain", "mockplatform"],
                               capture_output=True, text=True).stdout.strip()
        return f"{version}, editable {where} @ {git.stdout.strip()}{' + changes' if dirty else ''}"
    return f"{version}, {'installed' if 'site-packages' in path else where}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method: str, url: str, key: str | None = None, body: dict | None = None,
         timeout: float = 10) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {"body": exc.read().decode(errors="replace")[:500]}


class Server:
    """``mockplatform serve`` from one venv, in its own process group and data directory."""

    def __init__(self, venv: Path, workdir: Path, serve_args: list[str], timeout: float,
                 env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        argv = [str(venv / "bin" / "mockplatform"), "serve", "--host", "127.0.0.1",
                "--port", str(self.port), "--data-dir", str(workdir / "data"), *serve_args]
        t0 = time.perf_counter()
        with open(self.log_path, "w") as logfile:
            self.proc = subprocess.Popen(argv, cwd=workdir, env={**clean_env(), **(env or {})},
                                         stdout=logfile,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.startup_ms = self._wait_ready(t0, timeout)

    def _wait_ready(self, t0: float, timeout: float) -> float:
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, _ = call("GET", f"{self.base}/healthz", timeout=2)
                if 200 <= status < 300:
                    return (time.perf_counter() - t0) * 1000
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.01)
        self.stop()
        tail = "\n".join(self.log_path.read_text().splitlines()[-20:])
        raise RuntimeError(f"server did not answer /healthz (exit {self.proc.poll()}):\n{tail}")

    def tree(self) -> list[int]:
        return procs.tree(self.proc.pid)

    def rss_mib(self) -> float:
        """Resident memory of the server's process tree (gunicorn arbiter and workers)."""
        return procs.rss_mib(self.tree())

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        except ProcessLookupError:
            pass


def seed(base: str) -> tuple[str, str]:
    """A sandbox, a product with stock for every create, one order: (api key, order id)."""
    status, sbx = call("POST", f"{base}/api/v1/sandboxes",
                       body={"platform": "lazada", "market": "MY", "seed": 1})
    if status != 201:
        raise RuntimeError(f"create sandbox: {status} {sbx}")
    key = sbx["credentials"]["api_key"]
    status, body = call("POST", f"{base}/api/v1/products", key, {
        "name": "Phone Case", "skus": [{"seller_sku": SKU, "price": "19.90", "stock": 10**8}]})
    if status != 201:
        raise RuntimeError(f"create product: {status} {body}")
    status, order = call("POST", f"{base}/api/v1/test_helpers/orders", key, {
        "items": [{"seller_sku": SKU, "quantity": 1}], "payment_method": "cod"})
    if status != 201:
        raise RuntimeError(f"create order: {status} {order}")
    oid = order["order_id"]
    status, read = call("GET", f"{base}/api/v1/orders/{oid}", key)
    if status != 200 or read.get("order_id") != oid:
        raise RuntimeError(f"read order {oid}: {status} {read}")
    return key, str(oid)


# -- load ---------------------------------------------------------------------------------------

def wrk(url: str, script: str, args: list[str], conns: int, seconds: int) -> dict:
    """One wrk run, one connection per wrk thread (crud.lua keeps its state per thread)."""
    argv = ["wrk", f"-t{conns}", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(LUA / script), url, "--", *args]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("HTTP_BENCH "):
            return json.loads(line.split(" ", 1)[1])
    raise RuntimeError(f"wrk gave no result ({' '.join(argv)}):\n{out.stdout}\n{out.stderr}")


def errors(run: dict) -> int:
    return sum(run[k] for k in ("err_connect", "err_read", "err_write", "err_timeout",
                                "err_status"))


RECEIVER = r"""
import asyncio, sys
count = 0
class Hook(asyncio.Protocol):
    # HTTP/1.1 keep-alive, Content-Length bodies only (what the dispatcher sends): each request
    # answered 200 as soon as its body is in; GET answers how many POSTs came.
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""
    def data_received(self, data):
        global count
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            if head.startswith("POST"):
                count += 1
                body = b""
            else:
                body = str(count).encode()
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                 % (len(body), body))
async def main():
    server = await asyncio.get_running_loop().create_server(Hook, "127.0.0.1", int(sys.argv[1]))
    await server.serve_forever()
asyncio.run(main())
"""


class Receiver:
    """A fast webhook receiver (stdlib asyncio, its own process, no thread per connection, so
    that it takes little of the CPU the server is measured on): answers every POST 200 at once,
    and GET with how many it received."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.process = subprocess.Popen([sys.executable, "-c", RECEIVER, str(self.port)])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.count()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the webhook receiver did not start")

    def count(self) -> int:
        with urllib.request.urlopen(self.url, timeout=5) as answer:
            return int(answer.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def subscribe(base: str, key: str, url: str) -> None:
    sandbox = call("GET", f"{base}/api/v1/sandbox", key)[1]["id"]
    status, body = call("POST", f"{base}/api/v1/sandboxes/{sandbox}/webhook_endpoints", key,
                        {"url": url, "event_types": ["*"]})
    if status != 201:
        raise RuntimeError(f"create webhook endpoint: {status} {body}")


def measure(venv: Path, opts: argparse.Namespace, env: dict[str, str] | None = None,
            webhook_url: str | None = None, receiver_pid: int | None = None) -> dict:
    """One round for one install (and its extra environment): a fresh server, every metric.
    With ``webhook_url``, one webhook endpoint subscribed to every event pushes to it during
    the load. Each workload's run at ``--conns`` is also measured in CPU per request, by
    process role (procs.py)."""
    workdir = Path(tempfile.mkdtemp(prefix="mp-bench-http-"))
    try:
        server = Server(venv, workdir, shlex.split(opts.serve_args), opts.startup_timeout, env)
        try:
            key, oid = seed(server.base)
            if webhook_url:
                subscribe(server.base, key, webhook_url)
            time.sleep(opts.settle)
            row = {"startup_ms": server.startup_ms, "idle_rss": server.rss_mib(),
                   "loadavg": float(Path("/proc/loadavg").read_text().split()[0])}
            get_url, api = f"{server.base}/api/v1/orders/{oid}", f"{server.base}/api/v1"
            for name, url, script, args in (("get", get_url, "get.lua", [key]),
                                            ("crud", api, "crud.lua", [key, SKU, "/api/v1"])):
                if name not in opts.workloads:
                    continue
                if opts.warmup:
                    wrk(url, script, args, opts.conns, opts.warmup)
                before = procs.cpu_by_role(server.tree(), receiver_pid)
                many = wrk(url, script, args, opts.conns, opts.duration)
                after = procs.cpu_by_role(server.tree(), receiver_pid)
                row[f"{name}_cpu_us"] = {role: (after[role] - before.get(role, 0.0)) * 1e6
                                         / max(1, many["requests"]) for role in after}
                one = wrk(url, script, args, 1, opts.seq_duration)
                row[f"{name}_rps"], row[f"{name}_p50"] = many["rps"], one["p50_ms"]
                row[f"{name}_mean"] = one["mean_ms"]
                row[f"{name}_bad"] = {f"c{opts.conns}": [errors(many), many["misses"]],
                                      "c1": [errors(one), one["misses"]]}
                row[f"{name}_wrk"] = {f"c{opts.conns}": many, "c1": one}
            row["loaded_rss"] = server.rss_mib()
            return row
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# -- report -------------------------------------------------------------------------------------

def fmt(value: float, unit: str) -> str:
    if unit == "MiB":
        return f"{value:,.1f}"
    return f"{value:,.0f}" if unit == "req/s" or value >= 100 else f"{value:,.2f}"


def summary(names: list[str], rows: dict[str, list[dict]], conns: int,
            opts_workloads: frozenset[str] = frozenset({"get", "crud"})) -> None:
    tags = ["A", "B"] if len(names) == 2 else [""] * len(names)
    print()
    for tag, name in zip(tags, names, strict=True):
        print(f"{tag + ': ' if tag else ''}{name}, {len(rows[name])} round(s)")
    head = ["metric"] + [f"{tag} median (min-max)".strip() for tag in tags]
    if len(names) == 2:
        head += ["B/A", "B/A per round", "better"]
    lines = [head]
    for key, label, unit, higher in METRICS:
        if key not in rows[names[0]][0]:
            continue  # a workload not run
        cells = [f"{label.format(c=conns)} ({unit})"]
        meds = []
        for name in names:
            vals = [r[key] for r in rows[name]]
            meds.append(statistics.median(vals))
            cells.append(f"{fmt(meds[-1], unit)} ({fmt(min(vals), unit)}-{fmt(max(vals), unit)})")
        if len(names) == 2:
            per_round = [b[key] / a[key] for a, b in zip(*(rows[n] for n in names), strict=False)]
            cells += [f"{meds[1] / meds[0]:.2f}", " ".join(f"{r:.2f}" for r in per_round),
                      "higher" if higher else "lower"]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    print()
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("\nErrors (socket errors and non-2xx answers) and misses, summed over the rounds:")
    for tag, name in zip(tags, names, strict=True):
        for wl, text in (("get", "GET one order"), ("crud", "create then read")):
            if wl not in opts_workloads:
                continue
            parts = []
            for c in (f"c{conns}", "c1"):
                errs = sum(r[f"{wl}_bad"][c][0] for r in rows[name])
                misses = sum(r[f"{wl}_bad"][c][1] for r in rows[name])
                requests = sum(r[f"{wl}_wrk"][c]["requests"] for r in rows[name])
                parts.append(f"{c} {errs} errors, {misses} misses in {requests:,} requests")
            print(f"  {tag + ' ' if tag else ''}{text}: {'; '.join(parts)}")
    loaded = [f"{tag} {statistics.median(r['loaded_rss'] for r in rows[name]):.1f}".strip()
              for tag, name in zip(tags, names, strict=True)]
    print(f"RSS after the load (MiB, median): {', '.join(loaded)}")
    print(f"CPU per request at c{conns}, by process (us, median of the rounds):")
    for wl, text in (("get", "GET one order"), ("crud", "create then read")):
        if wl not in opts_workloads:
            continue
        said = []
        for tag, name in zip(tags, names, strict=True):
            cpu = [r[f"{wl}_cpu_us"] for r in rows[name]]
            roles = sorted({role for one in cpu for role in one},
                           key=("workers", "sender", "receiver").index)
            parts = [f"{role} {statistics.median(one.get(role, 0.0) for one in cpu):,.0f}"
                     for role in roles]
            said.append(f"{tag + ' ' if tag else ''}{', '.join(parts)}")
        print(f"  {text}: {'; '.join(said)}")
    print("One run on a shared machine: compare ratios within this run, not absolute figures.")


def parse_env(items: list[str]) -> dict[str, str]:
    pairs = [item.partition("=") for item in items]
    return {name: value for name, _, value in pairs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=None,
                        help="install to measure (default: the project's .venv)")
    parser.add_argument("--compare", nargs=2, metavar=("VENV_A", "VENV_B"),
                        help="alternate rounds A, B, A, B, ... and print the ratios B/A")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per install (3)")
    parser.add_argument("--duration", type=int, default=5,
                        help="seconds of each measured wrk run at --conns (5)")
    parser.add_argument("--seq-duration", type=int, default=None,
                        help="seconds of each run at 1 connection (default: --duration)")
    parser.add_argument("--conns", type=int, default=16, help="connections (16)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="seconds of unmeasured load before each workload (1; 0: none)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds between seeding and the idle RSS reading (1)")
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    parser.add_argument("--serve-args", default="",
                        help='extra arguments to mockplatform serve, e.g. "--workers 2"')
    parser.add_argument("--env-a", action="append", default=[], metavar="NAME=VALUE",
                        help="measure one install twice, A with this environment variable "
                             "(repeatable): MOCKPLATFORM_JOURNAL=off")
    parser.add_argument("--env-b", action="append", default=[], metavar="NAME=VALUE",
                        help="the same for B (repeatable)")
    parser.add_argument("--webhooks", action="store_true",
                        help="one install, B with one webhook endpoint subscribed to every "
                             "event (a fast receiver), A without; with --env-a "
                             "MOCKPLATFORM_JOURNAL=off, A has neither webhooks nor journal")
    parser.add_argument("--workloads", default="get,crud",
                        help="which to run, of get (GET one order) and crud (create then read)")
    parser.add_argument("--json", dest="json_path", help="also write every round's figures here")
    opts = parser.parse_args(argv)
    opts.seq_duration = opts.seq_duration or opts.duration
    opts.workloads = {w.strip() for w in opts.workloads.split(",") if w.strip()}
    if not opts.workloads or opts.workloads - {"get", "crud"}:
        parser.error("--workloads: get, crud or both")
    if opts.compare and opts.venv:
        parser.error("--venv and --compare exclude each other")
    if not shutil.which("wrk"):
        parser.error("wrk is not on the PATH (Debian: apt-get install -y wrk)")
    root = Path(__file__).resolve().parent.parent
    venvs = [Path(v).absolute() for v in (opts.compare or [opts.venv or root / ".venv"])]
    for venv in venvs:
        if not (venv / "bin" / "mockplatform").exists():
            parser.error(f"{venv}/bin/mockplatform not found")
    names = [f"{venv} ({describe(venv)})" for venv in venvs]
    envs: list[dict[str, str]] = [{} for _ in venvs]
    receiver = None
    if opts.env_a or opts.env_b or opts.webhooks:
        if opts.compare:
            parser.error("--env-a, --env-b and --webhooks measure one install: not --compare")
        envs = [parse_env(opts.env_a), parse_env(opts.env_b)]
        label = names[0]
        names = [label + "".join(f" with {item}" for item in opts.env_a),
                 label + "".join(f" with {item}" for item in opts.env_b)]
        venvs = venvs * 2
        if opts.webhooks:
            receiver = Receiver()
            names = [names[0] + " without webhooks", names[1] + " with webhooks"]
    if len(set(names)) < len(names):
        names = [f"{n} #{i + 1}" for i, n in enumerate(names)]
    print(f"wrk -t{opts.conns} -c{opts.conns}, {opts.duration} s at c{opts.conns} and "
          f"{opts.seq_duration} s at c1 per workload, warm-up {opts.warmup} s, "
          f"{opts.rounds} round(s), serve {opts.serve_args or '(defaults)'}")
    rows: dict[str, list[dict]] = {name: [] for name in names}
    started = time.monotonic()
    for n in range(opts.rounds):
        for i, (venv, name, env) in enumerate(zip(venvs, names, envs, strict=True)):
            pushing = receiver is not None and i == 1
            row = measure(venv, opts, env, receiver.url if pushing else None,
                          receiver.process.pid if pushing else None)
            rows[name].append(row)
            tag = f"{'AB'[i]} " if len(names) == 2 else ""
            said = [f"startup {row['startup_ms']:.0f} ms", f"idle {row['idle_rss']:.1f} MiB"]
            if "get" in opts.workloads:
                said += [f"GET c{opts.conns} {row['get_rps']:,.0f} req/s",
                         f"GET c1 p50 {row['get_p50']:.2f} ms"]
            if "crud" in opts.workloads:
                said += [f"crud c{opts.conns} {row['crud_rps']:,.0f} req/s "
                         f"({row['crud_bad'][f'c{opts.conns}'][1]} misses)",
                         f"crud c1 p50 {row['crud_p50']:.2f} ms"]
            log(f"round {n + 1}/{opts.rounds} {tag}{', '.join(said)} (load {row['loadavg']:.1f})")
    summary(names, rows, opts.conns, frozenset(opts.workloads))
    if receiver is not None:
        print(f"The receiver got {receiver.count():,} pushes.")
        receiver.stop()
    print(f"Took {time.monotonic() - started:.0f} s.")
    if opts.json_path:
        with open(opts.json_path, "w") as f:
            options = {**vars(opts), "workloads": sorted(opts.workloads)}
            json.dump({"options": options, "installs": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
