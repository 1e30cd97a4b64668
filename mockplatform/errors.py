"""One error tree for the whole server.

Every error class carries a stable ``code``, registered once in ``ERROR_CODES`` (two classes
may not claim one code), and the offending ``field`` where there is one. A front renders an
error in its own envelope: the native API from ``status`` (the HTTP status of its category) and
``code``; a platform's front maps the class or code to its platform's own codes. Each domain
keeps its errors in its ``errors.py``; the categories below are shared.
"""

from __future__ import annotations

from typing import Any, ClassVar

# Every error code, to the class that carries it.
ERROR_CODES: dict[str, type] = {}


class MockplatformError(Exception):
    status = 500
    type = "api_error"
    code = "internal_error"
    platform_code: str | None = None
    # An error raised after the work reached a consistent point that must be kept (for example
    # an advance that stopped at its timer bound) commits the transaction instead of rolling back.
    keeps_changes = False
    # The codes a class may also be raised with (``code=``), beside its own.
    also_codes: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for code in (cls.__dict__.get("code"), *cls.__dict__.get("also_codes", ())):
            if code is None:
                continue
            other = ERROR_CODES.get(code)
            if other is not None and other.__qualname__ != cls.__qualname__:
                raise TypeError(f"error code {code!r} of {cls.__qualname__} is taken by "
                                f"{other.__module__}.{other.__qualname__}")
            ERROR_CODES[code] = cls

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None,
                 field: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code is not None:
            self.code = code
        self.headers = headers or {}
        # The offending field: given, or the first one the details name.
        self.field = field if field is not None else next(
            (d["field"] for d in self.details if d.get("field")), None)

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
        return cls(f"{field}: {message}", field=field,
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
