"""A thin client for the mockplatform marketplace sandbox.

Depends only on ``requests``. Usage::

    from datetime import timedelta
    from mockplatform_client import Client, InvalidStateTransitionError

    admin = Client("http://127.0.0.1:8000", admin_token="adm_...")
    sandbox = admin.sandboxes.create(platform="lazada", market="MY", seed=7)
    client = admin.for_sandbox(sandbox)          # bound to sandbox.credentials.api_key

    client.test_helpers.schedule_timer("reminder", delay=timedelta(hours=48))
    result = client.clock.advance(by=timedelta(hours=49))
    print(result.timers_fired, result.clock.now)
    for event in result.events.auto_paging_iter():   # every event, fetched page by page
        print(event.type, event.occurred_at)

Errors are typed by status and code (``NotFoundError``, ``ConflictError``,
``InvalidStateTransitionError``...); connection errors, timeouts, 429 and 5xx are retried with
backoff, and every POST carries an ``Idempotency-Key`` kept across its retries.
"""

from ._client import Client
from ._object import MockplatformObject
from ._pagination import Page
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClockError,
    ConflictError,
    IdempotencyError,
    InternalServerError,
    InvalidStateTransitionError,
    MethodNotAllowedError,
    MockplatformError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)
from .resources import NEXT_TIMER, JournalAssertionError

__all__ = [
    "JournalAssertionError",
    "__version__",
    "Client",
    "MockplatformObject",
    "Page",
    "NEXT_TIMER",
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
]
