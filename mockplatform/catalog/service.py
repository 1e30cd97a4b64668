"""Products and their SKUs: the rules. No Flask here.

Ids look like Lazada's (``item_id`` 3xxxxxxxxx, ``sku_id`` 15xxxxxxxxx): a per-sandbox counter
on top of a base drawn from the sandbox's seed, so the same seed and the same calls give the
same ids, and two sandboxes with different seeds do not share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from mockplatform.catalog import money, states
from mockplatform.catalog.errors import (
    DuplicateSellerSku,
    InsufficientStock,
    ProductNotFound,
    SkuNotFound,
)
from mockplatform.catalog.models import BUYER_IDS, ITEM_IDS, SKU_IDS, Product, Sku
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import ValidationFailed

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


@dataclass(frozen=True)
class ProductDetail:
    """A product with its SKUs, its prices in the market's ``currency``."""

    product: Product
    skus: list[Sku]
    currency: str

    @property
    def allowed_actions(self) -> list[str]:
        return states.PRODUCT.allowed(self.product.status)


@dataclass(frozen=True)
class SkuSpec:
    """A SKU of a product being created; package sizes default to ``PACKAGE_DEFAULTS``."""

    seller_sku: str
    price: Decimal
    stock: int = 0
    package_weight: Decimal | None = None
    package_length: Decimal | None = None
    package_width: Decimal | None = None
    package_height: Decimal | None = None


# -- reading ------------------------------------------------------------------------------------

