"""Idempotency-Key: the first answer is replayed for 24 h of sandbox time; the effect happens
once."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from mockplatform.store.models import Sandbox
from tests.api.support import AdminServer, assert_error
from tests.conftest import Api

TIMERS = "/api/v1/test_helpers/timers"
SANDBOXES = "/api/v1/sandboxes"


def _key() -> dict:
    return {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}


def _timers(sbx) -> list[dict]:
    return sbx.get(f"{sbx.base}/timers").get_json()["data"]


def _advance(sbx, by: str):
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": by})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _sandboxes_named(store, name: str) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(Sandbox)
                              .where(Sandbox.name == name))


def test_the_same_key_and_body_replays_the_first_answer_and_the_effect_happens_once(sbx):
    key = _key()
    first = sbx.post(TIMERS, json={"label": "once", "delay": "PT1H"}, headers=key)
    second = sbx.post(TIMERS, json={"label": "once", "delay": "PT1H"}, headers=key)

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_data() == first.get_data()
    assert [t["id"] for t in _timers(sbx)] == [first.get_json()["id"]]
    scheduled = sbx.get("/api/v1/events?type=test_timer.scheduled").get_json()["data"]
    assert len(scheduled) == 1
    # A replay is not a new request: the answer does not move with the clock either.
    _advance(sbx, "PT10M")
    third = sbx.post(TIMERS, json={"label": "once", "delay": "PT1H"}, headers=key)
    assert third.get_data() == first.get_data()


def test_key_order_and_spacing_of_the_body_do_not_matter(sbx):
    key = _key()
    first = sbx.http.post(TIMERS, data='{"label": "a", "delay": "PT1H"}', headers={
        **key, "Content-Type": "application/json", "Authorization": f"Bearer {sbx.token}"})
    second = sbx.http.post(TIMERS, data='{"delay":"PT1H","label":"a"}', headers={
        **key, "Content-Type": "application/json", "Authorization": f"Bearer {sbx.token}"})

    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.get_data() == first.get_data()


def test_the_same_key_with_another_body_or_path_is_a_409(sbx):
    key = _key()
    sbx.post(TIMERS, json={"label": "a", "delay": "PT1H"}, headers=key)

    error = assert_error(sbx.post(TIMERS, json={"label": "a", "delay": "PT2H"}, headers=key),
                         409, "idempotency_key_reused", field="Idempotency-Key",
                         location="header")
    assert error["type"] == "conflict_error"
    assert_error(sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"}, headers=key), 409,
                 "idempotency_key_reused")
    assert len(_timers(sbx)) == 1
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == "2026-01-05T01:00:00+00:00"


def test_a_key_is_fresh_again_after_24_hours_of_sandbox_time(sbx):
    key = _key()
    body = {"label": "daily", "delay": "P30D"}
    first = sbx.post(TIMERS, json=body, headers=key)

    _advance(sbx, "PT23H59M59S")
    replay = sbx.post(TIMERS, json=body, headers=key)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.get_data() == first.get_data()
    assert len(_timers(sbx)) == 1

    _advance(sbx, "PT1S")
    fresh = sbx.post(TIMERS, json=body, headers=key)
    assert fresh.status_code == 201
    assert "Idempotent-Replayed" not in fresh.headers
    assert fresh.get_json()["id"] != first.get_json()["id"]
    assert len(_timers(sbx)) == 2
    # ... and the fresh answer is what the key replays from now on.
    again = sbx.post(TIMERS, json=body, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_data() == fresh.get_data()


def test_keys_belong_to_their_sandbox(api, sbx):
    _, other = api.create_sandbox()
    key = _key()

    mine = sbx.post(TIMERS, json={"label": "x", "delay": "PT1H"}, headers=key)
    theirs = other.post(TIMERS, json={"label": "x", "delay": "PT2H"}, headers=key)

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers


def test_a_replayed_advance_does_not_advance_again(sbx):
    key = _key()
    sbx.post(TIMERS, json={"label": "x", "delay": "PT1H"})

    first = sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT2H"}, headers=key)
    second = sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT2H"}, headers=key)

    assert second.get_data() == first.get_data()
    assert first.get_json()["timers_fired"] == 1
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == "2026-01-05T03:00:00+00:00"


def test_a_retried_advance_of_more_than_24_hours_is_still_applied_once(sbx):
    """The window starts when the answer is given, not at the instant the advance left."""
    key = _key()
    sbx.post(TIMERS, json={"label": "day_3", "delay": "P3D"})

    first = sbx.post(f"{sbx.base}/clock/advance", json={"by": "P2D"}, headers=key)
    retried = sbx.post(f"{sbx.base}/clock/advance", json={"by": "P2D"}, headers=key)

    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert retried.get_data() == first.get_data()
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == "2026-01-07T01:00:00+00:00"
    assert sbx.get("/api/v1/events?type=test_timer.fired").get_json()["data"] == []


def test_a_refused_request_does_not_use_up_its_key(sbx):
    key = _key()
    assert_error(sbx.post(TIMERS, json={"label": "x"}, headers=key), 400, "validation_failed")
    assert_error(sbx.post(TIMERS, json={"label": "x", "at": "2020-01-01T00:00:00Z"},
                          headers=key), 400, "validation_failed", field="at")

    response = sbx.post(TIMERS, json={"label": "x", "delay": "PT1H"}, headers=key)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers


def test_a_key_must_be_short_and_printable(sbx):
    assert_error(sbx.post(TIMERS, json={"label": "x", "delay": "PT1H"},
                          headers={"Idempotency-Key": "k" * 256}),
                 400, "validation_failed", field="Idempotency-Key", location="header")
    assert _timers(sbx) == []


def test_creating_a_sandbox_with_the_same_key_returns_the_same_sandbox(api, store):
    key, name = _key(), f"idem-{uuid.uuid4().hex}"
    spec = {"platform": "lazada", "market": "MY", "name": name}

    first = api.post(SANDBOXES, json=spec, headers=key)
    second = api.post(SANDBOXES, json=spec, headers=key)

    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_data() == first.get_data()
    assert _sandboxes_named(store, name) == 1
    assert_error(api.post(SANDBOXES, json={**spec, "market": "SG"}, headers=key), 409,
                 "idempotency_key_reused")
    assert _sandboxes_named(store, name) == 1


def test_creating_a_sandbox_with_a_key_and_the_admin_token_replays_too():
    server = AdminServer()
    try:
        key, name = _key(), f"idem-admin-{uuid.uuid4().hex}"
        spec = {"platform": "aliexpress", "market": "ID", "name": name}
        first = server.admin.post(SANDBOXES, json=spec, headers=key)
        second = server.admin.post(SANDBOXES, json=spec, headers=key)
        assert second.get_data() == first.get_data()
        assert _sandboxes_named(server.store, name) == 1
    finally:
        server.close()


def test_concurrent_first_uses_of_a_key_create_one_sandbox(app, store):
    key, name = _key(), f"race-{uuid.uuid4().hex}"
    spec = {"platform": "lazada", "market": "MY", "name": name}
    start, answers = threading.Barrier(6), []

    def create():
        caller = Api(app)
        start.wait()
        response = caller.post(SANDBOXES, json=spec, headers=key)
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [201] * 6, answers
    assert len({body["id"] for _, body in answers}) == 1
    assert _sandboxes_named(store, name) == 1


def test_expired_global_keys_are_pruned_when_a_new_one_is_stored(api, store):
    import uuid
    from datetime import timedelta

    from freezegun import freeze_time
    from sqlalchemy import func, select

    from mockplatform.store.models import IdempotencyRecord

    def global_keys() -> int:
        with store.transaction() as session:
            return session.scalar(select(func.count()).select_from(IdempotencyRecord).where(
                IdempotencyRecord.sandbox_id == "global",
                IdempotencyRecord.key.in_([old, new])))

    old, new = f"prune-old-{uuid.uuid4().hex}", f"prune-new-{uuid.uuid4().hex}"
    with freeze_time("2030-01-01T00:00:00Z") as wall:
        spec = {"platform": "lazada", "market": "MY"}
        assert api.post("/api/v1/sandboxes", json=spec,
                        headers={"Idempotency-Key": old}).status_code == 201
        assert global_keys() == 1
        wall.tick(timedelta(hours=25))
        assert api.post("/api/v1/sandboxes", json=spec,
                        headers={"Idempotency-Key": new}).status_code == 201
        assert global_keys() == 1  # the expired one went when the new one was stored
