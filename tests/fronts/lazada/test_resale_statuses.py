"""The Lazada gateway over items that went through resale: the statuses Lazada has
(package_scrapped) filter as Lazada's, the resale ones read as Lazada's failed_delivery (its
order item has no resale states; fronts/lazada/wire.py), and a resale order's trace starts at
the local hub."""

from __future__ import annotations

from tests.fronts.lazada.conftest import Gateway
from tests.logistics.support import advance_by, new_sandbox, ok
from tests.resale.support import failed, listed

AFTER = {"created_after": "2026-01-01T00:00:00+08:00"}


def test_resale_statuses_through_the_gateway(api, app):
    sbx = new_sandbox(api)
    lzd = Gateway(app.test_client(), sbx.sandbox["credentials"])
    scrapped, kept = failed(sbx, 2)
    ok(sbx.post(f"/api/v1/test_helpers/resale/items/{scrapped['resale_item_id']}/inspection",
                json={"result": "fail"}))
    advance_by(sbx, "P9D")

    def count(status: str) -> int:
        return lzd.get("/orders/get", {**AFTER, "status": status})["data"]["countTotal"]

    assert (count("package_scrapped"), count("failed_delivery"), count("all")) == (1, 1, 2)
    [item] = lzd.get("/order/items/get", {"order_id": str(kept["order_id"])})["data"]
    assert item["status"] == "failed_delivery"  # resale_listed in the native API
    assert lzd.get("/orders/get", {**AFTER, "status": "resale_listed"})["code"] == "36"

    sold = ok(sbx.post(f"/api/v1/test_helpers/resale/items/{kept['resale_item_id']}/sell",
                       json={}), 201)
    trace = lzd.get("/logistic/order/trace", {"order_id": str(sold["order_id"])})
    [package] = trace["result"]["module"][0]["package_detail_info_list"]
    first = package["logistic_detail_info_list"][0]
    assert (first["detail_type"], first["package_location_name"]) == ("ready_to",
                                                                     "Shah Alam, MY")


def test_listed_units_do_not_disturb_the_gateways_order_reads(api, app):
    sbx = new_sandbox(api)
    lzd = Gateway(app.test_client(), sbx.sandbox["credentials"])
    [unit] = listed(sbx)
    data = lzd.get("/order/get", {"order_id": str(unit["order_id"])})["data"]
    assert data["statuses"] == ["failed_delivery"]
