"""Money: the append-only ledger of each sandbox and the weekly settlement of what was delivered.

``service`` posts entries (fines, settlements, fees, refunds, adjustments) and converts them into
the market currency; ``settlement`` groups settleable amounts into statements and pays each one on
its payout instant, as a timer on the sandbox clock.
"""

from mockplatform.engine.registry import Domain, Subscription

DOMAIN = Domain(
    name="finance",
    modules=("mockplatform.finance.models", "mockplatform.finance.timers"),
    timer_kinds=("finance.statement_close", "finance.settlement_payout"),
    # Delivered items are owed their price: settlement hears of every delivery.
    subscriptions=(Subscription("order.delivered",
                                "mockplatform.finance.settlement:on_order_delivered"),),
    errors=("mockplatform.finance.errors",),
)
