"""The return value-added service: what becomes of a unit that leaves resale (ineligible, failed
inspection, unsold at the window's end, failed a second time). The seller chooses it
(``return_service.option``, changeable through the API; the policy's value until then):

- ``return_to_seller``: a unit priced above ``return_service.return_threshold`` (USD 10,
  converted into the market currency at the sandbox's rate and rounded to its minor unit) is
  shipped back (item ``shipped_back``) and arrives ``return_transit`` (30 days) later (item
  ``shipped_back_success``); at or below it, it is destroyed locally (``package_scrapped``);
- ``worry_free``: nothing comes back; the seller is credited ``compensation`` (90%) of the
  price, a ledger ``compensation`` entry (item ``worry_free_compensated``). Not offered in the
  policy's excluded markets (VN, SG): choosing it there is a 409 naming the rule, and a unit that
  meets it there anyway (an override of the policy's default) is returned as by
  ``return_to_seller``;
- ``local_disposal``: destroyed locally, no money (item ``package_scrapped``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.engine.deadlines import policy_deadline
from mockplatform.engine.policies import Money
from mockplatform.finance import service as ledger
from mockplatform.resale import available as profile
from mockplatform.resale import service, states
from mockplatform.resale.errors import ReturnServiceUnavailable
from mockplatform.resale.models import ResaleItem, ReturnServiceSetting

OPTION = "return_service.option"
THRESHOLD = "return_service.return_threshold"
WORRY_FREE = "return_service.worry_free"
ARRIVAL_TIMER = "return_service.arrival"
RETURN_TO_SELLER, WORRY_FREE_OPTION, LOCAL_DISPOSAL = (
    "return_to_seller", "worry_free", "local_disposal")
OPTIONS = (RETURN_TO_SELLER, WORRY_FREE_OPTION, LOCAL_DISPOSAL)


# -- the seller's setting -------------------------------------------------------------------------

def _require(ctx: SandboxContext) -> None:
    profile.require(ctx, "no return service", OPTION)


def setting(ctx: SandboxContext) -> dict[str, Any]:
    """The seller's return service, what it would do and where it is offered."""
    _require(ctx)
    row = ctx.session.get(ReturnServiceSetting, ctx.id)
    threshold = ctx.policies.value(THRESHOLD)
    excluded = list(ctx.policies.value(WORRY_FREE)["excluded_markets"])
    return {"option": row.option if row else ctx.policies.value(OPTION),
            "default": ctx.policies.value(OPTION), "changed_at": row.changed_at if row else None,
            "options": [{"option": option, "available": available(ctx, option)}
                        for option in OPTIONS],
            "market": ctx.sandbox.market,
            "return_threshold": threshold["threshold"],
            "return_threshold_in_market_currency": Money(threshold_in_market(ctx),
                                                         ledger.market_currency(ctx)),
            "return_transit": threshold["return_transit"],
            "worry_free_compensation": ctx.policies.value(WORRY_FREE)["compensation"],
            "worry_free_excluded_markets": excluded}


def available(ctx: SandboxContext, option: str) -> bool:
    return not (option == WORRY_FREE_OPTION
                and ctx.sandbox.market in ctx.policies.value(WORRY_FREE)["excluded_markets"])


def choose(ctx: SandboxContext, option: str) -> dict[str, Any]:
    """Change the seller's return service; worry-free where it is not offered is a 409."""
    _require(ctx)
    if option not in OPTIONS:  # the fronts check it first; a caller in Python gets this
        raise ValueError(f"unknown return service {option!r}")
    if not available(ctx, option):
        excluded = ", ".join(ctx.policies.value(WORRY_FREE)["excluded_markets"])
        raise ReturnServiceUnavailable(
            f"option: worry_free is not offered in {ctx.sandbox.market} "
            f"({WORRY_FREE}: not available in {excluded})",
            details=[{"field": "option", "location": "body",
                      "message": f"not offered in {ctx.sandbox.market}", "rule": WORRY_FREE,
                      "current_state": current_option(ctx),
                      "allowed_options": [o for o in OPTIONS if available(ctx, o)]}])
    row = ctx.session.get(ReturnServiceSetting, ctx.id)
    previous = current_option(ctx)
    if row is None:
        ctx.session.add(ReturnServiceSetting(sandbox_id=ctx.id, option=option,
                                             changed_at=ctx.now))
    else:
        row.option, row.changed_at = option, ctx.now
    ctx.kept(KEPT_OPTION)["option"] = option
    ctx.record("return_service.option_changed", subject=f"sandbox:{ctx.id}", data={
        "option": option, "previous_option": previous, "policy_key": OPTION})
    return setting(ctx)


# The option in force, kept for the unit of work once read (``choose`` keeps it too): every unit
# leaving resale in an advance asks for it, and the sandbox has no row until the seller chose.
KEPT_OPTION = "return_service.option"


