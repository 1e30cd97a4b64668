"""The request pipeline's hook points, each proved with a small test hook, and the order of its
steps that a caller can see: authentication before validation."""

from __future__ import annotations

import pytest

from mockplatform.errors import RateLimited
from mockplatform.fronts.pipeline import Exchange, Pipeline


@pytest.fixture
def pipeline(app):
    """The app's pipeline; the hooks a test adds go when it ends (the app is shared)."""
    pipeline: Pipeline = app.extensions["mockplatform"]["pipeline"]
    saved = (list(pipeline.before_call), list(pipeline.after_commit),
             list(pipeline.after_response))
    yield pipeline
    pipeline.before_call[:], pipeline.after_commit[:], pipeline.after_response[:] = saved


def _order(sbx) -> int:
    product = sbx.post("/api/v1/products", json={
        "name": "Mug", "skus": [{"seller_sku": "MUG-1", "price": "19.90", "stock": 5}]})
    assert product.status_code == 201, product.get_json()
    placed = sbx.post("/api/v1/test_helpers/orders", json={
        "items": [{"seller_sku": "MUG-1", "quantity": 1}]})
    assert placed.status_code == 201, placed.get_json()
    return placed.get_json()["order_id"]


def test_before_call_runs_inside_the_unit_of_work_with_the_sandbox_and_may_refuse(pipeline,
                                                                                 sbx):
    seen: list[Exchange] = []

    def refuse_gets(exchange: Exchange) -> None:
        seen.append(exchange)
        assert exchange.ctx is not None and exchange.ctx.id == sbx.sandbox["id"]
        if exchange.request.operation == "get_clock":
            raise RateLimited("slow down", headers={"Retry-After": "3"})

    pipeline.before_call.append(refuse_gets)
    refused = sbx.get(f"{sbx.base}/clock")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3"
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert sbx.get(f"{sbx.base}/timers").status_code == 200
    assert [e.request.operation for e in seen] == ["get_clock", "list_timers"]
    assert all(e.request.front == "native" for e in seen)


def test_a_refused_write_leaves_nothing_behind(pipeline, sbx):
    def refuse_advance(exchange: Exchange) -> None:
        if exchange.request.operation == "advance_clock":
            raise RateLimited("no")

    pipeline.before_call.append(refuse_advance)
    before = sbx.get(f"{sbx.base}/clock").get_json()["now"]
    assert sbx.post(f"{sbx.base}/clock/advance", json={"by": "P1D"}).status_code == 429
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == before


def test_after_response_sees_every_answer_with_its_status_success_or_error(pipeline, sbx):
    answers: list[tuple[str, int, bool, str | None]] = []
    pipeline.after_response.append(lambda e: answers.append(
        (e.request.operation, e.answer.status, e.answer.error, e.sandbox_id)))
    order_id = _order(sbx)
    sbx.get(f"/api/v1/orders/{order_id}")
    sbx.get("/api/v1/orders/999")
    sandbox_id = sbx.sandbox["id"]
    assert answers[-2:] == [("get_order", 200, False, sandbox_id),
                            ("get_order", 404, True, sandbox_id)]


def test_after_commit_runs_only_once_committed_and_not_for_errors(pipeline, app, sbx):
    committed: list[tuple[str, int]] = []
    store = app.extensions["mockplatform"]["store"]

    def check_committed(exchange: Exchange) -> None:
        # The unit of work is over: another one sees what it wrote.
        with store.transaction(write=False) as session:
            from mockplatform.store.models import Sandbox  # noqa: PLC0415

            now = session.get(Sandbox, exchange.sandbox_id).clock_anchor_virtual
        committed.append((exchange.request.operation, now.day))

    pipeline.after_commit.append(check_committed)
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "P1D"})
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "nonsense"})
    assert committed == [("advance_clock", 6)]


def test_authentication_comes_before_validation(api, sbx):
    # A body the endpoint would refuse, and no key: the caller learns only that it must
    # authenticate.
    for path, body in ((f"{sbx.base}/clock/freeze", {"unexpected": 1}),
                       (f"{sbx.base}/clock/advance", {"by": "nonsense"}),
                       ("/api/v1/test_helpers/orders", {"items": "not a list"})):
        response = api.post(path, json=body)
        assert response.status_code == 401, (path, response.get_json())
    bad_key = api.as_("mp_test_unknown").post(f"{sbx.base}/clock/freeze", json={"x": 1})
    assert bad_key.status_code == 401
    # With the key, the same body is a 400 naming the field.
    refused = sbx.post(f"{sbx.base}/clock/freeze", json={"unexpected": 1})
    assert refused.status_code == 400


def test_an_idempotency_key_is_checked_after_authentication(api, sbx):
    response = api.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"},
                        headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 401
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"},
                        headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] == "Idempotency-Key"
