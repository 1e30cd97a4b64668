"""The state machine table: transitions, guards, and the 409 that names state and actions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mockplatform.engine.statemachine import StateMachine
from mockplatform.errors import InvalidStateTransition

DOOR = StateMachine(
    "door", ["open", "closed", "locked"],
    [("open", "close", "closed"),
     ("closed", "open", "open"),
     ("closed", "lock", "locked", "has_key"),
     ("locked", "unlock", "closed", "has_key")],
    guards={"has_key": lambda door: door.key})


def test_actions_lead_where_the_table_says():
    assert DOOR.next_state("open", "close", label="door 1") == "closed"
    assert DOOR.next_state("closed", "lock", label="door 1",
                           subject=SimpleNamespace(key=True)) == "locked"


def test_an_illegal_action_names_the_state_and_the_allowed_actions():
    with pytest.raises(InvalidStateTransition) as raised:
        DOOR.next_state("open", "lock", label="door 1")
    error = raised.value
    assert error.status == 409
    assert error.state == "open" and error.allowed == ["close"]
    assert error.message == "door 1 is open: cannot lock; allowed actions: close"


def test_a_refusing_guard_is_an_illegal_action_and_hides_the_action():
    keyless = SimpleNamespace(key=False)
    assert DOOR.allowed("closed", keyless) == ["open"]
    assert DOOR.allowed("closed") == ["open", "lock"]
    with pytest.raises(InvalidStateTransition) as raised:
        DOOR.next_state("closed", "lock", label="door 1", subject=keyless)
    assert raised.value.allowed == ["open"]


def test_a_state_with_no_way_out_says_none():
    machine = StateMachine("m", ["a", "done"], [("a", "finish", "done")])
    with pytest.raises(InvalidStateTransition, match="allowed actions: none"):
        machine.next_state("done", "finish", label="thing")


@pytest.mark.parametrize("rows", [
    [("a", "go", "nowhere")],
    [("a", "go", "b"), ("a", "go", "a")],
    [("a", "go", "b", "no_such_guard")],
])
def test_a_malformed_table_is_refused_when_built(rows):
    with pytest.raises(ValueError):
        StateMachine("m", ["a", "b"], rows)


def test_an_unknown_action_is_a_programming_error_not_a_409():
    with pytest.raises(ValueError):
        DOOR.next_state("open", "fly", label="door 1")
