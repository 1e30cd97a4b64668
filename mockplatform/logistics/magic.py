"""Magic values: a delivery fate chosen by the buyer's address or phone, with no control call,
like a payment sandbox's test card numbers. They are read from the order's ``address_shipping``
(copied from the buyer when the order was placed) at each delivery attempt. README.md, "Magic
values", is the user's documentation of this table.

Address lines (``address1``, then ``address2``; keywords in capitals, as whole words):

- ``FAIL:<reason>``: every attempt fails with ``<reason>`` (after the last, failed delivery);
- ``FAIL ONCE:<reason>`` / ``FAIL TWICE:<reason>``: the first one or two attempts fail with
  ``<reason>``, the next is delivered;
- ``LOSE`` / ``DAMAGE``: the first delivery attempt finds the parcel lost / damaged by the
  carrier (items ``lost_by_3pl`` / ``damaged_by_3pl``).

Phone: a number whose digits (ignoring ``+``, spaces, ``-``, parentheses) are six or more zeros
and a last digit N from 1 to 8 makes every attempt fail with the Nth reason of the documented
``delivery.failure_reasons`` list (1 recipient_absent ... 8 force_majeure). No generated buyer
has such a number: every market's numbers start with a country code.

A reason the sandbox's ``delivery.failure_reasons`` does not list, or ``buyer_refused_cod`` on a
prepaid order, is not a magic value: the attempt is decided as if the line were plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockplatform.engine.context import SandboxContext
from mockplatform.orders.models import Order

FAILURE_REASONS = "delivery.failure_reasons"
COD_ONLY_REASON = "buyer_refused_cod"

_FAIL = re.compile(r"(?<![A-Za-z0-9_])FAIL(?: (ONCE|TWICE))?:\s*([A-Za-z_]+)")
_LOSE = re.compile(r"(?<![A-Za-z0-9_])LOSE(?![A-Za-z0-9_])")
_DAMAGE = re.compile(r"(?<![A-Za-z0-9_])DAMAGE(?![A-Za-z0-9_])")
_PHONE = re.compile(r"0{6,}([1-8])")
_TIMES = {None: None, "ONCE": 1, "TWICE": 2}

DELIVERED, FAILED, LOST, DAMAGED = "delivered", "failed", "lost", "damaged"


@dataclass(frozen=True)
class Outcome:
    """What a delivery attempt comes to, and what decided it."""

    kind: str  # delivered, failed, lost, damaged
    reason: str = ""
    decided_by: str = ""  # test_helper, magic_value, failure_rate


def reasons_for(ctx: SandboxContext, order: Order) -> tuple[str, ...]:
    """The reasons an attempt of ``order`` may fail with: the sandbox's list, without
    ``buyer_refused_cod`` unless the buyer pays cash on delivery."""
    return tuple(reason for reason in ctx.policies.value(FAILURE_REASONS)
                 if reason != COD_ONLY_REASON or order.payment_method == "cod")


def outcome(ctx: SandboxContext, order: Order, attempt: int) -> Outcome | None:
    """The fate the order's address or phone sets for delivery attempt ``attempt``, if any."""
    address = order.address_shipping or {}
    allowed = reasons_for(ctx, order)
    for line in (address.get("address1") or "", address.get("address2") or ""):
        for match in _FAIL.finditer(line):
            reason = match.group(2).lower()
            if reason not in allowed:
                continue
            times = _TIMES[match.group(1)]
            if times is None or attempt <= times:
                return Outcome(FAILED, reason, "magic_value")
            return Outcome(DELIVERED, decided_by="magic_value")
        if _LOSE.search(line):
            return Outcome(LOST, "lost_by_3pl", "magic_value")
        if _DAMAGE.search(line):
            return Outcome(DAMAGED, "damaged_by_3pl", "magic_value")
    digits = re.sub(r"\D", "", address.get("phone") or "")
    match = _PHONE.fullmatch(digits)
    if match:
        documented = ctx.policies.get(FAILURE_REASONS).default
        reason = documented[int(match.group(1)) - 1]
        if reason in allowed:
            return Outcome(FAILED, reason, "magic_value")
    return None
