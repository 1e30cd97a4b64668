"""Lazada's reverse orders (reference section 9) read over the after-sales domain: the seller's
list (``/reverse/getreverseordersforseller``), one reverse order
(``/order/reverse/return/detail/list``), a line's history and the reasons the seller may give.
The actions are in ``reverse_actions``.

A reverse order is an after-sales request (``reverse_order_id`` = its ``aftersales_id``); its
lines are its units (``aftersales/reverse.py`` says how their ids are made). Money is in minor
units, integers (VND: the dong). Instants are epoch milliseconds. [choice] where the reference
is silent: every reverse order returns to the merchant (``is_rtm`` true, ``return_to_type``
RTM: an RTW filter finds none), ``shipping_type`` is ``DROP_OFF``, ``whqc_decision`` is empty
(the seller inspects, not a warehouse: a ``QC_Decision`` filter finds none),
``receiver_address`` is empty, ``sla`` is the seller's deadline (0 when nothing waits on the
seller), ``is_need_refund`` is false once the request ended with no refund.

Reason ids: Lazada's are numbers per venture, not published. [choice] every reason of the
profile's ``aftersales.reasons`` (all lists, in order, each once) is ``20000001``, ``20000002``...
in MY, and every other venture adds 1000 per index in ``cancel.MARKETS`` (SG ``20001001``...).

Errors: ``MissingParameter``; ``105`` a malformed reverse order id (detail), ``125`` elsewhere;
``112`` a reverse order not in this sandbox (another sandbox's too; the detail answers ``code``
"0" with no lines, as Lazada does for another store's); ``126`` a malformed line id list, or
lines that are not all the reverse order's (naming those to pass); ``127`` a line of a reverse
order this sandbox does not have; ``InvalidParameter`` a malformed filter or page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mockplatform.aftersales import reverse, service, states
from mockplatform.aftersales.errors import AfterSalesRequestNotFound
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.finance import service as finance
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada import wire
from mockplatform.fronts.lazada.cancel import MARKETS
from mockplatform.fronts.lazada.errors import LazadaError, invalid, numbered
from mockplatform.fronts.lazada.table import GET, POST, api
from mockplatform.orders import service as orders

REASON_BASE = 20000000
TYPES = {word: type_ for type_, word in states.LAZADA_REQUEST_TYPE.items()}
QC_DECISIONS = ("scrap", "return_to_merchant", "return_to_merchant_cb", "return_to_customer",
                "return_to_warehouse", "not_returned")
MAX_PAGE_SIZE = 100
RANGES = {"order_created": "TradeOrderLineCreatedTimeRange",
          "created": "ReverseOrderLineTimeRange", "modified": "ReverseOrderLineModifiedTimeRange"}


# -- shared with reverse_actions ----------------------------------------------------------------

def minor(amount: Decimal | None, currency: str) -> int:
    """An amount in minor units (cents; the dong itself)."""
    if amount is None:
        return 0
    return int(finance.round_money(amount, currency).scaleb(finance.minor_units(currency)))


def reason_ids(ctx: SandboxContext) -> dict[int, str]:
    """The venture's reason ids, each to the profile's reason (see the module's docstring)."""
    names = dict.fromkeys(name for names in ctx.policies.value(service.REASONS).values()
                          for name in names)
    base = REASON_BASE + MARKETS.index(ctx.sandbox.market) * 1000
    return {base + n: name for n, name in enumerate(names, start=1)}


def reason_id(ctx: SandboxContext, name: str) -> int | None:
    return next((number for number, found in reason_ids(ctx).items() if found == name), None)


def reason_text(name: str) -> str:
    return name.replace("_", " ").capitalize()


def bad_id(number: int):
    return lambda message: numbered(number, f"Invalid reverse order id: {message}")


def bad_lines(message: str) -> LazadaError:
    return numbered(126, f"Invalid reverse order lines: {message}")


def load(ctx: SandboxContext, reverse_order_id: int) -> AfterSalesRequest:
    try:
        return service.get(ctx, reverse_order_id)
    except AfterSalesRequestNotFound:
        raise numbered(112, f"Reverse order not found: no reverse order {reverse_order_id} in "
                       "this store") from None


def whole(ctx: SandboxContext, request: AfterSalesRequest, raw: str) -> None:
    """``reverse_order_item_ids`` names every line of the request (it moves whole)."""
    value = p.array(p.json_value(raw, "reverse_order_item_ids", bad_lines),
                    "reverse_order_item_ids", bad_lines, limit=orders.MAX_UNITS_PER_ORDER,
                    too_many=bad_lines)
    given = [p.whole_id(v, "reverse_order_item_ids", bad_lines) for v in value]
    lines = reverse.line_ids(request)
    for line in given:
        owner = reverse.reverse_id_of_line(line)
        if owner != request.aftersales_id and ctx.session.get(
                AfterSalesRequest, (ctx.id, owner)) is None:
            raise numbered(127, f"Reverse order line {line} belongs to another seller's "
                           "reverse order, or to none")
    if sorted(given) != lines:
        raise bad_lines(f"a reverse order moves whole: pass every line of reverse order "
                        f"{request.aftersales_id}, {json.dumps(lines)}, not {json.dumps(given)}")


# -- the wire shape ------------------------------------------------------------------------------

def _ms(instant: datetime | None) -> int:
    return wire.millis(instant) if instant is not None else 0


@dataclass(frozen=True)
class Orders:
    """The orders of the reverse orders to show, and their items by id: read once for a
    page."""

    by_id: dict[int, Any]
    items: dict[int, Any]

    @classmethod
    def of(cls, ctx: SandboxContext, requests: list[AfterSalesRequest]) -> Orders:
        ids = [request.order_id for request in requests]
        return cls(orders.get_orders(ctx, ids), {
            item.order_item_id: item for items in orders.items_of(ctx, ids).values()
            for item in items})


def _lines(ctx: SandboxContext, request: AfterSalesRequest, read: Orders, *,
           detail: bool) -> list[dict]:
    order, items = read.by_id[request.order_id], read.items
    _type, status, ofc = reverse.words(request)
    code = reason_id(ctx, request.reason)
    ended_unrefunded = request.state in states.FINAL and request.refunded_amount is None
    lines = []
    for line_id, item_id in zip(reverse.line_ids(request), request.order_item_ids, strict=True):
        item = items[item_id]
        shop_sku = f"{item.item_id}_{ctx.sandbox.market}-{item.sku_id}"
        lines.append({
            "reverse_order_line_id": line_id, "trade_order_line_id": item_id,
            "reverse_status": status, "ofc_status": ofc, "is_need_refund": not ended_unrefunded,
            "refund_amount": minor(item.paid_price, request.currency),
            "item_unit_price": minor(item.item_price, request.currency),
            "reason_code": str(code or ""), "reason_text": reason_text(request.reason),
            "refund_payment_method": wire.PAYMENT_METHODS.get(order.payment_method,
                                                              order.payment_method.upper()),
            "whqc_decision": "", "seller_sku_id": item.seller_sku,
            "platform_sku_id": str(item.sku_id),
            ("productDTO" if detail else "product"): {
                "product_id": str(item.item_id), ("sku" if detail else "product_sku"): shop_sku},
            "buyer": {("user_id" if detail else "buyer_id"): order.buyer_id},
            "trade_order_gmt_create": _ms(order.created_at),
            "return_order_line_gmt_create": _ms(request.created_at),
            "return_order_line_gmt_modified": _ms(request.updated_at),
            "is_dispute": reverse.is_dispute(request),
            "tracking_number": request.return_tracking_number or "",
            "receiver_address": "",
            "sla": _ms(request.deadline_at) if request.awaiting_seller else 0})
    return lines


def reverse_order_json(ctx: SandboxContext, request: AfterSalesRequest, *,
                       detail: bool = False, read: Orders | None = None) -> dict[str, Any]:
    lines = _lines(ctx, request, read or Orders.of(ctx, [request]), detail=detail)
    return {"reverse_order_id": request.aftersales_id, "trade_order_id": request.order_id,
            "request_type": reverse.words(request)[0], "is_rtm": True,
            "shipping_type": "DROP_OFF",
            ("reverseOrderLineDTOList" if detail else "reverse_order_lines"): lines}


# -- the list ------------------------------------------------------------------------------------

def _page(params: dict[str, str], name: str, default: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise invalid(name, f"expected a whole number from 1 to {high}, not {raw[:40]!r}")
    return int(raw)


def _word_list(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return ()
    bad = lambda message: invalid(name, message)  # noqa: E731
    values = p.array(p.json_value(raw, name, bad), name, bad, limit=50, too_many=bad)
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise invalid(name, f"{json.dumps(unknown)[:80]} are not among {', '.join(allowed)}")
    return tuple(values)


def _instant(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise invalid(name, f"expected epoch milliseconds, not {raw[:40]!r}")
    return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)


def _flag(params: dict[str, str], name: str) -> bool | None:
    raw = (params.get(name) or "").strip().lower()
    if raw == "":
        return None
    if raw not in ("true", "false"):
        raise invalid(name, f"expected true or false, not {raw[:40]!r}")
    return raw == "true"


def _optional_id(params: dict[str, str], name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    return p.whole_id(raw, name, lambda m: invalid(name, m)) if raw else None


def _all_words(table: dict[str, dict[str, str]]) -> tuple[str, ...]:
    return tuple(sorted({word for words in table.values() for word in words.values()}))


def parse_list(params: dict[str, str]) -> dict[str, Any]:
    p.required(params, "page_no")
    return_to = (params.get("return_to_type") or "").strip()
    if return_to not in ("", "RTM", "RTW"):
        raise invalid("return_to_type", f"expected RTM or RTW, not {return_to[:40]!r}")
    qc = (params.get("QC_Decision") or "").strip()
    if qc and qc not in QC_DECISIONS:
        raise invalid("QC_Decision", f"expected one of {', '.join(QC_DECISIONS)}")
    ofc_words = tuple(sorted(set(states.LAZADA_OFC_STATUS.values())))
    filters = reverse.ReverseFilter(
        reverse_order_id=_optional_id(params, "reverse_order_id"),
        trade_order_id=_optional_id(params, "trade_order_id"),
        request_types=_word_list(params, "request_type_list", tuple(TYPES)),
        reverse_statuses=_word_list(params, "reverse_status_list",
                                    _all_words(states.LAZADA_REVERSE_STATUS)),
        ofc_statuses=_word_list(params, "ofc_status_list", ofc_words),
        dispute=_flag(params, "dispute_in_progress"), nothing=return_to == "RTW" or bool(qc),
        **{key: (_instant(params, f"{name}Start"), _instant(params, f"{name}End"))
           for key, name in RANGES.items()})
    return {"page_no": _page(params, "page_no", 1, 10**6),
            "page_size": _page(params, "page_size", 10, MAX_PAGE_SIZE), "filter": filters}


@api("/reverse/getreverseordersforseller", methods=(GET, POST), parse=parse_list)
def list_reverse_orders(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    total, rows = reverse.search(ctx, request["filter"], request["page_no"],
                                 request["page_size"])
    read = Orders.of(ctx, rows)
    return {"result": {"success": True, "page_no": request["page_no"],
                       "page_size": request["page_size"], "total": total,
                       "items": [reverse_order_json(ctx, row, read=read) for row in rows]}}


# -- one reverse order, a line's history, the reasons ---------------------------------------------

def parse_detail(params: dict[str, str]) -> dict[str, Any]:
    raw = p.required(params, "reverse_order_id").strip()
    return {"reverse_order_id": p.whole_id(raw, "reverse_order_id", bad_id(105))}


@api("/order/reverse/return/detail/list", methods=(GET,), parse=parse_detail)
def detail(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    service.require_available(ctx)
    found = ctx.session.get(AfterSalesRequest, (ctx.id, request["reverse_order_id"]))
    if found is None:  # Lazada answers another store's reverse order with no lines
        return {"data": {"reverse_order_id": request["reverse_order_id"],
                         "reverseOrderLineDTOList": []}}
    return {"data": reverse_order_json(ctx, found, detail=True)}


def _line_owner(ctx: SandboxContext, line_id: int) -> AfterSalesRequest:
    owner = ctx.session.get(AfterSalesRequest, (ctx.id, reverse.reverse_id_of_line(line_id)))
    if owner is None or reverse.item_of_line(owner, line_id) is None:
        raise numbered(127, f"Reverse order line {line_id} belongs to another seller's reverse "
                       "order, or to none")
    return owner


def parse_line(params: dict[str, str]) -> dict[str, Any]:
    raw = p.required(params, "reverse_order_line_id").strip()
    return {"line_id": p.whole_id(raw, "reverse_order_line_id", bad_lines),
            "page_size": _page(params, "page_size", 10, MAX_PAGE_SIZE),
            "page_number": _page(params, "page_number", 1, 10**6)}


@api("/order/reverse/return/history/list", methods=(GET,), parse=parse_line)
def history(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    """The request's timeline, oldest first: who (``operator``), when, what (``action``,
    [choice] beside the reference's fields) and the buyer's evidence on its first step."""
    service.require_available(ctx)
    owner = _line_owner(ctx, request["line_id"])
    steps = [{"operator": step["role"], "action": step["step"],
              "picture": list(owner.evidence.get("urls", [])) if n == 0 else [],
              "time": wire.millis(datetime.fromisoformat(step["at"]))}
             for n, step in enumerate(owner.timeline)]
    size, number = request["page_size"], request["page_number"]
    return {"data": {"list": steps[(number - 1) * size:number * size],
                     "page_info": {"page_size": size, "current_page_number": number,
                                   "total": len(steps)}}}


def refuse_reasons(request: AfterSalesRequest) -> str | None:
    """Which reason list the seller refuses from now: the request's, or the received
    parcel's; None when there is nothing to refuse."""
    if request.state == states.REQUESTED:
        return states.REJECT_REASON_LIST[request.type]
    if request.state == states.AWAITING_PACKAGE_REVIEW:
        return states.PACKAGE_REJECT_REASONS
    return None


@api("/order/reverse/reason/list", methods=(GET,), parse=parse_line)
def reasons(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    """The reasons the seller may refuse the line's reverse order with now (``refuseReturn``,
    a cancel request's rejection, ``refuseRefund``); none when nothing can be refused."""
    service.require_available(ctx)
    owner = _line_owner(ctx, request["line_id"])
    list_name = refuse_reasons(owner)
    allowed = set(service.reasons(ctx, list_name)) if list_name else set()
    return {"data": [{"reason_id": number, "text": reason_text(name),
                      "muti_language_text": reason_text(name)}
                     for number, name in reason_ids(ctx).items() if name in allowed]}
