"""After-sales (TikTok Shop): a buyer's cancellation request, refund only, return and refund
with its return parcel and, when that parcel cannot be delivered, the failed return, and
reshipment with the seller's package.
One table of requests whatever their type; each type's states, deadlines and words are data
(aftersales/states.py), and each deadline is a policy of the sandbox's profile. Lazada's reverse
orders are further types over the same table and service."""

from mockplatform.engine.registry import Domain

DOMAIN = Domain(
    name="aftersales",
    modules=("mockplatform.aftersales.models", "mockplatform.aftersales.timers"),
    timer_kinds=("aftersales.deadline", "aftersales.return_attempt",
                 "aftersales.reshipment_delivery"),
    subscriptions=(),
    errors=("mockplatform.aftersales.errors",),
)
