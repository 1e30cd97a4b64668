"""A worker's line to serve's sidecar process (mockplatform/sidecar.py) for the request journal:
the worker sends each entry there instead of writing it, so that the journal's writes take
neither the worker's CPU nor its interpreter lock from its requests.

One Unix stream connection per worker process (made after the fork), its sends serialised by a
lock. A frame: one byte of kind, four of length (big-endian), the payload.

- ``J`` + an entry as JSON (instants as ISO 8601): the sidecar buffers and writes it, as a
  worker's own writer would (control/journal.py).
- ``F``: write everything received so far; the sidecar answers one byte, ``K``, once written.
  Frames of one connection are read in order, so after ``K`` every entry this worker sent
  before is in the journal.

What cannot be sent (the sidecar is gone, or has not read for ``SEND_TIMEOUT``) is said False,
and the worker writes that entry itself from then on. What the sidecar had taken and not yet
written when it is killed is lost with it, as a killed worker loses the entries its own writer
holds: at most the last ``GATHER_SECONDS`` (0.1 s) of entries and those still in the socket.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime
from typing import Any

import orjson

ENTRY, FLUSH, FLUSHED = b"J", b"F", b"K"
SEND_TIMEOUT = 2.0
FLUSH_TIMEOUT = 2.0
INSTANTS = ("sandbox_at", "wall_at")


def frame(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def encode(entry: dict[str, Any]) -> bytes:
    return orjson.dumps(entry)


def decode(payload: bytes) -> dict[str, Any]:
    entry = orjson.loads(payload)
    for name in INSTANTS:
        if entry.get(name) is not None:
            entry[name] = datetime.fromisoformat(entry[name])
    return entry


def read_frame(reader) -> tuple[bytes, bytes] | None:
    """The next (kind, payload) of a binary file over the connection; None at its end (a frame
    cut short included)."""
    head = reader.read(5)
    if len(head) < 5:
        return None
    size = int.from_bytes(head[1:], "big")
    payload = reader.read(size) if size else b""
    if len(payload) < size:
        return None
    return head[:1], payload


class JournalLink:
    def __init__(self, path: str):
        self.path = path
        self._socket: socket.socket | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self.gone = False  # a connection was refused: nobody listens there any more

    def send(self, entry: dict[str, Any]) -> bool:
        data = frame(ENTRY, encode(entry))
        with self._lock:
            try:
                self._connected().sendall(data)
                return True
            except OSError:
                self._close()
                return False

    def flush(self) -> bool:
        """True once the sidecar has written every entry this process sent it."""
        with self._lock:
            try:
                connection = self._connected()
                connection.sendall(frame(FLUSH))
                connection.settimeout(FLUSH_TIMEOUT)
                answer = connection.recv(1)
                connection.settimeout(SEND_TIMEOUT)
            except OSError:
                self._close()
                return False
            if answer != FLUSHED:
                self._close()
                return False
            return True

    def _connected(self) -> socket.socket:
        if self._socket is None or self._pid != os.getpid():
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(SEND_TIMEOUT)
            try:
                connection.connect(self.path)
            except OSError:
                connection.close()
                self.gone = True
                raise
            self._socket, self._pid = connection, os.getpid()
        return self._socket

    def _close(self) -> None:
        if self._socket is not None and self._pid == os.getpid():
            try:
                self._socket.close()
            except OSError:
                pass
        self._socket = None
