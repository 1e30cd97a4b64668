"""The after-sales tables hang together: every deadline names a policy of the profile and a
system action its state allows, every state has the platform's word, and a profile without
after-sales requests says so."""

from __future__ import annotations

from mockplatform.aftersales import states
from mockplatform.engine.policies import load_table
from tests.aftersales.support import HELPERS, REQUESTS
from tests.logistics.support import new_sandbox


def test_every_deadline_is_a_policy_and_a_system_action_of_its_state():
    table = load_table("tiktok_shop", "MY")
    for (type_, state), deadline in states.DEADLINES.items():
        assert table.get(deadline.policy).type == "duration", deadline.policy
        assert deadline.action in states.SYSTEM_ACTIONS
        assert states.MACHINES[type_].can(state, deadline.action), (type_, state)


def test_every_state_a_type_reaches_has_the_platforms_word_and_final_states_wait_on_nothing():
    for type_, machine in states.MACHINES.items():
        reached = {states.REQUESTED} | {machine.next_state(s, a, label="r")
                                        for s in machine.states for a in machine.allowed(s)}
        assert reached <= set(states.PLATFORM_STATUS[type_]), type_
        for state in states.FINAL:
            assert machine.allowed(state) == []
            assert (type_, state) not in states.DEADLINES
        assert set(machine.actions) <= set(states.ROLES)


def test_the_reason_lists_are_the_profiles():
    reasons = load_table("tiktok_shop", "MY").value("aftersales.reasons")
    for name in (*states.REASON_LIST.values(), *states.REJECT_REASON_LIST.values(),
                 states.PACKAGE_REJECT_REASONS):
        assert reasons[name], name


def test_a_lazada_sandbox_has_no_aftersales_requests_yet(api):
    sbx = new_sandbox(api)
    for response in (sbx.get(REQUESTS), sbx.get(f"{REQUESTS}/600000000000001"),
                     sbx.post(f"{REQUESTS}/600000000000001/approve"),
                     sbx.post(HELPERS, json={"type": "refund_only", "order_id": 1,
                                             "reason": "damaged_item"})):
        assert response.status_code == 409, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "aftersales_not_available"
        assert "lazada profile has no after-sales requests yet" in error["message"]
        assert error["details"][0]["allowed_platforms"] == ["tiktok_shop"]
