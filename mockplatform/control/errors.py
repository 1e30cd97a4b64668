"""The typed errors of the control plane (see ``mockplatform.errors``)."""

from __future__ import annotations

from mockplatform.errors import Conflict, InvalidRequest, MockplatformError, NotFound


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


class FaultRuleNotFound(NotFound):
    """No fault rule with that id in the sandbox."""

    code = "fault_rule_not_found"


class InjectedFault(MockplatformError):
    """The answer of a fault rule (control/faults.py), raised before the operation runs.

    ``status`` is the HTTP status of the native answer; ``gateway_status`` that of a platform
    gateway, which answers its own errors (Lazada's ``ApiCallLimit``) with HTTP 200. ``code``
    is the rule's code, else ``injected_fault`` (``rate_limited`` for a 429); ``platform_code``
    the rule's code for a platform's envelope (None: the front's default for the status).
    The call counts of the rules are kept although the request fails: ``keeps_changes``, and
    nothing else has changed when it is raised (catch-up aside, which any request does).
    """

    code = "injected_fault"
    keeps_changes = True

    def __init__(self, message: str, *, rule_id: str, effect: str, status: int,
                 gateway_status: int, code: str | None = None, native_code: str | None = None,
                 headers: dict[str, str] | None = None, retry_after: int | None = None):
        super().__init__(message, code=code or native_code, headers=headers)
        self.status = status
        self.gateway_status = gateway_status
        self.type = "rate_limit_error" if status == 429 else "api_error"
        self.rule_id = rule_id
        self.effect = effect
        self.platform_code = code
        self.retry_after = retry_after
