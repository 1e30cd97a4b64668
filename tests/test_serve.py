"""`mockplatform serve`: gunicorn answers, prints its URL, and keeps sandboxes across restarts."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import types
from contextlib import contextmanager

import pytest
import requests

URL_LINE = re.compile(r"listening on (http://[\d.]+:\d+)")


@contextmanager
def serve(data_dir, *extra: str):
    with serving(data_dir, *extra) as (url, _process):
        yield url


@contextmanager
def serving(data_dir, *extra: str):
    """The server's URL and its process (gunicorn's arbiter)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKPLATFORM_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockplatform.cli", "serve", "--port", "0", "--data-dir",
         str(data_dir), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        url = None
        lines = []
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            match = URL_LINE.search(line)
            url = match.group(1) if match else None
        assert url, "server did not announce its URL:\n" + "".join(lines)
        try:
            yield url, process
        except BaseException as exc:
            # What the server said, for the day a test fails on a request (a reset, a 500).
            _stop(process)
            exc.add_note("the server's output:\n" + "".join(lines) + process.stdout.read())
            raise
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGINT)  # gunicorn: quick shutdown
        process.wait(timeout=15)
    except ProcessLookupError:  # the test ended it already
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.mark.skipif(bool(os.environ.get("MOCKPLATFORM_DATABASE_URL")),
                    reason="exercises the SQLite file default")
def test_serve_answers_and_keeps_sandboxes_across_restarts(tmp_path):
    with serve(tmp_path) as url:
        assert requests.get(f"{url}/healthz", timeout=5).json()["status"] == "ok"
        created = requests.post(f"{url}/api/v1/sandboxes", timeout=5,
                                json={"platform": "lazada", "market": "MY", "seed": 5}).json()
        key = created["credentials"]["api_key"]
        advanced = requests.post(f"{url}/api/v1/sandboxes/{created['id']}/clock/advance",
                                 json={"by": "PT5H"}, timeout=5,
                                 headers={"Authorization": f"Bearer {key}"})
        assert advanced.status_code == 200
    assert (tmp_path / "mockplatform.db").exists()
    with serve(tmp_path) as url:
        again = requests.get(f"{url}/api/v1/sandboxes/{created['id']}", timeout=5,
                             headers={"Authorization": f"Bearer {key}"})
        assert again.status_code == 200
        assert again.json()["clock"]["now"] == advanced.json()["clock"]["now"]


def test_serve_requires_the_admin_token_when_given(tmp_path):
    with serve(tmp_path, "--admin-token", "s3cret") as url:
        denied = requests.post(f"{url}/api/v1/sandboxes", timeout=5,
                               json={"platform": "lazada", "market": "MY"})
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "admin_token_required"
        allowed = requests.post(f"{url}/api/v1/sandboxes", timeout=5,
                                json={"platform": "lazada", "market": "MY"},
                                headers={"Authorization": "Bearer s3cret"})
        assert allowed.status_code == 201


class _Libc:
    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1


@pytest.mark.parametrize(("environ", "expected"), [({}, [(-8, 2)]),
                                                   ({"MALLOC_ARENA_MAX": "4"}, [])])
def test_serve_asks_glibc_for_two_malloc_arenas_unless_told(monkeypatch, environ, expected):
    from mockplatform import cli  # noqa: PLC0415

    libc = _Libc()
    monkeypatch.setattr(cli.ctypes, "CDLL", lambda _name: libc)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    cli._few_malloc_arenas()
    assert libc.calls == expected


@pytest.mark.parametrize(("cpus", "url", "expected"), [
    (4, "sqlite:////data/mockplatform.db", 2), (2, "postgresql+psycopg://db/x", 2),
    (1, "sqlite:////data/mockplatform.db", 1), (None, "sqlite:////data/mockplatform.db", 1),
    (4, "sqlite://", 1), (4, "sqlite:///:memory:", 1)])
def test_serve_starts_a_worker_per_cpu_up_to_two_and_one_for_a_memory_database(
        monkeypatch, cpus, url, expected):
    from mockplatform import cli  # noqa: PLC0415

    monkeypatch.setattr(cli.os, "cpu_count", lambda: cpus)
    assert cli.default_workers(url) == expected


@pytest.mark.skipif(bool(os.environ.get("MOCKPLATFORM_DATABASE_URL")),
                    reason="one live run is enough: it exercises the SQLite file default")
def test_the_lazada_sdk_contract_suite_passes_against_a_live_server(tmp_path):
    """The lazop-sdk contract files, run against `mockplatform serve` over real HTTP (the same
    files run in process in the suite)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKPLATFORM_")}
    env["HOME"] = str(tmp_path)  # lazop-sdk writes ~/logs when imported
    with serve(tmp_path) as url:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "contract_tests/test_lazada_sdk.py", "contract_tests/test_lazada_fulfilment.py",
             f"--mockplatform-url={url}"],
            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", run.stdout), run.stdout[-2000:]


def test_a_worker_told_to_quit_only_stops_its_loop_and_never_exits_from_the_signal_handler():
    """gunicorn's quit handler exits from inside the handler, wherever the main thread was, and
    could leave the thread pool's locks taken: serve then hung on Ctrl-C for 30 s
    (cli._quit_without_the_pool). serve's workers stop their loop instead."""
    from gunicorn.workers import gthread

    from mockplatform.cli import _quit_without_the_pool

    worker = gthread.ThreadWorker.__new__(gthread.ThreadWorker)
    worker.alive = True
    if hasattr(gthread, "PollableMethodQueue"):  # newer gunicorn: the handler wakes its loop
        worker.method_queue = gthread.PollableMethodQueue()
        worker.method_queue.init()
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGQUIT)}
    try:
        _quit_without_the_pool(worker)
        for sig in kept:
            worker.alive = True
            os.kill(os.getpid(), sig)  # raised SystemExit here, under gunicorn's own handler
            time.sleep(0.01)  # the handler runs at the next bytecode boundary
            assert worker.alive is False
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)


