"""After-sales (TikTok Shop): a buyer's cancellation request, refund only, return and refund
with its return parcel and, when that parcel cannot be delivered, the failed return, and
reshipment with its replacement order.
One table of requests whatever their type; each type's states, deadlines and words are data
(aftersales/states.py), and each deadline is a policy of the sandbox's profile. Lazada's reverse
orders are further types over the same table and service. A buyer may also open a request on
its own after a delivery, by a magic value in its address or a seeded rate (buyer.py)."""

from mockplatform.engine.registry import Domain, Subscription

DOMAIN = Domain(
    name="aftersales",
    modules=("mockplatform.aftersales.models", "mockplatform.aftersales.timers"),
    timer_kinds=("aftersales.deadline", "aftersales.return_attempt",
                 "aftersales.buyer_request"),
    # A delivered order's buyer may open a request on its own (aftersales/buyer.py); a
    # reshipment's replacement order, readied, delivered or canceled, moves its request
    # (reshipment.py).
    subscriptions=(Subscription("order.delivered",
                                "mockplatform.aftersales.buyer:on_order_delivered"),
                   Subscription("order.ready_to_ship",
                                "mockplatform.aftersales.reshipment:on_order_ready_to_ship"),
                   Subscription("order.delivered",
                                "mockplatform.aftersales.reshipment:on_order_delivered"),
                   Subscription("order.canceled",
                                "mockplatform.aftersales.reshipment:on_order_canceled"),
                   *(Subscription(event, "mockplatform.aftersales.reshipment:"
                                         "on_order_not_delivered")
                     for event in ("order.failed_delivery", "order.lost_by_3pl",
                                   "order.damaged_by_3pl"))),
    errors=("mockplatform.aftersales.errors",),
)
