"""Settings: explicit arguments first, then ``MOCKPLATFORM_*`` environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEFAULT_DATA_DIR = "mockplatform-data"


@dataclass(frozen=True)
class Settings:
    # None means "a SQLite file in data_dir" for the server; tests pass "sqlite://" (memory).
    database_url: str | None = None
    data_dir: str = DEFAULT_DATA_DIR
    admin_token: str | None = None
    # An advance (or a catch-up) that would fire more timers than this stops at a consistent point.
    max_timers_per_advance: int = 1_000_000
    max_body_bytes: int = 1024 * 1024
    # A snapshot is restored in one request body: 10,000 orders make about 25 MB pending, 60 MB
    # walked to ready to ship, 180 MB once delivered and settled (plain JSON; gzip makes a
    # seventeenth of that). The document is held in memory while it is checked.
    max_restore_bytes: int = 256 * 1024 * 1024
    idempotency_window_hours: int = 24
    sql_echo: bool = False
    # Database connections each process keeps open; None: the store's default (serve passes
    # its threads per worker).
    pool_size: int | None = None
    # The request journal (control/journal.py): on or off, the entries kept per sandbox (the
    # oldest dropped first) and the bytes of each request and response body kept.
    journal: bool = True
    journal_max_entries: int = 10_000
    journal_body_bytes: int = 4096
    # Threads per process that send webhooks (control/webhooks/dispatcher.py), and how often
    # they look for deliveries made due by a running clock when nothing wakes them.
    webhook_threads: int = 2
    webhook_poll_ms: int = 1000
    # The socket of serve's webhook sender process (control/webhooks/runner.py): set by serve
    # for its workers, which then tell that process what to send instead of sending it.
    webhook_sender_socket: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = environ.get(f"MOCKPLATFORM_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            if f.type in ("int", "int | None"):
                values[f.name] = int(raw)
            elif f.type in ("bool",):
                values[f.name] = raw.lower() in ("1", "true", "yes", "on")
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = Path(self.data_dir).resolve() / "mockplatform.db"
        return f"sqlite:///{path}"
