"""A benchmarked server's processes, read from ``/proc`` (Linux; standard library only):
its process tree, their resident memory, their CPU time by role. bench/http.py loads this file
by its path (it cannot put this directory on ``sys.path``, where it would stand in for the
standard library's ``http``)."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def tree(root: int) -> list[int]:
    """``root`` and every process under it (gunicorn's arbiter, its workers, the webhook
    sender)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, i = [root], 0
    while i < len(found):
        found += [pid for pid, ppid in parents.items() if ppid == found[i]]
        i += 1
    return found


def rss_mib(pids: list[int]) -> float:
    """Resident memory of ``pids`` together."""
    kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    kib += int(line.split()[1])
        except OSError:
            continue
    return kib / 1024


def cpu_by_role(server_pids: list[int], receiver_pid: int | None) -> dict[str, float]:
    """CPU seconds so far (user and system, all threads) of a server's processes by role (the
    workers with gunicorn's arbiter, serve's webhook sender) and of the receiver."""
    roles = [(pid, "workers") for pid in server_pids]
    if receiver_pid is not None:
        roles.append((receiver_pid, "receiver"))
    seconds: dict[str, float] = {}
    for pid, role in roles:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if b"webhook_sender" in Path(f"/proc/{pid}/cmdline").read_bytes():
                role = "sender"
        except OSError:
            continue  # gone meanwhile
        seconds[role] = seconds.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / TICKS
    return seconds
