"""One error tree for the whole server.

Every error carries an HTTP status and a native error ``code``; a front (the native JSON API, a
platform dialect) renders it in its own envelope. A platform's own error code, where a dialect
needs one, is kept apart in ``platform_code`` so the native code never has to change for it.
"""

from __future__ import annotations

from typing import Any


class MockplatformError(Exception):
    status = 500
    type = "api_error"
    code = "internal_error"
    platform_code: str | None = None
    # An error raised after the work reached a consistent point that must be kept (for example
    # an advance that stopped at its timer bound) commits the transaction instead of rolling back.
    keeps_changes = False

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code is not None:
            self.code = code
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "code": self.code, "message": self.message,
                "details": self.details}


class InvalidRequest(MockplatformError):
    status = 400
    type = "invalid_request_error"
    code = "invalid_request"


class ValidationFailed(InvalidRequest):
    """Bad input; ``details`` names each bad field: ``{"field", "location", "message"}``."""

    code = "validation_failed"

    @classmethod
    def field(cls, field: str, message: str, *, location: str = "body") -> ValidationFailed:
        return cls(f"{field}: {message}",
                   details=[{"field": field, "location": location, "message": message}])


class AuthenticationFailed(MockplatformError):
    status = 401
    type = "authentication_error"
    code = "authentication_required"


class PermissionDenied(MockplatformError):
    status = 403
    type = "permission_error"
    code = "permission_denied"


class NotFound(MockplatformError):
    status = 404
    type = "not_found_error"
    code = "not_found"


class MethodNotAllowed(MockplatformError):
    status = 405
    type = "invalid_request_error"
    code = "method_not_allowed"


class Conflict(MockplatformError):
    status = 409
    type = "conflict_error"
    code = "conflict"


class InvalidStateTransition(Conflict):
    """An action that the current state does not allow; names the state and what is allowed."""

    code = "invalid_state_transition"

    def __init__(self, subject: str, state: str, action: str, allowed: list[str]):
        allowed_text = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"{subject} is {state}: cannot {action}; allowed actions: {allowed_text}",
            details=[{"field": "state", "location": "resource",
                      "message": f"cannot {action} while {state}", "current_state": state,
                      "action": action, "allowed_actions": list(allowed)}])
        self.state = state
        self.allowed = list(allowed)


class AdvanceLimitReached(Conflict):
    code = "advance_limit_reached"
    keeps_changes = True


class PayloadTooLarge(MockplatformError):
    status = 413
    type = "invalid_request_error"
    code = "payload_too_large"


class UnsupportedMediaType(MockplatformError):
    status = 415
    type = "invalid_request_error"
    code = "unsupported_media_type"


class RateLimited(MockplatformError):
    status = 429
    type = "rate_limit_error"
    code = "rate_limited"
