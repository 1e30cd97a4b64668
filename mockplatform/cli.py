"""``mockplatform`` command line: ``serve``; ``snapshot``, ``restore`` and ``scenario`` (in
cli_scenarios.py), which talk to a running server over HTTP."""

from __future__ import annotations

import ctypes
import errno
import gzip
import ipaddress
import json
import os
import queue
import signal
import socket
import sys
import zlib
from urllib.parse import quote

import click

from mockplatform import __version__, webhook_sender
from mockplatform.settings import DEFAULT_DATA_DIR, Settings


@click.group()
@click.version_option(__version__, prog_name="mockplatform")
def main() -> None:
    """A marketplace sandbox with a controllable clock per sandbox."""


# One worker per CPU up to two: on two shared cores a second worker served GET one order about
# 1.8-3x faster at 16 connections, where one worker's eight threads take turns at one
# interpreter lock (README.md, "Configuration"). More workers than that are the user's choice.
MAX_DEFAULT_WORKERS = 2


def default_workers(database_url: str) -> int:
    """The workers ``serve`` starts when not told: one per CPU up to ``MAX_DEFAULT_WORKERS``,
    and one for an in-memory SQLite database, which a second process could not see."""
    if in_memory(database_url):
        return 1
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


def in_memory(database_url: str) -> bool:
    return database_url in ("sqlite://", "sqlite:///:memory:") or ":memory:" in database_url


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="MOCKPLATFORM_HOST")
@click.option("--port", default=8000, show_default=True, type=int, envvar="MOCKPLATFORM_PORT",
              help="0 picks a free port.")
@click.option("--workers", default=None, type=int, envvar="MOCKPLATFORM_WORKERS",
              help="Worker processes.  [default: 2 on a machine of two CPUs or more, else 1; "
                   "1 for an in-memory SQLite database]")
@click.option("--threads", default=8, show_default=True, type=int,
              envvar="MOCKPLATFORM_THREADS", help="Threads per worker.")
@click.option("--database-url", default=None, envvar="MOCKPLATFORM_DATABASE_URL",
              help="SQLAlchemy URL; default: a SQLite file in the data dir.")
@click.option("--data-dir", default=DEFAULT_DATA_DIR, show_default=True,
              envvar="MOCKPLATFORM_DATA_DIR")
@click.option("--admin-token", default=None, envvar="MOCKPLATFORM_ADMIN_TOKEN",
              help="When set, creating, listing and deleting sandboxes need it.")
def serve(host: str, port: int, workers: int | None, threads: int, database_url: str | None,
          data_dir: str, admin_token: str | None) -> None:
    """Serve the API with gunicorn (threaded workers)."""
    from gunicorn.app.base import BaseApplication

    settings = Settings.from_env(database_url=database_url, data_dir=data_dir,
                                 admin_token=admin_token)
    if workers is None:
        workers = default_workers(settings.resolved_database_url)
    if settings.pool_size is None:
        settings = settings.with_(pool_size=threads)  # a connection for each thread
    # On Linux, each worker listens on a socket of its own on the same port (SO_REUSEPORT),
    # and the kernel spreads the connections (see spread_by_kernel).
    spread = spread_by_kernel(workers)
    holder = None
    if spread:
        try:
            holder = reserve(host, port)
        except PortInUse as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a host that does not resolve, or is not this machine's
            raise click.ClickException(f"cannot listen on {host}:{port} (--host, --port): "
                                       f"{exc.strerror or exc}") from None
        port = holder.getsockname()[1]
    # Nothing of the app is imported here: gunicorn's arbiter only starts and watches the
    # workers, and each worker imports the app and makes the schema (one at a time, see
    # Store.create_schema). Imported here, the app would stay resident in the arbiter too: as
    # much memory again as a worker.
    database = settings.resolved_database_url.split("@")[-1]
    # Webhooks are sent by a process of their own (webhook_sender.py), not by threads that would
    # take the workers' interpreter lock; an in-memory database only its one worker can see.
    sender = None
    if not in_memory(settings.resolved_database_url):
        sender = webhook_sender.start(settings.resolved_database_url,
                                      threads=settings.webhook_threads,
                                      poll=settings.webhook_poll_ms / 1000)
    if sender is not None:
        settings = settings.with_(webhook_sender_socket=sender.socket_path)
    warning = exposure_warning(host, admin_token)
    if warning:
        click.secho(warning, fg="red", bold=True, err=True)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{_in_url(host)}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("reuse_port", spread)
            self.cfg.set("accesslog", None)
            self.cfg.set("post_fork", _post_fork)
            self.cfg.set("post_worker_init", _quit_without_the_pool)
            if sender is not None:
                self.cfg.set("on_exit", lambda _server: sender.stop())
            if "control_socket_disable" in self.cfg.settings:
                # One shared control socket path per user would collide between servers.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            from mockplatform.app import create_app  # noqa: PLC0415 - in the worker (above)

            return create_app(settings)

    def _post_fork(server, worker) -> None:
        _stop_if_told_while_forking(server, worker)
        # The first worker says where the server listens, once its socket does: the arbiter
        # has none of its own when each worker has one.
        if worker.age == 1 and worker.alive:
            for listener in worker.sockets:
                bound_host, bound_port = listener.sock.getsockname()[:2]
                click.echo(f"mockplatform {__version__} listening on "
                           f"http://{_in_url(bound_host)}:{bound_port} (database: {database})")

    _few_malloc_arenas()
    try:
        Server().run()
    finally:
        if sender is not None:
            sender.stop()
        if holder is not None:
            holder.close()


