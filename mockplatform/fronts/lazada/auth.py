"""Lazada's token APIs (reference section 3): ``/auth/token/create`` exchanges an authorization
code (a native test helper issues one: ``POST /api/v1/test_helpers/lazada/authorization_code``)
for an access and a refresh token; ``/auth/token/refresh`` issues a new access token. Their
fields stand at the top level of the answer, beside ``code``. Lifetimes run on the sandbox
clock (``control.authorizations``)."""

from __future__ import annotations

from typing import Any

from mockplatform.control import authorizations
from mockplatform.engine.context import SandboxContext
from mockplatform.fronts.lazada.errors import missing
from mockplatform.fronts.lazada.table import GET, POST, api

ACCOUNT_PLATFORM = "seller_center"


def _required(name: str):
    def parse(params: dict[str, str]) -> str:
        value = params.get(name)
        if not value:
            raise missing(name)
        return value

    return parse


def _seller(ctx: SandboxContext) -> dict[str, Any]:
    """Who authorized: the sandbox's one seller, with ids drawn from the seed."""
    country = ctx.sandbox.market.lower()
    seller_id, user_id = authorizations.seller_ids(ctx.sandbox.seed)
    return {"country": country, "account": f"seller@{country}.sandbox.test",
            "info": {"country": country, "seller_id": str(seller_id), "user_id": str(user_id),
                     "short_code": f"{ctx.sandbox.market}{seller_id % 100000:05d}"}}


def _answer(ctx: SandboxContext, tokens: authorizations.Tokens, info_key: str,
            ) -> dict[str, Any]:
    seller = _seller(ctx)
    return {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in, "refresh_expires_in": tokens.refresh_expires_in,
            "country": seller["country"], "account_platform": ACCOUNT_PLATFORM,
            "account": seller["account"], "account_id": None,
            info_key: [seller["info"]]}


@api("/auth/token/create", methods=(GET, POST), parse=_required("code"), write=True,
     token=False)
def token_create(ctx: SandboxContext, code: str) -> dict[str, Any]:
    return _answer(ctx, authorizations.exchange_code(ctx, code), "country_user_info")


@api("/auth/token/refresh", methods=(GET, POST), parse=_required("refresh_token"), write=True,
     token=False)
def token_refresh(ctx: SandboxContext, refresh_token: str) -> dict[str, Any]:
    return _answer(ctx, authorizations.refresh(ctx, refresh_token), "country_user_info_list")
