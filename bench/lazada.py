"""A signed Lazada ``GET /rest/order/get`` against the native ``GET /api/v1/orders/{id}``, with
wrk at --conns connections, alternating rounds (native, Lazada, native, ...) on one fresh
server per round: medians and the ratio of their req/s. Target: the signed call costs at most
1.3x the native one (native/Lazada req/s <= 1.3).

    python3 bench/lazada.py                 # this tree's code, the lead's venv
    python3 bench/lazada.py --rounds 5 --duration 8

The server runs this tree's ``mockplatform`` (PYTHONPATH) with the venv's interpreter and
dependencies. The signed URL is built once per round as lazop-sdk builds it (its timestamp stays
valid for 7200 s) and its answer is checked (``code`` "0") before and after the load, since the
gateway answers errors with HTTP 200 too. Stdlib only, plus wrk on the PATH.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]  # as in http.py: this directory's http.py would shadow the stdlib's

import argparse  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_spec = importlib.util.spec_from_file_location("bench_http", HERE / "http.py")
bench_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_http)


_clean_env = bench_http.clean_env


def tree_env() -> dict[str, str]:
    env = _clean_env()
    env["PYTHONPATH"] = str(ROOT)
    return env


bench_http.clean_env = tree_env  # the server runs this tree's code


def signed_url(base: str, app_key: str, secret: str, token: str, order_id: str) -> str:
    """What lazop-sdk 1.0.3 sends for ``LazopRequest('/order/get', 'GET')``."""
    params = {"app_key": app_key, "sign_method": "sha256",
              "timestamp": str(int(round(time.time()))) + "000",
              "partner_id": "lazop-sdk-python-20181207", "access_token": token,
              "order_id": order_id}
    text = "/order/get" + "".join(f"{k}{params[k]}" for k in sorted(params))
    params["sign"] = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    return f"{base}/rest/order/get?{urllib.parse.urlencode(params)}"


def check_signed(url: str, order_id: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.loads(response.read())
    if body.get("code") != "0" or str(body["data"]["order_id"]) != order_id:
        raise RuntimeError(f"the signed call does not succeed: {body}")


def round_of(kind: str, venv: Path, opts: argparse.Namespace) -> float:
    workdir = Path(tempfile.mkdtemp(prefix="mp-bench-lazada-"))
    try:
        server = bench_http.Server(venv, workdir, [], 60.0)
        try:
            call, base = bench_http.call, server.base
            status, sbx = call("POST", f"{base}/api/v1/sandboxes",
                               body={"platform": "lazada", "market": "MY", "seed": 1})
            assert status == 201, sbx
            key, credentials = sbx["credentials"]["api_key"], sbx["credentials"]
            call("POST", f"{base}/api/v1/products", key, {"name": "Case", "skus": [
                {"seller_sku": "B-1", "price": "19.90", "stock": 1000}]})
            status, order = call("POST", f"{base}/api/v1/test_helpers/orders", key, {
                "items": [{"seller_sku": "B-1", "quantity": 1}]})
            assert status == 201, order
            oid = str(order["order_id"])
            if kind == "native":
                url, script, args = f"{base}/api/v1/orders/{oid}", "get.lua", [key]
            else:
                url = signed_url(base, credentials["app_key"], credentials["app_secret"],
                                 credentials["access_token"], oid)
                script, args = "lazada_get.lua", []
                check_signed(url, oid)
            if opts.warmup:
                bench_http.wrk(url, script, args, opts.conns, opts.warmup)
            run = bench_http.wrk(url, script, args, opts.conns, opts.duration)
            if kind == "lazada":
                check_signed(url, oid)
            if bench_http.errors(run):
                raise RuntimeError(f"{kind}: {bench_http.errors(run)} errors: {run}")
            return run["rps"]
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=str(ROOT / ".venv"),
                        help="interpreter and dependencies (default: this tree's .venv)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each (3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds a run (5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds unmeasured (1)")
    parser.add_argument("--conns", type=int, default=16, help="connections (16)")
    opts = parser.parse_args(argv)
    if not shutil.which("wrk"):
        parser.error("wrk is not on the PATH")
    venv = Path(opts.venv).absolute()
    rows: dict[str, list[float]] = {"native": [], "lazada": []}
    for number in range(opts.rounds):
        for kind in rows:
            rows[kind].append(round_of(kind, venv, opts))
            print(f"  .. round {number + 1} {kind}: {rows[kind][-1]:,.0f} req/s", flush=True)
    native, lazada = (statistics.median(rows[k]) for k in ("native", "lazada"))
    print(f"\nGET one order at c{opts.conns}, {opts.rounds} alternating rounds, medians:")
    print(f"  native GET /api/v1/orders/{{id}}  {native:,.0f} req/s")
    print(f"  signed GET /rest/order/get       {lazada:,.0f} req/s")
    print(f"  cost ratio native/lazada: {native / lazada:.2f}x (target <= 1.30)")
    print("One run on a shared machine: compare the ratio, not absolute figures.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
