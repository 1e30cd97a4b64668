"""The webhook sender as a process of its own, beside ``mockplatform serve``'s workers (the
standard library only at import: ``serve``'s arbiter imports this and nothing of the app).

Sending a push is a few tenths of a millisecond of Python; in a worker, the sending threads take
the worker's interpreter lock in turns with the request threads, and the request that holds the
database's write turn waits for them (bench/http.py --webhooks measured create-then-read at about
0.7x the throughput without an endpoint, and 1.3x the single-connection latency). So ``serve``
starts this process, and its workers only say what they wrote: after a commit, a worker sends
this process one datagram on a Unix socket (control/webhooks/wake.py). This process runs the
dispatcher (dispatcher.py): it claims, sends and records, as the workers' threads would, with
the same leases, so nothing changes in what is sent or when.

- It imports the store and the formats at the first datagram: a server nobody pushes from keeps
  one small idle process (a worker whose start finds deliveries pending says ``S``).
- A worker that cannot reach it (it died, or was killed) sends from its own threads from then on,
  and logs so once: deliveries are never left waiting for it.
- It ends when told (SIGTERM, SIGINT: ``serve``'s arbiter says so as it exits) or when the
  process that started it is gone.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from mockplatform.store import priority

log = logging.getLogger("mockplatform.webhooks")
SOCKET_NAME = "webhooks.sock"
# A datagram holds the ids of one commit's sandboxes: far below this.
DATAGRAM = 64 * 1024
# After a datagram wakes this process, how long the next ones gather in the socket before they
# are all read: one wake-up for a burst of commits, not one for each (under steady creates, a
# wake-up each cost about 45 us of CPU beside the workers). Short, as Linux queues only
# net.unix.max_dgram_qlen datagrams (10 by default) and a worker that finds the queue full says
# nothing (the threads then look every poll seconds); the threads gather 0.2 s after a wake
# anyway (dispatcher.COALESCE).
GATHER = 0.01


# -- in serve's process: start and stop it -------------------------------------------------------

@dataclass
class Handle:
    process: subprocess.Popen
    directory: str
    # The process that started it, which alone stops it: a worker is a fork of serve's
    # arbiter, and a worker that ends by SystemExit (an error) unwinds through serve's own
    # ``finally``, which must then leave the process and its socket alone.
    owner: int = field(default_factory=os.getpid)
    stopped: bool = field(default=False, init=False)

    @property
    def socket_path(self) -> str:
        return os.path.join(self.directory, SOCKET_NAME)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask it to end, and kill it if it has not within ``timeout`` (in the process that
        started it, once: serve asks as gunicorn's arbiter exits, and again as serve returns,
        for an arbiter that ended by an error; elsewhere, nothing)."""
        if os.getpid() != self.owner or self.stopped:
            return
        self.stopped = True
        try:
            self.process.terminate()
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
        except (ProcessLookupError, ChildProcessError):  # gone (reaped by gunicorn's arbiter)
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


def start(database_url: str, *, threads: int, poll: float) -> Handle | None:
    """The sender process for ``database_url``; None (and a warning) if it could not be
    started: the workers then send from their own threads. The socket is bound here and handed
    to the process, so a worker can say something before the process has even started (the
    datagram waits in the socket): serve waits for nothing."""
    directory = tempfile.mkdtemp(prefix="mockplatform-")
    path = os.path.join(directory, SOCKET_NAME)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        listener.bind(path)
        process = subprocess.Popen(
            [sys.executable, "-m", "mockplatform.webhook_sender", "--fd", str(listener.fileno()),
             "--threads", str(threads), "--poll", str(poll), "--parent", str(os.getpid())],
            env={**os.environ, "MOCKPLATFORM_DATABASE_URL": database_url},
            stdin=subprocess.DEVNULL, pass_fds=(listener.fileno(),))
    except OSError as exc:
        log.warning("the webhook sender process did not start (%s); the workers send webhooks",
                    exc)
        shutil.rmtree(directory, ignore_errors=True)
        return None
    finally:
        listener.close()  # the process holds it: once it is gone, a datagram is refused
    return Handle(process, directory)


# -- the process itself -------------------------------------------------------------------------

class _Stop(Exception):
    pass


def _stop(_signum, _frame) -> None:
    raise _Stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True, help="the bound datagram socket")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--parent", type=int, default=None)
    opts = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    listener = socket.socket(fileno=opts.fd)
    listener.settimeout(opts.poll)
    # The CPU for the workers' requests first (store/priority.py), as the dispatcher's
    # threads and the checkpointer's do.
    priority.background_thread()
    dispatcher = None
    try:
        while opts.parent is None or os.getppid() == opts.parent:
            try:
                data = listener.recv(DATAGRAM)
            except TimeoutError:
                continue  # (the dispatcher's threads look on their own every poll seconds)
            if dispatcher is None:
                dispatcher = _dispatcher(opts.threads, opts.poll)
            for text in burst(listener, data):
                dispatcher.heard(text)
    except _Stop:
        pass
    finally:
        listener.close()
        if dispatcher is not None:
            dispatcher.stop()
            dispatcher.store.dispose()
    return 0


def burst(listener: socket.socket, first: bytes) -> list[str]:
    """The datagram that woke this process and every one that came within GATHER after it."""
    time.sleep(GATHER)
    texts = [first]
    # Not MSG_DONTWAIT: on a socket with a timeout, Python waits out the timeout all the same.
    timeout = listener.gettimeout()
    listener.setblocking(False)
    try:
        while True:
            texts.append(listener.recv(DATAGRAM))
    except BlockingIOError:
        return [text.decode(errors="replace") for text in texts]
    finally:
        listener.settimeout(timeout)


def _dispatcher(threads: int, poll: float):
    # Imported here, at the first datagram: see the module's docstring.
    from mockplatform import domains  # noqa: PLC0415
    from mockplatform.control.webhooks.dispatcher import Dispatcher  # noqa: PLC0415
    from mockplatform.settings import Settings  # noqa: PLC0415
    from mockplatform.store.session import Store  # noqa: PLC0415

    domains.load()
    store = Store(Settings.from_env().resolved_database_url, pool_size=threads + 1)
    store.create_schema()
    return Dispatcher(store, threads=threads, poll=poll)


if __name__ == "__main__":
    sys.exit(main())