def _arbiter():
    """A gunicorn arbiter, as a worker's fork of it holds it (not run)."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter

    class App(BaseApplication):
        def load_config(self):
            pass

        def load(self):
            return None

    return Arbiter(App())


def test_the_arbiter_queues_a_signal_where_the_worker_reads_it():
    """gunicorn's arbiter handler queues a signal in SIG_QUEUE (not a public API: this test is
    there for the day it changes)."""
    from mockplatform.cli import queued_signals

    arbiter = _arbiter()
    queued_signals(arbiter)  # whatever setting it up queued
    arbiter.signal(signal.SIGTERM, None)
    arbiter.signal(signal.SIGHUP, None)
    assert queued_signals(arbiter) == [signal.SIGTERM, signal.SIGHUP]


@pytest.mark.parametrize(("queued", "alive"), [
    ([signal.SIGTERM], False), ([signal.SIGCHLD, signal.SIGINT], False), ([signal.SIGQUIT], False),
    ([signal.SIGCHLD, signal.SIGHUP], True), ([], True)])
def test_a_worker_told_to_stop_as_it_was_forked_stops_once_booted(queued, alive):
    """A signal that reaches a worker between its fork and its own handlers runs the arbiter's
    handler, which queues it where nothing reads it: serve stopped while its workers booted
    waited 30 s for the one that missed it (cli._stop_if_told_while_forking)."""
    from mockplatform.cli import STOP_SIGNALS, _stop_if_told_while_forking

    arbiter = _arbiter()
    worker = types.SimpleNamespace(alive=True)
    kept = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    try:
        for sig in queued:
            arbiter.signal(sig, None)  # the arbiter's handler, run in the fork
        _stop_if_told_while_forking(arbiter, worker)
        assert worker.alive is alive
        worker.alive = True
        os.kill(os.getpid(), signal.SIGTERM)  # before gunicorn sets the worker's own handlers
        time.sleep(0.01)  # the handler runs at the next bytecode boundary
        assert worker.alive is False
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the kernel spreads connections across sockets on Linux")


def _listeners(port: int) -> int:
    """Sockets listening on ``port`` on this machine (IPv4), from /proc/net/tcp."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for row in rows if int(row[1].split(":")[1], 16) == port and row[3] == "0A")


@linux_only
def test_a_port_held_for_the_workers_takes_no_connection_and_the_kernel_spreads_them():
    from mockplatform.cli import reserve

    holder = reserve("127.0.0.1", 0)
    port = holder.getsockname()[1]
    workers = []
    clients = []
    try:
        for _ in range(2):  # as each worker's socket (gunicorn's reuse_port)
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            listener.bind(("127.0.0.1", port))
            listener.listen(64)
            listener.setblocking(False)
            workers.append(listener)
        assert _listeners(port) == 2
        clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(32)]
        accepted = [0, 0]
        deadline = time.monotonic() + 5
        while sum(accepted) < 32 and time.monotonic() < deadline:
            for n, listener in enumerate(workers):
                try:
                    listener.accept()[0].close()
                    accepted[n] += 1
                except BlockingIOError:
                    time.sleep(0.001)
        assert sum(accepted) == 32  # none waits in the holder
        assert min(accepted) > 0  # all 32 on one socket: one chance in 2**31
    finally:
        for sock in clients + workers:
            sock.close()
        holder.close()


@linux_only
def test_the_port_is_held_in_the_family_gunicorn_binds_the_workers_in():
    from mockplatform.cli import reserve

    for host in ("localhost", "127.0.0.1"):  # a name: IPv4, as gunicorn binds it
        holder = reserve(host, 0)
        assert holder.family == socket.AF_INET
        holder.close()
    if socket.has_ipv6:
        for host in ("::1", "[::1]"):
            try:
                holder = reserve(host, 0)
            except OSError:  # no IPv6 loopback on this machine
                continue
            assert holder.family == socket.AF_INET6
            holder.close()


@linux_only
def test_a_port_another_server_holds_is_refused_while_its_workers_start():
    from mockplatform.cli import PortInUse, reserve

    held = reserve("127.0.0.1", 0)  # not listening yet
    try:
        with pytest.raises(PortInUse):
            reserve("127.0.0.1", held.getsockname()[1])
    finally:
        held.close()


@linux_only
def test_a_port_something_listens_on_is_refused_before_anything_starts():
    from mockplatform.cli import PortInUse, reserve

    taken = socket.create_server(("127.0.0.1", 0))
    try:
        with pytest.raises(PortInUse, match="is in use"):
            reserve("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


@linux_only
@pytest.mark.skipif(bool(os.environ.get("MOCKPLATFORM_DATABASE_URL")),
                    reason="exercises the SQLite file default")
def test_serve_with_two_workers_listens_on_one_port_with_a_socket_for_each(tmp_path):
    with serving(tmp_path, "--workers", "2") as (url, _server):
        port = int(url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 30
        while _listeners(port) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _listeners(port) == 2
        answers = [requests.get(f"{url}/healthz", timeout=10) for _ in range(8)]
        assert {answer.status_code for answer in answers} == {200}
        second = subprocess.run(
            [sys.executable, "-m", "mockplatform.cli", "serve", "--port", str(port),
             "--workers", "2", "--data-dir", str(tmp_path / "other")],
            capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert f"127.0.0.1:{port} is in use" in second.stderr
