"""What a worker of ``mockplatform serve`` tells the webhook sender process
(mockplatform/webhook_sender.py) after a commit: one datagram on a Unix socket.

- ``W id id ...``: deliveries were written for these sandboxes;
- ``T id``: a write to this sandbox, which may have made its retries due (an advance); said
  only of the sandboxes this worker wrote deliveries for (the sender looks at the others every
  poll interval);
- ``S``: look at every sandbox (a worker's start found deliveries pending).
"""

from __future__ import annotations

import os
import socket


class Notifier:
    """A worker's side: one unbound datagram socket per process (made after the fork)."""

    def __init__(self, path: str):
        self.path = path
        self._socket: socket.socket | None = None
        self._pid = 0

    def send(self, message: str) -> bool:
        """False if the sender process cannot be reached (gone); a full queue is not that: the
        sender is busy and looks at every sandbox on its own."""
        if self._pid != os.getpid():
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._socket.setblocking(False)
            self._pid = os.getpid()
        try:
            self._socket.sendto(message.encode(), self.path)
        except BlockingIOError:
            return True
        except OSError:  # refused, no such file: nobody is there
            return False
        return True


def message(wrote: set[str], touched: str | None) -> str:
    return "W " + " ".join(sorted(wrote)) if wrote else f"T {touched}"


def heard(text: str) -> tuple[set[str], str | None, bool]:
    """A datagram read back: (sandboxes written, sandbox touched, whether to look at all)."""
    kind, _, rest = text.partition(" ")
    ids = set(rest.split())
    if kind == "W" and ids:
        return ids, None, False
    if kind == "T" and ids:
        return set(), ids.pop(), False
    return set(), None, True
