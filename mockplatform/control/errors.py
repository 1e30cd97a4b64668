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


class InvalidScenario(InvalidRequest):
    """A scenario document that does not load: an unknown step, field or parameter (named with
    the closest valid one), a value of the wrong type (named by its path, ``steps[3].advance.by``),
    a name no earlier step defined."""

    code = "invalid_scenario"


class ScenarioNotFound(NotFound):
    """No shipped scenario of that name (the closest one is named)."""

    code = "scenario_not_found"


class ScenarioSandboxMismatch(Conflict):
    """The scenario needs another platform, market or policy than the sandbox it runs in."""

    code = "scenario_sandbox_mismatch"


class ScenarioStepFailed(Conflict):
    """A step was refused by the domain (an illegal transition, an unknown order): nothing the
    run did is kept; the details name the step and carry the domain's error."""

    code = "scenario_step_failed"
