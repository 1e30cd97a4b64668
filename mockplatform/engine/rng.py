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
from collections.abc import Sequence
from decimal import Decimal

PER_MILLION = 1_000_000


def keyed(seed: int, subject: str, purpose: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x1f{subject}\x1f{purpose}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def chance(draw: random.Random, rate: Decimal) -> bool:
    """Whether the next draw of ``draw`` falls below ``rate`` (a ratio from 0 to 1), in
    millionths: the same answer on every platform."""
    return Decimal(draw.randrange(PER_MILLION)) < rate * PER_MILLION


def weighted(draw: random.Random, names: Sequence[str], weights: Sequence[Decimal]) -> str:
    """One of ``names``, drawn by ``weights`` (ratios; equal weights when they all weigh 0).
    Integer weights: the same draw on every platform, with no float rounding in the way."""
    if not any(weights):
        weights = [Decimal(1)] * len(names)
    scaled = [int(Decimal(weight) * PER_MILLION) for weight in weights]
    pick = draw.randrange(sum(scaled))
    for name, weight in zip(names, scaled, strict=True):
        if pick < weight:
            return name
        pick -= weight
    raise AssertionError("unreachable: the pick is below the total weight")


def secret_token(nbytes: int = 16) -> str:
    return secrets.token_hex(nbytes)


def secret_digits(count: int) -> str:
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(count - 1))
