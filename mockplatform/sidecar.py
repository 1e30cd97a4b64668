"""``mockplatform serve``'s sidecar: a process of its own beside the workers that sends the
webhooks and writes the request journal (the standard library only at import: ``serve``'s
arbiter imports this and nothing of the app).

Sending a push is a few tenths of a millisecond of Python; in a worker, the sending threads take
the worker's interpreter lock in turns with the request threads, and the request that holds the
database's write turn waits for them (bench/http.py --webhooks measured create-then-read at about
0.7x the throughput without an endpoint, and 1.3x the single-connection latency). So ``serve``
starts this process, and its workers only say what they wrote: after a commit, a worker sends
this process one datagram on a Unix socket (control/webhooks/wake.py). This process runs the
dispatcher (dispatcher.py): it claims, sends and records, as the workers' threads would, with
the same leases, so nothing changes in what is sent or when.

- The request journal the same way: each worker sends its entries over a stream connection
  (control/journal_link.py) and this process writes them (control/journal.py's writer, here);
  an entry costs a worker an encoding and a send instead of its share of the writes, which
  took a GET about 0.1 ms of a 0.8 ms request. A worker's read of the journal first has this
  process write what that worker sent.
- It imports the store and the formats at the first datagram or entry: a server nobody calls
  keeps one small idle process (a worker whose start finds deliveries pending says ``S``).
- A worker that cannot reach it (it died, or was killed) sends and writes from its own threads
  from then on, and logs so once: deliveries are never left waiting for it (the journal entries
  it held but had not written yet, at most the last 0.1 s, go with it).
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
import threading
from dataclasses import dataclass, field

log = logging.getLogger("mockplatform.webhooks")
SOCKET_NAME = "webhooks.sock"
JOURNAL_SOCKET_NAME = "journal.sock"
# A datagram holds the ids of one commit's sandboxes: far below this.
DATAGRAM = 64 * 1024


# -- in serve's process: start and stop it -------------------------------------------------------

@dataclass
class Handle:
    process: subprocess.Popen
    directory: str
    # The process that started it, which alone stops it: a worker is a fork of serve's
    # arbiter, and a worker that ends by SystemExit (a quit signal, an error) unwinds through
    # serve's own ``finally``, which must then leave the process and its sockets alone.
    owner: int = field(default_factory=os.getpid)

    @property
    def socket_path(self) -> str:
        return os.path.join(self.directory, SOCKET_NAME)

    @property
    def journal_socket_path(self) -> str:
        return os.path.join(self.directory, JOURNAL_SOCKET_NAME)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask it to end, and kill it if it has not within ``timeout`` (in the process that
        started it; elsewhere, nothing)."""
        if os.getpid() != self.owner:
            return
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
    """The sidecar process for ``database_url``; None (and a warning) if it could not be
    started: the workers then send and write from their own threads. The sockets are bound
    here and handed to the process, so a worker can say something before the process has even
    started (it waits in the socket): serve waits for nothing."""
    directory = tempfile.mkdtemp(prefix="mockplatform-")
    wakes = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    entries = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        wakes.bind(os.path.join(directory, SOCKET_NAME))
        entries.bind(os.path.join(directory, JOURNAL_SOCKET_NAME))
        entries.listen(64)
        fds = (wakes.fileno(), entries.fileno())
        process = subprocess.Popen(
            [sys.executable, "-m", "mockplatform.sidecar", "--fd", str(fds[0]),
             "--journal-fd", str(fds[1]), "--threads", str(threads), "--poll", str(poll),
             "--parent", str(os.getpid())],
            env={**os.environ, "MOCKPLATFORM_DATABASE_URL": database_url},
            stdin=subprocess.DEVNULL, pass_fds=fds)
    except OSError as exc:
        log.warning("the sidecar process did not start (%s); the workers send webhooks and "
                    "write the journal", exc)
        shutil.rmtree(directory, ignore_errors=True)
        return None
    finally:
        wakes.close()  # the process holds them: once it is gone, a datagram is refused
        entries.close()
    return Handle(process, directory)


# -- the process itself -------------------------------------------------------------------------

class _Stop(Exception):
    pass


def _stop(_signum, _frame) -> None:
    raise _Stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True, help="the bound datagram socket")
    parser.add_argument("--journal-fd", type=int, default=None,
                        help="the listening stream socket of journal entries")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--parent", type=int, default=None)
    opts = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    listener = socket.socket(fileno=opts.fd)
    listener.settimeout(opts.poll)
    if opts.journal_fd is not None:
        threading.Thread(target=_accept_entries, args=(socket.socket(fileno=opts.journal_fd),),
                         daemon=True, name="mockplatform-journal-accept").start()
    dispatcher = None
    try:
        while opts.parent is None or os.getppid() == opts.parent:
            try:
                data = listener.recv(DATAGRAM)
            except TimeoutError:
                continue  # (the dispatcher's threads look on their own every poll seconds)
            if dispatcher is None:
                dispatcher = _dispatcher(opts.threads, opts.poll)
            dispatcher.heard(data.decode(errors="replace"))
    except _Stop:
        pass
    finally:
        listener.close()
        if dispatcher is not None:
            dispatcher.stop()
        if _shared:
            _store().dispose()  # the journal's writer writes what it holds, then goes
    return 0


# What the process shares between the dispatcher and the journal, made at first use (imported
# then: see the module's docstring).
_shared: dict = {}
_shared_lock = threading.Lock()


def _store():
    with _shared_lock:
        if "store" not in _shared:
            from mockplatform import domains  # noqa: PLC0415
            from mockplatform.settings import Settings  # noqa: PLC0415
            from mockplatform.store.session import Store  # noqa: PLC0415

            domains.load()
            _shared["settings"] = settings = Settings.from_env()
            store = Store(settings.resolved_database_url, pool_size=settings.webhook_threads + 2)
            store.create_schema()
            _shared["store"] = store
        return _shared["store"]


def _dispatcher(threads: int, poll: float):
    from mockplatform.control.webhooks.dispatcher import Dispatcher  # noqa: PLC0415

    return Dispatcher(_store(), threads=threads, poll=poll)


def _writer():
    store = _store()
    with _shared_lock:
        if "writer" not in _shared:
            from mockplatform.control import journal  # noqa: PLC0415

            _shared["writer"] = journal.JournalWriter(
                journal.journal_store(store), _shared["settings"].journal_max_entries)
        return _shared["writer"]


def _accept_entries(listener: socket.socket) -> None:
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_read_entries, args=(connection,), daemon=True,
                         name="mockplatform-journal-read").start()


def _read_entries(connection: socket.socket) -> None:
    """One worker's entries, in order; a flush is answered once they are written."""
    from mockplatform.control import journal_link as link  # noqa: PLC0415

    with connection, connection.makefile("rb") as reader:
        while (got := link.read_frame(reader)) is not None:
            kind, payload = got
            try:
                if kind == link.ENTRY:
                    _writer().add(link.decode(payload))
                elif kind == link.FLUSH:
                    _writer().flush()
                    connection.sendall(link.FLUSHED)
            except Exception:  # a bad frame or a database hiccup: say so, go on
                log.exception("a journal entry could not be taken")


if __name__ == "__main__":
    sys.exit(main())
