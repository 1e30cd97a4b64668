"""The ``faults`` step: a scenario sets the sandbox's fault rules from a point of its story
(replacing them, or appended), a window may end at a deadline an earlier step named, and a bad
rule is refused when the scenario loads, named by its path, before anything runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.scenarios.support import errors, run, run_ok, sandbox_for

PLACED = [
    {"product": {"name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "10.00",
                                              "stock": 3}]}},
    {"place_order": {"as": "o1", "items": [{"seller_sku": "K-1"}]}}]
RATE_LIMITED_RTS = {"match": {"front": "lazada", "operation": "/order/package/rts"},
                    "effect": {"type": "rate_limit", "retry_after": 2},
                    "when": {"first": 2}}


def faults_of(sbx, sandbox) -> list[dict]:
    response = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/faults")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_a_scenario_sets_rules_and_a_window_ends_at_a_named_deadline(api):
    sandbox, sbx = sandbox_for(api)
    window = {"effect": {"type": "error", "status": 503},
              "when": {"from": "o1.rts_deadline - PT2H", "until": "o1.rts_deadline"}}
    answer = run_ok(sbx, sandbox, scenario={"name": "flaky", "steps": [
        *PLACED, {"faults": {"rules": [RATE_LIMITED_RTS, window]}}]})

    assert answer["passed"]
    rules = faults_of(sbx, sandbox)
    assert [(r["effect"]["type"], r["when"]["first"]) for r in rules] == [
        ("rate_limit", 2), ("error", None)]
    order_id = answer["steps"][1]["result"]["order_id"]
    deadline = sbx.get(f"/api/v1/orders/{order_id}").get_json()["deadlines"]["rts_deadline"]
    until = datetime.fromisoformat(rules[1]["when"]["until"])
    assert until == datetime.fromisoformat(deadline)
    assert datetime.fromisoformat(rules[1]["when"]["from"]) == until - timedelta(hours=2)


def test_append_adds_and_an_empty_list_clears(api):
    sandbox, sbx = sandbox_for(api)
    steps = [{"faults": {"rules": [RATE_LIMITED_RTS]}},
             {"faults": {"rules": [{"effect": {"type": "latency", "ms": 5}}], "append": True}}]
    run_ok(sbx, sandbox, scenario={"name": "two", "steps": steps})
    assert [r["effect"]["type"] for r in faults_of(sbx, sandbox)] == ["rate_limit", "latency"]

    run_ok(sbx, sandbox, scenario={"name": "none", "steps": [{"faults": {"rules": []}}]})
    assert faults_of(sbx, sandbox) == []


def test_a_bad_rule_is_named_by_its_path_and_nothing_runs(api):
    sandbox, sbx = sandbox_for(api)
    bad = [{"effect": {"type": "latency"}},                                   # no ms
           {"effect": {"type": "eror", "status": 500}},                       # a typo
           {"effect": {"type": "drop"}, "when": {"probability": 2}},
           {"effect": {"type": "error", "status": 302}},
           {"effect": {"type": "drop", "ms": 3}, "when": {"from": "next_timer"}}]
    details = errors(run(sbx, sandbox, scenario={"name": "bad", "steps": [
        *PLACED, {"faults": {"rules": bad}}]}))

    by_field = {d["field"]: d for d in details}
    rules = "steps[2].faults.rules"
    assert by_field[f"{rules}[0].effect.ms"]["message"] == "required for effect type 'latency'"
    assert by_field[f"{rules}[1].effect.type"]["closest"] == "error"
    assert by_field[f"{rules}[2].when.probability"]["message"] == "expected a number from 0 to 1"
    assert "400-599" in by_field[f"{rules}[3].effect.status"]["message"]
    assert "not taken by effect type 'drop'" in by_field[f"{rules}[4].effect.ms"]["message"]
    assert "not next_timer" in by_field[f"{rules}[4].when.from"]["message"]
    assert faults_of(sbx, sandbox) == []
    assert sbx.get("/api/v1/products").get_json()["data"] == []  # no step ran


def test_a_rule_may_match_parameters_and_headers(api):
    sandbox, sbx = sandbox_for(api)
    rule = {"match": {"params": {"order_id": "1*"}, "headers": {"User-Agent": "lazop*"}},
            "effect": {"type": "error", "status": 503}}
    run_ok(sbx, sandbox, scenario={"name": "one-order", "steps": [{"faults": {"rules": [rule]}}]})
    match = faults_of(sbx, sandbox)[0]["match"]
    assert (match["params"], match["headers"]) == (rule["match"]["params"],
                                                   rule["match"]["headers"])

    bad = {"match": {"params": {"order_id": 1}, "headers": {}}, "effect": {"type": "drop"}}
    details = errors(run(sbx, sandbox, scenario={"name": "bad", "steps": [
        {"faults": {"rules": [bad]}}]}))
    by_field = {d["field"]: d["message"] for d in details}
    assert by_field["steps[0].faults.rules[0].match.params.order_id"] == (
        "expected a string, got an integer 1")
    assert by_field["steps[0].faults.rules[0].match.headers"] == "expected 1 to 20 entries"
