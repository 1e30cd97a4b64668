"""Lazada reverse orders at the unit level: the line ids, the words of every state, money in
minor units, reason ids per venture, and every gateway API named in the README's served list."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from mockplatform.aftersales import reverse, states
from mockplatform.fronts.lazada import reverse as lz
from mockplatform.fronts.lazada import reverse_actions
from mockplatform.fronts.lazada.table import APIS

README = Path(__file__).resolve().parents[3] / "README.md"


def test_line_ids_are_the_request_id_and_the_items_place():
    request = SimpleNamespace(aftersales_id=600000000000123, order_item_ids=[7, 3, 9])
    assert reverse.line_ids(request) == [600000000000123001, 600000000000123002,
                                         600000000000123003]
    assert reverse.reverse_id_of_line(600000000000123002) == 600000000000123
    assert reverse.item_of_line(request, 600000000000123002) == 3
    assert reverse.item_of_line(request, 600000000000123004) is None


@pytest.mark.parametrize(("state", "parcel", "ofc"), [
    (states.REQUESTED, False, ""), (states.AWAITING_BUYER_SHIP, False, "RETURN_RTM_PENDING"),
    (states.BUYER_SHIPPED, True, "RETURN_RTM_SHIPPING"),
    (states.AWAITING_PACKAGE_REVIEW, True, "RETURN_RTM_DELIVERED"),
    (states.REFUNDED, True, "RETURN_RTM_DELIVERED"), (states.REFUNDED, False, ""),
    (states.CLOSED, False, "RETURN_CANCELED")])
def test_a_returns_ofc_status_follows_its_parcel(state, parcel, ofc):
    assert states.ofc_status(states.RETURN_AND_REFUND, state, parcel) == ofc
    assert states.ofc_status(states.REFUND_ONLY, state, parcel) == ""


def test_each_profile_speaks_its_words():
    assert states.platform_words("lazada", states.REFUND_ONLY, states.REJECTED) == (
        "ONLY_REFUND", "REFUND_REJECTED")
    assert states.platform_words("tiktok_shop", states.REFUND_ONLY, states.REJECTED) == (
        "REFUND", "REFUND_OR_RETURN_REQUEST_REJECT")


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    (Decimal("1019.90"), "MYR", 101990), (Decimal("399000"), "VND", 399000),
    (None, "SGD", 0)])
def test_money_is_in_minor_units(amount, currency, minor):
    assert lz.minor(amount, currency) == minor


def test_reason_ids_differ_per_venture_and_name_each_reason_once():
    reasons = {"a": ["x", "y"], "b": ["y", "z"]}

    def ctx(market):
        return SimpleNamespace(sandbox=SimpleNamespace(market=market),
                               policies=SimpleNamespace(value=lambda key: reasons))

    assert lz.reason_ids(ctx("MY")) == {20000001: "x", 20000002: "y", 20000003: "z"}
    assert lz.reason_ids(ctx("SG")) == {20001001: "x", 20001002: "y", 20001003: "z"}


def test_every_lazada_action_is_a_seller_action_lazada_offers():
    offered = states.PROFILES["lazada"].seller_actions
    for by_type in reverse_actions.ACTIONS.values():
        assert set(by_type.values()) <= set(offered)


def test_every_gateway_api_is_in_the_readme():
    served = README.read_text(encoding="utf-8")
    assert [name for name in APIS if not re.search(rf"`{re.escape(name)}`", served)] == []