def spread_by_kernel(workers: int) -> bool:
    """Whether each worker listens on a socket of its own, on the same port (``SO_REUSEPORT``,
    gunicorn's ``reuse_port``), rather than all on one socket: on Linux, with several workers.

    On one socket, whichever worker is first to ``accept`` takes a new connection, and a
    connection stays with its worker while it is kept alive. A client that opens its pool at
    once (wrk, a test suite's session) found it shared unevenly whenever one worker was busy
    at that instant: in 24 runs of GET one order at 16 connections, one worker held 11 or more
    of them in 13, all 16 once, at a third of the throughput. Across sockets of their own the
    kernel spreads connections by their addresses, busy or not: in 8 runs, 11 at most. Linux
    alone spreads them (elsewhere the option only shares the port)."""
    return workers > 1 and sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


class PortInUse(Exception):
    pass


def reserve(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (0: a free port), not listening, that the workers'
    sockets join on that port: it keeps the port while the workers come and go, and, as it
    takes no connection, none waits in it.

    ``PortInUse`` if something holds the port: first bound without ``SO_REUSEPORT`` (but with
    ``SO_REUSEADDR``, past connections waiting out TIME_WAIT), which a listening socket refuses,
    and so does another server's holder, bound without ``SO_REUSEADDR`` for that reason: two
    servers never share a port unawares, even while one's workers start. Any other ``OSError``
    (a host that does not resolve, or is not this machine's) propagates."""
    bare = host.strip("[]")
    # The family gunicorn binds the workers' sockets with: IPv6 for an IPv6 literal only.
    family = socket.AF_INET6 if _is_ipv6(bare) else socket.AF_INET
    family, kind, proto, _, address = socket.getaddrinfo(bare, port, family,
                                                         socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"{host}:{port} is in use: is another server listening there? "
                                f"Choose another --port (0: any free one).") from None
            raise
        address = probe.getsockname()
    try:
        return _holder(family, kind, proto, address, reuse_address=False)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        # The probe got the port: what is left on it are connections of an earlier server
        # (one without SO_REUSEPORT) waiting out TIME_WAIT, which only SO_REUSEADDR passes.
        return _holder(family, kind, proto, address, reuse_address=True)


def _holder(family, kind, proto, address, *, reuse_address: bool) -> socket.socket:
    holder = socket.socket(family, kind, proto)
    try:
        if reuse_address:
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(address)
    except BaseException:
        holder.close()
        raise
    return holder


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)


def _stop_if_told_while_forking(server, worker) -> None:
    """A worker told to stop before it has its own signal handlers stops as soon as it has
    booted, instead of serving on until the arbiter kills it (30 s later).

    From its fork until the worker sets its handlers (after this hook), a signal runs the
    arbiter's handler, which only queues it in the worker's copy of the arbiter, where nothing
    reads it. A ``serve`` stopped while its workers boot (a CI job that starts it and ends at
    once) then waited out the arbiter's graceful timeout, as a test did in CI. Here, signals
    that arrived since the fork are read from that copy, and until the worker's own handlers
    replace these ones, a stop signal only says "stop": a worker that is not ``alive`` when
    its loop starts answers nothing and exits."""
    def stop(_signum, _frame):
        worker.alive = False

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    if any(signum in STOP_SIGNALS for signum in queued_signals(server)):
        worker.alive = False


def queued_signals(server) -> list[int]:
    """The signals queued in ``server`` (gunicorn's arbiter, here a worker's copy of it), read
    out of its ``SIG_QUEUE`` (a ``queue.SimpleQueue`` since gunicorn 24)."""
    read = []
    while True:
        try:
            read.append(server.SIG_QUEUE.get_nowait())
        except queue.Empty:
            return read


def _quit_without_the_pool(worker) -> None:
    """A worker told to quit (SIGQUIT, SIGINT) stops as on SIGTERM: its loop ends, it answers
    what it holds (kept-alive connections linger 2 s at most), and it exits.

    gunicorn's own quit handler exits from inside the signal handler, wherever the main thread
    was. When that was inside the thread pool's ``submit`` (a connection had just become
    readable), the gthread worker's handler waits for the pool's lock, which ``submit`` holds,
    for ever; and the base worker's ``SystemExit``, raised there, can leave a future's lock
    taken, so that the exit then waits for a pool thread that waits for that lock. Either way
    the arbiter killed the worker after its graceful timeout (30 s). Ctrl-C in a terminal
    signals every process of the group, as does a test's ``killpg``: one shutdown in four of
    ``serve --workers 1`` took 15 s or more. A handler that only says "stop" cannot leave a
    lock taken."""
    signal.signal(signal.SIGQUIT, worker.handle_exit)
    signal.signal(signal.SIGINT, worker.handle_exit)


# glibc's mallopt parameter for the most malloc arenas a process makes (malloc.h).
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def _few_malloc_arenas() -> None:
    """At most two malloc arenas in the server's processes, unless ``MALLOC_ARENA_MAX`` says.

    glibc gives a thread that allocates while the others' arenas are busy an arena of its own,
    up to eight per core, and memory freed in one is not reused by another: with a worker's
    threads taking turns, the resident memory kept growing. In a 4-minute bench/soak.py run
    (8 threads, same requests) two arenas held it 8 MiB lower (126 MiB against 134) and it grew
    half as much after the second minute, at the same p50 and p99. Set before gunicorn starts
    any thread; the workers it forks keep the setting. Elsewhere than glibc: nothing to do.
    """
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        pass


def exposure_warning(host: str, admin_token: str | None) -> str | None:
    """What to say loudly when the server listens beyond this machine with no admin token:
    then anyone who can reach it may create, reset and delete sandboxes."""
    if admin_token or _is_loopback(host):
        return None
    return (f"WARNING: listening on {host} without an admin token: anyone who can reach this "
            f"server can create, list, reset and delete sandboxes. Set MOCKPLATFORM_ADMIN_TOKEN "
            f"(or --admin-token), or listen on 127.0.0.1.")


def _in_url(host: str) -> str:
    """``host`` as a URL (and gunicorn's bind) writes it: an IPv6 address in brackets."""
    bare = host.strip("[]")
    return f"[{bare}]" if _is_ipv6(bare) else bare


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``host`` as an IP address (an IPv6 one bracketed or not), or None: a host name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_ipv6(host: str) -> bool:
    address = _ip(host)
    return address is not None and address.version == 6


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    address = _ip(host)
    return address is not None and address.is_loopback  # a name may resolve to anything


# -- snapshot and restore: clients of a running server ------------------------------------------
# Over HTTP, not on the database: the server owns its sandboxes' rows (a running clock, timers
# due, the lock of a sandbox being changed), and a remote or PostgreSQL server works the same.

DEFAULT_URL = "http://127.0.0.1:8000"
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"


def _server_options(command):
    command = click.option(
        "--timeout", default=600.0, show_default=True, type=float,
        help="Seconds to wait for the answer (a large restore takes a while).")(command)
    command = click.option(
        "--token", default=None, envvar=["MOCKPLATFORM_TOKEN", "MOCKPLATFORM_ADMIN_TOKEN"],
        help="Bearer token: the sandbox's api key, or the server's admin token "
             "[env: MOCKPLATFORM_TOKEN, else MOCKPLATFORM_ADMIN_TOKEN].")(command)
    return click.option("--url", default=DEFAULT_URL, show_default=True,
                        envvar="MOCKPLATFORM_URL",
                        help="The server [env: MOCKPLATFORM_URL].")(command)


@main.command()
@click.argument("sandbox")
@click.option("-o", "--output", type=click.File("wb"), default="-", show_default=True,
              help="Where to write the snapshot; - is standard output.")
@_server_options
def snapshot(sandbox: str, output, url: str, token: str | None, timeout: float) -> None:
    """Write the snapshot of SANDBOX (its id) as a JSON document.

    \b
    mockplatform snapshot sbx_... --token mp_test_... > sandbox.json
    mockplatform snapshot sbx_... | gzip > sandbox.json.gz
    """
    response = _call("POST", f"{url.rstrip('/')}/api/v1/sandboxes/{quote(sandbox, safe='')}"
                     "/snapshot", token, timeout, stream=True)
    for chunk in response.iter_content(chunk_size=1024 * 1024):
        output.write(chunk)
    output.write(b"\n")


@main.command()
@click.argument("file", type=click.File("rb"))
@click.option("--name", default=None, help="A name for the new sandbox.")
@_server_options
def restore(file, name: str | None, url: str, token: str | None, timeout: float) -> None:
    """Restore the snapshot in FILE (JSON, or gzip of it; - reads standard input) into a new
    sandbox, and print that sandbox, with its id and credentials, as JSON.

    The document is sent compressed (Content-Encoding: gzip); the server takes up to its
    MOCKPLATFORM_MAX_RESTORE_BYTES once decompressed.
    """
    data = file.read()
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise click.ClickException(f"{file.name}: not a readable gzip file ({exc})") from None
    document = data.removeprefix(_BOM).strip()
    if not document.startswith(b"{"):
        raise click.ClickException(f"{file.name}: not a snapshot; expected the JSON document "
                                   "that `mockplatform snapshot` writes")
    # The document goes into the request as it is: parsing and writing it again here would only
    # cost time and memory, and the server checks every field of it anyway.
    body = b'{"snapshot":' + document
    if name is not None:
        body += b',"name":' + json.dumps(name).encode()
    body += b"}"
    response = _call("POST", f"{url.rstrip('/')}/api/v1/sandboxes/restore", token, timeout,
                     data=gzip.compress(body, compresslevel=6),
                     headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    click.echo(response.text)


def _call(method: str, url: str, token: str | None, timeout: float, *,
          headers: dict[str, str] | None = None, **kwargs):
    import requests

    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.request(method, url, headers=headers, timeout=(10, timeout),
                                    **kwargs)
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach {url}: {exc}") from None
    if response.status_code >= 400:
        try:
            error = response.json()["error"]
            message = f"{error['code']}: {error['message']}"
        except (ValueError, KeyError, TypeError):
            message = response.text[:500]
        raise click.ClickException(f"{response.status_code} from {url}: {message}")
    return response


def _scenario_commands() -> None:
    from mockplatform import cli_scenarios  # noqa: PLC0415 - a module of its own, same group

    cli_scenarios.register(main, _server_options, _call)


_scenario_commands()


if __name__ == "__main__":
    main()
