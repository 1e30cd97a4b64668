"""Lazada's package-level fulfilment APIs (reference section 6.2) over the native API's
logistics services: each request is one parameter holding a JSON string, each answer a
``result`` whose elements carry their own ``item_err_code`` ("0" when done).

A request that cannot be read is refused whole, ``result.success: false`` (``errors.ResultError``):
``700004`` PARAM_ILLEGAL for malformed JSON, a list where an object is expected (or the
reverse), a non-numeric id, an empty list; ``700022`` for more than 20 orders or packages;
``MissingParameter`` when the parameter itself is absent. Then each order or package is done
or refused on its own, with the domain's rule (all or nothing for one element) and Lazada's
code for the refusal: ``700021`` unknown order (another sandbox's too), ``700025`` an item not
of the order, ``700026`` an item whose status does not allow packing, ``1003`` a shipment
provider that does not serve the order, ``600001`` unknown package, ``600002`` a canceled
package, ``700000`` another package status that does not allow the action, ``700009`` a SOF
call on a package not delivered by the seller's own fleet.

Choices: a provider's ``provider_code`` is its name in capitals without the ``LGS-`` prefix and
non-alphanumerics (``FM40``, ``LEXMY``); ``shipping_allocate_type`` is ``NTFS`` for
cross-border orders and ``TFS`` otherwise; repack leaves the items ``pending`` (the domain's
walk has no ``repacked`` status); a ``PDF`` label is the same HTML document (the sandbox renders
no PDF), with an empty ``pdf_url``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.errors import InvalidStateTransition, MockplatformError, ValidationFailed
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada.errors import ResultError, param_illegal
from mockplatform.fronts.lazada.table import GET, POST, api
from mockplatform.logistics import service as logistics
from mockplatform.logistics.errors import (
    NoLabel,
    NotSellerOwnFleet,
    PackageNotFound,
    UnknownOrderItem,
    UnknownPackage,
)
from mockplatform.orders import service as orders
from mockplatform.orders.errors import OrderNotFound

MAX_BATCH = 20
DOC_TYPES = ("PDF", "HTML")
DELIVERY_TYPES = ("dropship",)
ALLOCATE_TYPES = ("TFS", "NTFS")
OK = "0"


def too_many(message: str) -> ResultError:
    return ResultError("700022", f"BATCH_TOO_BIG: {message}")


def provider_code(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper().removeprefix("LGS-"))


def allocate_type(shipping: str) -> str:
    return "NTFS" if shipping == "cross_border" else "TFS"


def _request(params: dict[str, str], name: str) -> dict[str, Any]:
    return p.obj(p.json_value(p.required(params, name), name, param_illegal), name,
                 param_illegal)


def _package_list(name: str) -> Callable[[dict[str, str]], list[str]]:
    def parse(params: dict[str, str]) -> list[str]:
        return p.package_ids(_request(params, name).get("packages"), "packages",
                             param_illegal, limit=MAX_BATCH, too_many=too_many)

    return parse


def item_error(error: MockplatformError, action: str) -> tuple[str, str]:
    """A refused element's ``item_err_code`` and ``msg``."""
    if isinstance(error, OrderNotFound):
        return "700021", f"ORDER_NOT_FOUND: {error.message}"
    if isinstance(error, UnknownOrderItem):
        return "700025", f"ORDER_ITEM_NOT_FOUND: {error.message}"
    if isinstance(error, PackageNotFound | UnknownPackage):
        return "600001", f"package not found: {error.message}"
    if isinstance(error, NotSellerOwnFleet):
        return "700009", "operation not support fot nonDBS order!"
    if isinstance(error, ValidationFailed) and action == "pack":
        return "1003", f"3PL allocation fail: {error.message}"
    if isinstance(error, InvalidStateTransition):
        if action == "pack":
            return "700026", f"item status not allowed to pack: {error.message}"
        if error.state == "canceled":
            return "600002", "package already cancelled"
        return "700000", f"package status not allowed: {error.message}"
    return "700000", error.message


# -- shipment providers ---------------------------------------------------------------------------

