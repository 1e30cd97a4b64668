"""Orders: one row per unit (as Lazada does), each with its own status, and the packages they
are packed into. The seller's fulfilment steps that move packages are the logistics domain's."""

from mockplatform.engine.registry import Domain

DOMAIN = Domain(
    name="orders",
    modules=("mockplatform.orders.models", "mockplatform.orders.timers"),
    timer_kinds=("order.delayed_warning",),
    errors=("mockplatform.orders.errors",),
)
