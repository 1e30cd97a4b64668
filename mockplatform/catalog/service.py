"""Products and their SKUs: the rules. No Flask here.

Ids look like Lazada's (``item_id`` 3xxxxxxxxx, ``sku_id`` 15xxxxxxxxx): a per-sandbox counter
on top of a base drawn from the sandbox's seed, so the same seed and the same calls give the
same ids, and two sandboxes with different seeds do not share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from mockplatform.catalog import money, states
from mockplatform.catalog.models import BUYER_IDS, ITEM_IDS, SKU_IDS, Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import Conflict, NotFound, ValidationFailed

SEEDED_IDS = {"item": ITEM_IDS, "sku": SKU_IDS, "buyer": BUYER_IDS}
MAX_STOCK = 1_000_000_000
PACKAGE_DEFAULTS = {"package_weight": Decimal("0.5"), "package_length": Decimal("20"),
                    "package_width": Decimal("15"), "package_height": Decimal("10")}


# -- ids ----------------------------------------------------------------------------------------

def reserve_ids(ctx: SandboxContext, name: str, count: int) -> range:
    """``count`` new ids of kind ``name`` (item, sku, buyer), in order."""
    return SEEDED_IDS[name].draw(ctx.sandbox.counters, ctx.sandbox.seed, count)


def new_id(ctx: SandboxContext, name: str) -> int:
    return reserve_ids(ctx, name, 1)[0]


# -- views --------------------------------------------------------------------------------------

def currency(ctx: SandboxContext) -> str:
    return money.currency_of(ctx.sandbox.market)


def sku_view(sku: Sku, currency_code: str) -> dict[str, Any]:
    return {"sku_id": sku.sku_id, "item_id": sku.item_id, "seller_sku": sku.seller_sku,
            "price": money.format_amount(sku.price, currency_code), "currency": currency_code,
            "stock": sku.stock,
            "package_weight": str(sku.package_weight.quantize(Decimal("0.001"))),
            **{name: str(getattr(sku, name).quantize(Decimal("0.1")))
               for name in ("package_length", "package_width", "package_height")},
            "created_at": sku.created_at, "updated_at": sku.updated_at}


def product_view(product: Product, skus: Iterable[Sku], currency_code: str) -> dict[str, Any]:
    return {"item_id": product.item_id, "name": product.name,
            "description": product.description, "category": product.category,
            "status": product.status, "restricted": product.restricted,
            "currency": currency_code,
            "allowed_actions": states.PRODUCT.allowed(product.status),
            "skus": [sku_view(sku, currency_code) for sku in skus],
            "created_at": product.created_at, "updated_at": product.updated_at}


# -- reading ------------------------------------------------------------------------------------

def _product(ctx: SandboxContext, item_id: int) -> Product:
    product = ctx.session.get(Product, (ctx.id, item_id))
    if product is None:
        raise NotFound(f"no product {item_id} in this sandbox", code="product_not_found",
                       details=[{"field": "item_id", "location": "path",
                                 "message": "unknown product"}])
    return product


def _skus(ctx: SandboxContext, item_ids: Sequence[int]) -> dict[int, list[Sku]]:
    by_item: dict[int, list[Sku]] = {item_id: [] for item_id in item_ids}
    if item_ids:
        # In the order of ix_catalog_skus_item: ordered by sku_id alone, SQLite would rather
        # walk every SKU of the sandbox in key order than sort the few it wants.
        for sku in ctx.session.scalars(select(Sku).where(
                Sku.sandbox_id == ctx.id, Sku.item_id.in_(item_ids))
                .order_by(Sku.item_id, Sku.sku_id)):
            by_item[sku.item_id].append(sku)
    return by_item


def _sku(ctx: SandboxContext, product: Product, sku_id: int) -> Sku:
    sku = ctx.session.get(Sku, (ctx.id, sku_id))
    if sku is None or sku.item_id != product.item_id:
        raise NotFound(f"product {product.item_id} has no SKU {sku_id}", code="sku_not_found",
                       details=[{"field": "sku_id", "location": "path",
                                 "message": "unknown SKU of this product"}])
    return sku


def get_product(ctx: SandboxContext, item_id: int) -> dict[str, Any]:
    product = _product(ctx, item_id)
    return product_view(product, _skus(ctx, [item_id])[item_id], currency(ctx))


def list_products(ctx: SandboxContext, *, status: str | None, after: int | None,
                  limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Products in ``item_id`` order; ``after`` is the last ``item_id`` already seen."""
    stmt = select(Product).where(Product.sandbox_id == ctx.id)
    if status is not None:
        stmt = stmt.where(Product.status == status)
    if after is not None:
        stmt = stmt.where(Product.item_id > after)
    rows = list(ctx.session.scalars(stmt.order_by(Product.item_id).limit(limit + 1)))
    rows, has_more = rows[:limit], len(rows) > limit
    skus = _skus(ctx, [row.item_id for row in rows])
    code = currency(ctx)
    return [product_view(row, skus[row.item_id], code) for row in rows], has_more


# -- writing ------------------------------------------------------------------------------------

