"""The event types the server can emit, which an endpoint's patterns must match.

There is no declaration of event types in the domains: they are recorded by name where the
change happens. This list is built from the same constants the domains record with (an order
item's statuses, the after-sales actions) plus the names written out there; a test runs flows
of every domain and checks that every type they record is listed here.
"""

from __future__ import annotations

from functools import cache

from mockplatform.aftersales import states as aftersales_states
from mockplatform.aftersales.buyer import SKIPPED
from mockplatform.catalog.service import EVENT_OF_ACTION
from mockplatform.engine.events import matches
from mockplatform.finance.service import ENTRY_POSTED
from mockplatform.logistics.delivery import ATTEMPT_FAILED, SELLER_MARKED_FAILED
from mockplatform.orders import states as order_states
from mockplatform.resale.resale_orders import LOSSES

EVERYTHING = "*"

_NAMED = (
    "sandbox.created", "test_timer.scheduled", "test_timer.fired",
    "catalog.seeded", "product.created", "product.stock_updated", "product.price_updated",
    "buyer.created",
    "order.created", "order.delayed", "order.collected", "order.ship_deadline_passed",
    "orders.seeded", "orders.seed_order_skipped",
    "tracking.updated", ATTEMPT_FAILED, SELLER_MARKED_FAILED,
    ENTRY_POSTED, "settlement.item_settleable", "settlement.item_unsettleable",
    "settlement.statement_closed", "settlement.paid",
    "resale.item_received", "resale.relisted", "resale.inspected", "resale.sold",
    "resale.resold", "resale.window_expired", "resale.second_failure",
    "return_service.option_changed", "return_service.shipped_back",
    "return_service.returned_to_seller", "return_service.destroyed_locally",
    "return_service.worry_free_compensated",
    "aftersales.requested", SKIPPED,
)


@cache
def event_types() -> tuple[str, ...]:
    """Every type, sorted."""
    found = set(_NAMED)
    found.update(EVENT_OF_ACTION.values())
    found.update(event for _action, event in LOSSES.values())
    found.update(f"order.{status}" for machine in (order_states.ITEM,
                                                    order_states.SEMI_HOSTED_ITEM,
                                                    order_states.TIKTOK_ITEM)
                 for status in machine.states)
    found.update(f"aftersales.{action}" for action in aftersales_states.ROLES)
    return tuple(sorted(found))


def pattern_matches(pattern: str, type_: str) -> bool:
    """``*`` (everything), an exact type, or a prefix ``order.*``."""
    return pattern == EVERYTHING or matches(pattern, type_)


def matching(pattern: str) -> list[str]:
    return [t for t in event_types() if pattern_matches(pattern, t)]
