"""The seller's answers to Lazada reverse orders (reference sections 8 and 9) over the
after-sales domain's actions (``aftersales/actions.py``): ``/order/reverse/return/update``,
``/order/reverse/onlyrefund/seller/decide`` and ``/order/reverse/cancel/seller/decide``.

Each Lazada action is one domain action (``ACTIONS``): ``instantRefund`` refunds a RETURN or
ONLY_REFUND still requested with no return (``instant_refund``); ``agreeReturn`` approves a
RETURN (the buyer ships it back); ``refuseReturn`` rejects it (``reason_id`` from
``/order/reverse/reason/list`` and ``comment``, images optional); ``confirmDelivery`` is the
seller's word that the return parcel arrived (``confirm_delivery``; again under review: nothing
changes); ``agreeRefund`` / ``refuseRefund`` approve or reject the received parcel
(``approve_package``; ``reject_package`` with ``reason_id``, ``comment`` and ``image_info``).
An ONLY_REFUND is decided by ``agreeRefund`` (approve) or ``startDispute`` (a rejection with the
profile's ``start_dispute`` reason and the seller's ``comment``: ``REFUND_REJECTED``,
``is_dispute``); a CANCEL by ``agree_cancel`` true (approve: the items are canceled and
refunded) or false (reject, with ``reason_code`` from the reasons of a cancel request's
rejection; [choice] the first of them when left out).

Errors, each before anything is written: ``MissingParameter``; ``107`` an action Lazada does not
have; ``125`` a malformed reverse order id; ``112`` one not in this sandbox; ``126``/``127`` the
lines (``reverse.whole``); ``114`` an action the reverse order's type or its state does not
allow (a closed request included), naming its ``reverse_status`` and what the seller may do
instead; ``108`` a missing or unknown reason id (``104`` on a cancel decision, as the ROC family
says), ``109`` a missing comment, ``110`` missing or malformed images. Images are kept as the
seller's evidence in the request's ``aftersales.reject`` / ``aftersales.reject_package`` event
(``images: [{name, url}]``, whichever API's names they came in).
"""

from __future__ import annotations

import json
from typing import Any

from mockplatform.aftersales import actions, reverse, service, states
from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada import reverse as lz
from mockplatform.fronts.lazada.errors import LazadaError, invalid, numbered
from mockplatform.fronts.lazada.table import GET, POST, api

RETURN, ONLY_REFUND, CANCEL = states.RETURN_AND_REFUND, states.REFUND_ONLY, states.CANCELLATION
UPDATE, ONLY_REFUND_DECIDE, CANCEL_DECIDE = ("/order/reverse/return/update",
                                             "/order/reverse/onlyrefund/seller/decide",
                                             "/order/reverse/cancel/seller/decide")
# Lazada's action -> (the API that takes it, the domain action, per request type).
ACTIONS: dict[tuple[str, str], dict[str, str]] = {
    (UPDATE, "instantRefund"): {RETURN: "instant_refund", ONLY_REFUND: "instant_refund"},
    (UPDATE, "agreeReturn"): {RETURN: "approve"},
    (UPDATE, "refuseReturn"): {RETURN: "reject"},
    (UPDATE, "confirmDelivery"): {RETURN: "confirm_delivery"},
    (UPDATE, "agreeRefund"): {RETURN: "approve_package"},
    (UPDATE, "refuseRefund"): {RETURN: "reject_package"},
    (ONLY_REFUND_DECIDE, "agreeRefund"): {ONLY_REFUND: "approve"},
    (ONLY_REFUND_DECIDE, "startDispute"): {ONLY_REFUND: "reject"},
    (CANCEL_DECIDE, "agree_cancel=true"): {CANCEL: "approve"},
    (CANCEL_DECIDE, "agree_cancel=false"): {CANCEL: "reject"},
}
MAX_COMMENT = 500
MAX_IMAGES = 9


def possible(ctx: SandboxContext, request: AfterSalesRequest) -> list[str]:
    """What the seller may do now, in Lazada's terms (``<api> <action>``)."""
    allowed = set(service.allowed_actions(request, service.offered(ctx, states.SELLER_ACTIONS)))
    if request.state == states.AWAITING_PACKAGE_REVIEW:
        allowed.add("confirm_delivery")  # saying so again is harmless
    return [f"{api_name} {action}" for (api_name, action), by_type in ACTIONS.items()
            if by_type.get(request.type) in allowed]


