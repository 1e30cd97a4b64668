"""The typed errors of the control plane (see ``mockplatform.errors``)."""

from __future__ import annotations

from mockplatform.errors import Conflict, InvalidRequest, NotFound


class SandboxNotFound(NotFound):
    """No sandbox with that id (or the caller's key is another sandbox's)."""

    code = "sandbox_not_found"


class ClockCannotGoBackwards(Conflict):
    """An advance to an instant before the sandbox's now."""

    code = "clock_cannot_go_backwards"


class InvalidAuthorizationCode(InvalidRequest):
    """An OAuth authorization code that was never issued, was used already or has expired."""

    code = "invalid_authorization_code"


class InvalidRefreshToken(InvalidRequest):
    """A refresh token that was never issued or has expired."""

    code = "invalid_refresh_token"
