"""The after-sales tables hang together: every deadline names a policy of the profile and a
system action its state allows, every state has the platform's word, and a profile without
after-sales requests says so; on both profiles that have them."""

from __future__ import annotations

import pytest

from mockplatform.aftersales import states
from mockplatform.engine.policies import load_table
from tests.aftersales.support import HELPERS, REQUESTS


def reachable(platform: str, type_: str) -> set[str]:
    """The states a request of ``type_`` reaches by the actions its profile offers."""
    machine, seller = states.MACHINES[type_], states.PROFILES[platform].seller_actions
    found, todo = set(), [states.REQUESTED]
    while todo:
        state = todo.pop()
        found.add(state)
        todo += [machine.next_state(state, action, label="r") for action in machine.allowed(state)
                 if action not in states.SELLER_ACTIONS or action in seller]
        todo = [s for s in todo if s not in found]
    return found


@pytest.mark.parametrize("platform", list(states.PROFILES))
def test_every_deadline_is_a_policy_and_a_system_action_of_its_state(platform):
    table = load_table(platform, "MY")
    types = states.PROFILES[platform].types
    for (type_, state), deadline in states.DEADLINES.items():
        if type_ not in types or state not in reachable(platform, type_):
            continue
        assert table.get(deadline.policy).type == "duration", deadline.policy
        assert deadline.action in states.SYSTEM_ACTIONS
        assert states.MACHINES[type_].can(state, deadline.action), (type_, state)
        if deadline.threshold is not None:
            assert states.MACHINES[type_].can(state, deadline.below_action), (type_, state)
    assert (platform == "lazada") == ("return.auto_refund_threshold" in table)


def test_every_state_a_type_reaches_has_the_platforms_word_and_final_states_wait_on_nothing():
    for type_, machine in states.MACHINES.items():
        reached = {states.REQUESTED} | {machine.next_state(s, a, label="r")
                                        for s in machine.states for a in machine.allowed(s)}
        assert reached <= set(states.PLATFORM_STATUS[type_]), type_
        if type_ in states.LAZADA_REQUEST_TYPE:
            assert reachable("lazada", type_) <= set(states.LAZADA_REVERSE_STATUS[type_])
        for state in states.FINAL:
            assert machine.allowed(state) == []
            assert (type_, state) not in states.DEADLINES
        assert set(machine.actions) <= set(states.ROLES)


@pytest.mark.parametrize("platform", list(states.PROFILES))
def test_the_reason_lists_are_the_profiles(platform):
    reasons = load_table(platform, "MY").value("aftersales.reasons")
    profile = states.PROFILES[platform]
    for name in ([states.REASON_LIST[t] for t in profile.types]
                 + [states.REJECT_REASON_LIST[t] for t in profile.types]
                 + [states.PACKAGE_REJECT_REASONS]):
        assert reasons[name], name
    assert set(profile.seller_actions) <= set(states.SELLER_ACTIONS)


def test_an_aliexpress_sandbox_has_no_aftersales_requests(api):
    body, sbx = api.create_sandbox(platform="aliexpress", market="MY", seed=1)
    for response in (sbx.get(REQUESTS), sbx.get(f"{REQUESTS}/600000000000001"),
                     sbx.post(f"{REQUESTS}/600000000000001/approve"),
                     sbx.post(HELPERS, json={"type": "refund_only", "order_id": 1,
                                             "reason": "damaged_item"})):
        assert response.status_code == 409, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "aftersales_not_available"
        assert "aliexpress profile has no after-sales requests yet" in error["message"]
        assert error["details"][0]["allowed_platforms"] == ["tiktok_shop", "lazada"]
