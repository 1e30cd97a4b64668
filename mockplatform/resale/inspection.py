"""The quality inspection (``resale.qc_checks``), ``inspected_after`` (1 day) after the failure:
every check has a result and what decided it; passing them all makes the unit
``resale_pending`` (its relisting already on the clock), failing any sends it to the return
service.

What decides a check, first match wins:

1. an automatic reject (``automatic_reject``): ``sku_listed`` fails for a delisted product,
   ``not_restricted`` for a restricted one;
2. the warehouse test helper's verdict on the unit (``script``): ``pass``, or ``fail`` with the
   check to fail (``no_defects`` when none is named);
3. a magic value in the seller SKU or the product name: the word ``QCFAIL`` fails
   ``no_defects``, ``QCFAIL:<check>`` fails that check (README.md, "Magic values");
4. the seeded ``resale.qc_failure_rate``: the check fails when a draw from
   ``ctx.rng("resale_item:<id>", "qc:<check>")`` falls below the rate (0 by default).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from mockplatform.catalog.models import Product
from mockplatform.engine.context import SandboxContext
from mockplatform.logistics import packages as package_service
from mockplatform.resale import service, states
from mockplatform.resale.errors import UnknownCheck
from mockplatform.resale.models import QC_CHECKS, ResaleItem

DEFAULT_FAILED_CHECK = "no_defects"
PER_MILLION = 1_000_000
_MAGIC = re.compile(r"(?<![A-Za-z0-9_])QCFAIL(?::([a-z_]+))?(?![A-Za-z0-9_])")
AUTOMATIC = {"sku_listed": lambda product: product is not None and product.status == "listed",
             "not_restricted": lambda product: product is None or not product.restricted}


def script(ctx: SandboxContext, resale_item_id: int, *, result: str,
           check: str | None = None) -> ResaleItem:
    """The warehouse test helper: the coming inspection passes, or fails ``check``."""
    unit = service.get(ctx, resale_item_id)
    checks = ctx.policies.value(service.QC_CHECKS)["checks"]
    if check is not None and check not in checks:
        raise UnknownCheck(f"check: {check!r} is not an inspection check; expected one of "
                           f"{', '.join(checks)}",
                           details=[{"field": "check", "location": "body",
                                     "message": f"expected one of {', '.join(checks)}"}])
    service.move(ctx, unit, "script_inspection", states.HELPER_ACTIONS)
    unit.qc_scripted = {"result": result, **({"check": check} if check else {})}
    service.note(ctx, unit, "inspection_scripted", result=result, check=check)
    return unit


def magic_failure(unit: ResaleItem, product: Product | None) -> str | None:
    """The check a magic value in the seller SKU or the product name fails, if any."""
    for text in (unit.seller_sku, product.name if product is not None else unit.name):
        match = _MAGIC.search(text or "")
        if match:
            check = match.group(1) or DEFAULT_FAILED_CHECK
            if check in QC_CHECKS:
                return check
    return None


def results(ctx: SandboxContext, unit: ResaleItem) -> list[dict[str, Any]]:
    """Each check's result and what decided it (see the module's docstring)."""
    policy = ctx.policies.value(service.QC_CHECKS)
    product = package_service.held(ctx, Product, (ctx.id, unit.item_id))
    scripted = unit.qc_scripted
    magic = magic_failure(unit, product)
    rate = (Decimal(ctx.policies.value(service.QC_FAILURE_RATE))
            if service.QC_FAILURE_RATE in ctx.policies else Decimal(0))
    found = []
    for check in policy["checks"]:
        automatic = AUTOMATIC.get(check) if check in policy["automatic_reject"] else None
        if automatic is not None and not automatic(product):
            passed, by, text = False, "automatic", _automatic_note(check)
        elif scripted is not None:
            failed = scripted.get("check", DEFAULT_FAILED_CHECK)
            passed = scripted["result"] == "pass" or check != failed
            by, text = "test_helper", "" if passed else "failed by the warehouse test helper"
        elif magic is not None:
            passed, by = check != magic, "magic_value"
            text = "" if passed else "QCFAIL in the seller SKU or product name"
        elif rate > 0:
            draw = ctx.rng(service.subject(unit), f"qc:{check}").randrange(PER_MILLION)
            passed, by = Decimal(draw) >= rate * PER_MILLION, "failure_rate"
            text = "" if passed else "failed at the sandbox's inspection failure rate"
        else:
            passed, by, text = True, "default", ""
        found.append({"check": check, "passed": passed, "decided_by": by, "note": text})
    return found


def _automatic_note(check: str) -> str:
    return {"sku_listed": "the SKU's product is delisted",
            "not_restricted": "the item is restricted"}[check]


def inspect(ctx: SandboxContext, unit: ResaleItem) -> None:
    """The inspection is due: decide it and carry it out."""
    found = results(ctx, unit)
    unit.qc_results, unit.inspected_at = found, ctx.now
    failed = [result["check"] for result in found if not result["passed"]]
    service.note(ctx, unit, "inspected", passed=not failed, failed_checks=failed)
    if not failed:
        service.move(ctx, unit, "pass_inspection")
    ctx.record("resale.inspected", subject=service.subject(unit), data={
        **service.summary(unit), "passed": not failed, "failed_checks": failed,
        "results": found, "relist_at": None if failed else service.iso(unit.relist_at),
        "policy_key": service.QC_CHECKS})
    if failed:
        ctx.timers.cancel(subject=service.subject(unit))
        service.exit_to_return_service(ctx, unit, states.QC_FAILED, failed_checks=failed)
        return
    service.move_holder(ctx, unit, "pass_resale_inspection")
    ctx.timers.schedule(service.RELIST_TIMER, unit.relist_at, subject=service.subject(unit),
                        payload={"resale_item_id": unit.resale_item_id})
