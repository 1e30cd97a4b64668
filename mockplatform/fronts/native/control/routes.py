"""Control plane: sandboxes and their clocks and timers, under /api/v1/sandboxes."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.control import clock as clock_service
from mockplatform.control import sandboxes as service
from mockplatform.engine import ids
from mockplatform.engine.context import SandboxContext
from mockplatform.fronts.native import schemas as s
from mockplatform.fronts.native.endpoint import (
    ADMIN,
    SANDBOX,
    SANDBOX_PATH,
    SANDBOX_PATH_ADMIN,
    Call,
    endpoint,
)

bp = Blueprint("control", __name__, url_prefix="/api/v1")


def _view(ctx, *, credentials: bool = True) -> dict:
    return {"sandbox": ctx.sandbox, "clock": clock_service.state(ctx),
            "credentials": ctx.sandbox if credentials else None}


@endpoint(bp, "/sandboxes", method="POST", auth=ADMIN, body=s.SandboxCreateSchema,
          response=s.SandboxSchema, status=201, summary="Create a sandbox", tags=["sandboxes"])
def create_sandbox(call: Call):
    """A fresh, isolated, seeded world with its own clock and credentials."""
    call.ctx = service.create(call.session, call.settings, call.body)
    return _view(call.ctx)


@endpoint(bp, "/sandboxes", auth=ADMIN, query=s.SandboxListQuery, response=s.SandboxListSchema,
          summary="List sandboxes", tags=["sandboxes"])
def list_sandboxes(call: Call):
    """Oldest first. Called with a sandbox's api key (on a server without an admin token), only
    that sandbox. Credentials are listed only to the admin: without the admin token (or on a
    server without one), each sandbox's ``credentials`` is null."""
    if call.ctx is not None:
        return s.page([_view(call.ctx)], False, None)
    rows, has_more = service.list_(call.session, after=call.query.get("after"),
                                   limit=call.query["limit"])
    views = [_view(SandboxContext(call.session, row, call.settings), credentials=call.is_admin)
             for row in rows]
    return s.page(views, has_more, lambda v: v["sandbox"].id)


@endpoint(bp, "/sandbox", auth=SANDBOX, response=s.SandboxSchema,
          summary="The sandbox of the calling api key", tags=["sandboxes"])
def current_sandbox(call: Call):
    return _view(call.ctx)


@endpoint(bp, "/sandboxes/<sandbox_id>", auth=SANDBOX_PATH, response=s.SandboxSchema,
          summary="Get a sandbox", tags=["sandboxes"])
def get_sandbox(call: Call):
    return _view(call.ctx)


@endpoint(bp, "/sandboxes/<sandbox_id>", method="DELETE", auth=SANDBOX_PATH_ADMIN,
          response=s.DeletedSchema, summary="Delete a sandbox and everything in it",
          tags=["sandboxes"])
def delete_sandbox(call: Call):
    """When the server has an admin token, only the admin token may delete."""
    sandbox_id = call.ctx.sandbox.id
    service.delete_(call.session, call.ctx.sandbox)
    call.ctx = None
    return {"id": sandbox_id, "object": "sandbox", "deleted": True}


@endpoint(bp, "/sandboxes/<sandbox_id>/reset", method="POST", auth=SANDBOX_PATH,
          response=s.SandboxSchema, summary="Reset a sandbox to its creation state",
          tags=["sandboxes"])
def reset_sandbox(call: Call):
    """Same id, credentials, seed and settings; everything else as when it was created."""
    call.ctx = service.reset(call.session, call.settings, call.ctx.sandbox)
    return _view(call.ctx)


@endpoint(bp, "/sandboxes/<sandbox_id>/snapshot", method="POST", auth=SANDBOX_PATH,
          response=s.SnapshotSchema, summary="Take a snapshot (a JSON document)",
          tags=["sandboxes"])
def snapshot_sandbox(call: Call):
    return service.snapshot(call.ctx)


@endpoint(bp, "/sandboxes/restore", method="POST", auth=ADMIN, body=s.SandboxRestoreSchema,
          response=s.SandboxSchema, status=201, summary="Restore a snapshot into a new sandbox",
          tags=["sandboxes"], body_limit="max_restore_bytes")
def restore_sandbox(call: Call):
    """The body may be up to MOCKPLATFORM_MAX_RESTORE_BYTES (256 MiB by default), and sent with
    ``Content-Encoding: gzip`` (the limit bounds what it decompresses to)."""
    call.ctx = service.restore(call.session, call.settings, call.body["snapshot"],
                               call.body.get("name"))
    return _view(call.ctx)


# -- clock ----------------------------------------------------------------------------------------

@endpoint(bp, "/sandboxes/<sandbox_id>/clock", auth=SANDBOX_PATH, response=s.ClockSchema,
          summary="Read the clock", tags=["clock"])
def get_clock(call: Call):
    return clock_service.state(call.ctx)


@endpoint(bp, "/sandboxes/<sandbox_id>/clock/advance", method="POST", auth=SANDBOX_PATH,
          body=s.AdvanceSchema, response=s.AdvanceResultSchema,
          summary="Advance the clock, firing every timer due on the way", tags=["clock"])
def advance_clock(call: Call):
    """Give ``by`` (a duration) or ``to`` (a timestamp, or ``next_timer``). Each timer fires at
    its own due instant, in order; timers scheduled on the way fire too if due by the target.

    ``events`` holds the first 100 events the advance recorded, ``total_count`` says how many
    it recorded in all, and ``next_page`` (null when there are no more) is the event-feed URL of
    the rest: exactly the advance's events, paged by each page's ``next_cursor``."""
    result = clock_service.advance(call.ctx, by=call.body.get("by"), to=call.body.get("to"))
    return {"previous_now": result.previous_now, "clock": result.clock,
            "timers_fired": result.timers_fired, "events": result}


@endpoint(bp, "/sandboxes/<sandbox_id>/clock/freeze", method="POST", auth=SANDBOX_PATH,
          response=s.ClockSchema, summary="Freeze the clock at its current instant",
          tags=["clock"])
def freeze_clock(call: Call):
    return clock_service.freeze(call.ctx)


@endpoint(bp, "/sandboxes/<sandbox_id>/clock/run", method="POST", auth=SANDBOX_PATH,
          body=s.RunSchema, response=s.ClockSchema,
          summary="Run the clock at a speed (1 = real time, 3600 = an hour a second)",
          tags=["clock"])
def run_clock(call: Call):
    return clock_service.run(call.ctx, call.body["speed"])


@endpoint(bp, "/sandboxes/<sandbox_id>/timers", auth=SANDBOX_PATH, query=s.TimerQuery,
          response=s.TimerListSchema, summary="List scheduled timers in firing order",
          tags=["clock"])
def list_timers(call: Call):
    after = call.query.get("after")
    after_seq = ids.parse_id(ids.TIMER_PREFIX, after, field="after") if after else 0
    rows, has_more = call.ctx.timers.list(kind_name=call.query.get("kind"), after_seq=after_seq,
                                          limit=call.query["limit"])
    return s.page(rows, has_more, lambda t: ids.format_id(ids.TIMER_PREFIX, t.seq))
