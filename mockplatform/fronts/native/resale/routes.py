"""Native API of resale (Lazada): the units that failed delivery and what became of them, the
seller's return service, and the warehouse's test helpers (inspection, a sale, the window)."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.fronts.native.catalog.schemas import numeric_id
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.orders import presenters as orders_present
from mockplatform.fronts.native.orders.schemas import OrderSchema
from mockplatform.fronts.native.resale import presenters as present
from mockplatform.fronts.native.resale import schemas as s
from mockplatform.resale import inspection, queries, return_service, service

bp = Blueprint("resale", __name__, url_prefix="/api/v1")

HELPER_ERRORS = [400, 404, 409]


def _resale_item_id(call: Call) -> int:
    return numeric_id(call.path["resale_item_id"], "resale_item_id", "path")


@endpoint(bp, "/resale/items", query=s.ResaleItemListQuery, response=s.ResaleItemListSchema,
          summary="List resale items", tags=["resale"], errors=[400])
def list_resale_items(call: Call):
    """Every unit that failed delivery and came into the local reverse centre's hands, in the
    order it came (``resale_item_id`` order). Filter by ``state`` (inspection_pending,
    resale_pending, listed, resold, sold, returning_to_seller, returned_to_seller,
    destroyed_locally, worry_free_compensated), ``sku_id``, ``seller_sku``, ``order_id`` (its
    first order or its resale order), ``exit_reason`` (ineligible, qc_failed, window_expired,
    second_failure), and by when it was relisted (``relisted_from``/``relisted_to``) or left
    resale (``exited_from``/``exited_to``), each range from inclusive, to exclusive; page with
    ``after`` (the ``next_cursor``) and ``limit`` (at most 100)."""
    query = dict(call.query)
    if "after" in query:
        query["after"] = numeric_id(query["after"], "after", "query")
    for name in ("state", "exit_reason"):
        query[name] = tuple(query.get(name, ()))
    return present.resale_page_json(queries.list_items(call.ctx, queries.ResaleFilter(**query)))


@endpoint(bp, "/resale/items/<resale_item_id>", response=s.ResaleItemSchema,
          summary="Get a resale item", tags=["resale"], errors=[400, 404])
def get_resale_item(call: Call):
    """Its state and every deadline as soon as it is known (``inspect_at``, ``relist_at``,
    ``window_ends_at``, ``return_arrives_at``), the inspection's results check by check and
    what decided each, the order that bought it from resale stock, why it left resale
    (``exit_reason``), the return service's ``outcome`` and any ``compensation``, its
    ``timeline`` step by step, and what the warehouse test helpers may do now."""
    return present.resale_item_json(queries.describe(call.ctx, _resale_item_id(call)))


@endpoint(bp, "/return_service", response=s.ReturnServiceSchema,
          summary="The seller's return service", tags=["resale"], errors=[409])
def get_return_service(call: Call):
    """What becomes of a unit that leaves resale (``return_service.option``): the option in
    force, the choices and where each is offered, the threshold at or below which a unit is
    destroyed rather than shipped back (USD and the market currency at the sandbox's rate),
    the return transit and the worry-free compensation. Only a Lazada sandbox has it (409
    ``resale_not_available``)."""
    return present.return_service_json(return_service.setting(call.ctx))


@endpoint(bp, "/return_service", method="PUT", body=s.ReturnServiceChoiceSchema,
          response=s.ReturnServiceSchema, summary="Change the seller's return service",
          tags=["resale"], errors=[409, 413, 415])
def set_return_service(call: Call):
    """``option``: ``return_to_seller``, ``worry_free`` or ``local_disposal``; it applies to
    units that leave resale from now on (event ``return_service.option_changed``). Worry-free
    is not offered in VN and SG (``return_service.worry_free``): 409
    ``return_service_unavailable`` naming the rule and the options offered."""
    return present.return_service_json(return_service.choose(call.ctx, call.body["option"]))


@endpoint(bp, "/test_helpers/resale/items/<resale_item_id>/inspection", method="POST",
          body=s.InspectionSchema, response=s.ResaleItemSchema,
          summary="Script the coming quality inspection, as the warehouse",
          tags=["test_helpers"], errors=HELPER_ERRORS)
def script_inspection(call: Call):
    """Only while the unit is ``inspection_pending``: at ``inspect_at`` every check passes
    (``result: pass``), or ``check`` fails (``result: fail``; default ``no_defects``). An
    automatic reject (a delisted or restricted SKU) still fails its check. A check the sandbox's
    ``resale.qc_checks`` does not list is a 400 ``unknown_check``; another state is a 409
    naming it and the helpers' allowed actions."""
    return present.resale_item_json(queries.detail(inspection.script(
        call.ctx, _resale_item_id(call), result=call.body["result"],
        check=call.body.get("check"))))


@endpoint(bp, "/test_helpers/resale/items/<resale_item_id>/sell", method="POST",
          body=s.ResaleSellSchema, response=OrderSchema, status=201,
          summary="Sell a listed resale unit to a buyer now", tags=["test_helpers"],
          errors=HELPER_ERRORS)
def sell_resale_item(call: Call):
    """A buyer order of one unit of the SKU, placed now and served from resale stock by exactly
    this unit (whatever the stock priority would pick): it ships from the market's resale
    warehouse at once. The buyer is ``buyer_id``, a new ``buyer`` or a generated one. Only a
    ``listed`` unit (else 409 naming its state). The answer is the new order."""
    body = call.body
    return orders_present.order_json(service.sell(
        call.ctx, _resale_item_id(call), buyer_id=body.get("buyer_id"),
        buyer=body.get("buyer"), payment_method=body["payment_method"]))


@endpoint(bp, "/test_helpers/resale/items/<resale_item_id>/expire_window", method="POST",
          response=s.ResaleItemSchema, summary="End a listed unit's resale window now",
          tags=["test_helpers"], errors=HELPER_ERRORS)
def expire_resale_window(call: Call):
    """As if ``resale.window`` ended now: the unsold unit leaves the shelf for the seller's
    return service (event ``resale.window_expired``). Only a ``listed`` unit (else 409)."""
    return present.resale_item_json(queries.detail(service.end_window_now(
        call.ctx, _resale_item_id(call))))
