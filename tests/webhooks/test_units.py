"""Signers, pattern matching, the catalogue, the retry schedule, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from mockplatform_client import webhooks

from mockplatform.control.webhooks import catalogue
from mockplatform.control.webhooks.dispatcher import _outcome, retry_instants
from mockplatform.control.webhooks.formats import (
    FORMATS,
    LAZADA,
    NATIVE,
    TIKTOK,
    dumps,
    native_signature,
    platform_signature,
)

T0 = datetime(2026, 1, 5, 1, tzinfo=UTC)


def test_the_lazada_signer_gives_the_reference_test_vector():
    # lazada-api.md section 11: app_key 123456, secret 3412gyo124goi3124, the body literal.
    body = b'{"seller_id":"1234567", "message_type":0, "data":{...}..}'
    expected = "f3d2ca947f16a50b577c036adecd18bec126ea19cadedd59816e255d3b6104ab"
    assert platform_signature(body, "123456", "3412gyo124goi3124") == expected
    assert webhooks.sign_platform(body, "123456", "3412gyo124goi3124") == expected


def test_the_platform_verifier_refuses_another_body():
    signature = platform_signature(b'{"a":1}', "key", "secret")
    assert webhooks.verify_platform(b'{"a":1}', signature.upper(), "key", "secret") == {"a": 1}
    with pytest.raises(webhooks.SignatureVerificationError):
        webhooks.verify_platform(b'{"a":2}', signature, "key", "secret")


def test_the_native_signature_is_what_the_sdk_verifies():
    header = native_signature(b'{"id":"evt_1"}', "whsec_abc", 1_700_000_000)
    assert header == webhooks.sign(b'{"id":"evt_1"}', "whsec_abc", 1_700_000_000)
    assert webhooks.verify(b'{"id":"evt_1"}', header, "whsec_abc", now=1_700_000_299) == {
        "id": "evt_1"}
    with pytest.raises(webhooks.SignatureVerificationError, match="no Mockplatform-Signature"):
        webhooks.verify(b"{}", None, "whsec_abc")
    with pytest.raises(webhooks.SignatureVerificationError, match="unreadable"):
        webhooks.verify(b"{}", "garbage", "whsec_abc")


def _standard(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_a_push_body_is_what_the_json_module_writes_sorted_and_compact():
    document = {"z": [1, None, True, "\u00e9\u4e2d\U0001f600"], "a": {"\n\x01\x7f": "\"\\/"},
                "m": -(2**63), "b": 19.5, "\u00e9": {}, "B": []}
    assert dumps(document) == _standard(document)
    assert dumps(document).startswith(b'{"B":[],"a":{"\\n\\u0001\x7f":"\\"\\\\/"}')


@pytest.mark.parametrize("document", [{"big": 2**64}, {1: "a key that is no string"}])
def test_what_orjson_refuses_is_written_by_the_json_module(document):
    assert dumps(document) == _standard(document)


def test_a_lone_surrogate_is_escaped_not_an_error():
    assert dumps({"name": "a\ud800b\u00e9"}) == b'{"name":"a\\ud800b\\u00e9"}'


def test_patterns_match_exact_types_prefixes_and_everything():
    assert catalogue.pattern_matches("*", "order.delivered")
    assert catalogue.pattern_matches("order.*", "order.delivered")
    assert not catalogue.pattern_matches("order.*", "orders.seeded")
    assert catalogue.matching("order.delivered") == ["order.delivered"]
    assert catalogue.matching("nothing.*") == []
    assert "aftersales.approve" in catalogue.event_types()


@pytest.mark.parametrize("name,delays", [
    (LAZADA, [timedelta(minutes=30)] * 12),
    (NATIVE, [timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000)]),
    (TIKTOK, [timedelta(minutes=2), timedelta(minutes=30), timedelta(hours=3),
              timedelta(hours=12)]),
])
def test_each_failed_attempt_schedules_the_next_until_none_is_left(name, delays):
    retries = FORMATS[name].retries
    assert list(retries) == delays
    at, instants = T0, [T0]
    for auto in range(1, len(delays) + 2):
        status, next_at = _outcome(retries, False, auto, False, at)
        if auto <= len(delays):
            assert (status, next_at) == ("pending", at + delays[auto - 1])
            at = next_at
            instants.append(at)
        else:
            assert (status, next_at) == ("failed", None)
    assert instants == retry_instants(retries, T0)
    assert _outcome(retries, True, 1, False, T0) == ("delivered", None)
    # A failed resend of a finished delivery does not restart its retries.
    assert _outcome(retries, False, 1, True, T0) == ("failed", None)


def test_the_time_limits():
    assert (FORMATS[LAZADA].timeout, FORMATS[TIKTOK].timeout, FORMATS[NATIVE].timeout) == (
        0.5, 3.0, 10.0)


# -- bad input, through the native API ------------------------------------------------------------

@pytest.mark.parametrize("body,field,words", [
    ({"url": "ftp://example.test/x"}, "url", "http:// or https://"),
    ({"url": "http://"}, "url", "http:// or https://"),
    ({"url": "not a url"}, "url", "http:// or https://"),
    ({"url": "http://x.test", "event_types": ["ordr.*"]}, "event_types[0]", "'ordr.*' matches no"),
    ({"url": "http://x.test", "event_types": ["order.*", "order.shipd"]}, "event_types[1]",
     "did you mean 'order.shipped'"),
    ({"url": "http://x.test", "event_types": []}, "event_types", ""),
    ({"url": "http://x.test", "format": "shopify"}, "format", ""),
    ({"url": "http://x.test", "format": "lazada", "event_types": ["product.*"]},
     "event_types[0]", "lazada format pushes"),
    ({"url": "http://x.test", "secret": "short"}, "secret", ""),
    ({"url": "http://x.test", "colour": "red"}, "colour", ""),
])
def test_bad_endpoints_are_a_400_naming_the_field(sbx, body, field, words):
    response = sbx.post(f"{sbx.base}/webhook_endpoints", json=body)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert field in [d["field"] for d in error["details"]], error
    assert words in error["message"] or words in str(error["details"])
    assert sbx.get(f"{sbx.base}/webhook_endpoints").get_json()["data"] == []


def test_unknown_ids_are_404_and_malformed_ones_400(sbx):
    assert sbx.get(f"{sbx.base}/webhook_endpoints/whe_00000009").status_code == 404
    assert sbx.get(f"{sbx.base}/webhook_deliveries/whd_00000009").status_code == 404
    assert sbx.get(f"{sbx.base}/webhook_endpoints/nope").status_code == 400
    assert sbx.get(f"{sbx.base}/webhook_deliveries?status=lost").status_code == 400


def test_every_event_type_the_flows_record_is_in_the_catalogue(api, app):
    seen = set()
    for platform, market in (("lazada", "MY"), ("tiktok_shop", "TH"), ("aliexpress", "MY")):
        overrides = {} if platform == "aliexpress" else {
            "delivery.failure_rate": {"first_attempt": 0.3}, "aftersales.request_rate": {"rate": 0.3}}
        body, bound = api.create_sandbox(platform=platform, market=market,
                                         policy_overrides=overrides)
        base = f"/api/v1/sandboxes/{body['id']}"
        assert bound.post(f"{base}/webhook_endpoints", json={
            "url": "http://127.0.0.1:9/", "enabled": False}).status_code == 201
        seeded = bound.post("/api/v1/test_helpers/seed", json={
            "products": 5, "buyers": 5, "orders": 40,
            "fulfilment": {"shipped" if platform == "aliexpress" else "ready_to_ship": 1}})
        assert seeded.status_code in (200, 201), seeded.get_json()
        assert bound.post(f"{base}/clock/advance", json={"by": "P30D"}).status_code == 200
        after = None
        while True:
            page = bound.get("/api/v1/events", query_string={
                "limit": 100, **({"after": after} if after else {})}).get_json()
            seen.update(e["type"] for e in page["data"])
            if not page["has_more"]:
                break
            after = page["next_cursor"]
    app.extensions["mockplatform"]["webhooks"].stop()
    assert len(seen) > 20
    assert seen <= set(catalogue.event_types()), seen - set(catalogue.event_types())
