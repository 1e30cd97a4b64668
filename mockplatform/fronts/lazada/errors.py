"""Lazada's error envelope, and every error of the server as Lazada's code for it.

Every answer of the gateway is HTTP 200 with a JSON body whose ``code`` is a string ("0" on
success), because that is all ``lazop-sdk`` reads (reference section 2.4). An error carries
``type`` (``ISV``: the caller's request; ``ISP``: a business rule; ``SYSTEM``: the platform),
``code``, ``message`` and ``request_id``.

Codes the reference documents are used as documented (``IncompleteSignature``,
``MissingParameter``, ``IllegalAccessToken``, ``IllegalRefreshToken``, ``InvalidCode``,
``InvalidApiPath``, ``UnsupportedHTTPMethod``, ``ApiCallLimit``, the numeric ``E0xx`` codes of
each API). Where it names none, the choices made here:

- ``InvalidTimestamp``: a ``timestamp`` that does not parse, or is more than 7200 s from the wall
  clock (the SDK sends real time, not the sandbox's).
- ``InvalidAppKey``: an ``app_key`` that no sandbox has, or a sandbox of another platform profile.
- ``InvalidParameter`` (ISV): any other bad input the reference gives no code for, and a
  parameter holding characters that cannot be stored (NUL, unpaired surrogates).
- ``OperationNotAllowed`` (ISP): a domain conflict (a state that does not allow the action).
- ``ApiCallLimit`` (ISV): the server's rate limits and a fault rule's rate limit;
  ``ServiceUnavailable`` (SYSTEM): a fault rule's 5xx; ``UnknownRuntimeException`` (SYSTEM):
  anything else, never a 500.

The package-level fulfilment APIs (reference section 6.2) answer a refused request as Lazada's
fulfilment service does: ``code`` "0" and ``result`` ``{"success": false, "error_code",
"error_msg"}`` (``ResultError``); a batch API may add ``detail: [{field, seller_sku?,
message}]`` to its error. Either way the request is refused whole: nothing of it is kept.
"""

from __future__ import annotations

import json
from typing import Any

from mockplatform.control.errors import (
    InjectedFault,
    InvalidAuthorizationCode,
    InvalidRefreshToken,
)
from mockplatform.errors import (
    Conflict,
    InvalidRequest,
    MockplatformError,
    NotFound,
    RateLimited,
)

ISV, ISP, SYSTEM = "ISV", "ISP", "SYSTEM"


class LazadaError(MockplatformError):
    """An error already in Lazada's terms: its ``platform_code``, ``lazada_type``, message."""

    status = 200
    code = "lazada_gateway_error"

    def __init__(self, platform_code: str, message: str, *, lazada_type: str = ISV,
                 details: list[dict[str, Any]] | None = None):
        super().__init__(message, details=details)
        self.platform_code = platform_code
        self.lazada_type = lazada_type


class ResultError(LazadaError):
    """A refused request of a fulfilment API: answered with ``code`` "0" and a ``result``
    saying ``success: false`` with Lazada's ``error_code`` (``"700004"`` PARAM_ILLEGAL, say)."""


def param_illegal(message: str) -> ResultError:
    return ResultError("700004", f"PARAM_ILLEGAL: {message}")


def missing(name: str) -> LazadaError:
    return LazadaError("MissingParameter", f"The input parameter \u201c{name}\u201d that is "
                       "mandatory for processing this request is not supplied")


def invalid(name: str, message: str) -> LazadaError:
    return LazadaError("InvalidParameter", f"{name}: {message}")


def numbered(number: int, message: str) -> LazadaError:
    """A business error of an API: code ``"16"``, message ``E016: ...``."""
    return LazadaError(str(number), f"E{number:03d}: {message}")


def as_lazada(error: MockplatformError) -> LazadaError:
    """``error`` in Lazada's terms (see the module's docstring for the choices)."""
    if isinstance(error, LazadaError):
        return error
    if isinstance(error, InjectedFault):
        return _injected(error)
    if isinstance(error, InvalidAuthorizationCode):
        return LazadaError("InvalidCode", f"Invalid authorization code ({error.message})")
    if isinstance(error, InvalidRefreshToken):
        return LazadaError("IllegalRefreshToken",
                           "The specified refresh token is invalid or expired")
    if isinstance(error, RateLimited):
        return LazadaError("ApiCallLimit", f"Api access frequency exceeds the limit. "
                           f"{error.message}")
    if isinstance(error, InvalidRequest | NotFound):
        return LazadaError("InvalidParameter", error.message)
    if isinstance(error, Conflict):
        return LazadaError("OperationNotAllowed", error.message, lazada_type=ISP)
    return LazadaError("UnknownRuntimeException", error.message, lazada_type=SYSTEM)


def _injected(error: InjectedFault) -> LazadaError:
    """A fault rule's answer: its own code, else Lazada's for the status (``ApiCallLimit`` for
    a rate limit, ``ServiceUnavailable`` of type SYSTEM for a 5xx: our choice, the reference
    names no code for the gateway's own failures)."""
    if error.status == 429:
        message = error.message if error.platform_code else (
            f"Api access frequency exceeds the limit. this ban will last "
            f"{error.retry_after or 1} seconds")
        return LazadaError(error.platform_code or "ApiCallLimit", message)
    if error.status >= 500:
        return LazadaError(error.platform_code or "ServiceUnavailable", error.message,
                           lazada_type=SYSTEM)
    return LazadaError(error.platform_code or "InjectedFault", error.message)


def envelope(error: MockplatformError, request_id: str) -> str:
    lazada = as_lazada(error)
    if isinstance(lazada, ResultError):
        body: dict[str, Any] = {"result": {"success": False,
                                           "error_code": lazada.platform_code,
                                           "error_msg": lazada.message},
                                "code": "0", "request_id": request_id}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    body = {"type": lazada.lazada_type, "code": lazada.platform_code, "message": lazada.message,
            "request_id": request_id}
    if lazada.details:
        body["detail"] = lazada.details
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
