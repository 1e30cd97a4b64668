"""A package's life, beside its items' (orders/states.py).

The seller packs and readies it; the carrier moves it (``arrive_in_destination`` when it lands
in the buyer's market, then delivery attempts) until it is delivered, lost, damaged or, after the
last failed attempt, sent back. The carrier's test helpers and the seller's "mark as failed
delivery" are actions here too, so a refused one is a 409 naming the package's status and what
that caller could do instead.

Who carries the package decides what it allows, the order being the guards' subject: a
``seller_own_fleet`` order's package takes only the seller's own-fleet reports once ready
(``deliver_own_fleet``, ``fail_own_fleet_delivery``), a platform-shipped one only the carrier's
steps and the seller's "mark as failed delivery". So neither kind is ever offered the other's
actions, and ``check`` always needs the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockplatform.engine.statemachine import StateMachine
from mockplatform.errors import InvalidStateTransition
from mockplatform.orders import states as item_states
from mockplatform.orders.flows import PLATFORM_LOGISTICS
from mockplatform.orders.states import OWN_FLEET, PLATFORM

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

def own_fleet(order: Any) -> bool:
    """The seller's own fleet carries the order's packages (Lazada's ``delivery_option_sof``):
    the items' guard, for a package of a platform-logistics flow."""
    return order.flow in PLATFORM_LOGISTICS and item_states.own_fleet(order)


def platform_shipped(order: Any) -> bool:
    """The platform's carrier carries the order's packages."""
    return order.flow in PLATFORM_LOGISTICS and item_states.platform_shipped(order)


PACKAGE = StateMachine("package", STATUSES, [
    # the seller
    (PACKED, "ready_to_ship", READY_TO_SHIP),
    (PACKED, "cancel", CANCELED),
    (PACKED, "repack", CANCELED),
    (READY_TO_SHIP, "cancel", CANCELED),
    # the seller's own fleet (a seller_own_fleet order): delivered, or failed for good
    (READY_TO_SHIP, "deliver_own_fleet", DELIVERED, OWN_FLEET),
    (READY_TO_SHIP, "fail_own_fleet_delivery", FAILED_DELIVERY, OWN_FLEET),
    (READY_TO_SHIP, "mark_failed_delivery", READY_TO_SHIP, PLATFORM),
    (IN_TRANSIT, "mark_failed_delivery", IN_TRANSIT, PLATFORM),
    # the platform's first-mile deadline
    (READY_TO_SHIP, "miss_first_mile_scan", CANCELED, PLATFORM),
    # the carrier (its journey, and its test helpers)
    (READY_TO_SHIP, "arrive_in_destination", IN_TRANSIT, PLATFORM),
    (READY_TO_SHIP, "deliver", DELIVERED, PLATFORM),
    (IN_TRANSIT, "deliver", DELIVERED, PLATFORM),
    (READY_TO_SHIP, "fail_next_attempt", READY_TO_SHIP, PLATFORM),
    (IN_TRANSIT, "fail_next_attempt", IN_TRANSIT, PLATFORM),
    (IN_TRANSIT, "fail_last_attempt", FAILED_DELIVERY, PLATFORM),
    (READY_TO_SHIP, "lose", LOST, PLATFORM),
    (IN_TRANSIT, "lose", LOST, PLATFORM),
    (READY_TO_SHIP, "damage", DAMAGED, PLATFORM),
    (IN_TRANSIT, "damage", DAMAGED, PLATFORM),
    (FAILED_DELIVERY, "ship_back", RETURNING, PLATFORM),
    (RETURNING, "arrive_back_at_seller", RETURNED, PLATFORM),
], guards={OWN_FLEET: own_fleet, PLATFORM: platform_shipped})


def check(package_id: str, status: str, action: str, actor_actions: Iterable[str], *,
          order: Any) -> str:
    """Where ``action`` takes a package of ``order`` in ``status``, or a 409 naming the status
    and the actions of ``actor_actions`` it allows (for that order's kind of shipping)."""
    if not PACKAGE.can(status, action, order):
        raise InvalidStateTransition(f"package {package_id}", status, action,
                                     allowed(status, order, actor_actions))
    return PACKAGE.next_state(status, action, label=f"package {package_id}", subject=order)


def allowed(status: str, order: Any, actor_actions: Iterable[str]) -> list[str]:
    """What ``actor_actions`` may do with a package of ``order`` in ``status``."""
    actor_actions = tuple(actor_actions)
    return [a for a in PACKAGE.allowed(status, order) if a in actor_actions]
