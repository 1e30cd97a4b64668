"""Native API of the catalog: products and SKUs, buyers, and the seeded fill."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.catalog import buyers, service, states
from mockplatform.fronts.native.catalog import presenters as present
from mockplatform.fronts.native.catalog import schemas as s
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.schemas import page

bp = Blueprint("catalog", __name__, url_prefix="/api/v1")

PRODUCT_ERRORS = [400, 404, 409]


def _item_id(call: Call) -> int:
    return s.numeric_id(call.path["item_id"], "item_id", "path")


def _sku_id(call: Call) -> int:
    return s.numeric_id(call.path["sku_id"], "sku_id", "path")


@endpoint(bp, "/products", method="POST", body=s.ProductCreateSchema, response=s.ProductSchema,
          status=201, summary="Create a product with its SKUs", tags=["products"],
          errors=[400, 409])
def create_product(call: Call):
    """Prices are in the sandbox market's currency (MYR, SGD, THB, VND, PHP, IDR), as strings or
    numbers; VND and IDR take whole amounts. The product starts ``listed``."""
    body = call.body
    return present.product_json(service.create_product(
        call.ctx, name=body["name"], skus=[service.SkuSpec(**sku) for sku in body["skus"]],
        description=body.get("description", ""), category=body.get("category"),
        restricted=body.get("restricted", False)))


@endpoint(bp, "/products", query=s.ProductListQuery, response=s.ProductListSchema,
          summary="List products", tags=["products"], errors=[400])
def list_products(call: Call):
    """In ``item_id`` order; page with ``after`` (the ``next_cursor``) and ``limit`` (at most
    100); filter by ``status``."""
    after = call.query.get("after")
    rows, has_more = service.list_products(
        call.ctx, status=call.query.get("status"),
        after=s.numeric_id(after, "after", "query") if after is not None else None,
        limit=call.query["limit"])
    return page([present.product_json(row) for row in rows], has_more,
                lambda product: str(product["item_id"]))


@endpoint(bp, "/products/<item_id>", response=s.ProductSchema, summary="Get a product",
          tags=["products"], errors=[400, 404])
def get_product(call: Call):
    return present.product_json(service.get_product(call.ctx, _item_id(call)))


@endpoint(bp, "/products/<item_id>/skus/<sku_id>/stock", method="POST",
          body=s.StockUpdateSchema, response=s.ProductSchema,
          summary="Set a SKU's seller stock, or move it by a delta", tags=["products"],
          errors=PRODUCT_ERRORS)
def update_stock(call: Call):
    """Give ``stock`` (the new level) or ``delta``; stock never goes below 0 (409
    ``insufficient_stock``, naming the current stock)."""
    return present.product_json(service.update_stock(call.ctx, _item_id(call), _sku_id(call),
                                stock=call.body.get("stock"), delta=call.body.get("delta")))


@endpoint(bp, "/products/<item_id>/skus/<sku_id>/price", method="POST",
          body=s.PriceUpdateSchema, response=s.ProductSchema, summary="Set a SKU's price",
          tags=["products"], errors=[400, 404])
def update_price(call: Call):
    return present.product_json(service.update_price(call.ctx, _item_id(call), _sku_id(call), call.body["price"]))


@endpoint(bp, "/products/<item_id>/delist", method="POST", response=s.ProductSchema,
          summary="Delist a product", tags=["products"], errors=PRODUCT_ERRORS)
def delist_product(call: Call):
    """Only a ``listed`` product; a delisted product is not resold (``resale.eligible``)."""
    return present.product_json(service.apply_action(call.ctx, _item_id(call), states.DELIST))


@endpoint(bp, "/products/<item_id>/relist", method="POST", response=s.ProductSchema,
          summary="List a delisted product again", tags=["products"], errors=PRODUCT_ERRORS)
def relist_product(call: Call):
    return present.product_json(service.apply_action(call.ctx, _item_id(call), states.RELIST))


@endpoint(bp, "/buyers/<buyer_id>", response=s.BuyerSchema, summary="Get a buyer",
          tags=["buyers"], errors=[400, 404])
def get_buyer(call: Call):
    return buyers.get(call.ctx, s.numeric_id(call.path["buyer_id"], "buyer_id", "path"))


@endpoint(bp, "/test_helpers/buyers", method="POST", body=s.BuyerCreateSchema,
          response=s.BuyerSchema, status=201, summary="Create a buyer", tags=["test_helpers"],
          errors=[400])
def create_buyer(call: Call):
    """Fields not given are generated with Faker in the market's locale, from the sandbox seed
    and the buyer's id."""
    return buyers.create(call.ctx, call.body)
