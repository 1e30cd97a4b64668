"""The request pipeline: what every sandbox-scoped request of every front goes through.

    authenticate (the front reads its credentials) -> lock the sandbox (a writing request)
    -> load the input (the front validates it: after authentication, so a caller without
    credentials learns nothing of the API's rules) -> catch up (fire the timers already due)
    -> [before_call hooks: fault rules, rate limits] -> idempotency (replay a kept answer)
    -> the operation -> finish the unit of work -> render -> commit
    -> [after_commit hooks: webhook delivery] -> [after_response hooks: the journal]

A front supplies only what is its own, as a ``Handler``: how it finds the caller's sandbox,
how it loads its input, how it calls the operation and renders the result, and how it renders
an error in its envelope. Everything else, and every hook, is the same for every front.

Hooks are plain callables registered on the app's ``Pipeline``: ``before_call`` hooks run inside
the unit of work, with the sandbox locked for a write, and may raise an error (the front renders
it); ``after_commit`` hooks run after a successful commit, when no lock is held; ``after_response``
hooks run once the answer is known, success or error, outside any unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from mockplatform.engine.context import ReadFoundWork, SandboxContext
from mockplatform.errors import Conflict, MockplatformError
from mockplatform.fronts import idempotency
from mockplatform.settings import Settings
from mockplatform.store.models import Sandbox, SandboxRow
from mockplatform.store.session import Store


@dataclass
class Request:
    """What the pipeline knows of one request, whatever its front."""

    front: str  # "native", "lazada", ...
    operation: str  # the front's name for what is called ("get_order", "/order/get")
    method: str
    path: str
    # A writing request locks its sandbox; a reading one that finds timers due is redone as one.
    write: bool
    idempotency_key: str | None = None
    # A call that manages the sandbox (sandboxes, clock, faults, journal): never faulted, not
    # journaled.
    control_plane: bool = False
    # A test helper (acting as the buyer, the carrier, the warehouse): journaled, never
    # faulted, so that a rule matching everything breaks the integration's calls, not the
    # test's own set-up.
    test_helper: bool = False


@dataclass
class Access:
    """Who is calling: the sandbox they act on (None for a call outside any sandbox) and
    whether they hold the admin token."""

    sandbox: Sandbox | SandboxRow | None
    is_admin: bool = False


@dataclass
class Unit:
    """One unit of work, as the front's operation sees it."""

    session: Session
    settings: Settings
    ctx: SandboxContext | None  # the operation may replace it (creating a sandbox, say)
    is_admin: bool
    input: Any


@dataclass
class Answer:
    """What the front sends back: a status, the body's text and extra headers."""

    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False
    error: bool = False  # rendered from an error


@dataclass
class Exchange:
    """What the hooks see of a request."""

    request: Request
    sandbox_id: str | None = None
    sandbox_now: datetime | None = None  # the sandbox's instant when the request was served
    # Set once the answer is known (after_commit, after_response).
    answer: Answer | None = None
    error: MockplatformError | None = None
    # Inside the unit of work only (before_call): the context of the sandbox.
    ctx: SandboxContext | None = None
    # What hooks may leave for later hooks of the same request (a fault rule's name, say).
    notes: dict[str, Any] = field(default_factory=dict)


class Handler(Protocol):
    """What a front supplies for one request."""

    def authenticate(self, session: Session, settings: Settings, *, lock: bool) -> Access: ...

    def load(self) -> tuple[Any, Any]:
        """The validated input, and what an Idempotency-Key is bound to besides method and path
        (the body as sent, say); raises the front's validation errors."""

    def call(self, unit: Unit) -> Any:
        """Run the operation; the result as the front will render it."""

    def render(self, result: Any, unit: Unit) -> Answer: ...

    def render_error(self, error: MockplatformError) -> Answer: ...

    def replay(self, status: int, text: str) -> Answer:
        """A kept answer, replayed for an Idempotency-Key."""


Hook = Callable[[Exchange], None]


class Pipeline:
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.before_call: list[Hook] = []
        self.after_commit: list[Hook] = []
        self.after_response: list[Hook] = []

    def run(self, request: Request, handler: Handler) -> Answer:
        exchange = Exchange(request)
        try:
            exchange.answer = self._attempts(request, handler, exchange)
        except MockplatformError as error:
            exchange.error = error
            exchange.answer = handler.render_error(error)
            exchange.answer.error = True
        except BaseException:
            exchange.answer = Answer(500, "")
            self._run_hooks(self.after_response, exchange)
            raise
        else:
            self._run_hooks(self.after_commit, exchange)
        self._run_hooks(self.after_response, exchange)
        return exchange.answer

    @staticmethod
    def _run_hooks(hooks: list[Hook], exchange: Exchange) -> None:
        for hook in hooks:
            hook(exchange)

    def _attempts(self, request: Request, handler: Handler, exchange: Exchange) -> Answer:
        write = request.write
        for _attempt in range(2):
            try:
                return self._unit_of_work(request, handler, exchange, write)
            except ReadFoundWork:
                write = True
            except idempotency.KeyTakenMeanwhile:
                continue  # another request with the same key committed first: replay its answer
        raise Conflict("another request with this Idempotency-Key is in progress; retry it",
                       code="idempotency_key_in_use",
                       details=[{"field": "Idempotency-Key", "location": "header",
                                 "message": "in use by a concurrent request"}])

    def _unit_of_work(self, request: Request, handler: Handler, exchange: Exchange,
                      write: bool) -> Answer:
        settings = self.settings
        with self.store.transaction(write=write) as session:
            access = handler.authenticate(session, settings, lock=write)
            ctx = None
            if access.sandbox is not None:
                ctx = SandboxContext(session, access.sandbox, settings)
                ctx.writable = write
                exchange.sandbox_id, exchange.sandbox_now = ctx.id, ctx.now
            loaded, fingerprint = handler.load()
            key = request.idempotency_key
            if key:
                idempotency.check_key(key)
            if ctx is not None:
                ctx.catch_up()
            if self.before_call:
                exchange.ctx = ctx
                self._run_hooks(self.before_call, exchange)
                exchange.ctx = None
            if key:
                scope = idempotency.scope_and_now(ctx)
                fingerprint = (request.method, request.path, fingerprint)
                kept = idempotency.replay(session, settings, scope, key, fingerprint)
                if kept is not None:
                    answer = handler.replay(kept.status, kept.body)
                    answer.replayed = True
                    return answer
            unit = Unit(session=session, settings=settings, ctx=ctx,
                        is_admin=access.is_admin, input=loaded)
            result = handler.call(unit)
            ctx = unit.ctx  # an operation that creates a sandbox hands its context back
            if ctx is not None:
                ctx.finish()
                exchange.sandbox_id, exchange.sandbox_now = ctx.id, ctx.now
            answer = handler.render(result, unit)
            if key:
                if ctx is not None and ctx.id == scope[0]:
                    # The window starts when the answer is given: an advance of 24 h or more
                    # must not expire its own key, or its retry would advance the clock again.
                    scope = (scope[0], ctx.now)
                idempotency.remember(session, scope, key, fingerprint, answer.status,
                                     answer.text, settings.idempotency_window_hours)
        return answer
