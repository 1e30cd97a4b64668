"""The Resale Overview (``GET /api/v1/resale/overview``, resale/overview.py): exact figures of
populations built through the API, the named periods against explicit ranges at their bounds,
per-product rates, the lists, the CSV, and the refused ranges."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from mockplatform.fronts.native.resale_overview import CSV_COLUMNS
from tests.conftest import DATABASE_URL, Api
from tests.logistics.support import (
    ONE_SECOND,
    advance_to,
    events,
    instant,
    new_sandbox,
    ok,
)
from tests.test_query_plans import _recorded

OVERVIEW = "/api/v1/resale/overview"
FAIL = {"address1": "12 Jalan Ampang FAIL:recipient_absent"}
# The population's orders are placed at the sandbox's start (2026-01-05T01:00Z); without jitter
# every failing parcel's last attempt fails at 2026-01-13T09:00Z and units are relisted 5 to 8
# days later (drawn per unit: 18, 18, 19 and 20 January with seed 1).
FAILED_AT = "2026-01-13T09:00:00+00:00"
RESALE_ORDERS_AT = instant("2026-01-21T10:00:00+00:00")  # after every relisting
MIDWAY = instant("2026-01-22T10:00:00+00:00")
END = instant("2026-04-01T01:00:00+00:00")  # every unit's story is over
WHOLE = {"from": "2026-01-05T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
ZERO = {"failed_delivery": 0, "items_entering_resale": 0, "resale_orders_placed": 0,
        "items_resold": 0, "resold_gmv": "0.00", "resold_share": None, "second_failures": 0,
        "window_expired": 0, "destroyed_locally": 0, "returned_to_seller": 0,
        "arrived_back_at_seller": 0, "worry_free_compensated": 0,
        "worry_free_compensation": "0.00"}


def product(sbx, name: str, seller_sku: str, price: str) -> int:
    """A product of one SKU with stock; its SKU id."""
    created = ok(sbx.post("/api/v1/products", json={"name": name, "skus": [
        {"seller_sku": seller_sku, "price": price, "stock": 100}]}), 201)
    return created["skus"][0]["sku_id"]


def order(sbx, sku_id: int, buyer: dict | None = None) -> int:
    """An order of one unit, as the buyer: from resale stock when the SKU has some."""
    return ok(sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"sku_id": sku_id, "quantity": 1}], "buyer": buyer or {}}), 201)["order_id"]


def ship(sbx, sku_id: int, buyer: dict | None = None) -> int:
    """An order of one unit, packed and readied to ship now."""
    order_id = order(sbx, sku_id, buyer)
    ok(sbx.post(f"/api/v1/orders/{order_id}/pack", json={}), 201)
    ok(sbx.post(f"/api/v1/orders/{order_id}/ready_to_ship", json={}))
    return order_id


def overview(sbx, **query) -> dict:
    return ok(sbx.get(OVERVIEW, query_string=query))


def refused(sbx, status: int, code: str, **query) -> dict:
    response = sbx.get(OVERVIEW, query_string=query)
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    return error


@pytest.fixture(scope="module")
def population(app):
    """A Lazada MY sandbox (return service: return to seller, threshold USD 10) whose story
    runs to the end: three products, seven first orders, four of which fail delivery, then two
    resale orders, one delivered and one that fails again. What each unit becomes:

    - Rice Cooker (80.00): two units fail; the older relisted is resold and delivered; the other
      is unsold at its window's end and shipped back (arrives 30 days later); a third order is
      delivered;
    - Desk Lamp (20.00, at or below the threshold): one unit fails and, unsold, is destroyed
      locally; two orders are delivered;
    - Blender (150.00): one unit fails, is resold to a buyer whose deliveries fail too (a second
      failure) and is shipped back.

    The overviews of the last 7 and 30 days are taken midway too."""
    sbx = new_sandbox(Api(app))
    cooker = product(sbx, "Rice Cooker", "RC-1", "80.00")
    lamp = product(sbx, "Desk Lamp", "DL-1", "20.00")
    blender = product(sbx, "Blender", "BL-1", "150.00")
    for sku_id, buyer in ((cooker, FAIL), (cooker, FAIL), (cooker, None), (lamp, FAIL),
                          (lamp, None), (lamp, None), (blender, FAIL)):
        ship(sbx, sku_id, buyer)
    advance_to(sbx, RESALE_ORDERS_AT)
    resold = order(sbx, cooker)
    failed_again = order(sbx, blender, FAIL)
    advance_to(sbx, MIDWAY)
    midway = {period: overview(sbx, period=period) for period in ("7d", "30d")}
    advance_to(sbx, END)
    return {"sbx": sbx, "midway": midway, "resale_orders": (resold, failed_again),
            "ids": {event["data"]["order_id"]: event["data"]["resale_item_id"]
                    for event in events(sbx, "resale.item_received")}}


# -- the figures -------------------------------------------------------------------------------------

def test_an_explicit_range_counts_every_step_of_the_population(population):
    answer = overview(population["sbx"], **WHOLE)

    assert (answer["object"], answer["market"], answer["currency"]) == (
        "resale_overview", "MY", "MYR")
    assert (answer["period"], answer["from"], answer["to"], answer["bounds"]) == (
        None, "2026-01-05T00:00:00+00:00", "2026-04-01T00:00:00+00:00", "[from, to)")
    assert answer["generated_at"] == END.isoformat()
    assert answer["metrics"] == {
        "failed_delivery": 4, "items_entering_resale": 4, "resale_orders_placed": 2,
        "items_resold": 1, "resold_gmv": "80.00", "resold_share": 0.25, "second_failures": 1,
        "window_expired": 2, "destroyed_locally": 1, "returned_to_seller": 2,
        "arrived_back_at_seller": 2, "worry_free_compensated": 0,
        "worry_free_compensation": "0.00"}


def test_per_product_rates_part_primary_from_resale_orders_worst_first(population):
    products = overview(population["sbx"], **WHOLE)["products"]

    def rates(delivered, failed, success, failure):
        return {"delivered": delivered, "failed": failed, "ended": delivered + failed,
                "success_rate": success, "failure_rate": failure}

    assert products["total"] == 3
    assert [(row["name"], row["primary"], row["resale"]) for row in products["data"]] == [
        # two failures each: the cooker has more deliveries that ended
        ("Rice Cooker", rates(1, 2, 0.3333, 0.6667), rates(1, 0, 1.0, 0.0)),
        ("Blender", rates(0, 1, 0.0, 1.0), rates(0, 1, 0.0, 1.0)),
        ("Desk Lamp", rates(2, 1, 0.6667, 0.3333), rates(0, 0, None, None)),
    ]


def test_the_lists_show_resold_destroyed_and_returned_units_newest_first(population):
    answer = overview(population["sbx"], **WHOLE)
    resold_order, failed_again = population["resale_orders"]

    [sold] = answer["resold"]["data"]
    assert answer["resold"]["total"] == 1
    assert (sold["name"], sold["seller_sku"], sold["state"], sold["resale_order_id"]) == (
        "Rice Cooker", "RC-1", "sold", resold_order)
    # the oldest listed unit of the SKU went first (resale.stock_priority)
    assert (sold["failed_at"], sold["relisted_at"], sold["resold_at"]) == (
        FAILED_AT, "2026-01-18T09:00:00+00:00", RESALE_ORDERS_AT.isoformat())
    assert (sold["price"], sold["resale_price"], sold["currency"]) == ("80.00", "80.00", "MYR")
    assert sold["resale_item_id"] == population["ids"][sold["order_id"]]

    [destroyed] = answer["destroyed"]["data"]
    assert (destroyed["name"], destroyed["state"], destroyed["exit_reason"],
            destroyed["return_service"], destroyed["price"]) == (
        "Desk Lamp", "destroyed_locally", "window_expired", "return_to_seller", "20.00")
    assert destroyed["left_resale_at"] == "2026-02-16T09:00:00+00:00"  # relisted + 28 days
    assert destroyed["resold_at"] is None and destroyed["returned_at"] is None

    returned = answer["returned"]["data"]
    assert answer["returned"]["total"] == 2
    assert [(unit["name"], unit["exit_reason"], unit["resale_order_id"], unit["left_resale_at"],
             unit["return_arrives_at"], unit["returned_at"]) for unit in returned] == [
        ("Rice Cooker", "window_expired", None, "2026-02-17T09:00:00+00:00",
         "2026-03-19T09:00:00+00:00", "2026-03-19T09:00:00+00:00"),
        ("Blender", "second_failure", failed_again, "2026-01-26T18:00:00+00:00",
         "2026-02-25T18:00:00+00:00", "2026-02-25T18:00:00+00:00"),
    ]
    assert {unit["state"] for unit in returned} == {"returned_to_seller"}


def test_the_last_7_and_30_days_count_what_happened_in_each(population):
    midway = population["midway"]
    # 22 January 10:00: the failures (13 January) are in the last 30 days only; the four
    # relistings (18 to 20 January) and the two resale orders (21 January) in both.
    assert midway["7d"]["metrics"] == {**ZERO, "items_entering_resale": 4,
                                       "resale_orders_placed": 2, "resold_share": 0.0}
    assert midway["30d"]["metrics"] == {**midway["7d"]["metrics"], "failed_delivery": 4}
    assert (midway["7d"]["from"], midway["7d"]["to"], midway["7d"]["bounds"]) == (
        "2026-01-15T10:00:00+00:00", MIDWAY.isoformat(), "(from, to]")
    assert midway["30d"]["from"] == "2025-12-23T10:00:00+00:00"
    # The last 30 days' products: the first orders' ended deliveries (11 and 13 January),
    # the most failures first, then the most ended deliveries.
    assert [(row["name"], row["primary"]["failed"], row["primary"]["ended"],
             row["resale"]["ended"]) for row in midway["30d"]["products"]["data"]] == [
        ("Rice Cooker", 2, 3, 0), ("Desk Lamp", 1, 3, 0), ("Blender", 1, 1, 0)]
    assert midway["7d"]["products"] == {"total": 0, "data": []}

    sbx = population["sbx"]
    # 1 April: only the cooker's arrival (19 March) is in the last 30 days; nothing in 7.
    assert overview(sbx, period="7d")["metrics"] == ZERO
    assert overview(sbx, period="30d")["metrics"] == {**ZERO, "arrived_back_at_seller": 1}
    assert overview(sbx)["period"] == "30d"


def test_a_period_ends_at_now_included_and_an_explicit_range_excludes_its_end(api):
    sbx = new_sandbox(api)
    ship(sbx, product(sbx, "Rice Cooker", "RC-1", "80.00"), FAIL)
    advance_to(sbx, instant(FAILED_AT))
    [received] = events(sbx, "resale.item_received")
    relist_at = instant(received["data"]["relist_at"])

    advance_to(sbx, relist_at - ONE_SECOND)
    assert overview(sbx, period="7d")["metrics"]["items_entering_resale"] == 0

    advance_to(sbx, relist_at)
    assert overview(sbx, period="7d")["metrics"]["items_entering_resale"] == 1
    at = relist_at.isoformat()
    assert overview(sbx, **{"from": at, "to": (relist_at + ONE_SECOND).isoformat()})[
        "metrics"]["items_entering_resale"] == 1
    assert overview(sbx, **{"from": (relist_at - timedelta(days=1)).isoformat(), "to": at})[
        "metrics"]["items_entering_resale"] == 0

    # The period's start is excluded: seven days on, the relisting leaves the last 7 days.
    advance_to(sbx, relist_at + timedelta(days=7) - ONE_SECOND)
    assert overview(sbx, period="7d")["metrics"]["items_entering_resale"] == 1
    advance_to(sbx, relist_at + timedelta(days=7))
    assert overview(sbx, period="7d")["metrics"]["items_entering_resale"] == 0
    assert overview(sbx, period="30d")["metrics"]["items_entering_resale"] == 1


@pytest.mark.parametrize(("option", "destroyed", "compensated", "compensation"), [
    ("worry_free", 0, 1, "72.00"),  # 90% of 80.00
    ("local_disposal", 1, 0, "0.00"),  # whatever the price
])
def test_the_return_service_outcomes_are_counted(api, option, destroyed, compensated,
                                                 compensation):
    sbx = new_sandbox(api, overrides={"return_service.option": option})
    # QCFAIL in the seller SKU fails the inspection, a day after the failure.
    ship(sbx, product(sbx, "Rice Cooker", "RC-QCFAIL", "80.00"), FAIL)
    advance_to(sbx, instant("2026-01-15T00:00:00+00:00"))

    answer = overview(sbx, period="7d")

    assert answer["metrics"] == {**ZERO, "failed_delivery": 1, "destroyed_locally": destroyed,
                                 "worry_free_compensated": compensated,
                                 "worry_free_compensation": compensation}
    assert [(unit["exit_reason"], unit["return_service"], unit["left_resale_at"])
            for unit in answer["destroyed"]["data"]] == \
        [("qc_failed", option, "2026-01-14T09:00:00+00:00")] * destroyed
    assert answer["returned"]["total"] == 0


def test_limit_bounds_the_lists_and_the_product_table_not_the_totals(population):
    answer = overview(population["sbx"], limit=1, **WHOLE)

    assert (answer["products"]["total"], len(answer["products"]["data"])) == (3, 1)
    assert answer["products"]["data"][0]["name"] == "Rice Cooker"
    assert (answer["returned"]["total"], len(answer["returned"]["data"])) == (2, 1)
    assert answer["returned"]["data"][0]["name"] == "Rice Cooker"  # the newest
    assert answer["metrics"]["returned_to_seller"] == 2


def test_each_sandbox_reports_its_own_market_and_currency(api):
    _, sbx = api.create_sandbox(market="VN")

    answer = overview(sbx, period="7d")

    assert (answer["market"], answer["currency"]) == ("VN", "VND")
    assert answer["metrics"] == {**ZERO, "resold_gmv": "0", "worry_free_compensation": "0"}


@pytest.mark.skipif(not DATABASE_URL.startswith("sqlite"),
                    reason="EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
def test_every_figure_is_read_through_an_index(population, store):
    statements, stop = _recorded(store)
    try:
        overview(population["sbx"], **WHOLE)
    finally:
        stop()

    reads = []
    with store.engine.connect() as connection:
        for statement, parameters in statements.items():
            if not re.search(r"FROM (resale_items|order_items|packages)\b", statement):
                continue
            reads += [row[3] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters).all()
                if row[3].startswith(("SEARCH", "SCAN"))]
    tables = [line for line in reads
              if re.match(r"(SEARCH|SCAN) (resale_items|order_items|packages)\b", line)]
    assert len(tables) >= 10
    assert all(re.search(r" USING (COVERING )?INDEX ix_\w+ \(sandbox_id=\? AND ", line)
               for line in tables), "\n".join(tables)
    # the per-product table reads its deliveries and failures from the indexes alone
    assert [line.split(" (")[0] for line in tables if line.startswith(("SEARCH packages",
                                                                         "SEARCH order_items"))] \
        == ["SEARCH packages USING COVERING INDEX ix_packages_delivered",
            "SEARCH order_items USING COVERING INDEX ix_order_items_package",
            "SEARCH order_items USING COVERING INDEX ix_order_items_failed"]


# -- CSV -------------------------------------------------------------------------------------------

def test_the_csv_is_one_table_of_sections_with_the_json_figures(population):
    sbx = population["sbx"]
    answer = overview(sbx, **WHOLE)
    response = sbx.get(OVERVIEW, query_string={**WHOLE, "format": "csv"})

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="resale-overview.csv"'
    text = response.get_data(as_text=True)
    lines = text.split("\r\n")
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[1:8] == [f"range,{fact},{value}" + "," * (len(CSV_COLUMNS) - 3) for fact, value in (
        ("market", "MY"), ("currency", "MYR"), ("period", ""),
        ("from", "2026-01-05T00:00:00+00:00"), ("to", "2026-04-01T00:00:00+00:00"),
        ("bounds", '"[from, to)"'), ("generated_at", END.isoformat()))]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["section"] for row in rows] == (
        ["range"] * 7 + ["metrics"] * 13 + ["products"] * 6 + ["resold"]
        + ["destroyed"] + ["returned"] * 2)
    metrics = {row["metric"]: row["value"] for row in rows if row["section"] == "metrics"}
    assert metrics == {name: "" if value is None else str(value)
                       for name, value in answer["metrics"].items()}
    assert [(row["name"], row["orders"], row["delivered"], row["failed"], row["success_rate"])
            for row in rows if row["section"] == "products"][:2] == [
        ("Rice Cooker", "primary", "1", "2", "0.3333"), ("Rice Cooker", "resale", "1", "0", "1.0")]
    units = [(row["section"], int(row["resale_item_id"]), row["state"]) for row in rows
             if row["resale_item_id"]]
    assert units == [(section, unit["resale_item_id"], unit["state"])
                     for section in ("resold", "destroyed", "returned")
                     for unit in answer[section]["data"]]
    assert sbx.get(OVERVIEW, query_string=WHOLE,
                   headers={"Accept": "text/csv"}).get_data(as_text=True) == text


# -- refused --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "field", "message"), [
    ({"from": "2026-01-10T00:00:00Z", "to": "2026-01-09T00:00:00Z"}, "to",
     "must be after from (from 2026-01-10T00:00:00+00:00, to 2026-01-09T00:00:00+00:00)"),
    ({"from": "2026-01-10T00:00:00Z", "to": "2026-01-10T00:00:00Z"}, "to",
     "must be after from (from 2026-01-10T00:00:00+00:00, to 2026-01-10T00:00:00+00:00)"),
    ({"from": "2026-01-01T00:00:00Z", "to": "2026-04-01T00:00:01Z"}, "to",
     "at most P90D after from (resale.overview max_range)"),
    ({"from": "2026-01-01T00:00:00Z"}, "to", "required with from"),
    ({"to": "2026-01-01T00:00:00Z"}, "from", "required with to"),
    ({"period": "7d", "from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"},
     "period", "give either period or from and to, not both"),
])
def test_a_bad_range_is_a_400_naming_the_field(sbx, query, field, message):
    before = len(events(sbx, "*"))

    error = refused(sbx, 400, "invalid_overview_range", **query)

    [detail] = error["details"]
    assert (detail["field"], detail["location"], detail["message"]) == (field, "query", message)
    assert error["message"].startswith(f"{field}: {message}")
    assert len(events(sbx, "*")) == before  # nothing written


def test_a_range_over_90_days_names_the_limit_and_the_length(sbx):
    error = refused(sbx, 400, "invalid_overview_range",
                    **{"from": "2026-01-01T00:00:00Z", "to": "2026-04-01T00:00:01Z"})

    assert error["message"] == (
        "to: at most P90D after from (resale.overview max_range): the range from "
        "2026-01-01T00:00:00+00:00 to 2026-04-01T00:00:01+00:00 is 90 days and 1 second long")
    assert (error["details"][0]["policy"], error["details"][0]["limit"]) == (
        "resale.overview", "P90D")
    # 90 days exactly is taken
    assert overview(sbx, **{"from": "2026-01-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"})[
        "metrics"] == ZERO


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"period": "14d"}, "period", "must be one of: 7d, 30d"),
    ({"limit": "0"}, "limit", "must be between 1 and 100"),
    ({"from": "2026-01-01", "to": "2026-01-02T00:00:00Z"}, "from",
     "timestamp must include a UTC offset (Z or +08:00)"),
    ({"format": "xml"}, "format", "must be one of: json, csv (got 'xml')"),
])
def test_a_bad_parameter_is_a_400_naming_it(sbx, query, field, message):
    error = refused(sbx, 400, "validation_failed", **query)

    [detail] = error["details"]
    assert (detail["field"], detail["location"], detail["message"]) == (field, "query", message)


@pytest.mark.parametrize("platform", ["tiktok_shop", "aliexpress"])
def test_another_platform_has_no_resale_overview(api, platform):
    _, sbx = api.create_sandbox(platform=platform)

    error = refused(sbx, 409, "resale_not_available", period="7d")

    assert error["details"] == [{"field": "platform", "location": "sandbox",
                                 "message": "no resale overview", "current_state": platform,
                                 "allowed_platforms": ["lazada"]}]
