"""Tables of the catalog: products, their SKUs, and buyers. Keyed by ``sandbox_id`` like every
sandbox table, so reset, delete, snapshot and restore carry them. No foreign keys: a restore
inserts tables in the order the snapshot document lists them; a column naming another table's
row declares it instead (``info={"refers_to": ...}``), checked when a snapshot is restored."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.engine.ids import SeededIds
from mockplatform.store.models import Base, UTCDateTime

# Money up to 15 significant digits, which SQLite's floating-point NUMERIC keeps exactly.
MONEY = Numeric(15, 2)
# How each kind of catalog id is drawn (catalog/service.py): platform-looking numbers.
ITEM_IDS = SeededIds("catalog", "item", floor=3_000_000_000)
SKU_IDS = SeededIds("catalog", "sku", floor=15_000_000_000)
BUYER_IDS = SeededIds("catalog", "buyer", floor=500_000_000)


class Product(Base):
    __tablename__ = "catalog_products"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                         info={"drawn_from": ITEM_IDS})
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(120), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_catalog_products_status", "sandbox_id", "status", "item_id"),)


class Sku(Base):
    __tablename__ = "catalog_skus"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sku_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                        info={"drawn_from": SKU_IDS})
    item_id: Mapped[int] = mapped_column(BigInteger,
                                         info={"refers_to": "catalog_products.item_id"})
    seller_sku: Mapped[str] = mapped_column(String(100))
    price: Mapped[Decimal] = mapped_column(MONEY)
    stock: Mapped[int] = mapped_column(Integer)
    # Units relisted in the market's local resale warehouse (kept by the resale domain) and
    # when the oldest of them was listed: a new order takes them before the seller's stock.
    resale_stock: Mapped[int] = mapped_column(Integer, default=0)
    resale_oldest_listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    package_weight: Mapped[Decimal] = mapped_column(Numeric(9, 3))  # kg
    package_length: Mapped[Decimal] = mapped_column(Numeric(7, 1))  # cm
    package_width: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    package_height: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_catalog_skus_item", "sandbox_id", "item_id", "sku_id"),
                      Index("ux_catalog_skus_seller_sku", "sandbox_id", "seller_sku",
                            unique=True))


class Buyer(Base):
    __tablename__ = "catalog_buyers"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    buyer_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                          info={"drawn_from": BUYER_IDS})
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(254))
    address1: Mapped[str] = mapped_column(String(255))
    address2: Mapped[str] = mapped_column(String(255), default="")
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
