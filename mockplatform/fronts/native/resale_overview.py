"""Native API of the Resale Overview (``resale.overview``): the seller center's dashboard of a
market's resale, in JSON or CSV. The figures and their definitions are resale/overview.py's.

The CSV is one flat table, so that a spreadsheet filters it by its first column, ``section``:

- ``range``: one row per fact of the range (``market``, ``currency``, ``period``, ``from``,
  ``to``, ``bounds``, ``generated_at``), in the ``metric`` and ``value`` columns;
- ``metrics``: one row per figure, in ``metric`` and ``value`` (a null share is an empty cell);
- ``products``: two rows per product, one for its primary orders and one for its resale orders
  (``orders``), with ``item_id``, ``name``, ``delivered``, ``failed``, ``ended`` and the rates;
- ``resold``, ``destroyed``, ``returned``: one row per unit, in the order of the JSON lists.

A column a row's section does not use is empty. The rows are rendered from the JSON answer, so
the two formats never disagree, and the lists are bounded by ``limit`` in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint
from marshmallow import Schema, fields, validate

from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.formats import CsvFormat
from mockplatform.fronts.native.schemas import Timestamp
from mockplatform.resale import overview

bp = Blueprint("resale_overview", __name__, url_prefix="/api/v1")


class OverviewQuery(Schema):
    period = fields.String(validate=validate.OneOf(
        tuple(overview.PERIODS), error=f"must be one of: {', '.join(overview.PERIODS)}"),
        metadata={"description": "the last 7 or 30 days up to the sandbox's now, now included "
                                 "(resale.overview short_window, long_window); the default "
                                 "without from and to: 30d. Not with from and to"})
    start = Timestamp(data_key="from", metadata={
        "description": "the range's start, included; with to"})
    end = Timestamp(data_key="to", metadata={
        "description": "the range's end, excluded: after from and at most resale.overview "
                       "max_range (90 days) later; with from"})
    limit = fields.Integer(load_default=overview.MAX_LIMIT, validate=validate.Range(
        min=1, max=overview.MAX_LIMIT, error=f"must be between 1 and {overview.MAX_LIMIT}"),
        metadata={"description": "rows of each list and of the product table, at most"})


class MetricsSchema(Schema):
    failed_delivery = fields.Integer(metadata={
        "description": "units of first sales attempts whose delivery failed and that the "
                       "local reverse centre took"})
    items_entering_resale = fields.Integer(metadata={"description": "units relisted"})
    resale_orders_placed = fields.Integer(metadata={
        "description": "units taken by resale orders placed (not canceled)"})
    items_resold = fields.Integer(metadata={
        "description": "units whose resale order was delivered"})
    resold_gmv = fields.String(metadata={
        "description": "the resale prices of items_resold, in the market currency"})
    resold_share = fields.Float(allow_none=True, metadata={
        "description": "items_resold / items_entering_resale to four places; null when none "
                       "entered; may exceed 1 (both are flows over the range)"})
    second_failures = fields.Integer()
    window_expired = fields.Integer()
    destroyed_locally = fields.Integer()
    returned_to_seller = fields.Integer(metadata={"description": "units shipped back"})
    arrived_back_at_seller = fields.Integer()
    worry_free_compensated = fields.Integer()
    worry_free_compensation = fields.String(metadata={
        "description": "the credits of worry_free_compensated, in the market currency"})


class RatesSchema(Schema):
    delivered = fields.Integer()
    failed = fields.Integer()
    ended = fields.Integer(metadata={"description": "delivered + failed"})
    success_rate = fields.Float(allow_none=True, metadata={
        "description": "delivered / ended to four places; null when none ended"})
    failure_rate = fields.Float(allow_none=True)


class ProductRowSchema(Schema):
    item_id = fields.Integer()
    name = fields.String()
    primary = fields.Nested(RatesSchema, metadata={
        "description": "units from the seller's stock (first sales attempts)"})
    resale = fields.Nested(RatesSchema, metadata={"description": "units from resale stock"})


class ProductTableSchema(Schema):
    total = fields.Integer(metadata={"description": "products with a delivery that ended"})
    data = fields.List(fields.Nested(ProductRowSchema))


class UnitRowSchema(Schema):
    resale_item_id = fields.Integer()
    item_id = fields.Integer()
    sku_id = fields.Integer()
    seller_sku = fields.String()
    name = fields.String()
    order_id = fields.Integer(metadata={"description": "the first order, whose delivery failed"})
    resale_order_id = fields.Integer(allow_none=True)
    state = fields.String()
    exit_reason = fields.String(allow_none=True)
    return_service = fields.String(allow_none=True)
    failed_at = Timestamp()
    relisted_at = Timestamp(allow_none=True)
    resold_at = Timestamp(allow_none=True)
    sold_at = Timestamp(allow_none=True)
    left_resale_at = Timestamp(allow_none=True)
    return_arrives_at = Timestamp(allow_none=True)
    returned_at = Timestamp(allow_none=True)
    price = fields.String(metadata={"description": "what the first buyer paid"})
    resale_price = fields.String(allow_none=True)
    currency = fields.String()


class UnitListSchema(Schema):
    total = fields.Integer()
    data = fields.List(fields.Nested(UnitRowSchema))


class OverviewSchema(Schema):
    object = fields.Constant("resale_overview")
    market = fields.String()
    currency = fields.String()
    period = fields.String(allow_none=True, metadata={"description": "7d, 30d, or null for an "
                                                                     "explicit range"})
    start = Timestamp(data_key="from")
    end = Timestamp(data_key="to")
    bounds = fields.String(metadata={"description": f"{overview.EXPLICIT_BOUNDS} for an "
                                                   f"explicit range, {overview.PERIOD_BOUNDS} "
                                                   f"for a period"})
    generated_at = Timestamp()
    metrics = fields.Nested(MetricsSchema)
    products = fields.Nested(ProductTableSchema)
    resold = fields.Nested(UnitListSchema, metadata={
        "description": "units whose resale order was delivered, newest first"})
    destroyed = fields.Nested(UnitListSchema, metadata={
        "description": "units destroyed locally, newest first"})
    returned = fields.Nested(UnitListSchema, metadata={
        "description": "units shipped back to the seller, newest first"})


# -- CSV ----------------------------------------------------------------------------------------------

RANGE_FACTS = ("market", "currency", "period", "from", "to", "bounds", "generated_at")
RATE_COLUMNS = ("delivered", "failed", "ended", "success_rate", "failure_rate")
UNIT_LISTS = ("resold", "destroyed", "returned")
CSV_COLUMNS = ("section", "metric", "value", "item_id", "name", "orders", *RATE_COLUMNS,
               *(column for column in UnitRowSchema().fields if column not in ("item_id",
                                                                                 "name")))


def csv_rows(answer: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """The JSON answer as the flat table the module's docstring describes."""
    for fact in RANGE_FACTS:
        yield {"section": "range", "metric": fact, "value": answer[fact]}
    for name, value in answer["metrics"].items():
        yield {"section": "metrics", "metric": name, "value": value}
    for product in answer["products"]["data"]:
        for kind in ("primary", "resale"):
            yield {"section": "products", "orders": kind, "item_id": product["item_id"],
                   "name": product["name"], **product[kind]}
    for section in UNIT_LISTS:
        for unit in answer[section]["data"]:
            yield {"section": section, **unit}