def _product(ctx: SandboxContext, item_id: int) -> Product:
    product = ctx.session.get(Product, (ctx.id, item_id))
    if product is None:
        raise ProductNotFound(f"no product {item_id} in this sandbox",
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
        raise SkuNotFound(f"product {product.item_id} has no SKU {sku_id}",
                          details=[{"field": "sku_id", "location": "path",
                                    "message": "unknown SKU of this product"}])
    return sku


def get_product(ctx: SandboxContext, item_id: int) -> ProductDetail:
    product = _product(ctx, item_id)
    return ProductDetail(product, _skus(ctx, [item_id])[item_id], currency(ctx))


@dataclass(frozen=True)
class ProductFilter:
    """Which products a list reads, beyond their status: created or updated on or after /
    on or before an instant (each bound inclusive, None for none), having a SKU of one of
    ``seller_skus`` (whole values; None for any, empty for none), or ``sold_out`` (no SKU in
    stock)."""

    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    seller_skus: tuple[str, ...] | None = None
    sold_out: bool = False

    @property
    def matches_nothing(self) -> bool:
        return self.seller_skus == ()


ANY_PRODUCT = ProductFilter()


def _filtered(ctx: SandboxContext, stmt, status: str | None, where: ProductFilter):
    stmt = stmt.where(Product.sandbox_id == ctx.id)
    if status is not None:
        stmt = stmt.where(Product.status == status)
    for column, bound, after in ((Product.created_at, where.created_after, True),
                                 (Product.created_at, where.created_before, False),
                                 (Product.updated_at, where.updated_after, True),
                                 (Product.updated_at, where.updated_before, False)):
        if bound is not None:
            stmt = stmt.where(column >= bound if after else column <= bound)
    if where.seller_skus is not None:
        stmt = stmt.where(Product.item_id.in_(select(Sku.item_id).where(
            Sku.sandbox_id == ctx.id, Sku.seller_sku.in_(where.seller_skus))))
    if where.sold_out:
        stmt = stmt.where(Product.item_id.not_in(select(Sku.item_id).where(
            Sku.sandbox_id == ctx.id, Sku.stock > 0)))
    return stmt


def list_products(ctx: SandboxContext, *, status: str | None, after: int | None,
                  limit: int, offset: int = 0,
                  where: ProductFilter = ANY_PRODUCT) -> tuple[list[ProductDetail], bool]:
    """Products in ``item_id`` order; ``after`` is the last ``item_id`` already seen, or
    ``offset`` how many to skip."""
    if where.matches_nothing:
        return [], False
    stmt = _filtered(ctx, select(Product), status, where)
    if after is not None:
        stmt = stmt.where(Product.item_id > after)
    stmt = stmt.order_by(Product.item_id).limit(limit + 1)
    rows = list(ctx.session.scalars(stmt.offset(offset) if offset else stmt))
    rows, has_more = rows[:limit], len(rows) > limit
    skus = _skus(ctx, [row.item_id for row in rows])
    code = currency(ctx)
    return [ProductDetail(row, skus[row.item_id], code) for row in rows], has_more


def count_products(ctx: SandboxContext, *, status: str | None,
                   where: ProductFilter = ANY_PRODUCT) -> int:
    if where.matches_nothing:
        return 0
    return ctx.session.scalar(_filtered(ctx, select(func.count()).select_from(Product),
                                        status, where))


def find_sku(ctx: SandboxContext, *, sku_id: int | None = None,
             seller_sku: str | None = None) -> Sku:
    """A SKU of the sandbox by its id or its seller SKU (the id wins when both are given)."""
    if sku_id is not None:
        sku = ctx.session.get(Sku, (ctx.id, sku_id))
    else:
        sku = ctx.session.scalar(select(Sku).where(Sku.sandbox_id == ctx.id,
                                                   Sku.seller_sku == seller_sku))
    if sku is None:
        field, value = ("sku_id", sku_id) if sku_id is not None else ("seller_sku", seller_sku)
        raise SkuNotFound(f"no SKU with {field} {value!r} in this sandbox",
                          details=[{"field": field, "location": "body",
                                    "message": "unknown SKU"}])
    return sku


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
        raise DuplicateSellerSku(f"seller_sku already used in this sandbox: {', '.join(sorted(taken))}",
                                 details=[{"field": "skus.seller_sku", "location": "body",
                                           "message": f"{value!r} is taken"} for value in sorted(taken)])


def create_product(ctx: SandboxContext, *, name: str, skus: Sequence[SkuSpec],
                   description: str = "", category: str | None = None,
                   restricted: bool = False) -> ProductDetail:
    """A new listed product with its SKUs; seller SKUs are unique in the sandbox."""
    seller_skus = [spec.seller_sku for spec in skus]
    repeated = sorted({v for v in seller_skus if seller_skus.count(v) > 1})
    if repeated:
        raise ValidationFailed.field("skus", f"seller_sku repeated: {', '.join(repeated)}")
    prices = [checked_price(ctx, spec.price, f"skus.{i}.price") for i, spec in enumerate(skus)]
    check_seller_skus_free(ctx, seller_skus)
    product = Product(sandbox_id=ctx.id, item_id=new_id(ctx, "item"), name=name,
                      description=description, category=category,
                      status=states.LISTED, restricted=restricted,
                      created_at=ctx.now, updated_at=ctx.now)
    rows = [Sku(sandbox_id=ctx.id, sku_id=sku_id, item_id=product.item_id,
                seller_sku=spec.seller_sku, price=price, stock=spec.stock, resale_stock=0,
                resale_oldest_listed_at=None,
                **{size: default if getattr(spec, size) is None else getattr(spec, size)
                   for size, default in PACKAGE_DEFAULTS.items()},
                created_at=ctx.now, updated_at=ctx.now)
            for sku_id, spec, price in zip(reserve_ids(ctx, "sku", len(skus)), skus, prices,
                                           strict=True)]
    ctx.session.add(product)
    ctx.session.add_all(rows)
    code = currency(ctx)
    ctx.record("product.created", subject=str(product.item_id), data={
        "item_id": product.item_id, "name": product.name, "status": product.status,
        "restricted": product.restricted,
        "skus": [{"sku_id": sku.sku_id, "seller_sku": sku.seller_sku,
                  "price": money.format_amount(sku.price, code), "stock": sku.stock}
                 for sku in rows]})
    return ProductDetail(product, rows, code)


def update_stock(ctx: SandboxContext, item_id: int, sku_id: int, *, stock: int | None = None,
                 delta: int | None = None) -> ProductDetail:
    """Set the seller stock, or move it by ``delta``; it never goes below 0."""
    product = _product(ctx, item_id)
    sku = _sku(ctx, product, sku_id)
    previous = sku.stock
    new_stock = stock if stock is not None else previous + delta
    if new_stock < 0:
        raise InsufficientStock(f"SKU {sku_id} has {previous} in stock: a delta of {delta} would leave "
                                f"{new_stock}",
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
                 price: Decimal) -> ProductDetail:
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


def apply_action(ctx: SandboxContext, item_id: int, action: str) -> ProductDetail:
    product = _product(ctx, item_id)
    previous = product.status
    product.status = states.PRODUCT.next_state(previous, action, label=f"product {item_id}")
    product.updated_at = ctx.now
    ctx.record(EVENT_OF_ACTION[action], subject=str(item_id), data={
        "item_id": item_id, "previous_status": previous, "status": product.status})
    return get_product(ctx, item_id)
