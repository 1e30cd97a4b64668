"""OAuth grants of a sandbox, as Lazada's seller authorization issues them: an authorization code
(what the seller's consent redirect carries; here a test helper issues it), exchanged once for
an access token and a refresh token. No HTTP here; the Lazada front serves them.

Lifetimes come from the policy ``gateway.token_lifetimes`` and run on the sandbox clock, so a
test expires a token by advancing the clock. The strings are drawn from the seed and a counter
(same seed and calls, same tokens): they only ever identify a grant together with the sandbox's
``app_key``, and a call signed without the sandbox's secret is refused, so a token alone opens
nothing. The sandbox's own ``access_token`` (its credentials) is not a grant: it never expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockplatform.control.errors import InvalidAuthorizationCode, InvalidRefreshToken
from mockplatform.engine import rng
from mockplatform.engine.context import SandboxContext
from mockplatform.store.models import Base, UTCDateTime


def seller_ids(seed: int) -> tuple[int, int]:
    """The sandbox's one seller, as its authorization names it and its pushes sign as:
    (seller_id, user_id), drawn from the seed."""
    draw = rng.keyed(seed, "lazada_seller", "ids")
    return draw.randrange(10 ** 9, 10 ** 10), draw.randrange(10 ** 9, 10 ** 10)

CODE, ACCESS, REFRESH = "code", "access", "refresh"
LIFETIMES = "gateway.token_lifetimes"
# Lazada's token strings start like this (reference section 3); codes look like theirs too.
_PREFIX = {CODE: "0_", ACCESS: "50000", REFRESH: "50001"}
_LENGTH = {CODE: 32, ACCESS: 48, REFRESH: 48}


class Grant(Base):
    """A code, access token or refresh token of one sandbox."""

    __tablename__ = "authorization_grants"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # code, access, refresh
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A code once exchanged (codes are single use).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The refresh token an access token was issued with ("" for a refresh token or a code).
    refresh_token: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (Index("ix_authorization_grants_kind", "sandbox_id", "kind", "issued_at"),)


@dataclass(frozen=True)
class Tokens:
    """What a token exchange or a refresh answers."""

    access_token: str
    refresh_token: str
    expires_in: int  # seconds of the access token from now
    refresh_expires_in: int  # seconds of the refresh token from now


def _lifetime(ctx: SandboxContext, kind: str) -> timedelta:
    return ctx.policies.value(LIFETIMES)["authorization_code" if kind == CODE else kind]


def _issue(ctx: SandboxContext, kind: str, *, expires_at: datetime | None = None,
           refresh_token: str = "") -> Grant:
    number = ctx.next_id("authorization_grant")
    digits = ctx.rng(f"authorization_grant:{number}", kind).getrandbits(4 * _LENGTH[kind])
    token = f"{_PREFIX[kind]}{digits:0{_LENGTH[kind]}x}"
    grant = Grant(sandbox_id=ctx.id, token=token, kind=kind, issued_at=ctx.now,
                  expires_at=expires_at or ctx.now + _lifetime(ctx, kind),
                  refresh_token=refresh_token)
    ctx.session.add(grant)
    return grant


def _seconds(until: datetime, now: datetime) -> int:
    return max(0, int((until - now).total_seconds()))


def issue_code(ctx: SandboxContext) -> Grant:
    """A new authorization code, as the seller's consent would give the app."""
    grant = _issue(ctx, CODE)
    ctx.session.flush()
    return grant


def _find(session: Session, sandbox_id: str, token: str, kind: str) -> Grant | None:
    if not token or len(token) > 80:
        return None
    grant = session.get(Grant, (sandbox_id, token))
    return grant if grant is not None and grant.kind == kind else None


def exchange_code(ctx: SandboxContext, code: str) -> Tokens:
    """An access and a refresh token for ``code``; the code is spent."""
    grant = _find(ctx.session, ctx.id, code, CODE)
    if grant is None or grant.used_at is not None or grant.expires_at <= ctx.now:
        state = ("unknown" if grant is None else "already used" if grant.used_at is not None
                 else "expired")
        raise InvalidAuthorizationCode(f"authorization code is {state}", field="code",
                                       details=[{"field": "code", "location": "query",
                                                 "message": state}])
    grant.used_at = ctx.now
    refresh = _issue(ctx, REFRESH)
    access = _issue(ctx, ACCESS, refresh_token=refresh.token)
    ctx.session.flush()
    return Tokens(access.token, refresh.token, _seconds(access.expires_at, ctx.now),
                  _seconds(refresh.expires_at, ctx.now))


def refresh(ctx: SandboxContext, refresh_token: str) -> Tokens:
    """A new access token for a live refresh token; the refresh token keeps its expiry."""
    grant = _find(ctx.session, ctx.id, refresh_token, REFRESH)
    if grant is None or grant.expires_at <= ctx.now:
        state = "unknown" if grant is None else "expired"
        raise InvalidRefreshToken(f"refresh token is {state}", field="refresh_token",
                                  details=[{"field": "refresh_token", "location": "query",
                                            "message": state}])
    access = _issue(ctx, ACCESS, refresh_token=grant.token)
    ctx.session.flush()
    return Tokens(access.token, grant.token, _seconds(access.expires_at, ctx.now),
                  _seconds(grant.expires_at, ctx.now))


def access_allowed(session: Session, sandbox, token: str, now: datetime) -> bool:
    """Whether ``token`` lets a caller act on ``sandbox`` at ``now`` (the sandbox's clock): its
    own access token, or an access token it issued that has not expired."""
    if token == sandbox.access_token:
        return True
    if not token.startswith(_PREFIX[ACCESS]) or len(token) > 80:
        return False
    expires_at = session.scalar(select(Grant.expires_at).where(
        Grant.sandbox_id == sandbox.id, Grant.token == token, Grant.kind == ACCESS))
    return expires_at is not None and expires_at > now
