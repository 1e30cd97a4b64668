"""Fault rules on the native front: each effect, each trigger and its boundaries, first match
wins, control-plane calls untouched, nothing changed by a faulted call, and precise 400s."""

from __future__ import annotations

import pytest

from mockplatform.fronts import observe
from tests.api.support import assert_error

EVENTS = "/api/v1/events"
ERROR_503 = {"type": "error", "status": 503, "retry_after": 2}


def add(sbx, status=201, **rule):
    response = sbx.post(f"{sbx.base}/faults", json=rule)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def statuses(sbx, path: str, count: int) -> list[int]:
    return [sbx.get(path).status_code for _ in range(count)]


def rules(sbx) -> list[dict]:
    return sbx.get(f"{sbx.base}/faults").get_json()["data"]


def advance(sbx, by: str):
    response = sbx.post(f"{sbx.base}/clock/advance", json={"by": by})
    assert response.status_code == 200, response.get_json()


def test_an_error_rule_answers_in_the_native_envelope_with_retry_after(sbx):
    rule = add(sbx, match={"operation": "events"}, effect=ERROR_503)

    response = sbx.get(EVENTS)

    error = assert_error(response, 503, "injected_fault")
    assert response.headers["Retry-After"] == "2"
    assert rule["id"] in error["message"]
    assert rules(sbx)[0] | {"calls": 1, "faults": 1} == rules(sbx)[0]


def test_a_rule_code_and_message_replace_the_defaults(sbx):
    add(sbx, effect={"type": "error", "status": 500, "code": "boom", "message": "down"})
    error = assert_error(sbx.get(EVENTS), 500, "boom")
    assert error["message"] == "down"


