"""Keyed randomness: the fate of one subject never depends on what other subjects did.

``keyed(seed, subject, purpose)`` always gives the same stream for the same three values, so
order 42's delivery failure does not change because another test created an order first.
The only unseeded randomness in the server is ``secret_token``: credentials and sandbox ids, which
must not be guessable on a shared server and never enter a sandbox's own data.
"""

from __future__ import annotations

import hashlib
import random
import secrets


def keyed(seed: int, subject: str, purpose: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x1f{subject}\x1f{purpose}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def secret_token(nbytes: int = 16) -> str:
    return secrets.token_hex(nbytes)


def secret_digits(count: int) -> str:
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(count - 1))
