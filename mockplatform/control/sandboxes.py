"""Sandboxes: create, find, list, delete, reset, snapshot and restore. No Flask here."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from mockplatform.control import snapshots
from mockplatform.control.errors import SandboxNotFound
from mockplatform.engine import clock as clocks
from mockplatform.engine import rng
from mockplatform.engine.context import SandboxContext, forget_kept
from mockplatform.engine.policies import validate_overrides
from mockplatform.errors import ValidationFailed
from mockplatform.settings import Settings
from mockplatform.store.models import Sandbox, SandboxRow, Timer, sandbox_tables, snapshot_tables

SNAPSHOT_FORMAT = snapshots.FORMAT
# Where a sandbox's clock starts when the caller gives no start_at: a fixed instant, so that the
# same calls give the same timestamps in every run.
DEFAULT_START_AT = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
DEFAULT_SEED = 0


def create(session: Session, settings: Settings, spec: dict[str, Any]) -> SandboxContext:
    """Create a sandbox from a validated ``spec`` (see ``SandboxCreateSchema``)."""
    creation = normalise_creation(spec)
    sandbox = Sandbox(id=_unique(session, Sandbox.id, lambda: "sbx_" + rng.secret_token(10)),
                      created_wall_at=clocks.wall_now(),
                      api_key=_unique(session, Sandbox.api_key,
                                      lambda: "mp_test_" + rng.secret_token(20)),
                      app_key=_unique(session, Sandbox.app_key, lambda: rng.secret_digits(6)),
                      app_secret=rng.secret_token(16),
                      access_token=_unique(session, Sandbox.access_token,
                                           lambda: "50000" + rng.secret_token(24)))
    session.add(sandbox)
    return _initialise(session, settings, sandbox, creation)


def normalise_creation(spec: dict[str, Any]) -> dict[str, Any]:
    """The JSON-safe creation settings that reset replays; overrides validated, defaults filled."""
    platform, market = spec["platform"], spec["market"]
    overrides = validate_overrides(platform, spec.get("policy_overrides") or {})
    calendar_overrides = sorted(
        ({"date": o["date"].isoformat(), "working": o["working"], "name": o.get("name", "")}
         for o in spec.get("calendar_overrides") or []), key=lambda o: o["date"])
    dates = [o["date"] for o in calendar_overrides]
    duplicates = sorted({d for d in dates if dates.count(d) > 1})
    if duplicates:
        raise ValidationFailed.field("calendar_overrides",
                                     f"each date may be overridden once; repeated: {duplicates}")
    start_at = spec.get("start_at") or DEFAULT_START_AT
    return {
        "name": spec.get("name") or "",
        "platform": platform,
        "market": market,
        "seed": spec.get("seed", DEFAULT_SEED) if spec.get("seed") is not None else DEFAULT_SEED,
        "start_at": start_at.astimezone(UTC).isoformat(),
        "clock_mode": spec.get("clock_mode") or clocks.FROZEN,
        "clock_speed": float(spec.get("clock_speed") or 1.0),
        "policy_overrides": overrides,
        "calendar_overrides": calendar_overrides,
    }


def _initialise(session: Session, settings: Settings, sandbox: Sandbox,
                creation: dict[str, Any]) -> SandboxContext:
    start_at = datetime.fromisoformat(creation["start_at"])
    sandbox.creation = creation
    sandbox.name = creation["name"]
    sandbox.platform = creation["platform"]
    sandbox.market = creation["market"]
    sandbox.seed = creation["seed"]
    sandbox.start_at = start_at
    sandbox.clock_mode = creation["clock_mode"]
    sandbox.clock_speed = creation["clock_speed"]
    sandbox.clock_anchor_virtual = start_at
    sandbox.clock_anchor_wall = clocks.wall_now() if creation["clock_mode"] == clocks.RUNNING \
        else None
    sandbox.next_timer_at = None
    sandbox.timers_pending = 0
    sandbox.policy_overrides = creation["policy_overrides"]
    sandbox.calendar_overrides = creation["calendar_overrides"]
    sandbox.counters = {}
    sandbox.faults = {}  # reset clears the fault rules, as it clears the journal
    sandbox.webhook_routes = []  # and the webhook endpoints
    session.flush()
    ctx = SandboxContext(session, sandbox, settings)
    # No subject: the sandbox's id is random, and must not enter its own (seeded) data.
    ctx.record("sandbox.created", data={
        "platform": sandbox.platform, "market": sandbox.market, "seed": sandbox.seed})
    return ctx


def _unique(session: Session, column, make) -> str:
    while True:
        value = make()
        if not session.scalar(select(exists().where(column == value))):
            return value


@cache
def _lookup(column: str, lock: bool):
    """The sandbox lookup of every request, built once: building and keying a statement costs
    more than running it. A writing request loads and locks the mapped row; a reading one
    selects the plain columns it may read (see ``_find``)."""
    if lock:
        return select(Sandbox).where(getattr(Sandbox, column) == bindparam("value")) \
            .with_for_update()
    table = Sandbox.__table__
    return select(*(c for c in table.c if c.name not in _WRITE_ONLY)) \
        .where(table.c[column] == bindparam("value"))


# What only a writing unit of work needs: the creation settings (reset, snapshot) and the id
# counters (new ids).
_WRITE_ONLY = ("creation", "counters")


def _find(session: Session, column: str, value: str, lock: bool) -> Sandbox | SandboxRow | None:
    if lock:
        return session.scalar(_lookup(column, True), {"value": value})
    # A reading request never changes its sandbox: a plain copy of the row costs a fraction of
    # loading a mapped instance into the session.
    row = session.connection().execute(
        _lookup(column, False), {"value": value}).mappings().first()
    return None if row is None else SandboxRow(**row)


def get(session: Session, sandbox_id: str, *, lock: bool = True) -> Sandbox:
    sandbox = _find(session, "id", sandbox_id, lock)
    if sandbox is None:
        raise SandboxNotFound(f"no sandbox {sandbox_id!r}")
    return sandbox


def by_api_key(session: Session, api_key: str, *, lock: bool = True) -> Sandbox | None:
    return _find(session, "api_key", api_key, lock)


def by_app_key(session: Session, app_key: str, *, lock: bool = True) -> Sandbox | None:
    return _find(session, "app_key", app_key, lock)


def list_(session: Session, *, after: str | None, limit: int) -> tuple[list[Sandbox], bool]:
    """All sandboxes, oldest first; ``after`` is the id of the last one already seen."""
    stmt = select(Sandbox)
    if after:
        anchor = session.get(Sandbox, after)
        if anchor is None:
            raise ValidationFailed.field("after", f"no sandbox {after!r} to continue after",
                                         location="query")
        stmt = stmt.where((Sandbox.created_wall_at > anchor.created_wall_at) | (
            (Sandbox.created_wall_at == anchor.created_wall_at) & (Sandbox.id > anchor.id)))
    rows = list(session.scalars(
        stmt.order_by(Sandbox.created_wall_at, Sandbox.id).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def delete_(session: Session, sandbox: Sandbox) -> None:
    _delete_rows(session, sandbox.id)
    session.delete(sandbox)


def reset(session: Session, settings: Settings, sandbox: Sandbox) -> SandboxContext:
    """Back to the state it was created in: same id, credentials, seed and settings."""
    _delete_rows(session, sandbox.id)
    return _initialise(session, settings, sandbox, dict(sandbox.creation))


def _delete_rows(session: Session, sandbox_id: str) -> None:
    for table in reversed(sandbox_tables()):
        session.execute(delete(table).where(table.c.sandbox_id == sandbox_id))
    forget_kept(session)


# -- snapshots ------------------------------------------------------------------------------

_SANDBOX_STATE = snapshots.SANDBOX_STATE


def snapshot(ctx: SandboxContext) -> dict[str, Any]:
    """The sandbox's whole state as one JSON document. A running clock is captured at ``now``
    and restored running from there."""
    ctx.finish()
    sandbox = ctx.sandbox
    state = {name: _to_json(getattr(sandbox, name)) for name in _SANDBOX_STATE}
    state["clock_anchor_virtual"] = ctx.now.isoformat()
    state["counters"] = dict(sandbox.counters)
    tables = {}
    for table in snapshot_tables():
        columns = [column for column in table.c if column.name != "sandbox_id"]
        names = [column.name for column in columns]
        rows = ctx.session.execute(select(*columns).where(table.c.sandbox_id == sandbox.id)
                                   .order_by(*table.primary_key.columns))
        # Plain tuples zipped with the names: a mapping per row costs more than its values.
        tables[table.name] = [dict(zip(names, map(_to_json, row), strict=True)) for row in rows]
    return {"object": "sandbox_snapshot", "format": SNAPSHOT_FORMAT, "sandbox_id": sandbox.id,
            "taken_at": ctx.now.isoformat(), "sandbox": state, "tables": tables}


def restore(session: Session, settings: Settings, document: Any,
            name: str | None) -> SandboxContext:
    """A new sandbox (new id and credentials) holding exactly the snapshot's state."""
    checked = snapshots.check(document)
    try:
        ctx = create(session, settings, checked.creation)
    except ValidationFailed as exc:  # the creation's own rules (platform, overrides ...)
        raise ValidationFailed(f"snapshot is damaged: {exc.message}", details=[
            {**detail, "field": f"snapshot.sandbox.creation.{detail['field']}"}
            for detail in exc.details]) from None
    sandbox = ctx.sandbox
    _delete_rows(session, sandbox.id)  # drop what creation recorded; the snapshot has its own
    state = dict(checked.state)
    del state["creation"]  # create() stored it already, checked and normalised, for reset
    try:
        state["policy_overrides"] = validate_overrides(state["platform"],
                                                       state["policy_overrides"])
    except ValidationFailed as exc:
        raise ValidationFailed(f"snapshot is damaged: {exc.message}", details=[
            {**detail, "field": f"snapshot.sandbox.{detail['field']}"}
            for detail in exc.details]) from None
    for field, value in state.items():
        setattr(sandbox, field, value)
    # create() numbered its sandbox.created event in the row's own counters dict, after the row
    # was written: a snapshot's counters equal to that dict ({"event": 1}, a fresh sandbox's)
    # would compare unchanged and never be written, and the next event would reuse number 1.
    flag_modified(sandbox, "counters")
    if name is not None:
        sandbox.name = name
    if sandbox.clock_mode == clocks.RUNNING:
        sandbox.clock_anchor_wall = clocks.wall_now()
    session.flush()
    for table, rows in checked.rows.items():
        if rows:
            session.execute(insert(table), [{"sandbox_id": sandbox.id, **row} for row in rows])
        # What a domain keeps derived from other columns and the clock is derived again, not
        # trusted: the document may be edited, or older than the column.
        if "after_restore" in table.info:
            table.info["after_restore"](session, sandbox.id, sandbox.clock_anchor_virtual)
    # Derived, not trusted: the earliest restored timer is what catch-up looks at.
    sandbox.next_timer_at = session.scalar(
        select(Timer.due_at).where(Timer.sandbox_id == sandbox.id)
        .order_by(Timer.due_at, Timer.seq).limit(1))
    sandbox.timers_pending = session.scalar(
        select(func.count()).select_from(Timer).where(Timer.sandbox_id == sandbox.id))
    session.flush()
    return SandboxContext(session, sandbox, settings)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value
