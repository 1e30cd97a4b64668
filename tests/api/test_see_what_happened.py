"""Seeing what happened: the feed by subject and sandbox time, an order's timeline across
every domain, CSV of events and the ledger, the advance answer's count and the rest of its
events, and the orders list asked for ``status=failed_delivery``."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.api.support import assert_error
from tests.logistics.support import advance_by, events, instant, new_sandbox, ok, place, ship
from tests.resale.support import fail

EVENTS = "/api/v1/events"


def _page(sbx, path: str = EVENTS, **query) -> dict:
    return ok(sbx.get(path, query_string={"limit": 100, **query}))


def _all(sbx, path: str = EVENTS, **query) -> list[dict]:
    found, after = [], None
    while True:
        page = _page(sbx, path, **query, **({"after": after} if after else {}))
        found += page["data"]
        if not page["has_more"]:
            return found
        after = page["next_cursor"]


@pytest.fixture
def failed(api):
    """A sandbox with an order whose parcel failed delivery (its unit now in resale or shipped
    back) and, beside it, an order that was only placed: (sbx, failed order, package, other)."""
    sbx = new_sandbox(api)
    other = place(sbx)
    order, package, _ = fail(sbx)
    advance_by(sbx, "P3D")
    return sbx, order, package, other


# -- by subject and order ------------------------------------------------------------------------

def test_an_orders_timeline_holds_its_events_from_every_domain_in_order(failed):
    sbx, order, package, other = failed
    order_id = order["order_id"]
    everything = events(sbx)

    timeline = _all(sbx, f"/api/v1/orders/{order_id}/timeline")

    units = {e["subject"] for e in everything if e["type"] == "resale.item_received"
             and e["data"]["order_id"] == order_id}
    mine = {f"order:{order_id}", f"package:{package['package_id']}", *units,
            *(f"order_item:{item['order_item_id']}" for item in order["items"])}
    assert units and timeline == [e for e in everything if e["subject"] in mine]
    assert {e["type"].split(".")[0] for e in timeline} >= {"order", "tracking", "delivery",
                                                            "resale"}
    assert all(e["data"].get("order_id", order_id) == order_id for e in timeline)
    assert [e["id"] for e in timeline] == sorted(e["id"] for e in timeline)
    assert _all(sbx, order_id=order_id) == timeline
    assert f"order:{other['order_id']}" not in {e["subject"] for e in timeline}


def test_the_feed_filters_by_subject(failed):
    sbx, order, package, _ = failed
    subject = f"package:{package['package_id']}"

    found = _all(sbx, subject=subject)
    both = _all(sbx, subject=f"{subject},order:{order['order_id']}")

    assert found and {e["subject"] for e in found} == {subject}
    assert found == [e for e in events(sbx) if e["subject"] == subject]
    assert {e["subject"] for e in both} == {subject, f"order:{order['order_id']}"}
    assert _all(sbx, subject="order:1") == []


def test_the_timeline_filters_by_type_and_pages(failed):
    sbx, order, _, _ = failed
    path = f"/api/v1/orders/{order['order_id']}/timeline"
    orders_only = _all(sbx, path, type="order.*")

    first = _page(sbx, path, type="order.*", limit=2)
    second = _page(sbx, path, type="order.*", limit=2, after=first["next_cursor"])

    assert {e["type"].split(".")[0] for e in orders_only} == {"order"}
    assert first["has_more"] and first["data"] + second["data"] == orders_only[:4]


def test_an_unknown_order_is_a_404_naming_where_it_was_given(failed):
    sbx = failed[0]

    assert_error(sbx.get("/api/v1/orders/123/timeline"), 404, "order_not_found",
                 field="order_id", location="path")
    assert_error(sbx.get(EVENTS, query_string={"order_id": 123}), 404, "order_not_found",
                 field="order_id", location="query")


@pytest.mark.parametrize("subject", ["ordr:1", "order", "order:", "3000000001", "sandbox:x"])
def test_an_unknown_subject_type_is_a_400_naming_subject(failed, subject):
    error = assert_error(failed[0].get(EVENTS, query_string={"subject": subject}), 400,
                         "validation_failed", field="subject", location="query")

    assert "order, order_item, package, resale_item, aftersales_request" in \
        error["details"][0]["message"]


def test_subject_and_order_id_together_are_a_400(failed):
    sbx, order, _, _ = failed

    assert_error(sbx.get(EVENTS, query_string={"subject": f"order:{order['order_id']}",
                                               "order_id": order["order_id"]}),
                 400, "validation_failed", field="subject", location="query")


def test_too_many_subjects_are_a_400(failed):
    subjects = ",".join(f"order:{n}" for n in range(1, 22))

    assert_error(failed[0].get(EVENTS, query_string={"subject": subjects}), 400,
                 "validation_failed", field="subject", location="query")


# -- by sandbox time ------------------------------------------------------------------------------

def test_a_time_range_takes_its_start_and_leaves_out_its_end(failed):
    sbx = failed[0]
    everything = events(sbx)
    middle = everything[len(everything) // 2]["occurred_at"]
    later = next(e["occurred_at"] for e in everything if e["occurred_at"] > middle)

    found = _all(sbx, occurred_from=middle, occurred_to=later)
    before_end = (instant(later) - timedelta(seconds=1)).isoformat()

    assert found == [e for e in everything if middle <= e["occurred_at"] < later]
    assert found and {e["occurred_at"] for e in found} == {middle}
    assert _all(sbx, occurred_from=middle, occurred_to=middle) == []
    assert _all(sbx, occurred_from=middle, occurred_to=before_end) == found
    assert _all(sbx, occurred_from=later)[0]["occurred_at"] == later


def test_an_inverted_time_range_is_a_400_naming_occurred_to(failed):
    sbx, order, _, _ = failed
    query = {"occurred_from": "2026-02-01T00:00:00Z", "occurred_to": "2026-01-31T23:59:59Z"}

    for path in (EVENTS, f"/api/v1/orders/{order['order_id']}/timeline"):
        error = assert_error(sbx.get(path, query_string=query), 400, "validation_failed",
                             field="occurred_to", location="query")
        assert "occurred_from" in error["details"][0]["message"]


def test_a_bad_until_is_a_400_naming_it(failed):
    assert_error(failed[0].get(EVENTS, query_string={"until": "le_00000001"}), 400,
                 "validation_failed", field="until", location="query")


# -- CSV ------------------------------------------------------------------------------------------

def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_events_answer_csv_with_the_next_page_in_a_link_header(failed):
    sbx, order, _, _ = failed
    query = {"order_id": order["order_id"], "limit": 3}
    first = sbx.get(EVENTS, query_string={**query, "format": "csv"})
    page = _page(sbx, **query)

    rows = _csv(first)
    link = first.headers["Link"]
    following = sbx.get(link[1:link.index(">")])

    assert list(rows[0]) == ["id", "occurred_at", "type", "subject", "data"]
    assert [r["id"] for r in rows] == [e["id"] for e in page["data"]]
    assert link.endswith('>; rel="next"') and f"after={page['next_cursor']}" in link
    assert [r["id"] for r in _csv(following)] == [
        e["id"] for e in _page(sbx, **query, after=page["next_cursor"])["data"]]
    last = sbx.get(EVENTS, query_string={"order_id": order["order_id"], "format": "csv"})
    assert "Link" not in last.headers


def test_the_ledger_answers_csv_with_original_and_market_amounts(api):
    sbx = new_sandbox(api)
    ship(sbx)
    advance_by(sbx, "P2D")  # the carrier's pickup charges the shipping fee, in USD
    ledger = ok(sbx.get("/api/v1/ledger"))

    rows = _csv(sbx.get("/api/v1/ledger", headers={"Accept": "text/csv"}))

    assert [r["id"] for r in rows] == [e["id"] for e in ledger["data"]]
    fee = rows[0]
    assert (fee["kind"], fee["currency"], fee["market_currency"]) == (
        "shipping_fee", "USD", "MYR")
    assert fee["amount"] != fee["market_amount"]
    assert ledger["balance"]["currency"] == "MYR"


def test_an_unknown_ledger_kind_is_a_400_naming_kind(api):
    error = assert_error(new_sandbox(api).get("/api/v1/ledger", query_string={"kind": "fee"}),
                         400, "validation_failed", field="kind", location="query")

    assert "shipping_fee" in error["details"][0]["message"]


# -- the advance answer ---------------------------------------------------------------------------

def test_the_advance_answer_counts_its_events_and_links_exactly_the_rest(api):
    sbx = new_sandbox(api)
    for label in range(130):
        ok(sbx.post("/api/v1/test_helpers/timers", json={"label": f"t{label}", "delay": "PT1H"}),
           201)
    answer = ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"}))["events"]
    ok(sbx.post("/api/v1/test_helpers/timers", json={"label": "later", "delay": "PT1M"}), 201)
    ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1M"}))

    rest, url = [], answer["next_page"]
    while url:
        page = ok(sbx.get(url))
        rest += page["data"]
        url = (f"{EVENTS}?after={page['next_cursor']}&until={url.split('until=')[1]}"
               if page["has_more"] else None)

    assert answer["total_count"] == 130 and len(answer["data"]) == 100
    assert answer["has_more"] and answer["next_cursor"] == answer["data"][-1]["id"]
    assert len(rest) == 30 and {e["type"] for e in rest} == {"test_timer.fired"}
    assert rest[0]["id"] > answer["next_cursor"]


def test_an_advance_whose_events_fit_has_no_next_page(api):
    sbx = new_sandbox(api)
    ok(sbx.post("/api/v1/test_helpers/timers", json={"label": "one", "delay": "PT1H"}), 201)

    quiet = ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT59M59S"}))["events"]
    fired = ok(sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1S"}))["events"]

    assert (quiet["total_count"], quiet["has_more"], quiet["next_page"]) == (0, False, None)
    assert (fired["total_count"], fired["has_more"], fired["next_page"]) == (1, False, None)


# -- status=failed_delivery -----------------------------------------------------------------------

def test_status_failed_delivery_says_where_the_failed_orders_are(failed):
    sbx, order, _, _ = failed

    asked = ok(sbx.get("/api/v1/orders", query_string={"status": "failed_delivery"}))
    ever = ok(sbx.get("/api/v1/orders", query_string={"ever_failed_delivery": "true"}))
    other = ok(sbx.get("/api/v1/orders", query_string={"status": "pending"}))

    assert asked["data"] == []  # the unit moved on to resale or was shipped back
    assert len(asked["notes"]) == 1
    assert "1 order of this sandbox had an item fail delivery" in asked["notes"][0]
    assert "ever_failed_delivery=true" in asked["notes"][0]
    assert [o["order_id"] for o in ever["data"]] == [order["order_id"]]
    assert ever["notes"] == [] and other["notes"] == []


def test_an_orders_timeline_holds_its_after_sales_requests_and_refunds(api):
    from tests.aftersales.support import delivered, open_request, tiktok

    sbx = tiktok(api)
    order = delivered(sbx)
    request = open_request(sbx, "refund_only", order, "damaged_item",
                           evidence={"text": "cracked", "urls": ["https://img.example/1.jpg"]})
    ok(sbx.post(f"/api/v1/aftersales/requests/{request['aftersales_id']}/approve"))

    timeline = _all(sbx, f"/api/v1/orders/{order['order_id']}/timeline")

    subject = f"aftersales_request:{request['aftersales_id']}"
    mine = [e for e in timeline if e["subject"] == subject]
    assert [e["type"] for e in mine if e["type"].startswith("aftersales.")][:2] == [
        "aftersales.requested", "aftersales.approve"]
    assert any(e["type"] == "ledger.entry_posted" and e["data"]["kind"] == "refund"
               for e in mine)
    assert mine == _all(sbx, subject=subject)


# -- the ledger's kinds, documented --------------------------------------------------------------

def test_every_kind_the_code_posts_is_in_the_enum_the_document_and_the_readme(api):
    from mockplatform.finance.service import KINDS

    root = Path(__file__).resolve().parents[2]
    posted = {kind for path in (root / "mockplatform").rglob("*.py")
              for kind in re.findall(r'post_entry\(\s*ctx,\s*kind="(\w+)"', path.read_text())}
    document = ok(api.get("/api/v1/openapi.json"))
    entry = document["components"]["schemas"]["LedgerEntry"]["properties"]
    query = next(p for p in document["paths"]["/api/v1/ledger"]["get"]["parameters"]
                 if p["name"] == "kind")
    readme = (root / "README.md").read_text()

    assert posted and posted <= set(KINDS)
    assert entry["kind"]["enum"] == list(KINDS) == query["schema"]["items"]["enum"]
    assert {"amount", "market_amount"} <= set(entry) and "original" in \
        entry["amount"]["description"]
    assert all(f"| `{kind}` |" in readme for kind in KINDS)
