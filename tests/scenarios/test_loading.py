"""A scenario is checked whole before anything runs: each problem named by its path, an unknown
step, field, parameter or name with the closest valid one; nothing is written."""

from __future__ import annotations

import pytest

from tests.scenarios.support import errors, run, run_ok, sandbox_for

MINIMAL = {"name": "mine", "steps": [
    {"product": {"name": "Kettle", "skus": [{"seller_sku": "K-1", "price": "10.00",
                                              "stock": 3}]}},
    {"place_order": {"as": "o1", "items": [{"seller_sku": "K-1"}]}},
    {"advance": {"by": "PT1H"}}]}


def _with(step_index: int, step: dict) -> dict:
    steps = list(MINIMAL["steps"])
    steps[step_index] = step
    return {**MINIMAL, "steps": steps}


@pytest.fixture
def lazada(api):
    return sandbox_for(api)


def _field(details, field):
    return next(d for d in details if d["field"] == field)


def test_an_unknown_step_is_named_with_the_closest_step(lazada):
    sandbox, sbx = lazada
    details = errors(run(sbx, sandbox, scenario=_with(2, {"advnce": {"by": "PT1H"}})))
    detail = _field(details, "steps[2].advnce")
    assert detail["closest"] == "advance" and "did you mean 'advance'" in detail["message"]


def test_an_unknown_field_is_named_with_the_closest_field(lazada):
    sandbox, sbx = lazada
    details = errors(run(sbx, sandbox, scenario=_with(2, {"advance": {"bye": "PT1H"}})))
    assert _field(details, "steps[2].advance.bye")["closest"] == "by"


@pytest.mark.parametrize("step, field, expected", [
    ({"advance": {"by": True}}, "steps[2].advance.by", "duration"),
    ({"advance": {"by": "tomorrow"}}, "steps[2].advance.by", "duration"),
    ({"advance": {"to": "o1.rts_deadline minus"}}, "steps[2].advance.to", "<name>.<deadline>"),
    ({"pack": {"order": 7}}, "steps[2].pack.order", "a string"),
    ({"fail_next_attempt": {"order": "o1", "times": "twice"}},
     "steps[2].fail_next_attempt.times", "an integer"),
    ({"cancel": {"order": "o1", "reason": "out_of_stok"}}, "steps[2].cancel.reason",
     "did you mean 'out_of_stock'"),
])
def test_a_wrong_type_is_named_by_its_path(lazada, step, field, expected):
    sandbox, sbx = lazada
    details = errors(run(sbx, sandbox, scenario=_with(2, step)))
    assert expected in _field(details, field)["message"]


def test_a_missing_field_and_both_by_and_to_are_named(lazada):
    sandbox, sbx = lazada
    details = errors(run(sbx, sandbox, scenario=_with(2, {"cancel": {"order": "o1"}})))
    assert _field(details, "steps[2].cancel.reason")["message"] == "is required"
    details = errors(run(sbx, sandbox, scenario=_with(
        2, {"advance": {"by": "PT1H", "to": "next_timer"}})))
    assert "exactly one" in _field(details, "steps[2].advance")["message"]


def test_a_name_no_earlier_step_gave_is_refused(lazada):
    sandbox, sbx = lazada
    details = errors(run(sbx, sandbox, scenario=_with(2, {"pack": {"order": "o2"}})))
    assert _field(details, "steps[2].pack.order")["closest"] == "o1"
    details = errors(run(sbx, sandbox, scenario=_with(2, {"advance": {"to": "r1.deadline_at"}})))
    assert "unknown name 'r1'" in _field(details, "steps[2].advance.to")["message"]


def test_parameters_unknown_placeholders_and_unknown_params_are_named(lazada):
    sandbox, sbx = lazada
    document = {**MINIMAL, "parameters": {"stock": 3}}
    details = errors(run(sbx, sandbox, scenario=document, params={"stok": 4}))
    assert _field(details, "params.stok")["closest"] == "stock"
    document["steps"] = [{"advance": {"by": "${wait}"}}]
    details = errors(run(sbx, sandbox, scenario=document))
    assert "unknown parameter 'wait'" in _field(details, "steps[0].advance.by")["message"]
    details = errors(run(sbx, sandbox, scenario={**MINIMAL, "parameters": {"n": 2}},
                         params={"n": "two"}))
    assert "expected int" in _field(details, "params.n")["message"]


def test_expectations_are_checked_against_the_summary_shape(lazada):
    sandbox, sbx = lazada
    document = {**MINIMAL, "expect": {
        "sumary": {}, "events": {"Order Delivered": 1},
        "ledger": {"fines": "-1.00"}}}
    details = errors(run(sbx, sandbox, scenario=document))
    assert _field(details, "expect.sumary")["closest"] == "summary"
    assert "event type" in _field(details, "expect.events.Order Delivered")["message"]
    assert _field(details, "expect.ledger.fines")["closest"] == "fine"
    document["expect"] = {"summary": {"items": {"by_status": {"delivred": 1}},
                                      "resale_items": {"by_state": 2},
                                      "timers": {"next_due_at": 1}}}
    details = errors(run(sbx, sandbox, scenario=document))
    assert _field(details, "expect.summary.items.by_status.delivred")["closest"] == "delivered"
    assert "mapping" in _field(details, "expect.summary.resale_items.by_state")["message"]
    assert "not a count" in _field(details, "expect.summary.timers.next_due_at")["message"]


@pytest.mark.parametrize("body, field", [
    ({}, "name"),
    ({"name": "x", "scenario": MINIMAL}, "name"),
    ({"scenario": 5}, "scenario"),
    ({"scenario": "steps: [unclosed"}, ""),
    ({"scenario": ["a list"]}, "scenario"),
])
def test_a_body_that_is_no_scenario_is_a_400(lazada, body, field):
    sandbox, sbx = lazada
    assert any(d["field"] == field for d in errors(run(sbx, sandbox, **body)))


def test_an_unknown_shipped_name_is_a_404_with_the_closest(lazada):
    sandbox, sbx = lazada
    details = errors(run(sbx, sandbox, name="failed_delivery_then_resld"), 404)
    assert details[0]["closest"] == "failed_delivery_then_resold"


def test_nothing_is_written_by_a_document_that_does_not_load(lazada):
    sandbox, sbx = lazada
    before = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/summary").get_json()
    errors(run(sbx, sandbox, scenario=_with(2, {"advance": {"by": "P1X"}})))
    after = sbx.get(f"/api/v1/sandboxes/{sandbox['id']}/summary").get_json()
    assert after == before and after["orders"]["total"] == 0


def test_yaml_and_json_text_load_as_the_same_scenario(lazada, api):
    import json

    import yaml

    sandbox, sbx = lazada
    other, other_sbx = sandbox_for(api)
    from_yaml = run_ok(sbx, sandbox, scenario=yaml.safe_dump(MINIMAL))
    from_json = run_ok(other_sbx, other, scenario=json.dumps(MINIMAL))
    assert from_yaml["steps"] == from_json["steps"] and from_yaml["passed"]
