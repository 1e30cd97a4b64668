"""``client.semi_hosted``: what the AliExpress semi-hosted steps send."""

from __future__ import annotations

ORDER = {"object": "order", "order_id": 300000000000001, "flow": "semi_hosted"}


def test_the_semi_hosted_steps_go_to_their_paths(make_client, server):
    for _ in range(3):
        server.reply(200, ORDER)
    semi_hosted = make_client(api_key="sk_1").semi_hosted

    semi_hosted.accept(300000000000001)
    semi_hosted.ship(300000000000001, shipment_provider="YunExpress",
                     tracking_number="YT0000000001", idempotency_key="ship-1")
    order = semi_hosted.confirm_receipt("300000000000001")

    assert order.flow == "semi_hosted"
    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("POST", "/api/v1/orders/300000000000001/accept", None),
        ("POST", "/api/v1/orders/300000000000001/ship",
         {"shipment_provider": "YunExpress", "tracking_number": "YT0000000001"}),
        ("POST", "/api/v1/test_helpers/orders/300000000000001/confirm_receipt", None)]
    assert server.requests[1].headers["idempotency-key"] == "ship-1"
