"""A resale order's parcel lost or damaged by the carrier (magic values LOSE, DAMAGE in the
new buyer's address): the unit's story ends there (``lost_by_3pl``, ``damaged_by_3pl``), as
the resale order's item does, and the seller is compensated for that item as for any lost
parcel (``logistics.loss_compensation``)."""

from __future__ import annotations

import pytest

from tests.logistics.support import events, ledger, new_sandbox, ok, order_of, place
from tests.resale.support import of_subject, until
from tests.resale.test_stock_priority import _listed


@pytest.mark.parametrize(("magic", "state"), [("LOSE", "lost_by_3pl"),
                                              ("DAMAGE", "damaged_by_3pl")])
def test_a_resale_parcel_lost_or_damaged_ends_the_units_story(api, magic, state):
    sbx = new_sandbox(api)
    order, received, _ = _listed(sbx, price="200.00")
    unit = received["subject"]
    resale = place(sbx, sku_id=order["items"][0]["sku_id"],
                   buyer={"address1": f"1 Jalan {magic}"})

    [ended] = of_subject(until(sbx, f"resale.{state}"), unit)

    assert ended["data"]["resale_order_id"] == resale["order_id"]
    assert order_of(sbx, resale["order_id"])["statuses"] == [state]
    item = ok(sbx.get(f"/api/v1/resale/items/{received['data']['resale_item_id']}"))
    assert (item["state"], item["outcome"]) == (state, state)
    assert item["allowed_actions"] == []
    [credit] = ledger(sbx, kind="compensation")["data"]
    assert credit["subject"] == f"order_item:{resale['items'][0]['order_item_id']}"
    assert events(sbx, "resale.sold") == [] and events(sbx, "return_service.*") == []
