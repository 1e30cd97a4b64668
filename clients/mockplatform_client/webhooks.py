"""Checking the pushes a mockplatform sandbox sends to your webhook endpoint.

Native format (Stripe-style)::

    from mockplatform_client import webhooks

    event = webhooks.verify(request.get_data(), request.headers["Mockplatform-Signature"],
                            secret=endpoint.secret)          # raises SignatureVerificationError

The header is ``t=<unix seconds>,v1=<hex>``: HMAC-SHA256 keyed with the endpoint's secret over
``"<t>." + body``. ``t`` is the real time of sending (re-signed on every attempt), checked
against your clock with ``tolerance`` seconds; the sandbox instant of the event is the body's
``occurred_at``. Lazada and TikTok Shop pushes carry ``Authorization`` = hex HMAC-SHA256 keyed
with the sandbox's app secret over app key + body: ``verify_platform``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

__all__ = ["SignatureVerificationError", "verify", "verify_platform", "sign", "sign_platform",
           "SIGNATURE_HEADER", "DEFAULT_TOLERANCE"]

SIGNATURE_HEADER = "Mockplatform-Signature"
DEFAULT_TOLERANCE = 300


class SignatureVerificationError(ValueError):
    """The push is not what the sandbox signed (or is too old): do not act on it."""

    def __init__(self, message: str, header: str | None = None):
        super().__init__(message)
        self.header = header


def _bytes(payload: bytes | str) -> bytes:
    return payload.encode() if isinstance(payload, str) else bytes(payload)


def _hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def sign(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The native header for ``payload`` (for tests of your own receiver)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={_hex(secret, str(t).encode() + b'.' + _bytes(payload))}"


def verify(payload: bytes | str, header: str | None, secret: str,
           tolerance: int | None = DEFAULT_TOLERANCE, *, now: float | None = None) -> Any:
    """The event (parsed JSON) if ``header`` signs ``payload`` with ``secret`` and is no older
    than ``tolerance`` seconds (None: no age check); else ``SignatureVerificationError``."""
    if not header:
        raise SignatureVerificationError(f"no {SIGNATURE_HEADER} header", header)
    items = [item.split("=", 1) for item in header.split(",")]
    if any(len(item) != 2 for item in items):
        raise SignatureVerificationError(
            f"unreadable {SIGNATURE_HEADER} header: expected t=<unix>,v1=<hex>", header)
    stamps = [value.strip() for key, value in items if key.strip() == "t"]
    signatures = [value.strip() for key, value in items if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        raise SignatureVerificationError("the header has no timestamp t=<unix seconds>", header)
    if not signatures:
        raise SignatureVerificationError("the header has no v1 signature", header)
    body = _bytes(payload)
    expected = _hex(secret, stamps[0].encode() + b"." + body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureVerificationError(
            "no v1 signature matches the payload: check the endpoint's secret, and that the "
            "body is the raw bytes received (not re-serialised JSON)", header)
    if tolerance is not None:
        age = (time.time() if now is None else now) - int(stamps[0])
        if age > tolerance:
            raise SignatureVerificationError(
                f"the timestamp is {int(age)} s old, more than the tolerance of {tolerance} s "
                f"(a replayed push?)", header)
    return json.loads(body)


def sign_platform(payload: bytes | str, app_key: str, app_secret: str) -> str:
    """Lazada's and TikTok Shop's push signature: hex HMAC-SHA256(app_secret, app_key + body)."""
    return _hex(app_secret, app_key.encode() + _bytes(payload))


def verify_platform(payload: bytes | str, authorization: str | None, app_key: str,
                    app_secret: str) -> Any:
    """The push (parsed JSON) if ``authorization`` signs it; compared case-insensitively."""
    expected = sign_platform(payload, app_key, app_secret)
    if not authorization or not hmac.compare_digest(expected, authorization.strip().lower()):
        raise SignatureVerificationError(
            "the Authorization header does not sign the payload with this app key and secret",
            authorization)
    return json.loads(_bytes(payload))