def _refused(ctx: SandboxContext, request: AfterSalesRequest, api_name: str,
             action: str) -> LazadaError:
    request_type, status, _ofc = reverse.words(request)
    closed = " (closed)" if request.state in states.FINAL else ""
    instead = possible(ctx, request)
    return numbered(114, f"Action not supported: {action} on {api_name} for {request_type} "
                    f"reverse order {request.aftersales_id}, {status}{closed}; the seller may "
                    f"now: {'; '.join(instead) if instead else 'nothing'}")


def _domain_action(ctx: SandboxContext, request: AfterSalesRequest, api_name: str,
                   action: str) -> str:
    """The domain action, once the request's type and state allow it (else ``114``)."""
    domain = ACTIONS[(api_name, action)].get(request.type)
    if domain is None or f"{api_name} {action}" not in possible(ctx, request):
        raise _refused(ctx, request, api_name, action)
    return domain


def _target(ctx: SandboxContext, params: dict[str, Any], api_name: str,
            action: str) -> tuple[AfterSalesRequest, str]:
    request = lz.load(ctx, params["reverse_order_id"])
    if "lines" in params:
        lz.whole(ctx, request, params["lines"])
    return request, _domain_action(ctx, request, api_name, action)


def _reason(ctx: SandboxContext, request: AfterSalesRequest, raw: str | None, *,
            number: int = 108) -> str:
    """The reason an id names, among those the seller may refuse ``request`` with now."""
    list_name = lz.refuse_reasons(request)
    allowed = {reason_id: name for reason_id, name in lz.reason_ids(ctx).items()
               if list_name and name in service.reasons(ctx, list_name)}
    if raw is None or raw.strip() == "":
        raise numbered(number, f"Reason required: reason_id, one of {', '.join(map(str, allowed))}"
                       " (/order/reverse/reason/list)")
    reason = allowed.get(int(raw)) if raw.strip().isdigit() and len(raw) < 12 else None
    if reason is None:
        raise numbered(number, f"Reason invalid: {raw[:40]} is not a reason of this reverse "
                       f"order now; use one of {', '.join(map(str, allowed))}")
    return reason


def _comment(raw: str | None) -> str:
    if raw is None or raw.strip() == "":
        raise numbered(109, "Comment required: comment, why the seller refuses")
    if len(raw) > MAX_COMMENT:
        raise invalid("comment", f"at most {MAX_COMMENT} characters, not {len(raw)}")
    return raw


def _images(raw: str | None, name: str, keys: tuple[str, str], *, required: bool) -> list:
    def bad(message: str) -> LazadaError:
        return numbered(110, f"Image required: {message}")

    if raw is None or raw.strip() == "":
        if required:
            raise bad(f"{name}, a JSON array of {{\"{keys[0]}\", \"{keys[1]}\"}}, at least one")
        return []
    images = p.array(p.json_value(raw, name, bad), name, bad, limit=MAX_IMAGES, too_many=bad)
    for index, image in enumerate(images):
        if not isinstance(image, dict) or not isinstance(image.get(keys[1]), str) \
                or not image[keys[1]].strip():
            raise bad(f"{name}[{index}] must be an object with a \"{keys[1]}\"")
    return images


# -- /order/reverse/return/update ----------------------------------------------------------------

def _evidence(images: list, keys: tuple[str, str]) -> list[dict[str, str]]:
    """The images as the request's events keep them, whichever API's names they came in."""
    return [{"name": str(image.get(keys[0]) or ""), "url": image[keys[1]].strip()}
            for image in images]


def _reverse_id(params: dict[str, str]) -> int:
    return p.whole_id(p.required(params, "reverse_order_id").strip(), "reverse_order_id",
                      lz.bad_id(125))


def _action(params: dict[str, str], api_name: str) -> str:
    action = p.required(params, "action").strip()
    known = [name for (where, name) in ACTIONS if where == api_name]
    if action not in known:
        raise numbered(107, f"Invalid action: {action[:40]!r}; {api_name} takes "
                       f"{', '.join(known)}")
    return action


def parse_update(params: dict[str, str]) -> dict[str, Any]:
    return {"action": _action(params, UPDATE), "reverse_order_id": _reverse_id(params),
            "lines": p.required(params, "reverse_order_item_ids"),
            "reason_id": params.get("reason_id"), "comment": params.get("comment"),
            "image_info": params.get("image_info")}