PRODUCTS = "/api/v1/products"
PRODUCT = {"name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "10.00", "stock": 1}]}


def test_a_rate_limit_is_a_429_with_retry_after(sbx):
    add(sbx, effect={"type": "rate_limit", "retry_after": 3})
    response = sbx.get(EVENTS)
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "3"


def test_a_faulted_write_changes_nothing(sbx):
    add(sbx, match={"method": "POST"}, effect=ERROR_503, when={"first": 1})
    before = sbx.get(EVENTS).get_json()["data"]

    refused = sbx.post(PRODUCTS, json=PRODUCT)
    assert refused.status_code == 503
    assert sbx.get(PRODUCTS).get_json()["data"] == []
    assert sbx.get(EVENTS).get_json()["data"] == before
    accepted = sbx.post(PRODUCTS, json=PRODUCT)
    assert accepted.status_code == 201


def test_test_helpers_are_never_faulted_but_journaled(sbx):
    add(sbx, effect=ERROR_503)  # matches every call
    helper = sbx.post("/api/v1/test_helpers/timers", json={"label": "x", "delay": "PT1H"})
    assert helper.status_code == 201
    assert sbx.get(EVENTS).status_code == 503
    operations = [entry["operation"] for entry in sbx.get(
        f"{sbx.base}/journal").get_json()["data"]]
    assert "schedule_test_timer" in operations


def test_the_first_n_calls_fail_then_every_call_passes(sbx):
    add(sbx, match={"path": "/api/v1/ev*"}, effect=ERROR_503, when={"first": 2})
    assert statuses(sbx, EVENTS, 4) == [503, 503, 200, 200]


def test_every_nth_call_fails(sbx):
    add(sbx, match={"operation": "events", "method": "GET"}, effect=ERROR_503,
        when={"every": 3})
    assert statuses(sbx, EVENTS, 7) == [200, 200, 503, 200, 200, 503, 200]
    assert (rules(sbx)[0]["calls"], rules(sbx)[0]["faults"]) == (7, 2)


def test_a_window_of_sandbox_time_starts_at_its_first_second_and_ends_before_its_last(sbx):
    # The sandbox's clock stands at 2026-01-05T01:00Z.
    add(sbx, effect=ERROR_503, when={"from": "2026-01-05T02:00:00Z",
                                     "until": "2026-01-05T03:00:00Z"})
    advance(sbx, "PT59M59S")
    assert statuses(sbx, EVENTS, 1) == [200]  # one second before the window
    advance(sbx, "PT1S")
    assert statuses(sbx, EVENTS, 1) == [503]  # at its start
    advance(sbx, "PT59M59S")
    assert statuses(sbx, EVENTS, 1) == [503]
    advance(sbx, "PT1S")
    assert statuses(sbx, EVENTS, 1) == [200]  # at its end


def _pattern(api, seed: int, probability: float) -> list[int]:
    body, bound = api.create_sandbox(seed=seed)
    bound.base = f"/api/v1/sandboxes/{body['id']}"
    add(bound, effect=ERROR_503, when={"probability": probability})
    return statuses(bound, EVENTS, 40)


def test_probability_draws_come_from_the_seed(api):
    first, again = _pattern(api, 7, 0.5), _pattern(api, 7, 0.5)
    other = _pattern(api, 8, 0.5)

    assert first == again
    assert first != other
    assert 5 < first.count(503) < 35
    assert set(_pattern(api, 7, 0)) == {200} and set(_pattern(api, 7, 1)) == {503}


def test_the_first_rule_that_holds_wins_and_later_ones_are_not_tried(sbx):
    add(sbx, effect={"type": "error", "status": 500}, when={"every": 2})
    add(sbx, effect={"type": "error", "status": 502})
    assert statuses(sbx, EVENTS, 3) == [502, 500, 502]
    counts = [(rule["calls"], rule["faults"]) for rule in rules(sbx)]
    assert counts == [(3, 1), (2, 2)]


def test_a_rule_that_matches_nothing_counts_nothing(sbx):
    add(sbx, match={"front": "lazada"}, effect=ERROR_503)
    add(sbx, match={"operation": "get_order"}, effect=ERROR_503)
    assert statuses(sbx, EVENTS, 2) == [200, 200]
    assert [rule["calls"] for rule in rules(sbx)] == [0, 0]


def test_a_call_the_operation_refuses_still_counts(sbx):
    add(sbx, match={"operation": "get_order"}, effect=ERROR_503, when={"every": 2})
    assert statuses(sbx, "/api/v1/orders/999", 3) == [404, 503, 404]


def test_a_parameter_glob_selects_the_calls_that_send_a_matching_value(sbx):
    add(sbx, match={"params": {"limit": "1?"}}, effect=ERROR_503)
    answers = [sbx.get(f"{EVENTS}?limit={n}").status_code for n in ("10", "5", "100")]
    assert answers + [sbx.get(EVENTS).status_code] == [503, 200, 200, 200]
    assert rules(sbx)[0]["calls"] == 1  # only the selected call counts


def test_a_header_glob_matches_the_header_by_name_in_any_case(sbx):
    add(sbx, match={"headers": {"X-Test-Case": "flaky-*"}}, effect=ERROR_503)
    answers = [sbx.get(EVENTS, headers=headers).status_code for headers in (
        {"x-test-case": "flaky-3"}, {"X-Test-Case": "steady"}, {})]
    assert answers == [503, 200, 200]


def test_every_name_of_a_match_must_hold(sbx):
    add(sbx, match={"params": {"limit": "5", "type": "order.*"},
                    "headers": {"X-Test-Case": "a"}}, effect=ERROR_503)
    header = {"X-Test-Case": "a"}
    assert sbx.get(f"{EVENTS}?limit=5&type=order.created", headers=header).status_code == 503
    assert sbx.get(f"{EVENTS}?limit=5&type=order.created").status_code == 200
    assert sbx.get(f"{EVENTS}?limit=5", headers=header).status_code == 200
    assert rules(sbx)[0]["match"]["params"] == {"limit": "5", "type": "order.*"}


def test_control_plane_calls_are_never_faulted(sbx):
    add(sbx, effect=ERROR_503)
    assert sbx.get(f"{sbx.base}/clock").status_code == 200
    assert sbx.get(f"{sbx.base}/faults").status_code == 200
    assert sbx.get(f"{sbx.base}/journal").status_code == 200
    assert sbx.get(f"/api/v1/sandboxes/{sbx.sandbox['id']}").status_code == 200
    assert rules(sbx)[0]["calls"] == 0


def test_a_malformed_answer_is_cut_json(sbx):
    add(sbx, effect={"type": "malformed"})
    response = sbx.get(EVENTS)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.get_json()


def test_latency_sleeps_after_the_operation_ran(sbx, monkeypatch):
    slept = []
    monkeypatch.setattr(observe, "sleep", slept.append)
    add(sbx, match={"method": "POST"}, effect={"type": "latency", "ms": 250})

    response = sbx.post(PRODUCTS, json=PRODUCT)

    assert response.status_code == 201 and slept == [0.25]
    assert len(sbx.get(PRODUCTS).get_json()["data"]) == 1


def test_a_drop_without_a_socket_is_an_empty_502_marked_dropped(sbx):
    add(sbx, effect={"type": "drop"})
    response = sbx.get(EVENTS)
    assert response.status_code == 502 and response.get_data() == b""
    assert response.headers[observe.DROPPED_HEADER] == "true"


def test_replace_delete_and_clear(sbx):
    add(sbx, effect=ERROR_503)
    replaced = sbx.request("PUT", f"{sbx.base}/faults", json={"rules": [
        {"effect": {"type": "drop"}}, {"effect": {"type": "malformed"}}]}).get_json()["data"]
    assert [r["id"] for r in replaced] == ["flt_2", "flt_3"]
    assert sbx.delete(f"{sbx.base}/faults/flt_2").get_json()["deleted"] is True
    assert [r["id"] for r in rules(sbx)] == ["flt_3"]
    assert_error(sbx.delete(f"{sbx.base}/faults/flt_2"), 404, "fault_rule_not_found",
                 field="rule_id")
    assert sbx.delete(f"{sbx.base}/faults").get_json()["data"] == []
    assert statuses(sbx, EVENTS, 1) == [200]


def test_reset_clears_the_rules_and_a_snapshot_does_not_carry_them(api, sbx):
    add(sbx, effect=ERROR_503, when={"every": 1000})
    snapshot = sbx.post(f"{sbx.base}/snapshot").get_json()
    restored = api.post("/api/v1/sandboxes/restore", json={"snapshot": snapshot}).get_json()
    bound = api.as_(restored["credentials"]["api_key"])
    assert bound.get(f"/api/v1/sandboxes/{restored['id']}/faults").get_json()["data"] == []
    assert sbx.post(f"{sbx.base}/reset").status_code == 200
    assert rules(sbx) == []


@pytest.mark.parametrize(("rule", "field", "words"), [
    ({"effect": {"type": "boom"}}, "effect.type", "latency, error"),
    ({"effect": {"type": "error", "status": 503}, "matches": {}}, "matches", "expected one of"),
    ({"effect": {"type": "error", "status": 503, "delay": 1}}, "effect.delay", "expected one"),
    ({"effect": {"type": "latency", "ms": 5, "status": 500}}, "effect.status",
     "not taken by effect type 'latency'"),
    ({"effect": {"type": "latency"}}, "effect.ms", "required"),
    ({"effect": {"type": "latency", "ms": 60_000}}, "effect.ms", "between 1 and 30000"),
    ({"effect": {"type": "dribble"}}, "effect.ms", "required for effect type 'dribble'"),
    ({"effect": {"type": "dribble", "ms": 5, "chunks": 1}}, "effect.chunks", "between 2 and 100"),
    ({"effect": {"type": "latency", "ms": 5, "chunks": 3}}, "effect.chunks", "not taken"),
    ({"effect": {"type": "error"}}, "effect.status", "required"),
    ({"effect": {"type": "error", "status": 302}}, "effect.status", "400-599"),
    ({"effect": {"type": "error", "status": 200}}, "effect.code", "required with status 200"),
    ({"effect": ERROR_503, "when": {"probability": 1.5}}, "when.probability", "between 0 and 1"),
    ({"effect": ERROR_503, "when": {"probability": -0.1}}, "when.probability", "between 0"),
    ({"effect": ERROR_503, "when": {"every": 0}}, "when.every", ""),
    ({"effect": ERROR_503, "when": {"from": "2026-01-06T00:00:00Z",
                                    "until": "2026-01-05T00:00:00Z"}}, "when.until",
     "must be after 'from'"),
    ({"effect": ERROR_503, "when": {"from": "2026-01-06T00:00:00Z",
                                    "until": "2026-01-06T00:00:00Z"}}, "when.until", "after"),
    ({"effect": ERROR_503, "match": {"front": "tiktok"}}, "match.front", "native, lazada"),
    ({"effect": ERROR_503, "match": {"method": "get"}}, "match.method", "GET"),
    ({"effect": ERROR_503, "match": {"params": {}}}, "match.params", "expected 1 to 20 names"),
    ({"effect": ERROR_503, "match": {"params": {f"p{n}": "x" for n in range(21)}}},
     "match.params", "expected 1 to 20 names"),
    ({"effect": ERROR_503, "match": {"params": {"order_id": 5}}}, "match.params.order_id.value",
     "Not a valid string"),
    ({"effect": ERROR_503, "match": {"headers": ["X-A"]}}, "match.headers", "Not a valid mapping"),
    ({"effect": ERROR_503, "match": {"headers": {"X-A": ""}}}, "match.headers.X-A.value",
     "between 1 and 500"),
])
def test_bad_rules_are_400s_naming_the_field(sbx, rule, field, words):
    error = assert_error(sbx.post(f"{sbx.base}/faults", json=rule), 400, "validation_failed",
                         field=field)
    assert words in next(d["message"] for d in error["details"] if d["field"] == field)
    assert rules(sbx) == []


def test_a_bad_rule_in_a_replacement_names_its_index_and_keeps_the_old_list(sbx):
    add(sbx, effect=ERROR_503)
    response = sbx.request("PUT", f"{sbx.base}/faults", json={"rules": [
        {"effect": {"type": "drop"}}, {"effect": ERROR_503, "when": {"probability": 2}}]})
    assert_error(response, 400, "validation_failed", field="rules.1.when.probability")
    assert [r["id"] for r in rules(sbx)] == ["flt_1"]


def test_a_name_sent_twice_matches_on_either_value():
    from mockplatform.control import faults

    sent = {"type": ["payment.captured", "order.created"], "limit": []}.get
    call = faults.Call("native", "GET", "/api/v1/events", "list_events",
                       params=lambda name: sent(name, []))
    assert faults.selects({"params": {"type": "order.*"}}, call)
    assert not faults.selects({"params": {"type": "refund.*"}}, call)
    assert not faults.selects({"params": {"limit": "*"}}, call)  # not sent: no value matches
    assert faults.selects({"params": None, "headers": None}, call)


def test_a_dribbled_answer_comes_whole_in_pieces_with_pauses_adding_up_to_ms(sbx, monkeypatch):
    slept = []
    monkeypatch.setattr(observe, "sleep", slept.append)
    whole = sbx.get(EVENTS).get_data()
    rule = add(sbx, match={"operation": "events"}, effect={"type": "dribble", "ms": 900,
                                                           "chunks": 4})
    assert rule["effect"] == {"type": "dribble", "ms": 900, "chunks": 4}

    response = sbx.get(EVENTS, buffered=False)
    assert response.is_streamed and slept == []  # the headers first, nothing slept yet
    pieces = list(response.response)

    assert b"".join(pieces) == whole and len(pieces) == 4
    assert response.headers["Content-Length"] == str(len(whole))
    assert slept == pytest.approx([0.3, 0.3, 0.3])
    assert rules(sbx)[0]["faults"] == 1


def test_a_dribble_takes_ten_pieces_unless_told_and_a_short_body_fewer(sbx, monkeypatch):
    monkeypatch.setattr(observe, "sleep", lambda _seconds: None)
    assert add(sbx, effect={"type": "dribble", "ms": 100})["effect"]["chunks"] == 10
    assert len(list(sbx.get(EVENTS, buffered=False).response)) == 10
    response = observe.dribbled(observe.Response(b"abc"), 100, 10)
    assert list(response.response) == [b"a", b"b", b"c"]
    assert observe.dribbled(observe.Response(b""), 100, 10).get_data() == b""
