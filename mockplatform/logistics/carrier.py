"""The carrier's test helpers: deliver a travelling package now, fail its next delivery attempt
with a reason, lose it, damage it. Each is checked against the package's state machine (a 409
names its status and the carrier actions it allows) before anything changes; a package the
seller ships with its own carrier (AliExpress semi-hosted) is not the platform carrier's (409
``not_platform_shipped``).

- ``deliver``: whatever step the package is at, it is delivered now; the steps it skipped leave
  its plan (a package delivered before its origin scan has no measurements and is charged no
  shipping fee).
- ``fail_next_attempt``: queues a failure with a reason (by default the first of the sandbox's
  ``delivery.failure_reasons``) for the next delivery attempt not yet queued; at most as many as
  attempts remain.
- ``lose`` / ``damage``: now, with the compensation of ``delivery.py``.
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.errors import ValidationFailed
from mockplatform.logistics import delivery, magic, states
from mockplatform.logistics import packages as package_service
from mockplatform.logistics.errors import NoAttemptLeft
from mockplatform.orders.models import Order, Package


def _travelling(ctx: SandboxContext, package_id: str, action: str) -> tuple[Package, Order]:
    package = package_service.get(ctx, package_id)
    order = delivery.platform_shipped(ctx, package, f"{action.replace('_', ' ')} as the "
                                                    f"platform's carrier")
    states.check(package_id, package.status, action, states.CARRIER_ACTIONS, order=order)
    return package, order


def deliver(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    package, order = _travelling(ctx, package_id, "deliver")
    package.delivery_attempts += 1
    delivery.deliver(ctx, order, package, decided_by="test_helper")
    return package_service.view(ctx, package)


def fail_next_attempt(ctx: SandboxContext, package_id: str,
                      reason: str | None) -> dict[str, Any]:
    package, order = _travelling(ctx, package_id, "fail_next_attempt")
    allowed = magic.reasons_for(ctx, order)
    if reason is None:
        if not allowed:
            raise ValidationFailed.field("reason", "the sandbox's delivery.failure_reasons "
                                         "lists no reason this order can fail with")
        reason = allowed[0]
    elif reason == magic.COD_ONLY_REASON and order.payment_method != "cod":
        raise ValidationFailed.field("reason", f"{reason} applies only to cash-on-delivery "
                                     f"orders; order {order.order_id} is "
                                     f"{order.payment_method}")
    elif reason not in allowed:
        raise ValidationFailed.field("reason", f"{reason!r} is not one of this sandbox's "
                                     f"delivery.failure_reasons: {', '.join(allowed)}")
    remaining = (ctx.policies.value(delivery.MAX_ATTEMPTS) - package.delivery_attempts
                 - len(package.scripted))
    if remaining <= 0:
        raise NoAttemptLeft(f"package {package_id} has no delivery attempt left to fail: "
                            f"{package.delivery_attempts} made and {len(package.scripted)} queued "
                            f"of {ctx.policies.value(delivery.MAX_ATTEMPTS)} "
                            f"(delivery.max_attempts)",
                            details=[{"field": "package_id", "location": "path",
                                      "message": "every remaining attempt already has a failure "
                                                 "queued",
                                      "current_state": package.status,
                                      "delivery_attempts": package.delivery_attempts,
                                      "queued_failures": len(package.scripted)}])
    package.scripted = [*package.scripted, {"outcome": magic.FAILED, "reason": reason,
                                            "queued_at": ctx.now.isoformat()}]
    package.updated_at = ctx.now
    return package_service.view(ctx, package)


def lose(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    package, order = _travelling(ctx, package_id, "lose")
    delivery.lose_or_damage(ctx, order, package, magic.LOST, decided_by="test_helper")
    return package_service.view(ctx, package)


def damage(ctx: SandboxContext, package_id: str) -> dict[str, Any]:
    package, order = _travelling(ctx, package_id, "damage")
    delivery.lose_or_damage(ctx, order, package, magic.DAMAGED, decided_by="test_helper")
    return package_service.view(ctx, package)
