"""The dispatcher: threads that send what the outbox holds; in serve's webhook sender process
(mockplatform/webhook_sender.py), told by the workers what they wrote, or in the app's own
process (the pytest plugin's server, ``create_app``).

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
A round sends at most BATCH deliveries, within BUDGET seconds, and gives up on a receiver for the
rest of the round once it has let an attempt run out its time limit.
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

from mockplatform.control.webhooks import outbox, sender, wake
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
from mockplatform.store import bulk, priority
from mockplatform.store.models import Event as EventRow
from mockplatform.store.models import Sandbox
from mockplatform.store.session import Store

log = logging.getLogger("mockplatform.webhooks")
D = WebhookDelivery
DELIVERIES, ATTEMPTS = WebhookDelivery.__table__, WebhookAttempt.__table__
BATCH = 100
# A batch stops sending after this much wall time: what it has not sent yet is released (no
# attempt made, due as it was) for the next round. And once a receiver has let an attempt run
# out its time limit, the batch sends that endpoint nothing more: a receiver that hangs costs
# one time limit per round, not one per delivery, and the other endpoints' deliveries go on.
BUDGET = 30.0
# A claimed batch is recorded once it is sent: its lease outlasts the budget and the attempt
# that may start just before it runs out (native's 10 s limit), with room to record.
LEASE = timedelta(seconds=BUDGET + 10 + 60)
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
    """Sends what the outbox holds, from threads of this process; or, given ``forward_to`` (the
    socket of serve's sender process, webhook_sender.py), tells that process what was written and sends
    nothing itself unless it cannot be reached."""

    def __init__(self, store: Store, *, threads: int = 2, poll: float = 1.0,
                 forward_to: str | None = None):
        self.store = store
        self._forward = wake.Notifier(forward_to) if forward_to else None
        self.threads = threads
        self.poll = poll
        self._wake = threading.Event()
        self._started_in: int | None = None
        self._start_lock = threading.Lock()
        self._claiming = threading.Lock()
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
        touched = exchange.sandbox_id if exchange.request.write else None
        if not wrote and touched not in self._pending:
            return  # nothing written, and no write to a sandbox known to have deliveries
        if self._forward is not None:
            self._pending.update(wrote)  # (what a later write to them may have made due)
            if self._forward.send(wake.message(wrote, touched)):
                return
            self._sender_gone()
        self.notify(wrote, touched)

    def notify(self, wrote: set[str], touched: str | None) -> None:
        """Deliveries were written for the sandboxes ``wrote``; or a write to ``touched`` may
        have made its retries due (it matters only if it has deliveries pending)."""
        if wrote:
            self._pending.update(wrote)
            self.poke(wrote)
        elif touched in self._pending:
            self.poke({touched})

    def heard(self, text: str) -> None:
        """A worker's datagram (wake.py), in serve's sender process."""
        wrote, touched, everything = wake.heard(text)
        if everything:
            self.poke()
        else:
            self.notify(wrote, touched)

    def resume(self) -> None:
        """At start-up: deliveries left pending by an earlier process are sent by this one."""
        with self.store.transaction(write=False) as session:
            pending = session.scalar(select(D.seq).where(D.status == PENDING).limit(1))
        if pending is None:
            return
        if self._forward is not None:
            if self._forward.send("S"):
                return
            self._sender_gone()
        self.poke()

    def _sender_gone(self) -> None:
        log.warning("the webhook sender process cannot be reached; this process sends webhooks "
                    "from now on")
        self._forward = None
        self.poke()  # what it left pending, in every sandbox

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
        priority.background_thread()  # (store/priority.py: the requests' CPU first)
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
                done, released = self._send(claimed)
                self._record(done, released)
                made += len(done)
                if len(claimed) < BATCH and not released:
                    break  # nothing more due now (what comes later pokes again)
        return made

    def _send(self, claimed: list[Work]) -> tuple[list[tuple], list[Work]]:
        """Each claimed delivery's attempt, but for those the batch leaves for the next round
        (see BUDGET): (attempts made, deliveries released)."""
        done, released, hanging = [], [], set()
        until = clocks.elapsed() + BUDGET
        for work in claimed:
            if work.delivery[1] in hanging or clocks.elapsed() > until or self._stopped:
                released.append(work)
                continue
            result, wall = self._attempt(work)
            if result.error == "timeout":
                hanging.add(work.delivery[1])
            done.append((work, result, wall))
        return done, released

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
        """Lease the deliveries due in the sandbox (at most BATCH). The sandbox's clock and
        endpoints are read without the write lock; the write is one UPDATE of the due rows that
        returns what it took, so the writers' queue (which the API's writes wait in too) is held
        for one statement; the events to render are read after it, without the lock. The
        process's threads claim one at a time: two of them never race for the same rows (and
        queue for nothing)."""
        with self._claiming:
            return self._claim_now(sandbox_id)

    def _claim_now(self, sandbox_id: str) -> list[Work]:
        # The statements are built once (below), and run on the connection: built per claim
        # and run through the session, they cost about 2 ms of Python per claim, most of what
        # the sender process spent per push under steady load.
        with self.store.transaction(write=False) as session:
            connection = session.connection()
            sandbox = connection.execute(_SANDBOX, {"b_sandbox": sandbox_id}).one_or_none()
            if sandbox is None:
                return []
            now = clocks.Clock(mode=sandbox[0], speed=sandbox[1], anchor_virtual=sandbox[2],
                               anchor_wall=sandbox[3]).now()
            endpoints = {seq: (url, fmt, secret) for seq, url, fmt, secret in
                         connection.execute(_ENDPOINTS, {"b_sandbox": sandbox_id})}
            if not endpoints:
                return []
            due = {"b_sandbox": sandbox_id, "b_now": now, "b_wall": clocks.wall_now(),
                   "b_endpoints": list(endpoints)}
            if connection.execute(_ANY_DUE, due).first() is None:
                return []  # (no write transaction for nothing)
        token = f"{self._host}:{os.getpid()}:{next(_tokens)}"
        with self.store.transaction(write=True) as session:
            taken = session.connection().execute(
                _TAKE, {**due, "b_token": token, "b_until": due["b_wall"] + LEASE}).all()
        if not taken:
            return []
        taken.sort(key=lambda row: (row[1], row[0]))  # due first, as they were written
        # The events through the deliveries this claim still holds: a reset or a deletion
        # committed since the claim took them (a reset numbers new events from 1 again), and
        # there is nothing to send, nor to record.
        with self.store.transaction(write=False) as session:
            events = {seq: event for seq, *event in session.connection().execute(
                _EVENTS, {"b_sandbox": sandbox_id, "b_token": token,
                          "b_seqs": [row[0] for row in taken]})}
        who = Sender(seed=sandbox[4], market=sandbox[5], app_key=sandbox[6],
                     app_secret=sandbox[7])
        return [Work((seq, endpoint_seq, event_seq, part, attempts, auto, manual),
                     endpoints[endpoint_seq], Event(event_seq, *events[seq]), who,
                     sandbox_id, now, token)
                for seq, _at, endpoint_seq, event_seq, part, attempts, auto, manual in taken
                if seq in events]

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

    def _record(self, done: list[tuple[Work, sender.Result, datetime]],
                released: list[Work] = ()) -> None:
        """Every attempt of a batch (one claim: one sandbox, one token), in one transaction: the
        deliveries still held (locked, under PostgreSQL), one executemany UPDATE of them by
        primary key (bulk.py's, which binds the rows in a few C loops: SQLAlchemy's own binding
        of each row was half of a record's time under the write lock), one INSERT of their
        attempts, and the leases of those not sent let go."""
        if not done and not released:
            return
        first = done[0][0] if done else released[0]
        sandbox_id, token = first.sandbox_id, first.token
        seqs = [work.delivery[0] for work, _result, _wall in done]
        with self.store.transaction(write=True) as session:
            connection = session.connection()
            if released:
                connection.execute(_RELEASE, {"b_sandbox": sandbox_id, "b_token": token,
                                              "b_seqs": [work.delivery[0] for work in released]})
            if not done:
                return
            held = {row[0] for row in connection.execute(
                _TAKEN, {"b_sandbox": sandbox_id, "b_seqs": seqs, "b_token": token})}
            changes, attempts = [], []
            for work, result, wall in done:
                if work.delivery[0] in held:  # else deleted meanwhile, or the lease lapsed
                    change, attempt = _after(work, result, wall)
                    changes.append(change)
                    attempts.append(attempt)
            if changes:
                bulk.update_rows(connection, DELIVERIES, _RECORDED, changes)
                bulk.insert_rows(connection, ATTEMPTS, attempts)


# -- the statements of a claim and of its record (bound by name: b_sandbox, b_now, ...) ----------

_SANDBOX = select(Sandbox.clock_mode, Sandbox.clock_speed, Sandbox.clock_anchor_virtual,
                  Sandbox.clock_anchor_wall, Sandbox.seed, Sandbox.market, Sandbox.app_key,
                  Sandbox.app_secret).where(Sandbox.id == bindparam("b_sandbox"))
_ENDPOINTS = select(WebhookEndpoint.seq, WebhookEndpoint.url, WebhookEndpoint.format,
                    WebhookEndpoint.secret).where(
    WebhookEndpoint.sandbox_id == bindparam("b_sandbox"), WebhookEndpoint.enabled.is_(True))
_C = DELIVERIES.c
# Due: pending, due by the sandbox's now, for an enabled endpoint, and not leased (or lapsed).
_IS_DUE = (_C.status == PENDING, _C.sandbox_id == bindparam("b_sandbox"),
           _C.next_attempt_at <= bindparam("b_now"),
           _C.endpoint_seq.in_(bindparam("b_endpoints", expanding=True)),
           or_(_C.lease_until.is_(None), _C.lease_until < bindparam("b_wall")))
_DUE_FIRST = select(_C.seq).where(*_IS_DUE).order_by(_C.next_attempt_at, _C.seq)
_ANY_DUE = _DUE_FIRST.limit(1)
# Take what is due (the first BATCH of it, read in the due index's order) and say what was
# taken. The rows are found by primary key; the condition is checked again on each row it
# changes (under PostgreSQL, a row another process leased meanwhile is left alone), with
# ``status || ''`` for ``status``: SQLite would otherwise find the rows by the due index and
# walk every due delivery of a backlog (O(backlog) per claim of BATCH).
_TAKE = (update(DELIVERIES)
         .where(_C.sandbox_id == bindparam("b_sandbox"),
                _C.seq.in_(_DUE_FIRST.limit(BATCH).scalar_subquery()),
                (_C.status + "") == PENDING, *_IS_DUE[2:])
         .values(lease_token=bindparam("b_token"), lease_until=bindparam("b_until"))
         .returning(_C.seq, _C.next_attempt_at, _C.endpoint_seq, _C.event_seq, _C.part,
                    _C.attempts, _C.auto_attempts, _C.manual))
_HELD = (_C.sandbox_id == bindparam("b_sandbox"), _C.seq.in_(bindparam("b_seqs", expanding=True)),
         _C.lease_token == bindparam("b_token"))
# Each held delivery's event: (delivery seq, type, occurred_at, subject, data).
_EVENTS = (select(_C.seq, EventRow.type, EventRow.occurred_at, EventRow.subject, EventRow.data)
           .join(EventRow, (EventRow.sandbox_id == _C.sandbox_id)
                 & (EventRow.seq == _C.event_seq))
           .where(*_HELD))
# (FOR UPDATE: under PostgreSQL no other process takes them until this one has recorded them,
# even were the lease to lapse meanwhile; SQLite's write transaction already excludes it.)
_TAKEN = select(_C.seq).where(*_HELD).with_for_update()
_RELEASE = update(DELIVERIES).where(*_HELD).values(lease_token=None, lease_until=None)
# What recording an attempt sets on its delivery.
KEYS = (bulk.KEY_PREFIX + "sandbox_id", bulk.KEY_PREFIX + "seq")
_RECORDED = ("status", "next_attempt_at", "attempts", "auto_attempts", "manual", "lease_token",
             "lease_until")


def _after(work: Work, result: sender.Result, wall: datetime) -> tuple[dict, dict]:
    """The delivery's change and the attempt's row, after one attempt."""
    seq, endpoint_seq, _event, _part, attempts, auto_attempts, resend = work.delivery
    fmt = FORMATS[work.endpoint[1]]
    manual = resend != NO_RESEND
    if not manual:
        auto_attempts += 1
    status, next_at = _outcome(fmt.retries, result.succeeded, auto_attempts,
                               resend == RESEND_FINISHED, work.sandbox_at)
    change = {KEYS[0]: work.sandbox_id, KEYS[1]: seq, "status": status,
              "next_attempt_at": next_at, "attempts": attempts + 1,
              "auto_attempts": auto_attempts, "manual": NO_RESEND, "lease_token": None,
              "lease_until": None}
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
