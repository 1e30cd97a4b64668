"""Identifiers from per-sandbox counters: the same calls give the same ids in every run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from mockplatform.errors import ValidationFailed

EVENT_PREFIX = "evt_"
TIMER_PREFIX = "tmr_"
# Counters are stored in BIGINT columns: 18 digits always fit.
MAX_DIGITS = 18
# The most a counter may start from (a restored snapshot's): what is drawn from it, a seeded
# base below 10**15 plus the counter, keeps 18 digits for a very long while, far below a BIGINT's
# 2**63. A counter near 2**63 would overflow its column at the next id.
MAX_COUNTER = 10**17


def next_value(counters: dict, name: str) -> int:
    value = counters.get(name, 0) + 1
    counters[name] = value
    return value


def format_id(prefix: str, number: int) -> str:
    return f"{prefix}{number:08d}"


def parse_id(prefix: str, value: str, *, field: str, location: str = "query") -> int:
    """The counter behind an id such as ``evt_00000042``; a bad id is a 400 naming ``field``."""
    digits = value[len(prefix):] if isinstance(value, str) and value.startswith(prefix) else ""
    # ASCII digits only ("٣".isdigit() is true), and few enough for a 64-bit column.
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS:
        return int(digits)
    raise ValidationFailed.field(field, f"expected an id like {format_id(prefix, 1)}, got {value!r}",
                                 location=location)


# Platform-looking numeric ids (Lazada's order ids have 15 digits, item ids 10) start at a base
# drawn from the sandbox seed above a floor, then count up: the same seed and calls give the
# same ids, and sandboxes with different seeds do not share them.
ID_BASE_SPREAD = 100_000_000


@cache
def _seeded_base(seed: int, domain: str, kind: str, floor: int) -> int:
    from mockplatform.engine import rng  # the one module that may hold randomness

    return floor + rng.keyed(seed, domain, f"{kind}_id_base").randrange(ID_BASE_SPREAD)


def seeded_block(counters: dict, seed: int, *, domain: str, kind: str, floor: int,
                 count: int = 1) -> range:
    """``count`` new ids of ``kind``, in order, counted by the counter ``<domain>.<kind>``."""
    key = f"{domain}.{kind}"
    first = counters.get(key, 0) + 1
    counters[key] = first + count - 1
    base = _seeded_base(seed, domain, kind, floor)
    return range(base + first, base + first + count)


@dataclass(frozen=True)
class SeededIds:
    """One kind of id drawn by ``seeded_block``: the counter ``<domain>.<kind>`` above a base
    drawn from the seed over ``floor``. ``pattern`` finds the number in an id written as text
    (its one group: ``FP([0-9]{15,})``).

    The column holding them declares it (``info={"drawn_from": ...}``), so that a restored
    snapshot's counter is checked to be past every id it holds: behind one, the id drawn next
    would repeat it, and the insert would fail at every try (a failed try draws nothing)."""

    domain: str
    kind: str
    floor: int
    pattern: str | None = None

    @property
    def counter(self) -> str:
        return f"{self.domain}.{self.kind}"

    def draw(self, counters: dict, seed: int, count: int = 1) -> range:
        return seeded_block(counters, seed, domain=self.domain, kind=self.kind,
                            floor=self.floor, count=count)

    def base(self, seed: int) -> int:
        return _seeded_base(seed, self.domain, self.kind, self.floor)

    def number(self, value: int | str) -> int | None:
        """The number in an id of this kind, or None for a value this kind never draws."""
        if self.pattern is None:
            return value if isinstance(value, int) else None
        match = re.fullmatch(self.pattern, value) if isinstance(value, str) else None
        return int(match.group(1)) if match else None