def parse_providers(params: dict[str, str]) -> list[int]:
    entries = p.array(_request(params, "getShipmentProvidersReq").get("orders"), "orders",
                      param_illegal, limit=MAX_BATCH, too_many=too_many)
    return [p.whole_id(p.obj(entry, f"orders[{i}]", param_illegal).get("order_id"),
                       f"orders[{i}].order_id", param_illegal)
            for i, entry in enumerate(entries)]


@api("/order/shipment/providers/get", methods=(GET, POST), parse=parse_providers)
def shipment_providers(ctx: SandboxContext, order_ids: list[int]) -> dict[str, Any]:
    shipping = []
    for order_id in order_ids:
        try:
            shipping.append(orders.get_order(ctx, order_id).shipping_type)
        except OrderNotFound:
            raise ResultError("700021", f"ORDER_NOT_FOUND: no order {order_id}") from None
    common = [name for name in logistics.shipment_providers(ctx, shipping[0])
              if all(name in logistics.shipment_providers(ctx, kind) for kind in shipping)]
    return {"result": {"success": True, "data": {
        "platform_default": 1, "shipping_allocate_type": allocate_type(shipping[0]),
        "shipment_providers": [{"name": name, "provider_code": provider_code(name)}
                               for name in common]}}}


# -- pack -----------------------------------------------------------------------------------------

def parse_pack(params: dict[str, str]) -> dict[str, Any]:
    request = _request(params, "packReq")
    delivery = request.get("delivery_type", "dropship")
    if delivery not in DELIVERY_TYPES:
        raise param_illegal(f"delivery_type must be one of {', '.join(DELIVERY_TYPES)}")
    allocate = request.get("shipping_allocate_type")
    if allocate is not None and allocate not in ALLOCATE_TYPES:
        raise param_illegal(f"shipping_allocate_type must be one of {', '.join(ALLOCATE_TYPES)}")
    code = request.get("shipment_provider_code")
    if code is not None and (not isinstance(code, str) or not code.strip()):
        raise param_illegal("shipment_provider_code must be a non-empty string")
    entries = p.array(request.get("pack_order_list"), "pack_order_list", param_illegal,
                      limit=MAX_BATCH, too_many=too_many)
    packs, seen = [], set()
    for i, entry in enumerate(entries):
        entry = p.obj(entry, f"pack_order_list[{i}]", param_illegal)
        order_id = p.whole_id(entry.get("order_id"), f"pack_order_list[{i}].order_id",
                              param_illegal)
        if order_id in seen:
            raise param_illegal(f"pack_order_list[{i}].order_id {order_id} is given twice")
        seen.add(order_id)
        items = p.array(entry.get("order_item_list"), f"pack_order_list[{i}].order_item_list",
                        param_illegal, limit=orders.MAX_UNITS_PER_ORDER, too_many=too_many)
        packs.append((order_id, [p.whole_id(item, f"pack_order_list[{i}].order_item_list",
                                            param_illegal) for item in items]))
    return {"packs": packs, "provider_code": code}


def _provider(ctx: SandboxContext, order_id: int, code: str | None) -> str | None:
    if code is None:
        return None  # the platform allocates: the first of the order's providers
    shipping = orders.get_order(ctx, order_id).shipping_type
    names = {provider_code(name): name for name in logistics.shipment_providers(ctx, shipping)}
    if code.upper() not in names:
        raise ValidationFailed.field("shipment_provider_code", f"{code!r} does not serve "
                                     f"{shipping} orders; use one of {', '.join(names)}")
    return names[code.upper()]


