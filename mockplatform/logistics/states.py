"""A package's life, beside its items' (orders/states.py).

The seller packs and readies it; the carrier moves it (``arrive_in_destination`` when it lands
in the buyer's market, then delivery attempts) until it is delivered, lost, damaged or, after the
last failed attempt, sent back. The carrier's test helpers and the seller's "mark as failed
delivery" are actions here too, so a refused one is a 409 naming the package's status and what
that caller could do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from mockplatform.engine.statemachine import StateMachine
from mockplatform.errors import InvalidStateTransition

PACKED = "packed"
READY_TO_SHIP = "ready_to_ship"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered"
FAILED_DELIVERY = "failed_delivery"
RETURNING = "returning"
RETURNED = "returned"
LOST = "lost"
DAMAGED = "damaged"
CANCELED = "canceled"

STATUSES = (PACKED, READY_TO_SHIP, IN_TRANSIT, DELIVERED, FAILED_DELIVERY, RETURNING, RETURNED,
            LOST, DAMAGED, CANCELED)
# On its way to the buyer: what the carrier's helpers and the seller's mark act on.
TRAVELLING = (READY_TO_SHIP, IN_TRANSIT)
# Where the journey still has steps to take (forward, or back to the seller).
ACTIVE = (READY_TO_SHIP, IN_TRANSIT, FAILED_DELIVERY, RETURNING)
FINAL = (DELIVERED, RETURNED, LOST, DAMAGED, CANCELED)

CARRIER_ACTIONS = ("deliver", "fail_next_attempt", "lose", "damage")
SELLER_ACTIONS = ("ready_to_ship", "cancel", "repack", "mark_failed_delivery", "deliver_own_fleet",
                  "fail_own_fleet_delivery")

PACKAGE = StateMachine("package", STATUSES, [
    # the seller
    (PACKED, "ready_to_ship", READY_TO_SHIP),
    (PACKED, "cancel", CANCELED),
    (PACKED, "repack", CANCELED),
    (READY_TO_SHIP, "cancel", CANCELED),
    # the seller's own fleet (a seller_own_fleet order): delivered, or failed for good
    (READY_TO_SHIP, "deliver_own_fleet", DELIVERED),
    (READY_TO_SHIP, "fail_own_fleet_delivery", FAILED_DELIVERY),
    (READY_TO_SHIP, "mark_failed_delivery", READY_TO_SHIP),
    (IN_TRANSIT, "mark_failed_delivery", IN_TRANSIT),
    # the platform's first-mile deadline
    (READY_TO_SHIP, "miss_first_mile_scan", CANCELED),
    # the carrier (its journey, and its test helpers)
    (READY_TO_SHIP, "arrive_in_destination", IN_TRANSIT),
    (READY_TO_SHIP, "deliver", DELIVERED),
    (IN_TRANSIT, "deliver", DELIVERED),
    (READY_TO_SHIP, "fail_next_attempt", READY_TO_SHIP),
    (IN_TRANSIT, "fail_next_attempt", IN_TRANSIT),
    (IN_TRANSIT, "fail_last_attempt", FAILED_DELIVERY),
    (READY_TO_SHIP, "lose", LOST),
    (IN_TRANSIT, "lose", LOST),
    (READY_TO_SHIP, "damage", DAMAGED),
    (IN_TRANSIT, "damage", DAMAGED),
    (FAILED_DELIVERY, "ship_back", RETURNING),
    (RETURNING, "arrive_back_at_seller", RETURNED),
])


def check(package_id: str, status: str, action: str, actor_actions: Iterable[str]) -> str:
    """Where ``action`` takes a package in ``status``, or a 409 naming the status and the
    actions of ``actor_actions`` it allows."""
    if not PACKAGE.can(status, action):
        actor_actions = tuple(actor_actions)
        raise InvalidStateTransition(f"package {package_id}", status, action,
                                     [a for a in PACKAGE.allowed(status) if a in actor_actions])
    return PACKAGE.next_state(status, action, label=f"package {package_id}")