def current_option(ctx: SandboxContext) -> str:
    kept = ctx.kept(KEPT_OPTION)
    if "option" not in kept:
        row = ctx.session.get(ReturnServiceSetting, ctx.id)
        kept["option"] = row.option if row is not None else ctx.policies.value(OPTION)
    return kept["option"]


def threshold_in_market(ctx: SandboxContext) -> Decimal:
    """``return_threshold`` in the market currency at the sandbox's rate, rounded to its
    minor unit."""
    money = ctx.policies.value(THRESHOLD)["threshold"]
    return ledger.convert(ctx, money.amount, money.currency, ledger.market_currency(ctx))


# -- routing a unit ---------------------------------------------------------------------------------

def route(ctx: SandboxContext, unit: ResaleItem) -> None:
    """Apply the seller's return service to a unit leaving resale (see the module's docstring)."""
    option = current_option(ctx)
    if not available(ctx, option):
        option = RETURN_TO_SELLER
    unit.return_service = option
    if option == WORRY_FREE_OPTION:
        _compensate(ctx, unit)
    elif option == LOCAL_DISPOSAL:
        _destroy(ctx, unit, "local_disposal")
    elif unit.price <= threshold_in_market(ctx):
        _destroy(ctx, unit, "at_or_below_threshold")
    else:
        _ship_back(ctx, unit)


def _summary(unit: ResaleItem) -> dict[str, Any]:
    """What every return service event says of its unit."""
    return {**service.summary(unit), "return_service": unit.return_service,
            "exit_reason": unit.exit_reason}


def _outcome(ctx: SandboxContext, unit: ResaleItem, action: str, event: str,
             **data: Any) -> None:
    service.move_with_holder(ctx, unit, action, return_service=unit.return_service)
    unit.outcome, unit.outcome_at = unit.state, ctx.now
    ctx.timers.cancel(subject=service.subject(unit))
    service.note(ctx, unit, unit.state, return_service=unit.return_service, **data)
    ctx.record(event, subject=service.subject(unit), data={
        **_summary(unit), "price": str(unit.price), "currency": unit.currency, **data})


def _destroy(ctx: SandboxContext, unit: ResaleItem, why: str) -> None:
    details: dict[str, Any] = {"why": why, "policy_key": THRESHOLD if why.startswith("at_")
                               else OPTION}
    if why.startswith("at_"):
        details["threshold"] = str(threshold_in_market(ctx))
    _outcome(ctx, unit, "destroy_locally", "return_service.destroyed_locally", **details)


def _compensate(ctx: SandboxContext, unit: ResaleItem) -> None:
    share = Decimal(ctx.policies.value(WORRY_FREE)["compensation"])
    amount = ledger.round_money(unit.price * share, unit.currency)
    entry = ledger.post_entry(ctx, kind="compensation", amount=amount, currency=unit.currency,
                              subject=service.subject(unit), policy_key=WORRY_FREE,
                              details={"resale_item_id": unit.resale_item_id,
                                       "order_id": unit.order_id,
                                       "order_item_id": unit.order_item_id,
                                       "reason": "worry_free_compensation"})
    unit.compensation = amount
    _outcome(ctx, unit, "compensate_worry_free", "return_service.worry_free_compensated",
             compensation=str(amount), ledger_entry_id=ledger.entry_id(entry.seq),
             policy_key=WORRY_FREE)


def _ship_back(ctx: SandboxContext, unit: ResaleItem) -> None:
    transit = ctx.policies.value(THRESHOLD)["return_transit"]
    unit.return_arrives_at = policy_deadline(ctx, THRESHOLD, ctx.now, duration=transit)
    service.note(ctx, unit, "shipped_back", return_arrives_at=service.iso(unit.return_arrives_at))
    service.move_with_holder(ctx, unit, "return_to_seller", return_service=unit.return_service)
    ctx.timers.cancel(subject=service.subject(unit))
    ctx.timers.schedule(ARRIVAL_TIMER, unit.return_arrives_at, subject=service.subject(unit),
                        payload={"resale_item_id": unit.resale_item_id})
    ctx.record("return_service.shipped_back", subject=service.subject(unit), data={
        **_summary(unit), "price": str(unit.price), "currency": unit.currency,
        "threshold": str(threshold_in_market(ctx)),
        "return_arrives_at": service.iso(unit.return_arrives_at), "policy_key": THRESHOLD})


def arrive(ctx: SandboxContext, unit: ResaleItem) -> None:
    """``return_transit`` after it was shipped back: the unit is the seller's again."""
    service.note(ctx, unit, states.RETURNED_TO_SELLER)
    service.move_with_holder(ctx, unit, "arrive_back_at_seller",
                             return_service=unit.return_service)
    unit.outcome, unit.outcome_at = unit.state, ctx.now
    ctx.record("return_service.returned_to_seller", subject=service.subject(unit), data={
        **_summary(unit), "arrived_at": service.iso(ctx.now),
        "policy_key": THRESHOLD})
