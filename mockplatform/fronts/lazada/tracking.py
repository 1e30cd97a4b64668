"""Lazada's ``/logistic/order/trace`` (reference section 7) over the native API's trace
(``logistics.trace.by_order``): each package of the order that has left the seller (readied to
ship: the trace starts there) with its tracking events in the order they happened, under
``result.module``. ``ofcPackageIdList`` (a JSON array of package ids) narrows it to those.

Errors as the reference names them, in the top-level envelope: ``MissingParameter`` without
``order_id``; ``LD_INPUT_PARAM_VALID`` ("orderId is wrong") for an id that is not a number and
``INPUT_PARAM_VALID`` for a malformed ``ofcPackageIdList``; ``LD_INVOKE_DOWNSTREAM_RESPONSE_BLANK``
for an order this sandbox does not have.
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.context import SandboxContext
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada import wire
from mockplatform.fronts.lazada.errors import LazadaError
from mockplatform.fronts.lazada.table import GET, POST, api
from mockplatform.logistics import service as logistics
from mockplatform.orders import service as orders
from mockplatform.orders.errors import OrderNotFound

MAX_PACKAGES = 50


def _bad_order(message: str) -> LazadaError:
    return LazadaError("LD_INPUT_PARAM_VALID", f"orderId is wrong: {message}")


def _bad_input(message: str) -> LazadaError:
    return LazadaError("INPUT_PARAM_VALID", message)


def parse_trace(params: dict[str, str]) -> dict[str, Any]:
    order_id = p.whole_id(p.required(params, "order_id").strip(), "order_id", _bad_order)
    raw = params.get("ofcPackageIdList")
    wanted = None
    if raw:
        ids = p.array(p.json_value(raw, "ofcPackageIdList", _bad_input), "ofcPackageIdList",
                      _bad_input, limit=MAX_PACKAGES, too_many=_bad_input)
        if not all(isinstance(value, str) and value for value in ids):
            raise _bad_input("ofcPackageIdList must be an array of package ids")
        wanted = set(ids)
    return {"order_id": order_id, "packages": wanted}


def event_json(event: Any) -> dict[str, Any]:
    return {"status_code": event.status_code, "detail_type": event.detail_type,
            "title": event.title, "description": event.description or event.title,
            "event_time": str(wire.millis(event.occurred_at)), "event_date": None,
            "receive_time": "0", "package_location_name": event.location or None,
            "icon": None, "proof_images": []}


@api("/logistic/order/trace", methods=(GET, POST), parse=parse_trace)
def trace(ctx: SandboxContext, request: dict[str, Any]) -> dict[str, Any]:
    order_id = request["order_id"]
    try:
        traced = logistics.by_order(ctx, order_id)
    except OrderNotFound:
        raise LazadaError("LD_INVOKE_DOWNSTREAM_RESPONSE_BLANK",
                          f"order {order_id} is not found in this store") from None
    items = orders.items_of(ctx, [order_id])[order_id]
    packages = []
    for package in traced["packages"]:
        if not package["events"] or (request["packages"] is not None
                                     and package["package_id"] not in request["packages"]):
            continue
        lines = [{"order_line_id": item.order_item_id, "item_id": item.item_id,
                  "sku_id": item.sku_id, "item_name": item.name}
                 for item in items if item.package_id == package["package_id"]]
        packages.append({"ofc_package_id": package["package_id"],
                         "tracking_number": package["tracking_number"],
                         "shipment_provider": package["shipment_provider"],
                         "order_line_info_list": lines,
                         "logistic_detail_info_list": [event_json(event)
                                                       for event in package["events"]]})
    return {"result": {"success": True, "not_success": False, "repeated": False,
                       "retry": False, "error_code": {"displayMessage": None},
                       "module": [{"ofc_order_id": order_id, "warehouse_detail_info": None,
                                   "package_detail_info_list": packages}]}}
