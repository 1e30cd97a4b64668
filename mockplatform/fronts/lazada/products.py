"""Lazada's product APIs, enough for an order-sync integration, over the native API's catalog
service: ``/products/get`` (a page of products by ``offset`` and ``limit``), ``/product/item/get``
(one product by ``item_id`` or ``seller_sku``) and ``/product/price_quantity/update`` (prices and
stock from Lazada's XML payload).

Wire values [choice, after Lazada's documented examples]: a product's ``status`` is ``Active``
(listed) or ``InActive`` (delisted), a SKU's ``Status`` ``active``/``inactive``;
``created_time``/``updated_time`` are epoch milliseconds as strings; ``price`` and
``quantity`` are numbers; ``ShopSku`` is ``<item_id>_<venture>-<sku_id>`` as on order items.

``/products/get`` [Lazada's GetProducts document; the reference has no product section]:
``filter`` ``all`` (default), ``live`` (listed), ``inactive`` (delisted), ``sold-out`` (no SKU
in stock); ``deleted``, ``pending``, ``rejected`` and the older ``image-missing`` are statuses
no sandbox product has (an empty page); any other value is ``E036``. ``create_after``,
``create_before``, ``update_after`` and ``update_before`` (each inclusive) take the request
date format of reference section 2.5, ISO 8601 with an offset (``2018-01-01T00:00:00+0800``
or ``+08:00``); one that does not parse is ``E017``. ``sku_seller_list`` is a JSON array of
up to 100 seller SKUs, matched whole (a product with any of them is answered with all its
SKUs; ``[]`` matches none); anything else is ``E070`` "You have corrupt data in your sku
seller list". ``limit`` 1 to 50 (default 20), else ``E019``; ``offset`` 0 to 10000, else
``E014``. The filters are the catalog's (``catalog.service.ProductFilter``). ``options``
(Lazada's extra stock figures) adds nothing: the catalog has only the seller's stock.

The XML payload is parsed with the standard library after refusing any ``<!DOCTYPE`` or
``<!ENTITY`` (no entity is ever expanded). Each ``Sku`` names its SKU by ``SkuId`` or
``SellerSku`` and sets ``Price`` and/or ``Quantity`` (at most 50 SKUs); ``SalePrice`` and its
dates are refused (the catalog has no sale price). Any refused SKU refuses the whole call
(``InvalidParameter`` with ``detail: [{field, seller_sku, message}]``): nothing is changed.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal, InvalidOperation
from typing import Any

from mockplatform.catalog import service as catalog
from mockplatform.catalog.errors import ProductNotFound, SkuNotFound
from mockplatform.catalog.models import Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import MockplatformError
from mockplatform.fronts.lazada import params as p
from mockplatform.fronts.lazada import wire
from mockplatform.fronts.lazada.errors import LazadaError, invalid, numbered
from mockplatform.fronts.lazada.table import GET, POST, api

# Each filter's catalog status ("all": any), its sold-out flag; None for a status no sandbox
# product has.
FILTERS = {"all": ("all", False), "live": ("listed", False), "inactive": ("delisted", False),
           "sold-out": ("all", True), "deleted": None, "image-missing": None, "pending": None,
           "rejected": None}
STATUS = {"listed": ("Active", "active"), "delisted": ("InActive", "inactive")}
MAX_LIMIT, DEFAULT_LIMIT, MAX_OFFSET, MAX_SKUS = 50, 20, 10_000, 50
MAX_SELLER_SKUS = 100
MAX_PAYLOAD = 200_000
_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
REFUSED_FIELDS = ("SalePrice", "SaleStartDate", "SaleEndDate")


def product_json(detail: catalog.ProductDetail, market: str) -> dict[str, Any]:
    product = detail.product
    status, sku_status = STATUS[product.status]
    return {
        "item_id": product.item_id, "primary_category": 0, "status": status,
        "created_time": str(wire.millis(product.created_at)),
        "updated_time": str(wire.millis(product.updated_at)),
        "attributes": {"name": product.name, "description": product.description or ""},
        "skus": [{"SkuId": sku.sku_id, "SellerSku": sku.seller_sku,
                  "ShopSku": f"{product.item_id}_{market}-{sku.sku_id}",
                  "quantity": sku.stock, "Available": sku.stock,
                  "price": wire.number(sku.price), "special_price": 0,
                  "Status": sku_status, "package_weight": str(sku.package_weight),
                  "package_length": str(sku.package_length),
                  "package_width": str(sku.package_width),
                  "package_height": str(sku.package_height)} for sku in detail.skus],
    }


# -- reading --------------------------------------------------------------------------------------

def _seller_skus(params: dict[str, str]) -> tuple[str, ...] | None:
    raw = params.get("sku_seller_list")
    if raw is None or raw.strip() == "":
        return None

    def corrupt(why: str) -> LazadaError:
        return numbered(70, f"You have corrupt data in your sku seller list. "
                        f"sku_seller_list: {why}")

    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise corrupt("not a JSON array") from None
    if not isinstance(value, list):
        raise corrupt("must be a JSON array of seller SKUs")
    if len(value) > MAX_SELLER_SKUS:
        raise corrupt(f"{len(value)} seller SKUs: at most {MAX_SELLER_SKUS}")
    if not all(isinstance(sku, str) and sku.strip() and len(sku) <= 100 for sku in value):
        raise corrupt("each seller SKU is a non-empty string of at most 100 characters")
    return tuple(dict.fromkeys(value))


def parse_products(params: dict[str, str]) -> dict[str, Any]:
    name = params.get("filter") or "all"
    chosen = FILTERS.get(name, ())
    if chosen == ():
        raise numbered(36, f"Invalid status filter: filter must be one of "
                       f"{', '.join(FILTERS)}")
    where = catalog.ProductFilter(
        created_after=p.date(params, "create_after"),
        created_before=p.date(params, "create_before"),
        updated_after=p.date(params, "update_after"),
        updated_before=p.date(params, "update_before"),
        seller_skus=_seller_skus(params), sold_out=chosen is not None and chosen[1])
    return {"filter": chosen, "where": where,
            "limit": p.count(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, 19, "Limit"),
            "offset": p.count(params, "offset", 0, 0, MAX_OFFSET, 14, "Offset")}


@api("/products/get", methods=(GET,), parse=parse_products)
def products_get(ctx: SandboxContext, query: dict[str, Any]) -> dict[str, Any]:
    if query["filter"] is None:
        return {"data": {"total_products": 0, "products": []}}
    status = None if query["filter"][0] == "all" else query["filter"][0]
    where = query["where"]
    page, _ = catalog.list_products(ctx, status=status, after=None, limit=query["limit"],
                                    offset=query["offset"], where=where)
    return {"data": {"total_products": catalog.count_products(ctx, status=status, where=where),
                     "products": [product_json(detail, ctx.sandbox.market)
                                  for detail in page]}}


def parse_item(params: dict[str, str]) -> dict[str, Any]:
    raw, seller_sku = params.get("item_id"), params.get("seller_sku")
    if raw:
        return {"item_id": p.whole_id(raw.strip(), "item_id",
                                      lambda m: invalid("item_id", m))}
    if seller_sku:
        return {"seller_sku": seller_sku}
    raise p.missing("item_id")


@api("/product/item/get", methods=(GET,), parse=parse_item)
def item_get(ctx: SandboxContext, query: dict[str, Any]) -> dict[str, Any]:
    try:
        item_id = query.get("item_id") or catalog.find_sku(
            ctx, seller_sku=query["seller_sku"]).item_id
        detail = catalog.get_product(ctx, item_id)
    except (ProductNotFound, SkuNotFound) as error:
        raise invalid("item_id", error.message) from None
    return {"data": product_json(detail, ctx.sandbox.market)}


# -- price and quantity ---------------------------------------------------------------------------

def _text(element: ElementTree.Element, name: str) -> str | None:
    child = element.find(name)
    return None if child is None or child.text is None else child.text.strip()


def parse_payload(params: dict[str, str]) -> list[dict[str, Any]]:
    raw = p.required(params, "payload")
    if len(raw) > MAX_PAYLOAD:
        raise invalid("payload", f"at most {MAX_PAYLOAD} characters")
    if _DECLARATIONS.search(raw):
        raise invalid("payload", "DOCTYPE and ENTITY declarations are not allowed")
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as error:
        raise invalid("payload", f"not well-formed XML: {error}") from None
    if root.tag != "Request":
        raise invalid("payload", "the root element must be <Request>")
    skus = root.findall("./Product/Skus/Sku")
    if not skus:
        raise invalid("payload", "no <Request><Product><Skus><Sku> element")
    if len(skus) > MAX_SKUS:
        raise invalid("payload", f"{len(skus)} SKUs: at most {MAX_SKUS} a call")
    updates, problems = [], []
    for element in skus:
        seller_sku = _text(element, "SellerSku") or ""
        update: dict[str, Any] = {"seller_sku": seller_sku or None}
        for name, key, kind in (("SkuId", "sku_id", int), ("ItemId", "item_id", int),
                                ("Quantity", "stock", int), ("Price", "price", Decimal)):
            value = _text(element, name)
            if value is None or value == "":
                continue
            try:
                update[key] = kind(value) if kind is Decimal or re.fullmatch(
                    r"[0-9]{1,18}", value) else _reject()
                if kind is Decimal and (not update[key].is_finite() or update[key] <= 0):
                    _reject()
            except (ValueError, InvalidOperation):
                problems.append({"field": name, "seller_sku": seller_sku,
                                 "message": f"{name} {value[:40]!r} is not a valid "
                                            f"{'amount' if kind is Decimal else 'number'}"})
        problems += [{"field": name, "seller_sku": seller_sku,
                      "message": f"{name} is not supported by the sandbox"}
                     for name in REFUSED_FIELDS if _text(element, name)]
        if update.get("sku_id") is None and not seller_sku:
            problems.append({"field": "SkuId", "seller_sku": seller_sku,
                             "message": "each Sku needs a SkuId or a SellerSku"})
        if "stock" not in update and "price" not in update:
            problems.append({"field": "Quantity", "seller_sku": seller_sku,
                             "message": "each Sku sets a Price or a Quantity"})
        updates.append(update)
    if problems:
        raise _refused(problems)
    return updates


def _reject() -> Any:
    raise ValueError


def _refused(problems: list[dict[str, Any]]) -> LazadaError:
    return LazadaError("InvalidParameter", "payload: " + "; ".join(
        problem["message"] for problem in problems[:5]), details=problems)


@api("/product/price_quantity/update", methods=(POST,), parse=parse_payload, write=True)
def price_quantity_update(ctx: SandboxContext, updates: list[dict[str, Any]]) -> dict[str, Any]:
    found: list[Sku] = []
    problems = []
    for update in updates:
        try:
            sku = catalog.find_sku(ctx, sku_id=update.get("sku_id"),
                                   seller_sku=update["seller_sku"])
            if update.get("item_id") not in (None, sku.item_id):
                raise SkuNotFound(f"SKU {sku.sku_id} is not of item {update['item_id']}")
            found.append(sku)
        except SkuNotFound as error:
            problems.append({"field": "SkuId" if update.get("sku_id") else "SellerSku",
                             "seller_sku": update["seller_sku"] or "", "message": error.message})
    if problems:
        raise _refused(problems)
    for sku, update in zip(found, updates, strict=True):
        try:
            if "price" in update:
                catalog.update_price(ctx, sku.item_id, sku.sku_id, update["price"])
            if "stock" in update:
                catalog.update_stock(ctx, sku.item_id, sku.sku_id, stock=update["stock"])
        except MockplatformError as error:  # the whole call is refused: nothing is kept
            raise _refused([{"field": "Price" if "price" in update else "Quantity",
                             "seller_sku": sku.seller_sku, "message": error.message}]) from None
    return {}
