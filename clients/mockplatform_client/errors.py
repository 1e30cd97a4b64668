"""The exceptions the client raises, and the one table that maps an HTTP answer to them.

Every error carries what the server said: ``status``, the error ``type`` and ``code``, the
``message``, the per-field ``details`` and the ``request_id`` to quote when asking about it.
Catch by status (``ConflictError``) or, where a code needs its own handling, by code
(``InvalidStateTransitionError``, ``IdempotencyError``, ``ClockError``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MockplatformError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "MethodNotAllowedError",
    "ConflictError",
    "InvalidStateTransitionError",
    "IdempotencyError",
    "ClockError",
    "PayloadTooLargeError",
    "UnsupportedMediaTypeError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "error_class_for",
]

# A non-JSON error page (a proxy's HTML, a traceback) can be long; the full text stays in ``body``.
_MAX_MESSAGE_CHARS = 1000


class MockplatformError(Exception):
    """Base of every error the client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        type: str | None = None,
        details: list[dict[str, Any]] | None = None,
        request_id: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.type = type
        self.details = list(details or [])
        self.request_id = request_id
        self.body = body
        self.headers: Mapping[str, str] = headers if headers is not None else {}

    def __str__(self) -> str:
        context = [f"{name}={value}" for name, value in (
            ("status", self.status), ("code", self.code), ("request_id", self.request_id),
        ) if value is not None]
        return f"{self.message} ({', '.join(context)})" if context else self.message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, "
                f"code={self.code!r}, request_id={self.request_id!r})")


class APIConnectionError(MockplatformError):
    """The server could not be reached, or the connection broke before an answer came."""

    def __init__(self, message: str = "Could not connect to the server.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """No answer within the client's ``timeout``."""

    def __init__(self, message: str = "The request timed out.") -> None:
        super().__init__(message)


class APIStatusError(MockplatformError):
    """The server answered with a non-2xx status; ``status`` is always set."""

    status: int


class BadRequestError(APIStatusError):
    """400: the request was malformed or failed validation; ``details`` names each field."""


class AuthenticationError(APIStatusError):
    """401: missing or unknown bearer token."""


class PermissionDeniedError(APIStatusError):
    """403: the token is valid but may not do this."""


class NotFoundError(APIStatusError):
    """404."""


class MethodNotAllowedError(APIStatusError):
    """405."""


class ConflictError(APIStatusError):
    """409: the request is well formed but conflicts with the current state."""


class InvalidStateTransitionError(ConflictError):
    """409 ``invalid_state_transition``: the action is not allowed in the subject's state."""

    @property
    def current_state(self) -> str | list[str] | None:
        """The subject's state; for an action on a whole order, its items' ``statuses``."""
        return self._detail("current_state")

    @property
    def allowed_actions(self) -> list[str]:
        return list(self._detail("allowed_actions") or [])

    @property
    def action(self) -> str | None:
        return self._detail("action")

    def _detail(self, key: str) -> Any:
        for detail in self.details:
            if isinstance(detail, Mapping) and key in detail:
                return detail[key]
        return None


class IdempotencyError(ConflictError):
    """409 ``idempotency_key_reused``: the key was first used with a different request."""


class ClockError(ConflictError):
    """409 from the sandbox clock: ``clock_cannot_go_backwards`` or ``advance_limit_reached``."""


class PayloadTooLargeError(APIStatusError):
    """413."""


class UnsupportedMediaTypeError(APIStatusError):
    """415."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429: slow down; the client already waited ``Retry-After`` on each retry it made."""


class InternalServerError(APIStatusError):
    """Any 5xx."""


# (status, code) -> class; (status, None) is the class for any other code with that status.
_ERROR_CLASSES: dict[tuple[int, str | None], type[APIStatusError]] = {
    (400, None): BadRequestError,
    (401, None): AuthenticationError,
    (403, None): PermissionDeniedError,
    (404, None): NotFoundError,
    (405, None): MethodNotAllowedError,
    (409, None): ConflictError,
    (409, "invalid_state_transition"): InvalidStateTransitionError,
    (409, "idempotency_key_reused"): IdempotencyError,
    (409, "clock_cannot_go_backwards"): ClockError,
    (409, "advance_limit_reached"): ClockError,
    (413, None): PayloadTooLargeError,
    (415, None): UnsupportedMediaTypeError,
    (422, None): UnprocessableEntityError,
    (429, None): RateLimitError,
}


def error_class_for(status: int, code: str | None = None) -> type[APIStatusError]:
    """The exception class for an answer with ``status`` and error ``code``."""
    found = _ERROR_CLASSES.get((status, code)) or _ERROR_CLASSES.get((status, None))
    if found is not None:
        return found
    return InternalServerError if status >= 500 else APIStatusError


def make_status_error(status: int, headers: Mapping[str, str], text: str) -> APIStatusError:
    """Build the error for a non-2xx answer from its raw parts; the body need not be JSON."""
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = text
    error: Mapping[str, Any] = {}
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        error = body["error"]
    message = error.get("message") or text.strip()[:_MAX_MESSAGE_CHARS] or f"HTTP {status}"
    code = error.get("code")
    details = error.get("details")
    return error_class_for(status, code)(
        str(message),
        status=status,
        code=code,
        type=error.get("type"),
        details=details if isinstance(details, list) else [],
        request_id=error.get("request_id") or headers.get("X-Request-Id"),
        body=body,
        headers=headers,
    )
