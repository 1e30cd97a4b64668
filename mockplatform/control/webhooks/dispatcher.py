"""The dispatcher: threads of the server process that send what the outbox holds.

A round: find the sandboxes with pending deliveries; for each, read its clock (no lock), claim
the deliveries due by its now in one conditional UPDATE (a lease: token and wall-time expiry),
commit, send them with no transaction open, and record each attempt in a short transaction of
its own, guarded by the token. Two processes never hold the same delivery: the UPDATE's
condition is checked again on the row it changes (a write transaction on SQLite, a row lock under
PostgreSQL's READ COMMITTED). A sender that dies leaves its lease to lapse, and the delivery is
sent again by whoever claims it next: at least once, never lost.

A failed attempt makes the next one due at a SANDBOX instant, the instant it was made plus the
format's delay; advancing the clock makes it due. The threads sleep between rounds, woken at
once after a commit that wrote deliveries (or touched a sandbox that has some pending), else
every ``poll`` seconds (a running clock makes retries due with no request at all). They start
with the first delivery or endpoint, not with the app: a server nobody pushes from runs none.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update

from mockplatform.control.webhooks import outbox, sender
from mockplatform.control.webhooks.formats import FORMATS, Event, Sender, dumps
from mockplatform.control.webhooks.models import (
    DELIVERED,
    FAILED,
    NO_RESEND,
    PENDING,
    RESEND_FINISHED,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from mockplatform.engine import clock as clocks
from mockplatform.engine import ids
from mockplatform.store import bulk
from mockplatform.store.models import Event as EventRow
from mockplatform.store.models import Sandbox
from mockplatform.store.session import Store

log = logging.getLogger("mockplatform.webhooks")
D = WebhookDelivery
DELIVERIES, ATTEMPTS = WebhookDelivery.__table__, WebhookAttempt.__table__
BATCH = 50
# A claimed batch is recorded once it is all sent: its lease outlasts a batch that every
# receiver answers at the longest time limit (native's 10 s).
LEASE = timedelta(seconds=BATCH * 10 + 60)
# After a wake, how long the thread lets a burst of requests commit their deliveries before it
# claims: fewer, larger claims (a push leaves at most this much after its commit, unless a
# backlog keeps the thread busy).
COALESCE = 0.2
DELIVERY_PREFIX = "whd_"
_tokens = itertools.count(1)


@dataclass
class Work:
    """One claimed delivery, with all it takes to send it."""

    delivery: tuple  # (seq, endpoint_seq, event_seq, part, attempts, auto_attempts, manual)
    endpoint: tuple  # (url, format, secret)
    event: Event
    sender: Sender
    sandbox_id: str
    sandbox_at: datetime
    token: str


class Dispatcher:
    def __init__(self, store: Store, *, threads: int = 2, poll: float = 1.0):
        self.store = store
        self.threads = threads
        self.poll = poll
        self._wake = threading.Event()
        self._started_in: int | None = None
        self._start_lock = threading.Lock()
        self._stopped = False
        self._workers: list[threading.Thread] = []
        # Sandboxes known here to have pending deliveries: a write to one wakes the threads
        # (an advance may have made its retries due).
        self._pending: set[str] = set()
        # What the next round looks at: the sandboxes poked since, or (a poll) every one.
        self._poked: set[str] = set()
        self._scan = True
        self._host = socket.gethostname()
        store.on_dispose.append(self.stop)

    # -- the pipeline's hook --------------------------------------------------------------------

    def after_commit(self, exchange) -> None:
        wrote = outbox.take_written()
        if wrote:
            self._pending.update(wrote)
            self.poke(wrote)
        elif exchange.request.write and exchange.sandbox_id in self._pending:
            self.poke({exchange.sandbox_id})

    def resume(self) -> None:
        """At start-up: deliveries left pending by an earlier process are sent by this one."""
        with self.store.transaction(write=False) as session:
            pending = session.scalar(select(D.seq).where(D.status == PENDING).limit(1))
        if pending is not None:
            self.poke()

    def poke(self, sandboxes: set[str] | None = None) -> None:
        """Wake the threads: for ``sandboxes`` (no scan of every sandbox), or for all."""
        if sandboxes is None:
            self._scan = True
        else:
            self._poked.update(sandboxes)
        self._ensure_started()
        self._wake.set()

    def _ensure_started(self) -> None:
        pid = os.getpid()
        if self._started_in == pid:
            return
        with self._start_lock:
            if self._started_in == pid or self._stopped:
                return
            self._workers = [threading.Thread(target=self._loop, daemon=True,
                                              name=f"mockplatform-webhooks-{n}")
                             for n in range(self.threads)]
            for worker in self._workers:
                worker.start()
            self._started_in = pid

    def stop(self) -> None:
        """End the threads (a later poke starts them again)."""
        with self._start_lock:
            self._stopped = True
            self._wake.set()
            for worker in self._workers:
                worker.join(timeout=15)
            self._workers, self._started_in = [], None
            self._stopped = False

    def _loop(self) -> None:
        while not self._stopped:
            scan, self._scan = self._scan, False
            poked, self._poked = self._poked, set()
            try:
                sent = 0
                for sandbox_id in (None,) if scan else poked:
                    sent += self.run_once(sandbox_id)
            except Exception:  # a database hiccup must not end the thread
                log.exception("webhook dispatcher round failed")
                sent = 0
            if self._stopped:
                break
            if sent >= BATCH:
                continue  # a backlog: straight on
            if not self._poked:
                if not self._wake.wait(self.poll):
                    self._scan = True  # nothing woke it: look at every sandbox
                self._wake.clear()
            # Let the requests of a burst commit their deliveries first: a claim costs a few
            # statements, and one claim of many deliveries costs about what one of a few does.
            time.sleep(COALESCE)
        sender.close_all()

    # -- rounds ---------------------------------------------------------------------------------

    def run_once(self, sandbox_id: str | None = None) -> int:
        """Send what is due now (in one sandbox, or in all); how many attempts were made."""
        sandboxes = [sandbox_id] if sandbox_id else self._sandboxes_pending()
        made = 0
        for one in sandboxes:
            while not self._stopped:
                claimed = self._claim(one)
                self._record([(work, *self._attempt(work)) for work in claimed])
                made += len(claimed)
                if len(claimed) < BATCH:
                    break  # nothing more due now (what comes later pokes again)
        return made

    def drain(self, sandbox_id: str, timeout: float = 10.0) -> int:
        """Send everything due in the sandbox, in this thread, and wait for what other threads
        hold; returns the attempts made here. For tests: after it, what is not sent was not due."""
        deadline = clocks.elapsed() + timeout
        made = 0
        while True:
            made += self.run_once(sandbox_id)
            if not self._in_flight(sandbox_id) or clocks.elapsed() > deadline:
                return made
            self._wake.wait(0.01)

    def _sandboxes_pending(self) -> list[str]:
        with self.store.transaction(write=False) as session:
            found = list(session.scalars(select(D.sandbox_id).where(D.status == PENDING).distinct()))
        self._pending = set(found)
        return found

    def _in_flight(self, sandbox_id: str) -> bool:
        wall = clocks.wall_now()
        with self.store.transaction(write=False) as session:
            return session.scalar(select(D.seq).where(
                D.status == PENDING, D.sandbox_id == sandbox_id, D.lease_until > wall).limit(1)) \
                is not None

    def _claim(self, sandbox_id: str) -> list[Work]:
        """Lease the deliveries due in the sandbox (at most BATCH). What is due is read without
        the write lock; only the lease (a conditional UPDATE) and reading back what it took are
        written, so a round that finds nothing due locks nothing."""
        with self.store.transaction(write=False) as session:
            sandbox = session.execute(select(
                Sandbox.clock_mode, Sandbox.clock_speed, Sandbox.clock_anchor_virtual,
                Sandbox.clock_anchor_wall, Sandbox.seed, Sandbox.market, Sandbox.app_key,
                Sandbox.app_secret).where(Sandbox.id == sandbox_id)).one_or_none()
            if sandbox is None:
                return []
            now = clocks.Clock(mode=sandbox[0], speed=sandbox[1], anchor_virtual=sandbox[2],
                               anchor_wall=sandbox[3]).now()
            endpoints = {seq: (url, fmt, secret) for seq, url, fmt, secret in session.execute(
                select(WebhookEndpoint.seq, WebhookEndpoint.url, WebhookEndpoint.format,
                       WebhookEndpoint.secret).where(WebhookEndpoint.sandbox_id == sandbox_id,
                                                     WebhookEndpoint.enabled.is_(True)))}
            wall = clocks.wall_now()
            due = [D.status == PENDING, D.sandbox_id == sandbox_id, D.next_attempt_at <= now,
                   D.endpoint_seq.in_(list(endpoints)),
                   or_(D.lease_until.is_(None), D.lease_until < wall)]
            candidates = list(session.scalars(select(D.seq).where(*due)
                                              .order_by(D.next_attempt_at, D.seq).limit(BATCH)))
        if not candidates:
            return []
        token = f"{self._host}:{os.getpid()}:{next(_tokens)}"
        with self.store.transaction(write=True) as session:
            session.execute(update(DELIVERIES).where(*due, D.seq.in_(candidates))
                            .values(lease_token=token, lease_until=wall + LEASE))
            rows = session.execute(
                select(D.seq, D.endpoint_seq, D.event_seq, D.part, D.attempts, D.auto_attempts,
                       D.manual, EventRow.type, EventRow.occurred_at, EventRow.subject,
                       EventRow.data)
                .join(EventRow, (EventRow.sandbox_id == D.sandbox_id)
                      & (EventRow.seq == D.event_seq))
                .where(D.sandbox_id == sandbox_id, D.lease_token == token)
                .order_by(D.seq)).all()
        who = Sender(seed=sandbox[4], market=sandbox[5], app_key=sandbox[6],
                     app_secret=sandbox[7])
        return [Work(tuple(row[:7]), endpoints[row[1]], Event(row[2], *row[7:]), who,
                     sandbox_id, now, token) for row in rows]

    # -- one attempt ----------------------------------------------------------------------------

    def _attempt(self, work: Work) -> None:
        seq, _endpoint_seq, event_seq, part, attempts, _auto, manual = work.delivery
        url, format_name, secret = work.endpoint
        fmt = FORMATS[format_name]
        body = dumps(fmt.body(work.event, part, work.sender))
        wall = clocks.wall_now()
        headers = {"Content-Type": "application/json", "User-Agent": "mockplatform-webhooks/1",
                   "Mockplatform-Delivery": ids.format_id(DELIVERY_PREFIX, seq),
                   "Mockplatform-Event-Id": ids.format_id(ids.EVENT_PREFIX, event_seq),
                   "Mockplatform-Event-Type": work.event.type,
                   "Mockplatform-Attempt": str(attempts + 1),
                   **fmt.headers(body, secret, work.sender, int(wall.timestamp()))}
        return sender.post(url, body, headers, fmt.timeout), wall

    def _record(self, done: list[tuple[Work, sender.Result, datetime]]) -> None:
        """Every attempt of a batch (one claim: one sandbox, one token), in one transaction: one
        executemany UPDATE of the deliveries still held, one INSERT of their attempts."""
        if not done:
            return
        sandbox_id, token = done[0][0].sandbox_id, done[0][0].token
        with self.store.transaction(write=True) as session:
            held = set(session.scalars(select(D.seq).where(D.sandbox_id == sandbox_id,
                                                           D.lease_token == token)))
            changes, attempts = [], []
            for work, result, wall in done:
                if work.delivery[0] in held:  # else deleted meanwhile, or the lease lapsed
                    change, attempt = _after(work, result, wall)
                    changes.append(change)
                    attempts.append(attempt)
            if changes:
                connection = session.connection()
                connection.execute(_RECORD, changes)
                bulk.insert_rows(connection, ATTEMPTS, attempts)


_RECORD = (update(DELIVERIES)
           .where(DELIVERIES.c.sandbox_id == bindparam("b_sandbox"),
                  DELIVERIES.c.seq == bindparam("b_seq"),
                  DELIVERIES.c.lease_token == bindparam("b_token"))
           .values(status=bindparam("status"), next_attempt_at=bindparam("next_attempt_at"),
                   attempts=bindparam("attempts"), auto_attempts=bindparam("auto_attempts"),
                   manual=NO_RESEND, lease_token=None, lease_until=None))


def _after(work: Work, result: sender.Result, wall: datetime) -> tuple[dict, dict]:
    """The delivery's change and the attempt's row, after one attempt."""
    seq, endpoint_seq, _event, _part, attempts, auto_attempts, resend = work.delivery
    fmt = FORMATS[work.endpoint[1]]
    manual = resend != NO_RESEND
    if not manual:
        auto_attempts += 1
    status, next_at = _outcome(fmt.retries, result.succeeded, auto_attempts,
                               resend == RESEND_FINISHED, work.sandbox_at)
    change = {"b_sandbox": work.sandbox_id, "b_seq": seq, "b_token": work.token,
              "status": status, "next_attempt_at": next_at, "attempts": attempts + 1,
              "auto_attempts": auto_attempts}
    attempt = {"sandbox_id": work.sandbox_id, "delivery_seq": seq, "number": attempts + 1,
               "endpoint_seq": endpoint_seq, "trigger": "manual" if manual else "auto",
               "sandbox_at": work.sandbox_at, "wall_at": wall, "succeeded": result.succeeded,
               "status_code": result.status_code, "latency_ms": result.latency_ms,
               "response_excerpt": result.excerpt, "error": result.error}
    return change, attempt


def _outcome(retries: tuple[timedelta, ...], succeeded: bool, auto_attempts: int,
             was_finished: bool, sandbox_at: datetime) -> tuple[str, datetime | None]:
    """The delivery's status and next attempt after an attempt."""
    if succeeded:
        return DELIVERED, None
    if was_finished or auto_attempts > len(retries):
        return FAILED, None
    delay = retries[auto_attempts - 1] if auto_attempts else timedelta(0)
    try:
        return PENDING, clocks.later(sandbox_at, delay, field="retry")
    except clocks.BeyondLatest:
        return FAILED, None


def retry_instants(retries: tuple[timedelta, ...], first: datetime) -> list[datetime]:
    """Every attempt's instant when each fails at once on a frozen clock: the schedule."""
    instants = [first]
    for delay in retries:
        instants.append(instants[-1] + delay)
    return instants
