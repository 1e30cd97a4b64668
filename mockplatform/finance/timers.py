"""The finance domain's timers: each settlement statement closes at the end of its period and is
paid on its payout instant (``settlement.cycle``)."""

from __future__ import annotations

from mockplatform.engine.scheduler import timer_kind
from mockplatform.finance import settlement

timer_kind(settlement.CLOSE_KIND, payload=settlement.STATEMENT_PAYLOAD,
           describe="statement {statement_id}: close the settlement period")(
    settlement.close_statement)
timer_kind(settlement.PAYOUT_KIND, payload=settlement.STATEMENT_PAYLOAD,
           describe="statement {statement_id}: pay settleable amounts (ledger credits)")(
    settlement.pay_statement)

TIMER_KINDS = (settlement.CLOSE_KIND, settlement.PAYOUT_KIND)