OVERVIEW_CSV = CsvFormat(columns=CSV_COLUMNS, rows=csv_rows, filename="resale-overview.csv")


@endpoint(bp, "/resale/overview", query=OverviewQuery, response=OverviewSchema,
          csv=OVERVIEW_CSV, tags=["resale"], errors=[400, 409],
          summary="Resale Overview: the market's resale over the last 7 or 30 days or a range")
def resale_overview(call: Call):
    """What the seller center's Resale Overview shows, for the sandbox's market: units that
    failed delivery, entered resale (relisted), were resold (their resale order delivered),
    resold GMV and share, what left resale and how; per product, the delivery success and
    failure rates of primary and resale orders; the lists of resold, destroyed and returned
    units.

    The range is ``period`` (``7d`` or ``30d``, default ``30d``: the window ending at the
    sandbox's now, now included), or ``from`` (included) and ``to`` (excluded) together: ``to``
    after ``from`` and at most ``resale.overview`` ``max_range`` (90 days) later. A range given
    both ways or half given is a 400 naming the field. ``format=csv`` (or ``Accept:
    text/csv``) answers one flat table whose first column, ``section``, is range, metrics,
    products, resold, destroyed or returned. A sandbox of another platform than Lazada: 409
    ``resale_not_available``."""
    query = call.query
    return overview.overview(call.ctx, start=query.get("start"), end=query.get("end"),
                             period=query.get("period"), limit=query["limit"])
