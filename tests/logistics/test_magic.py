"""Magic values (README.md, "Magic values") and the seeded failure rate, from the inside: which
fate each address line or phone selects, and the draws' distribution."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from mockplatform.engine import rng
from mockplatform.engine.policies import load_table
from mockplatform.logistics import delivery, magic
from tests.logistics.support import (
    advance_by,
    events,
    item_statuses,
    ledger,
    new_sandbox,
    order_of,
    package_of,
    ship,
)


def _ctx(overrides=None, seed=1):
    return SimpleNamespace(policies=load_table("lazada", "MY", overrides),
                           rng=lambda subject, purpose: rng.keyed(seed, subject, purpose))


def _order(payment_method="prepaid", **address):
    return SimpleNamespace(payment_method=payment_method, address_shipping={
        "address1": "", "address2": "", "phone": "+60 12-345 6789", **address})


def _fates(order, attempts=3, overrides=None):
    ctx = _ctx(overrides)
    return [magic.outcome(ctx, order, attempt) for attempt in range(1, attempts + 1)]


def _kinds(outcomes):
    return [(o.kind, o.reason) if o else None for o in outcomes]


@pytest.mark.parametrize(("address", "expected"), [
    ({"address1": "12 Jalan Ampang FAIL:recipient_absent"},
     [("failed", "recipient_absent")] * 3),
    ({"address2": "Unit 5, FAIL: wrong_recipient_info"},
     [("failed", "wrong_recipient_info")] * 3),
    ({"address1": "FAIL:Force_Majeure"}, [("failed", "force_majeure")] * 3),
    ({"address1": "FAIL ONCE:unreachable_phone"},
     [("failed", "unreachable_phone"), ("delivered", ""), ("delivered", "")]),
    ({"address1": "FAIL TWICE:incomplete_address"},
     [("failed", "incomplete_address"), ("failed", "incomplete_address"), ("delivered", "")]),
    ({"address1": "LOSE"}, [("lost", "lost_by_3pl")] * 3),
    ({"address2": "Block C (DAMAGE)"}, [("damaged", "damaged_by_3pl")] * 3),
    ({"phone": "+00 0000 0001"}, [("failed", "recipient_absent")] * 3),
    ({"phone": "0000008"}, [("failed", "force_majeure")] * 3),
    ({"phone": "(000) 000-0003"}, [("failed", "unreachable_phone")] * 3),
])
def test_each_magic_value_selects_its_fate(address, expected):
    outcomes = _fates(_order(**address))
    assert _kinds(outcomes) == expected
    assert {o.decided_by for o in outcomes} == {"magic_value"}


@pytest.mark.parametrize("address", [
    {"address1": "7 Rose Close"},  # "lose" in a word, not the keyword
    {"address1": "Damaged Goods Lane"},
    {"address1": "fail:recipient_absent"},  # keywords are in capitals
    {"address1": "FAIL:bad_weather"},  # not a failure reason
    {"address1": "FAILURE:recipient_absent"},
    {"address1": "FAIL:buyer_refused_cod"},  # a prepaid order cannot refuse to pay
    {"phone": "+60 12-000 0001"},  # zeros, but not only zeros
    {"phone": "0000009"},  # no ninth reason
    {"phone": "00001"},  # fewer than six zeros
])
def test_near_misses_are_not_magic(address):
    assert _fates(_order(**address)) == [None, None, None]


def test_buyer_refused_cod_is_magic_for_cash_on_delivery():
    assert _kinds(_fates(_order("cod", address1="FAIL:buyer_refused_cod"))) == [
        ("failed", "buyer_refused_cod")] * 3
    assert _kinds(_fates(_order("cod", phone="0000005"))) == [("failed", "buyer_refused_cod")] * 3
    assert _fates(_order(phone="0000005")) == [None, None, None]


def test_a_reason_the_sandbox_does_not_list_is_not_magic():
    overrides = {"delivery.failure_reasons": ["recipient_absent"]}
    order = _order(address1="FAIL:force_majeure")
    assert _fates(order, overrides=overrides) == [None, None, None]
    # The phone keeps the documented numbering whatever the sandbox lists.
    assert _kinds(_fates(_order(phone="0000001"), overrides=overrides)) == [
        ("failed", "recipient_absent")] * 3
    assert _fates(_order(phone="0000002"), overrides=overrides) == [None, None, None]


def test_the_address_lines_come_before_the_phone():
    order = _order(address1="FAIL ONCE:force_majeure", phone="0000001")
    assert _kinds(_fates(order)) == [("failed", "force_majeure"), ("delivered", ""),
                                     ("delivered", "")]


# -- through the API ------------------------------------------------------------------------------

@pytest.mark.parametrize(("buyer", "attempts", "status", "item_status"), [
    ({"address1": "1 Jalan FAIL:buyer_denied_purchase"}, 3, "returning", "shipped_back"),
    ({"address1": "1 Jalan FAIL ONCE:recipient_absent"}, 2, "delivered", "delivered"),
    ({"address2": "FAIL TWICE:recipient_absent"}, 3, "delivered", "delivered"),
    ({"address1": "LOSE"}, 1, "lost", "lost_by_3pl"),
    ({"address1": "DAMAGE please"}, 1, "damaged", "damaged_by_3pl"),
    ({"phone": "+00 000 0007"}, 3, "returning", "shipped_back"),
    ({"address1": "7 Rose Close"}, 1, "delivered", "delivered"),
])
def test_magic_values_decide_the_journey(api, buyer, attempts, status, item_status):
    # Failed parcels ride back whole (logistics.return_leg), not into resale (tests/resale/).
    sbx = new_sandbox(api, overrides={"resale.service": False})
    order, package = ship(sbx, buyer=buyer)
    assert order["address_shipping"] == {**order["address_shipping"], **buyer}

    advance_by(sbx, "P10D")

    ended = package_of(sbx, package["package_id"])
    assert (ended["status"], ended["delivery_attempts"]) == (status, attempts)
    assert item_statuses(sbx, order["order_id"]) == [item_status]
    failed = events(sbx, "delivery.attempt_failed")
    assert {e["data"]["decided_by"] for e in failed} <= {"magic_value"}
    if status == "lost":
        assert len(ledger(sbx, kind="compensation")["data"]) == 1


def test_a_phone_magic_value_records_the_reason_on_the_items(api):
    sbx = new_sandbox(api)
    order, _ = ship(sbx, buyer={"phone": "0000006"})
    advance_by(sbx, "P10D")
    assert {item["reason"] for item in order_of(sbx, order["order_id"])["items"]} == {
        "buyer_denied_purchase"}


# -- the seeded rate ------------------------------------------------------------------------------

def _seeded(ctx, count, attempt=1, payment_method="prepaid"):
    order = SimpleNamespace(payment_method=payment_method)
    return [delivery.seeded(ctx, order, SimpleNamespace(package_id=f"FP{n:015d}"), attempt)
            for n in range(count)]


def test_the_seeded_rate_is_reproducible_and_near_its_ratio():
    overrides = {"delivery.failure_rate": {"first_attempt": "0.3", "later_attempts": "0.6"}}
    first = _seeded(_ctx(overrides), 2000)
    assert first == _seeded(_ctx(overrides), 2000)
    assert first != _seeded(_ctx(overrides, seed=2), 2000)
    failed = [o for o in first if o.kind == "failed"]
    assert 0.26 < len(failed) / len(first) < 0.34
    later = _seeded(_ctx(overrides), 2000, attempt=2)
    assert 0.56 < sum(o.kind == "failed" for o in later) / len(later) < 0.64
    # Reasons follow the default weights among those a prepaid order allows.
    counts = Counter(o.reason for o in failed)
    assert "buyer_refused_cod" not in counts
    assert counts.most_common(1)[0][0] == "recipient_absent"
    assert set(counts) <= set(load_table("lazada", "MY").value("delivery.failure_reasons"))


def test_the_extremes_of_the_rate():
    assert {o.kind for o in _seeded(_ctx(), 500)} == {"delivered"}
    always = _seeded(_ctx({"delivery.failure_rate": {"first_attempt": 1}}), 500)
    assert {o.kind for o in always} == {"failed"}
    assert {o.decided_by for o in always} == {"failure_rate"}


def test_reason_weights_select_the_reasons():
    weights = {"recipient_absent": 0, "incomplete_address": 0, "unreachable_phone": 0,
               "buyer_refused_late_delivery": 0, "buyer_refused_cod": "0.75",
               "buyer_denied_purchase": 0, "wrong_recipient_info": "0.25", "force_majeure": 0}
    ctx = _ctx({"delivery.failure_rate": {"first_attempt": 1, "reason_weights": weights}})
    counts = Counter(o.reason for o in _seeded(ctx, 2000, payment_method="cod"))
    assert set(counts) == {"buyer_refused_cod", "wrong_recipient_info"}
    assert 0.71 < counts["buyer_refused_cod"] / 2000 < 0.79
    prepaid = Counter(o.reason for o in _seeded(ctx, 200))
    assert set(prepaid) == {"wrong_recipient_info"}
