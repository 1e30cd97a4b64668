"""Money: the append-only ledger of each sandbox and the weekly settlement of what was delivered.

``service`` posts entries (fines, settlements, fees, refunds, adjustments) and converts them into
the market currency; ``settlement`` groups settleable amounts into statements and pays each one on
its payout instant, as a timer on the sandbox clock.
"""
