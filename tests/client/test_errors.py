"""Every status and error code the server answers with becomes one exception class."""

from __future__ import annotations

import pytest
from mockplatform_client import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ClockError,
    ConflictError,
    IdempotencyError,
    InternalServerError,
    InvalidStateTransitionError,
    MethodNotAllowedError,
    MockplatformError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)


def error_body(code: str, message: str = "it went wrong", **extra) -> dict:
    return {"error": {"type": "some_error", "code": code, "message": message, "details": [],
                      **extra}}


@pytest.mark.parametrize(("status", "code", "error_class"), [
    (400, "validation_failed", BadRequestError),
    (401, "authentication_required", AuthenticationError),
    (403, "permission_denied", PermissionDeniedError),
    (404, "not_found", NotFoundError),
    (405, "method_not_allowed", MethodNotAllowedError),
    (409, "conflict", ConflictError),
    (409, "invalid_state_transition", InvalidStateTransitionError),
    (409, "idempotency_key_reused", IdempotencyError),
    (409, "clock_cannot_go_backwards", ClockError),
    (409, "advance_limit_reached", ClockError),
    (413, "payload_too_large", PayloadTooLargeError),
    (415, "unsupported_media_type", UnsupportedMediaTypeError),
    (422, "unprocessable", UnprocessableEntityError),
    (429, "rate_limited", RateLimitError),
    (500, "internal_error", InternalServerError),
    (502, "bad_gateway", InternalServerError),
    (503, "unavailable", InternalServerError),
    (418, "teapot", APIStatusError),
])
def test_each_status_and_code_raises_its_class(make_client, server, status, code, error_class):
    server.reply(status, error_body(code))

    with pytest.raises(error_class) as raised:
        make_client(max_retries=0).request("GET", "/api/v1/anything")

    error = raised.value
    assert type(error) is error_class
    assert isinstance(error, APIStatusError) and isinstance(error, MockplatformError)
    assert (error.status, error.code, error.type) == (status, code, "some_error")
    assert error.message == "it went wrong"


def test_code_specific_conflicts_are_still_conflicts():
    for error_class in (InvalidStateTransitionError, IdempotencyError, ClockError):
        assert issubclass(error_class, ConflictError)


def test_an_unknown_conflict_code_is_a_plain_conflict(make_client, server):
    server.reply(409, error_body("something_new"))

    with pytest.raises(ConflictError) as raised:
        make_client().request("POST", "/api/v1/things")

    assert type(raised.value) is ConflictError


def test_invalid_state_transition_names_the_state_and_the_allowed_actions(make_client, server):
    details = [{"field": "state", "location": "resource", "current_state": "shipped",
                "action": "cancel", "allowed_actions": ["deliver", "lose"]}]
    server.reply(409, error_body("invalid_state_transition", "order is shipped: cannot cancel",
                                 details=details, request_id="req_body"))

    with pytest.raises(InvalidStateTransitionError) as raised:
        make_client().request("POST", "/api/v1/orders/ord_1/cancel")

    error = raised.value
    assert error.current_state == "shipped"
    assert error.allowed_actions == ["deliver", "lose"]
    assert error.action == "cancel"
    assert error.details == details
    assert error.request_id == "req_body"
    assert error.body["error"]["code"] == "invalid_state_transition"
    assert "order is shipped: cannot cancel" in str(error)
    assert "invalid_state_transition" in str(error)


def test_validation_details_and_the_header_request_id(make_client, server):
    details = [{"field": "market", "location": "body", "message": "must be one of MY, SG"}]
    server.reply(400, error_body("validation_failed", details=details),
                 headers={"X-Request-Id": "req_header"})

    with pytest.raises(BadRequestError) as raised:
        make_client().sandboxes.create(platform="lazada", market="XX")

    assert raised.value.details == details
    assert raised.value.request_id == "req_header"
    assert raised.value.headers["X-Request-Id"] == "req_header"


@pytest.mark.parametrize(("status", "error_class"), [
    (404, NotFoundError), (413, PayloadTooLargeError), (502, InternalServerError),
])
def test_a_non_json_error_keeps_its_class_and_uses_the_text(make_client, server, status,
                                                            error_class):
    server.reply(status, text="upstream said no\n")

    with pytest.raises(error_class) as raised:
        make_client(max_retries=0).request("GET", "/api/v1/anything")

    assert raised.value.status == status
    assert raised.value.message == "upstream said no"
    assert raised.value.code is None
    assert raised.value.body == "upstream said no\n"


def test_an_empty_error_body_still_says_the_status(make_client, server):
    server.reply(404)

    with pytest.raises(NotFoundError, match="HTTP 404"):
        make_client().request("GET", "/api/v1/nothing")


def test_a_non_json_success_body_is_an_error_not_a_crash(make_client, server):
    server.reply(200, text="<html>proxy</html>")

    with pytest.raises(MockplatformError) as raised:
        make_client().health()

    assert raised.value.status == 200
    assert raised.value.body == "<html>proxy</html>"
