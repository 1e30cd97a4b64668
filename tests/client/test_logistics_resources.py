"""What ``client.packages`` and the carrier's test helpers send."""

from __future__ import annotations

import pytest

PACKAGE = {"object": "package", "package_id": "FP000000000000001", "status": "in_transit"}


def test_package_calls_go_to_their_paths(make_client, server):
    for _ in range(3):
        server.reply(200, PACKAGE)
    packages = make_client(api_key="sk_1").packages

    assert packages.get("FP000000000000001").status == "in_transit"
    packages.label("FP000000000000001")
    packages.mark_failed_delivery("FP000000000000001")

    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("GET", "/api/v1/packages/FP000000000000001", None),
        ("GET", "/api/v1/packages/FP000000000000001/label", None),
        ("POST", "/api/v1/packages/FP000000000000001/mark_failed_delivery", None)]


def test_the_sellers_package_actions_go_to_their_paths(make_client, server):
    server.reply(200, {"object": "order", "order_id": 3, "statuses": ["pending"]})
    server.reply(200, {**PACKAGE, "status": "delivered"})
    server.reply(200, {**PACKAGE, "status": "failed_delivery"})
    packages = make_client(api_key="sk_1").packages

    assert packages.repack("FP1").statuses == ["pending"]
    assert packages.own_fleet_delivered(PACKAGE).status == "delivered"
    failed = packages.own_fleet_failed_delivery("FP/2", idempotency_key="k-2")
    assert failed.status == "failed_delivery"

    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("POST", "/api/v1/packages/FP1/repack", None),
        ("POST", "/api/v1/packages/FP000000000000001/own_fleet_delivered", None),
        ("POST", "/api/v1/packages/FP%2F2/own_fleet_failed_delivery", None)]
    assert all(r.headers.get("idempotency-key") for r in server.requests)
    assert server.requests[-1].headers["idempotency-key"] == "k-2"


def test_an_own_fleet_report_on_another_package_raises_its_conflict(make_client, server):
    from mockplatform_client import ConflictError

    server.reply(409, {"error": {"type": "conflict_error", "code": "not_seller_own_fleet",
                                 "message": "package FP1 is not delivered by the seller's own "
                                            "fleet", "details": []}})
    with pytest.raises(ConflictError) as refused:
        make_client(api_key="sk_1", max_retries=0).packages.own_fleet_delivered("FP1")
    assert refused.value.code == "not_seller_own_fleet"


def test_the_carrier_helpers_go_to_their_paths(make_client, server):
    for _ in range(5):
        server.reply(200, PACKAGE)
    helpers = make_client(api_key="sk_1").test_helpers

    helpers.deliver_package("FP1")
    helpers.fail_next_attempt("FP1", "recipient_absent")
    helpers.fail_next_attempt("FP1")
    helpers.lose_package("FP1")
    helpers.damage_package("FP1", idempotency_key="k-1")

    base = "/api/v1/test_helpers/packages/FP1"
    assert [(r.path, r.json) for r in server.requests] == [
        (f"{base}/deliver", None),
        (f"{base}/fail_next_attempt", {"reason": "recipient_absent"}),
        (f"{base}/fail_next_attempt", {}),
        (f"{base}/lose", None),
        (f"{base}/damage", None)]
    assert server.requests[-1].headers["idempotency-key"] == "k-1"
