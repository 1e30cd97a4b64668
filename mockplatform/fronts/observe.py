"""Fault rules and the request journal, as the pipeline's hooks: the same for every front.

- ``before_call``: the sandbox's fault rules (control/faults.py) count the call; the rule that
  applies answers in the front's envelope before the operation runs (an ``InjectedFault``), or,
  for latency and dribble, lets it run.
- ``after_response``, in this order: the fault's finishing touches (a malformed body is cut;
  a dropped connection and a dribbled body are marked for ``after_request``; latency sleeps,
  holding no lock and no unit of work), then the journal entry (control/journal.py), latency
  included (a dribble's pauses come after it, as the body is written).

A dropped connection is best effort: under a real server (werkzeug's, as the pytest plugin
runs, or gunicorn's, as ``serve`` runs) the socket is shut down before the answer is written,
and the client sees the connection closed without an answer. Without a socket (Flask's test
client) there is nothing to drop: the answer is an empty 502 with ``X-Mockplatform-Dropped``.

Test helpers (``Request.test_helper``) are journaled but never faulted: a rule that matches
everything breaks the integration's calls, not the test's own set-up.
Control-plane calls (``Request.control_plane``) are neither faulted nor journaled, as WireMock
leaves its admin API out of its journal: a test's own set-up does not crowd what it asserts on.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, g, request

from mockplatform.control import faults, journal
from mockplatform.control.errors import InjectedFault
from mockplatform.engine import clock as clocks
from mockplatform.fronts.pipeline import Exchange, Pipeline
from mockplatform.settings import Settings
from mockplatform.store.session import Store

# Replaced by tests: an injected latency sleeps real time.
sleep: Callable[[float], None] = time.sleep
# Parameters whose values never enter the journal (Lazada's signature and tokens).
SECRET_PARAMETERS = frozenset({"sign", "access_token", "refresh_token", "client_secret"})
REDACTED = "***"
DROPPED_HEADER = "X-Mockplatform-Dropped"
# The native views that first write what this process holds of the journal: its readers, and
# what deletes a sandbox's entries (an entry written after them would outlive them).
FLUSHING_VIEWS = frozenset({"observe.list_journal", "observe.clear_journal",
                            "control.reset_sandbox", "control.delete_sandbox"})
# The views after which the sandbox's journal goes (the journal may be kept in another database
# than the sandbox: control/journal.py).
FORGETTING_VIEWS = frozenset({"control.reset_sandbox", "control.delete_sandbox"})


def init_app(app: Flask, pipeline: Pipeline, store: Store, settings: Settings) -> None:
    pipeline.before_call.append(_fault_before_call)
    pipeline.after_response.append(_fault_after_response(store))
    kept_in = journal.journal_store(store) if settings.journal else store
    writer = journal.JournalWriter(kept_in, settings.journal_max_entries)
    app.extensions["mockplatform"]["journal"] = writer
    if settings.journal:
        pipeline.after_response.append(_journal_entry(writer, settings.journal_body_bytes))
    pipeline.after_response.append(_journal_forget(writer))

    @app.before_request
    def _start():
        g.mockplatform_started = clocks.monotonic()
        if request.endpoint in FLUSHING_VIEWS:
            writer.flush()

    @app.after_request
    def _drop_or_dribble(response: Response) -> Response:
        if g.get("mockplatform_drop"):
            return _dropped(response)
        dribble = g.get("mockplatform_dribble")
        return dribbled(response, *dribble) if dribble else response


# -- faults ------------------------------------------------------------------------------------------

def _fault_before_call(exchange: Exchange) -> None:
    req = exchange.request
    if req.control_plane or req.test_helper or exchange.ctx is None:
        return
    applied = faults.apply(exchange.ctx, faults.Call(req.front, req.method, req.path,
                                                     req.operation, _parameter, _header))
    if applied is None:
        return
    exchange.notes["faults"] = applied
    if applied.rule is not None:
        exchange.notes["fault_rule"] = applied.rule["id"]
        exchange.notes["fault_effect"] = applied.rule["effect"]["type"]
        error = faults.injected(applied.rule)
        if error is not None:
            raise error


def _parameter(name: str) -> list[str]:
    """A parameter's values: in the query string, then in a form body if the front read one
    (a Lazada POST's parameters: the gateway has parsed them, and reads no body otherwise);
    a JSON body has none. A body the front left alone is not read here either: its
    parameters are none the operation sees, and parsing it could fail."""
    values = request.args.getlist(name)
    form = _form_read()
    return values + form.getlist(name) if form else values


def _form_read():
    """The request's form if the front parsed it (a Lazada POST's parameters), else None:
    the fault rules and the journal never read a body the front left alone."""
    return request.__dict__.get("form")


def _header(name: str) -> list[str]:
    return request.headers.getlist(name)


def _fault_after_response(store: Store) -> Callable[[Exchange], None]:
    def hook(exchange: Exchange) -> None:
        applied = exchange.notes.get("faults")
        if applied is None:
            return
        error = exchange.error
        if isinstance(error, InjectedFault):
            if error.effect == faults.MALFORMED:
                exchange.answer.text = malformed(exchange.answer.text)
            elif error.effect == faults.DROP:
                g.mockplatform_drop = True
        elif error is not None and not error.keeps_changes:
            # Rolled back with the operation's refusal: the call counts all the same.
            with store.transaction() as session:
                faults.recount(session, exchange.sandbox_id, applied)
        if applied.latency_ms:
            sleep(applied.latency_ms / 1000)
        if applied.dribble:
            g.mockplatform_dribble = applied.dribble

    return hook


def malformed(text: str) -> str:
    """The answer cut in the middle: JSON no parser accepts (an object never closed)."""
    return text[:max(1, len(text) // 2)]


def dribbled(response: Response, ms: int, chunks: int) -> Response:
    """The answer with its headers (Content-Length among them) at once and its body in up to
    ``chunks`` pieces, a pause between each two, the pauses adding up to ``ms``: a client's
    whole-answer time runs out, or its read timeout does not (a timeout per read never fires
    on a pause shorter than it)."""
    body = response.get_data()
    size = -(-len(body) // chunks) if body else 0  # ceiling: at most ``chunks`` pieces
    pieces = [body[at:at + size] for at in range(0, len(body), size)] if size else []
    if len(pieces) < 2:
        return response
    pause = ms / 1000 / (len(pieces) - 1)

    def slowly():
        for number, piece in enumerate(pieces):
            if number:
                sleep(pause)
            yield piece

    response.response = slowly()
    response.headers["Content-Length"] = str(len(body))
    return response


def _dropped(response: Response) -> Response:
    sock = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # the server's write then fails as a client's hang-up
        except OSError:
            pass
    dropped = Response(b"", status=502)
    dropped.headers[DROPPED_HEADER] = "true"
    dropped.headers["Connection"] = "close"
    return dropped


# -- the journal -------------------------------------------------------------------------------------

def _journal_entry(writer: journal.JournalWriter, body_bytes: int) -> Callable[[Exchange], None]:
    def hook(exchange: Exchange) -> None:
        req = exchange.request
        if exchange.sandbox_id is None or req.control_plane:
            return
        answer = exchange.answer
        started = g.get("mockplatform_started")
        request_body, request_cut = journal.clip(_request_body(), body_bytes)
        response_body, response_cut = journal.clip(answer.text if answer else "", body_bytes)
        writer.add({
            "sandbox_id": exchange.sandbox_id, "sandbox_at": exchange.sandbox_now,
            "wall_at": clocks.wall_now(), "front": req.front, "method": req.method,
            "path": req.path[:500], "query": _query(), "operation": req.operation[:120],
            "status": _status(exchange),
            "latency_ms": round((clocks.monotonic() - started) * 1000, 3) if started else 0.0,
            "fault_rule": exchange.notes.get("fault_rule"),
            "fault_effect": exchange.notes.get("fault_effect"),
            "request_body": request_body, "request_truncated": request_cut,
            "response_body": response_body, "response_truncated": response_cut})

    return hook


def _journal_forget(writer: journal.JournalWriter) -> Callable[[Exchange], None]:
    def hook(exchange: Exchange) -> None:
        answer = exchange.answer
        if (request.endpoint in FORGETTING_VIEWS and exchange.sandbox_id is not None
                and answer is not None and answer.status < 300):
            writer.forget(exchange.sandbox_id,
                          deleted=request.endpoint == "control.delete_sandbox")

    return hook


def _status(exchange: Exchange) -> int:
    """The HTTP status the client gets (Lazada answers its errors with 200)."""
    answer = exchange.answer
    if answer is None:
        return 500
    if g.get("mockplatform_drop"):
        return 0  # no answer at all
    return answer.status


def _redacted(pairs) -> str:
    return urlencode([(k, REDACTED if k in SECRET_PARAMETERS else v) for k, v in pairs])


def _query() -> str:
    raw = request.query_string.decode("utf-8", "replace")
    return _redacted(parse_qsl(raw, keep_blank_values=True)) if raw else ""


def _request_body() -> str:
    """The body as sent (text), read only if the front read it: a form's fields (Lazada's
    parameters) are written as a query string, secrets masked; a file part is left out."""
    environ = request.environ
    if (not environ.get("CONTENT_TYPE") and environ.get("CONTENT_LENGTH") in (None, "", "0")
            and "HTTP_TRANSFER_ENCODING" not in environ):
        return ""  # no body (a GET): what follows would parse headers for nothing
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = _form_read()
        return _redacted(form.items(multi=True)) if form else ""
    data = request.__dict__.get("_cached_data")
    if not data or request.headers.get("Content-Encoding", "").strip().lower() == "gzip":
        return ""
    return data.decode("utf-8", "replace")