def checked_price(ctx: SandboxContext, price: Decimal, field: str) -> Decimal:
    code = currency(ctx)
    if not money.is_exact(price, code):
        digits = money.MINOR_DIGITS[code]
        rule = "has no minor unit: give a whole amount" if digits == 0 else \
            f"has {digits} decimal places at most"
        raise ValidationFailed.field(field, f"{code} {rule} (got {price})")
    return money.quantize(price, code)


def check_seller_skus_free(ctx: SandboxContext, seller_skus: list[str]) -> None:
    taken = []
    for start in range(0, len(seller_skus), 500):
        taken += ctx.session.scalars(select(Sku.seller_sku).where(
            Sku.sandbox_id == ctx.id, Sku.seller_sku.in_(seller_skus[start:start + 500])))
    if taken:
        raise Conflict(f"seller_sku already used in this sandbox: {', '.join(sorted(taken))}",
                       code="duplicate_seller_sku",
                       details=[{"field": "skus.seller_sku", "location": "body",
                                 "message": f"{value!r} is taken"} for value in sorted(taken)])


def create_product(ctx: SandboxContext, spec: dict[str, Any]) -> dict[str, Any]:
    sku_specs = spec["skus"]
    seller_skus = [s["seller_sku"] for s in sku_specs]
    repeated = sorted({v for v in seller_skus if seller_skus.count(v) > 1})
    if repeated:
        raise ValidationFailed.field("skus", f"seller_sku repeated: {', '.join(repeated)}")
    prices = [checked_price(ctx, s["price"], f"skus.{i}.price") for i, s in enumerate(sku_specs)]
    check_seller_skus_free(ctx, seller_skus)
    product = Product(sandbox_id=ctx.id, item_id=new_id(ctx, "item"), name=spec["name"],
                      description=spec.get("description", ""), category=spec.get("category"),
                      status=states.LISTED, restricted=spec.get("restricted", False),
                      created_at=ctx.now, updated_at=ctx.now)
    skus = [Sku(sandbox_id=ctx.id, sku_id=sku_id, item_id=product.item_id,
                seller_sku=s["seller_sku"], price=price, stock=s.get("stock", 0),
                **{name: s.get(name, default) for name, default in PACKAGE_DEFAULTS.items()},
                created_at=ctx.now, updated_at=ctx.now)
            for sku_id, s, price in zip(reserve_ids(ctx, "sku", len(sku_specs)), sku_specs,
                                        prices, strict=True)]
    ctx.session.add(product)
    ctx.session.add_all(skus)
    view = product_view(product, skus, currency(ctx))
    ctx.record("product.created", subject=str(product.item_id), data={
        "item_id": product.item_id, "name": product.name, "status": product.status,
        "restricted": product.restricted,
        "skus": [{"sku_id": s["sku_id"], "seller_sku": s["seller_sku"], "price": s["price"],
                  "stock": s["stock"]} for s in view["skus"]]})
    return view


def update_stock(ctx: SandboxContext, item_id: int, sku_id: int, *, stock: int | None = None,
                 delta: int | None = None) -> dict[str, Any]:
    """Set the seller stock, or move it by ``delta``; it never goes below 0."""
    product = _product(ctx, item_id)
    sku = _sku(ctx, product, sku_id)
    previous = sku.stock
    new_stock = stock if stock is not None else previous + delta
    if new_stock < 0:
        raise Conflict(f"SKU {sku_id} has {previous} in stock: a delta of {delta} would leave "
                       f"{new_stock}", code="insufficient_stock",
                       details=[{"field": "delta", "location": "body",
                                 "message": "stock cannot go below 0",
                                 "current_stock": previous}])
    if new_stock > MAX_STOCK:
        raise ValidationFailed.field("delta", f"stock would be {new_stock}, above the "
                                     f"maximum {MAX_STOCK}")
    sku.stock = new_stock
    sku.updated_at = product.updated_at = ctx.now
    ctx.record("product.stock_updated", subject=str(item_id), data={
        "item_id": item_id, "sku_id": sku_id, "previous_stock": previous, "stock": new_stock})
    return get_product(ctx, item_id)


def update_price(ctx: SandboxContext, item_id: int, sku_id: int,
                 price: Decimal) -> dict[str, Any]:
    product = _product(ctx, item_id)
    sku = _sku(ctx, product, sku_id)
    price = checked_price(ctx, price, "price")
    code = currency(ctx)
    previous = sku.price
    sku.price = price
    sku.updated_at = product.updated_at = ctx.now
    ctx.record("product.price_updated", subject=str(item_id), data={
        "item_id": item_id, "sku_id": sku_id, "currency": code,
        "previous_price": money.format_amount(previous, code),
        "price": money.format_amount(price, code)})
    return get_product(ctx, item_id)


EVENT_OF_ACTION = {states.DELIST: "product.delisted", states.RELIST: "product.relisted"}


def apply_action(ctx: SandboxContext, item_id: int, action: str) -> dict[str, Any]:
    product = _product(ctx, item_id)
    previous = product.status
    product.status = states.PRODUCT.next_state(previous, action, label=f"product {item_id}")
    product.updated_at = ctx.now
    ctx.record(EVENT_OF_ACTION[action], subject=str(item_id), data={
        "item_id": item_id, "previous_status": previous, "status": product.status})
    return get_product(ctx, item_id)