@api("/order/fulfill/pack", methods=(POST,), parse=parse_pack, write=True)
def pack(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    answered = []
    for order_id, item_ids in request["packs"]:
        try:
            package = logistics.pack(ctx, order_id, order_item_ids=item_ids,
                                     shipment_provider=_provider(ctx, order_id,
                                                                 request["provider_code"]))
        except (OrderNotFound, UnknownOrderItem, InvalidStateTransition,
                ValidationFailed) as error:
            code, message = item_error(error, "pack")
            lines = [{"order_item_id": item_id, "msg": message, "item_err_code": code,
                      "tracking_number": "", "shipment_provider": "", "package_id": "",
                      "retry": False} for item_id in item_ids]
        else:
            row = package.package
            lines = [{"order_item_id": item_id, "msg": "success", "item_err_code": OK,
                      "tracking_number": row.tracking_number,
                      "shipment_provider": row.shipment_provider,
                      "package_id": row.package_id, "retry": False} for item_id in item_ids]
        answered.append({"order_id": order_id, "order_item_list": lines})
    return {"result": {"success": True, "data": {"pack_order_list": answered}}}


# -- the label ------------------------------------------------------------------------------------

def parse_document(params: dict[str, str]) -> dict[str, Any]:
    request = _request(params, "getDocumentReq")
    doc_type = request.get("doc_type", "HTML")
    if doc_type not in DOC_TYPES:
        raise param_illegal(f"doc_type must be one of {', '.join(DOC_TYPES)}")
    return {"doc_type": doc_type,
            "packages": p.package_ids(request.get("packages"), "packages", param_illegal,
                                      limit=MAX_BATCH, too_many=too_many)}


@api("/order/package/document/get", methods=(GET, POST), parse=parse_document)
def document(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    documents = []
    for package_id in request["packages"]:
        try:
            documents.append(logistics.label(ctx, package_id).document)
        except PackageNotFound as error:
            raise ResultError("600001", f"package not found: {error.message}") from None
        except (NoLabel, InvalidStateTransition) as error:
            raise ResultError("700040", f"no printable package: {error.message}") from None
    text = "".join(documents)
    return {"result": {"success": True, "data": {
        "doc_type": request["doc_type"], "pdf_url": "",
        "file": base64.b64encode(text.encode("utf-8")).decode("ascii")}}}


# -- per-package actions --------------------------------------------------------------------------

def _each_package(ctx: SandboxContext, package_ids: list[str],
                  action: Callable[[str], Any], name: str) -> dict[str, Any]:
    answered = []
    for package_id in package_ids:
        try:
            action(package_id)
        except (PackageNotFound, InvalidStateTransition, NotSellerOwnFleet) as error:
            code, message = item_error(error, name)
        else:
            code, message = OK, "success"
        answered.append({"package_id": package_id, "item_err_code": code, "msg": message,
                         "retry": False})
    return {"result": {"success": True, "data": {"packages": answered}}}


def _order_of(ctx: SandboxContext, package_id: str) -> int:
    return logistics.describe_package(ctx, package_id).package.order_id


@api("/order/package/rts", methods=(POST,), parse=_package_list("readyToShipReq"), write=True)
def ready_to_ship(ctx: SandboxContext, package_ids: list[str]) -> dict[str, Any]:
    return _each_package(ctx, package_ids, lambda pid: logistics.ready_to_ship(
        ctx, _order_of(ctx, pid), package_ids=[pid]), "ready_to_ship")


@api("/order/package/repack", methods=(GET, POST), parse=_package_list("rePackReq"),
     write=True)
def repack(ctx: SandboxContext, package_ids: list[str]) -> dict[str, Any]:
    return _each_package(ctx, package_ids, lambda pid: logistics.repack(ctx, pid), "repack")


@api("/order/package/sof/delivered", methods=(POST,), parse=_package_list("dbsDeliveryReq"),
     write=True)
def sof_delivered(ctx: SandboxContext, package_ids: list[str]) -> dict[str, Any]:
    return _each_package(ctx, package_ids, lambda pid: logistics.deliver_own_fleet(ctx, pid),
                         "sof_delivered")


@api("/order/package/sof/failed_delivery", methods=(POST,),
     parse=_package_list("dbsFailedDeliveryReq"), write=True)
def sof_failed_delivery(ctx: SandboxContext, package_ids: list[str]) -> dict[str, Any]:
    return _each_package(ctx, package_ids,
                         lambda pid: logistics.fail_own_fleet_delivery(ctx, pid),
                         "sof_failed_delivery")
