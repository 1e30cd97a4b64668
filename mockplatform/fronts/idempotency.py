"""Idempotency-Key: a POST's first answer is kept and replayed, for the same key and the same
request, within a window of sandbox time (wall time for calls outside any sandbox)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mockplatform.engine import clock as clocks
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import Conflict, ValidationFailed
from mockplatform.settings import Settings
from mockplatform.store.models import IdempotencyRecord

GLOBAL_SCOPE = "global"


def request_hash(fingerprint: Any) -> str:
    """The hash of what a key is bound to: ``(method, path, body as sent)``."""
    canonical = json.dumps(list(fingerprint), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scope_and_now(ctx: SandboxContext | None) -> tuple[str, datetime]:
    # Keys of sandbox calls live in sandbox time, so a test that jumps 30 days sees them expire.
    return (ctx.sandbox.id, ctx.now) if ctx is not None else (GLOBAL_SCOPE, clocks.wall_now())


class KeyTakenMeanwhile(Exception):
    """A concurrent request stored the same idempotency key first; this unit of work must roll
    back and run again, to replay that request's answer."""


def check_key(key: str) -> None:
    if len(key) > 255:
        raise ValidationFailed.field("Idempotency-Key", "at most 255 characters",
                                     location="header")
    if not key.isprintable():
        raise ValidationFailed.field("Idempotency-Key", "only printable characters",
                                     location="header")


def replay(session: Session, settings: Settings, scope: tuple[str, datetime], key: str,
           raw_body: Any) -> IdempotencyRecord | None:
    """The first answer given with ``key`` in its window, to be replayed (its ``status`` and
    JSON ``body``); None if the key is new or its window has passed."""
    scope_id, now = scope
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.sandbox_id == scope_id, IdempotencyRecord.key == key))
    if record is None:
        return None
    if now - record.created_at >= timedelta(hours=settings.idempotency_window_hours):
        session.delete(record)
        session.flush()
        return None
    if record.request_hash != request_hash(raw_body):
        raise Conflict("this Idempotency-Key was already used with a different request; "
                       "use a new key for a new request", code="idempotency_key_reused",
                       details=[{"field": "Idempotency-Key", "location": "header",
                                 "message": "reused with a different method, path or body"}])
    return record


def remember(session: Session, scope: tuple[str, datetime], key: str, raw_body: Any,
           status: int, text: str, window_hours: int) -> None:
    scope_id, now = scope
    # Keys of calls on a sandbox are serialised by its row lock; keys of the global scope
    # (creating a sandbox) are not, so two first uses can race to this insert.
    try:
        with session.begin_nested():
            session.add(IdempotencyRecord(sandbox_id=scope_id, key=key,
                                          request_hash=request_hash(raw_body),
                                          status=status, body=text, created_at=now))
    except IntegrityError:
        raise KeyTakenMeanwhile from None
    if scope_id == GLOBAL_SCOPE:
        # Keys of a sandbox go with it (reset, delete); the global ones would pile up forever.
        session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.sandbox_id == GLOBAL_SCOPE,
            IdempotencyRecord.created_at < now - timedelta(hours=window_hours)))
