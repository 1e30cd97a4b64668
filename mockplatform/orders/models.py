"""Tables of the orders domain: orders and their items, one row per unit as Lazada keeps them,
and the packages they are packed into (which the logistics domain moves).

Keyed by ``sandbox_id`` like every sandbox table (reset, delete, snapshot and restore carry
them). No foreign keys: a restore inserts tables in the order the snapshot document lists them.
A column naming another table's row declares it instead (``info={"refers_to": ...}``), and a
JSON column that code parses its shape (``info={"shape": ...}``): a restored snapshot is checked
against both (control/integrity.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, and_, update
from sqlalchemy.orm import Mapped, mapped_column

from mockplatform.catalog.money import MINOR_DIGITS
from mockplatform.engine import payloads
from mockplatform.engine.ids import SeededIds
from mockplatform.store.models import AMOUNT_SCALE, Base, ExactDecimal, UTCDateTime, json_type

# How order and item ids are drawn (orders/service.py): 15 digits, like Lazada's.
ORDER_IDS = SeededIds("orders", "order", floor=300_000_000_000_000)
ORDER_ITEM_IDS = SeededIds("orders", "order_item", floor=400_000_000_000_000)
# What a payload or a column naming an order holds.
ORDER_ID = payloads.Integer(refers_to="orders.order_id")
# The buyer's details an order keeps, as they were when it was placed.
ADDRESS_FIELDS = ("first_name", "last_name", "phone", "address1", "address2", "city", "region",
                  "postcode", "country")
ADDRESS = payloads.Object({name: payloads.Text(max_length=255) for name in ADDRESS_FIELDS})


class Order(Base):
    __tablename__ = "orders"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                          info={"drawn_from": ORDER_IDS})
    # Which walk the seller takes: ``lazada`` (pack, ready to ship, platform logistics) or
    # ``semi_hosted`` (AliExpress: accept, pack, ship with the seller's own carrier).
    flow: Mapped[str] = mapped_column(String(20))
    buyer_id: Mapped[int] = mapped_column(BigInteger,
                                          info={"refers_to": "catalog_buyers.buyer_id"})
    payment_method: Mapped[str] = mapped_column(String(20))  # prepaid, cod
    shipping_type: Mapped[str] = mapped_column(String(20))  # cross_border, local, seller_own_fleet
    # A market's currency: amounts are formatted with its minor unit.
    currency: Mapped[str] = mapped_column(
        String(3), info={"shape": payloads.Text(choices=tuple(MINOR_DIGITS))})
    price: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))  # items, before shipping
    shipping_fee: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    items_count: Mapped[int] = mapped_column(Integer)
    # The buyer's name, phone and address as they were when the order was placed.
    address_shipping: Mapped[dict] = mapped_column(json_type(), info={"shape": ADDRESS})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A replacement order (TikTok's ``is_replacement_order``): the order whose approved
    # reshipment request it carries out (``replaced_order_id``), its units free of charge
    # (aftersales/reshipment.py); None for every order the buyer placed.
    replaced_order_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, default=None, info={"refers_to": "orders.order_id"})
    # Deadlines the seller can miss, shown on the order before they pass.
    rts_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the order enters the seller's "delayed" view (past a deadline's warning point and not
    # canceled); None while nothing is due. Kept up to date at every change so the view is one
    # indexed comparison with the clock.
    delayed_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Whether the order is in the view now (``delayed_from <= now``), kept as a flag so that the
    # view, sorted either way, is one index range read for a page: filtering on the instant
    # would read, then sort, every delayed order. Set when the warning point is reached (its
    # timer fires then: every request fires what is due first) and at every change of
    # ``delayed_from``; derived again when a snapshot is restored.
    delayed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_orders_created", "sandbox_id", "created_at", "order_id"),
        Index("ix_orders_updated", "sandbox_id", "updated_at", "order_id"),
        Index("ix_orders_delayed_created", "sandbox_id", "delayed", "created_at", "order_id"),
        Index("ix_orders_delayed_updated", "sandbox_id", "delayed", "updated_at", "order_id"),
        {"info": {"after_restore": lambda session, sandbox_id, now: session.execute(
            update(Order).where(Order.sandbox_id == sandbox_id).values(
                delayed=and_(Order.delayed_from.is_not(None), Order.delayed_from <= now)))}},
    )


class OrderItem(Base):
    __tablename__ = "order_items"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                               info={"drawn_from": ORDER_ITEM_IDS})
    order_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "orders.order_id"})
    item_id: Mapped[int] = mapped_column(BigInteger,  # the product
                                         info={"refers_to": "catalog_products.item_id"})
    sku_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "catalog_skus.sku_id"})
    seller_sku: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255))
    item_price: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    paid_price: Mapped[Decimal] = mapped_column(ExactDecimal(AMOUNT_SCALE))
    status: Mapped[str] = mapped_column(String(30))
    package_id: Mapped[str | None] = mapped_column(String(40), nullable=True,
                                                   info={"refers_to": "packages.package_id"})
    # Why the item was canceled or failed, and who started it (Lazada's
    # ``cancel_return_initiator``: cancellation-seller, cancellation-internal, ...).
    reason: Mapped[str] = mapped_column(String(60), default="")
    reason_detail: Mapped[str] = mapped_column(String(255), default="")
    cancel_return_initiator: Mapped[str] = mapped_column(String(60), default="")
    # Whose stock the unit was taken from: the seller's (``seller``), or a unit relisted in the
    # market's local resale warehouse (``resale``: the resale domain ships it, and it is no
    # first sales attempt).
    stock_source: Mapped[str] = mapped_column(String(10), default="seller")
    # When the unit failed delivery, kept whatever its status becomes afterwards (resale, the
    # return service): "ever failed delivery" is one indexed comparison.
    failed_delivery_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_order_items_order", "sandbox_id", "order_id", "order_item_id"),
        # With the product and the stock source, the resale overview's per-product failures
        # (and, below, deliveries) over a range are read from the index alone.
        Index("ix_order_items_failed", "sandbox_id", "failed_delivery_at", "order_id",
              "item_id", "stock_source"),
        Index("ix_order_items_status", "sandbox_id", "status", "order_id"),
        # With order_item_id, a package's items come in order from the index itself; without
        # it SQLite walked every item of the sandbox in key order instead of sorting a few.
        Index("ix_order_items_package", "sandbox_id", "package_id", "order_item_id", "item_id",
              "stock_source"),
    )


# -- packages -----------------------------------------------------------------------------------

# A package's plan (``Package.journey``, see logistics/plans.py): its steps, each due and done
# at an instant.
FORWARD_STEPS = ("pickup", "origin_sorting_scan", "uplift", "destination_arrival", "customs",
                 "last_mile_hub", "out_for_delivery", "delivery_attempt")
RETURN_STEPS = ("shipped_back", "shipped_back_success")
# Steps a later delivery attempt repeats, numbered from 2.
REPEATED = ("out_for_delivery", "delivery_attempt")

# A step's name in a plan and in its timer's payload: every name the step handlers know.
STEP_NAME = payloads.Text(pattern="|".join([*map(re.escape, FORWARD_STEPS + RETURN_STEPS),
                                   f"(?:{'|'.join(REPEATED)})_[0-9]{{1,4}}"]),
                 expected="a journey step such as pickup or delivery_attempt_2")
PLAN = payloads.MapOf(STEP_NAME, payloads.Object({"due_at": payloads.Instant(),
                                                "done_at": payloads.Instant(nullable=True)}))

# How package ids (FP and 15 digits, like Lazada's) and the platform's tracking numbers (LGS or
# LEX, the market, 10 digits) are drawn (logistics/fulfilment.py).
PACKAGE_IDS = SeededIds("logistics", "package", floor=10_000_000_000_000,
                        pattern=r"FP([0-9]{15,})")
TRACKING_NUMBERS = SeededIds("logistics", "tracking_number", floor=1_000_000_000,
                             pattern=r"(?:LGS|LEX)[A-Z]{2}([0-9]{10,})")
# What a payload or a column naming a package holds.
PACKAGE_ID = payloads.Text(max_length=40, refers_to="packages.package_id")
# Failures queued by the carrier's test helper for the coming attempts (logistics/carrier.py).
SCRIPTED = payloads.ListOf(payloads.Object({
    "outcome": payloads.Text(choices=("failed",)), "reason": payloads.Text(max_length=60),
    "queued_at": payloads.Instant()}))
# What the origin sorting centre measured (logistics/journey.py): nothing before the scan.
_DECIMAL = payloads.Text(pattern=r"[0-9]+(\.[0-9]+)?", optional=True,
                         expected="a decimal number as a string")
MEASURED = payloads.Object({name: _DECIMAL
                            for name in ("weight_kg", "length_cm", "width_cm", "height_cm")})


# Package.ships_from: the seller, the market's local resale warehouse, or the buyer (a return
# parcel travelling to the seller, aftersales/return_parcel.py). The last is the after-sales
# request's, not the order's package (``orders.service.packages_of``). A reshipment is the
# seller's package of its replacement order (aftersales/reshipment.py).
SHIPS_FROM_SELLER, RESALE_WAREHOUSE, FROM_BUYER = "seller", "resale_warehouse", "buyer"
AFTERSALES_PARCELS = (FROM_BUYER,)


class Package(Base):
    __tablename__ = "packages"

    sandbox_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    package_id: Mapped[str] = mapped_column(String(40), primary_key=True,
                                            info={"drawn_from": PACKAGE_IDS})
    order_id: Mapped[int] = mapped_column(BigInteger, info={"refers_to": "orders.order_id"})
    tracking_number: Mapped[str] = mapped_column(String(60),
                                                 info={"drawn_from": TRACKING_NUMBERS})
    shipment_provider: Mapped[str] = mapped_column(String(60))
    # Where the parcel starts: the seller (``seller``), the market's local resale warehouse
    # (``resale_warehouse``: no first mile, no border, no international freight), or the buyer
    # (``buyer``: a return parcel on its way to the seller).
    ships_from: Mapped[str] = mapped_column(String(20), default=SHIPS_FROM_SELLER)
    # packed, ready_to_ship, in_transit, delivered, failed_delivery, returning, returned,
    # lost, damaged, canceled (see logistics/states.py)
    status: Mapped[str] = mapped_column(String(30))
    packed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ready_to_ship_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_mile_scan_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime,
                                                                      nullable=True)
    first_mile_scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The last journey step done (``logistics.journey`` keys) and the planned instants of all.
    journey_step: Mapped[str] = mapped_column(String(40), default="")
    journey: Mapped[dict] = mapped_column(json_type(), default=dict, info={"shape": PLAN})
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    failure_reason: Mapped[str] = mapped_column(String(60), default="")
    # What the origin sorting centre measured: weight (kg) and dimensions (cm), as strings.
    measured: Mapped[dict] = mapped_column(json_type(), default=dict,
                                           info={"shape": MEASURED})
    # Fates scripted by test helpers for the coming attempts, consumed in order.
    scripted: Mapped[list] = mapped_column(json_type(), default=list,
                                           info={"shape": SCRIPTED})
    seller_marked_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ux_packages_tracking", "sandbox_id", "tracking_number", unique=True),
        Index("ix_packages_order", "sandbox_id", "order_id"),
        Index("ix_packages_rts", "sandbox_id", "ready_to_ship_at", "package_id"),
        # Deliveries over a range (the resale overview's per-product rates).
        Index("ix_packages_delivered", "sandbox_id", "delivered_at", "package_id"),
    )
