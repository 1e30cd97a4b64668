"""Signatures exactly as lazop-sdk computes them (reference section 1.2)."""

from __future__ import annotations

from mockplatform.fronts.lazada.signing import sign, signed_text, verify

# The reference's test vector (http-request-sample.md), recomputed.
VECTOR_PARAMS = {"access_token": "test", "app_key": "123456", "order_id": "1234",
                 "sign_method": "sha256", "timestamp": "1517820392000"}
VECTOR_SIGN = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"


def test_the_reference_test_vector():
    assert signed_text("/order/get", VECTOR_PARAMS) == (
        "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256"
        "timestamp1517820392000")
    assert sign("helloworld", "/order/get", VECTOR_PARAMS) == VECTOR_SIGN


def test_sign_is_left_out_and_keys_sort_by_code_point():
    params = {"b": "2", "B": "1", "a": "", "sign": "whatever"}
    assert signed_text("/x", params) == "/xB1ab2"


def test_verify_is_case_insensitive_and_exact():
    assert verify("helloworld", "/order/get", VECTOR_PARAMS, VECTOR_SIGN.lower())
    assert not verify("helloworld", "/order/get", VECTOR_PARAMS, VECTOR_SIGN[:-1] + "B")
    assert not verify("helloworld", "/rest/order/get", VECTOR_PARAMS, VECTOR_SIGN)
    assert not verify("other", "/order/get", VECTOR_PARAMS, VECTOR_SIGN)
    assert not verify("helloworld", "/order/get", VECTOR_PARAMS, "ünicode")


def test_hmac_md5_is_verified_too():
    signature = sign("s", "/order/get", VECTOR_PARAMS, "hmac")
    assert len(signature) == 32
    assert verify("s", "/order/get", VECTOR_PARAMS, signature, "hmac")
