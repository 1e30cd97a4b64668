"""Resale and the return value-added service (Lazada): a unit that failed delivery is inspected,
relisted in the market's local resale warehouse and sold again, or handed to the seller's return
service. It hears of failed deliveries, new orders, deliveries and cancellations through its
subscriptions (run in the same transaction, after the domains below it), never by a call from
logistics."""

from mockplatform.engine.registry import Domain, Subscription

_SERVICE = "mockplatform.resale.service"
_RESALE_ORDERS = "mockplatform.resale.resale_orders"

DOMAIN = Domain(
    name="resale",
    modules=("mockplatform.resale.models", "mockplatform.resale.timers"),
    timer_kinds=("resale.inspection", "resale.relist", "resale.window_end",
                 "return_service.arrival"),
    subscriptions=(
        Subscription("order.failed_delivery", f"{_SERVICE}:on_failed_delivery"),
        Subscription("order.created", f"{_SERVICE}:on_order_created"),
        Subscription("order.delivered", f"{_RESALE_ORDERS}:on_order_delivered"),
        Subscription("order.canceled", f"{_RESALE_ORDERS}:on_order_canceled"),
        Subscription("order.lost_by_3pl", f"{_RESALE_ORDERS}:on_order_lost"),
        Subscription("order.damaged_by_3pl", f"{_RESALE_ORDERS}:on_order_lost"),
    ),
    errors=("mockplatform.resale.errors",),
)
