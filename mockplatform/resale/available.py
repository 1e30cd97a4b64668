"""Resale and the return service are Lazada's: a profile without their policies answers every
resale read and setting with one 409 naming the platform, rather than an empty list that
reads as "nothing failed yet"."""

from __future__ import annotations

from mockplatform.engine.context import SandboxContext
from mockplatform.resale.errors import ResaleNotAvailable

WINDOW = "resale.window"


def require(ctx: SandboxContext, what: str = "no resale", policy_key: str = WINDOW) -> None:
    """A 409 unless the sandbox's profile has ``policy_key``; ``what`` says what it lacks."""
    if policy_key in ctx.policies:
        return
    platform = ctx.sandbox.platform
    raise ResaleNotAvailable(
        f"the {platform} profile has {what} (resale and the return service are Lazada's)",
        details=[{"field": "platform", "location": "sandbox", "message": what,
                  "current_state": platform, "allowed_platforms": ["lazada"]}])
