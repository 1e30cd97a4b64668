"""Lazada Open Platform request signatures, exactly as ``lazop-sdk`` 1.0.3 computes them
(reference section 1.2): every parameter but ``sign`` (never a file part), sorted by name in
plain code-point order, joined as ``api + k1 + v1 + k2 + v2 ...`` with no separators, the api
name without the ``/rest`` mount; HMAC-SHA256 keyed with the app secret, upper-case hex.

``sign_method=hmac`` (HMAC-MD5, which the docs' Java sample offers) is verified too. A signature
is compared case-insensitively, in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGN_METHODS = {"sha256": hashlib.sha256, "hmac": hashlib.md5}


def signed_text(api: str, params: Mapping[str, str]) -> str:
    return api + "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")


def sign(secret: str, api: str, params: Mapping[str, str], method: str = "sha256") -> str:
    digest = SIGN_METHODS[method]
    return hmac.new(secret.encode("utf-8"), signed_text(api, params).encode("utf-8"),
                    digest).hexdigest().upper()


def verify(secret: str, api: str, params: Mapping[str, str], signature: str,
           method: str = "sha256") -> bool:
    expected = sign(secret, api, params, method)
    return hmac.compare_digest(expected.encode("ascii"),
                               signature.upper().encode("utf-8", "surrogateescape"))
