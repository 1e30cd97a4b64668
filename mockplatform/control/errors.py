"""The typed errors of the control plane (see ``mockplatform.errors``)."""

from __future__ import annotations

from mockplatform.errors import Conflict, NotFound


class SandboxNotFound(NotFound):
    """No sandbox with that id (or the caller's key is another sandbox's)."""

    code = "sandbox_not_found"


class ClockCannotGoBackwards(Conflict):
    """An advance to an instant before the sandbox's now."""

    code = "clock_cannot_go_backwards"
