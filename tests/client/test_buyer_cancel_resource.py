"""``client.test_helpers.buyer_cancel``: what the TikTok Shop buyer's cancellation sends."""

from __future__ import annotations

ORDER = {"object": "order", "order_id": 300000000000001, "flow": "tiktok",
         "platform_status": "CANCELLED"}


def test_buyer_cancel_goes_to_its_path_with_or_without_a_reason(make_client, server):
    for _ in range(2):
        server.reply(200, ORDER)
    helpers = make_client(api_key="sk_1").test_helpers

    order = helpers.buyer_cancel(300000000000001)
    helpers.buyer_cancel({"order_id": "300000000000001"}, reason="Changed my mind",
                         idempotency_key="cancel-1")

    assert order.platform_status == "CANCELLED"
    assert [(r.method, r.path, r.json) for r in server.requests] == [
        ("POST", "/api/v1/test_helpers/orders/300000000000001/buyer_cancel", {}),
        ("POST", "/api/v1/test_helpers/orders/300000000000001/buyer_cancel",
         {"reason": "Changed my mind"})]
    assert server.requests[1].headers["idempotency-key"] == "cancel-1"
