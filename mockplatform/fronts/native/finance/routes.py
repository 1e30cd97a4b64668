"""Native API of the finance domain: the ledger, and test helpers that drive settlement until
the orders domain marks delivered items settleable itself."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.engine import ids
from mockplatform.finance import service, settlement
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.finance import schemas as s

bp = Blueprint("finance", __name__, url_prefix="/api/v1")


@endpoint(bp, "/ledger", query=s.LedgerQuery, response=s.LedgerListSchema, csv=s.LEDGER_CSV,
          summary="The seller's ledger, oldest entry first, with the balance", tags=["ledger"])
def ledger(call: Call):
    """Fines, settlements, fees, refunds, compensation and adjustments, each with its original
    ``amount`` in its own ``currency`` and, separately, its ``market_amount`` in the market
    currency. ``balance`` sums the market amounts of every entry the filters select, across
    all pages: it never mixes currencies. ``occurred_after`` is inclusive, ``occurred_before``
    exclusive. ``format=csv`` (or ``Accept: text/csv``) answers the same page as CSV, the next
    page's URL in the ``Link`` header."""
    query = call.query
    after = query.get("after")
    return service.list_entries(
        call.ctx, kinds=query.get("kind"), subject=query.get("subject"),
        occurred_after=query.get("occurred_after"), occurred_before=query.get("occurred_before"),
        after_seq=ids.parse_id(service.ENTRY_PREFIX, after, field="after") if after else 0,
        limit=query["limit"])


@endpoint(bp, "/test_helpers/ledger/entries", method="POST", body=s.EntryCreateSchema,
          response=s.LedgerEntrySchema, status=201, summary="Post a ledger entry (an adjustment "
          "by default)", tags=["test_helpers"])
def post_entry(call: Call):
    """Records ``ledger.entry_posted``. An adjustment's amount is signed (negative charges the
    seller); every other kind takes a positive amount and has a fixed direction."""
    body = call.body
    return service.post_entry(call.ctx, kind=body["kind"], amount=body["amount"],
                              currency=body.get("currency"), subject=body["subject"],
                              policy_key=body["policy_key"], details=body["details"],
                              exact=True)


@endpoint(bp, "/test_helpers/ledger/settleable", method="POST", body=s.SettleableSchema,
          response=s.SettlementItemSchema, status=201,
          summary="Mark an amount settleable now, as a delivered item is", tags=["test_helpers"])
def mark_settleable(call: Call):
    """The amount is paid with the statement holding the sandbox's now (``settlement.cycle``);
    the first amount of a statement schedules its close and payout timers."""
    body = call.body
    ctx = call.ctx
    return _item_json(settlement.describe_item(ctx, settlement.mark_settleable(
        ctx, subject=body["subject"], amount=body["amount"], currency=body.get("currency"),
        exact=True)))


@endpoint(bp, "/test_helpers/ledger/unsettleable", method="POST", body=s.UnsettleableSchema,
          response=s.SettlementItemSchema, summary="Flag a subject as never to be paid",
          tags=["test_helpers"])
def mark_unsettleable(call: Call):
    """As ``settlement.seller_marked_failed`` does: the subject is skipped by every payout,
    even if it is (or becomes) settleable."""
    ctx = call.ctx
    return _item_json(settlement.describe_item(ctx, settlement.mark_unsettleable(
        ctx, subject=call.body["subject"], reason=call.body["reason"])))


def _item_json(detail: settlement.ItemDetail) -> dict:
    """The native shape of a settlement item: the same text its events record."""
    return settlement.item_json(detail.item, detail.statement)