def _answer(ctx: SandboxContext, request: AfterSalesRequest) -> dict[str, Any]:
    code = lz.reason_id(ctx, request.reject_reason) if request.reject_reason else None
    refund = request.refunded_amount if request.refunded_amount is not None \
        else request.requested_refund
    lines = lz.reverse_order_json(ctx, request)["reverse_order_lines"]
    return {"data": {
        "reverse_order_id": request.aftersales_id, "total_refund": lz.minor(refund,
                                                                           request.currency),
        "reason_info": [{"reason_id": code, "reason_name": lz.reason_text(
            request.reject_reason)}] if code else [],
        "reverse_order_line": [{
            "reverse_order_line_id": line["reverse_order_line_id"],
            "order_id": request.order_id, "order_line_id": line["trade_order_line_id"],
            "seller_sku": line["seller_sku_id"], "paid_price": line["refund_amount"],
            "refund_amount": line["refund_amount"] if line["is_need_refund"] else 0,
            "is_cancel": request.type == CANCEL, "reason_id": line["reason_code"],
            "reason_name": line["reason_text"], "reason_desc": request.evidence.get("text", ""),
            "reason_source": "BUYER", "reason_type": reverse.words(request)[0],
            "apply_reason": line["reason_text"]} for line in lines]}}


@api(UPDATE, methods=(GET, POST), parse=parse_update, write=True)
def update(ctx: SandboxContext, params: dict[str, Any]) -> dict[str, Any]:
    request, domain = _target(ctx, params, UPDATE, params["action"])
    ident = request.aftersales_id
    if domain in ("reject", "reject_package"):
        reason = _reason(ctx, request, params["reason_id"])
        comment = _comment(params["comment"])
        images = _images(params["image_info"], "image_info", ("name", "url"),
                         required=domain == "reject_package")
        getattr(actions, domain)(ctx, ident, reason=reason, comment=comment,
                                 images=_evidence(images, ("name", "url")))
    else:
        getattr(actions, domain)(ctx, ident)
    return _answer(ctx, request)


# -- the decisions -------------------------------------------------------------------------------

def parse_only_refund(params: dict[str, str]) -> dict[str, Any]:
    return {"action": _action(params, ONLY_REFUND_DECIDE), "reverse_order_id": _reverse_id(params),
            "lines": p.required(params, "reverse_order_item_ids"),
            "comment": params.get("comment"), "images": params.get("image_info_list")}


@api(ONLY_REFUND_DECIDE, methods=(GET, POST), parse=parse_only_refund, write=True)
def decide_only_refund(ctx: SandboxContext, params: dict[str, Any]) -> dict[str, Any]:
    request, domain = _target(ctx, params, ONLY_REFUND_DECIDE, params["action"])
    if domain == "reject":
        comment = _comment(params["comment"])
        images = _images(params["images"], "image_info_list", ("file_name", "file_url"),
                         required=False)
        actions.reject(ctx, request.aftersales_id, reason=reverse.DISPUTE_REASON,
                       comment=comment, images=_evidence(images, ("file_name", "file_url")))
    else:
        actions.approve(ctx, request.aftersales_id)
    return {"data": None}


def parse_cancel(params: dict[str, str]) -> dict[str, Any]:
    agree = p.required(params, "agree_cancel").strip().lower()
    if agree not in ("true", "false"):
        raise invalid("agree_cancel", f"expected true or false, not {json.dumps(agree[:40])}")
    return {"action": f"agree_cancel={agree}", "reverse_order_id": _reverse_id(params),
            "reason_code": params.get("reason_code")}


@api(CANCEL_DECIDE, methods=(GET, POST), parse=parse_cancel, write=True)
def decide_cancel(ctx: SandboxContext, params: dict[str, Any]) -> dict[str, Any]:
    request, domain = _target(ctx, params, CANCEL_DECIDE, params["action"])
    if domain == "reject":
        raw = params["reason_code"]
        if raw is None or raw.strip() == "":
            raw = str(next(iter(_cancel_reasons(ctx))))
        actions.reject(ctx, request.aftersales_id,
                       reason=_reason(ctx, request, raw, number=104))
    else:
        actions.approve(ctx, request.aftersales_id)
    return {"data": None}


def _cancel_reasons(ctx: SandboxContext) -> list[int]:
    names = service.reasons(ctx, states.REJECT_REASON_LIST[CANCEL])
    return [number for number, name in lz.reason_ids(ctx).items() if name in names]
