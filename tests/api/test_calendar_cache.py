"""The holiday tables are shared by every sandbox of the process (engine/calendar.py keeps
one per market and year); each sandbox's own overrides are applied on top of them, and seen
as soon as they change, whatever calendars were built before."""

from datetime import date

from mockplatform.engine.calendar import holiday_table

SANDBOXES = "/api/v1/sandboxes"
WEEK = "/api/v1/calendar?from=2026-02-16&to=2026-02-20"
CHINESE_NEW_YEAR = {"date": "2026-02-17", "reason": "Chinese New Year"}
SECOND_DAY = {"date": "2026-02-18", "reason": "Chinese New Year (Second Day)"}


def _off(sbx) -> list[dict]:
    response = sbx.get(WEEK)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["non_working_days"]


def _next_working_day(sbx) -> str:
    response = sbx.get("/api/v1/calendar/deadline?from=2026-02-16T09:00:00%2B08:00"
                       "&duration=P1D&kind=working_days")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["due_at"]


def test_an_override_of_one_sandbox_does_not_leak_into_another_of_the_same_market(api):
    _, plain = api.create_sandbox()
    _, worked = api.create_sandbox(calendar_overrides=[{"date": "2026-02-17", "working": True}])
    _, closed = api.create_sandbox(calendar_overrides=[
        {"date": "2026-02-19", "working": False, "name": "Stocktake"}])

    # Interleaved, so that every one reads the tables another has just used.
    for _ in range(2):
        assert _off(plain) == [CHINESE_NEW_YEAR, SECOND_DAY]
        assert _off(worked) == [SECOND_DAY]
        assert _off(closed) == [CHINESE_NEW_YEAR, SECOND_DAY,
                                {"date": "2026-02-19", "reason": "Stocktake"}]
    assert _next_working_day(plain) == "2026-02-19T01:00:00+00:00"
    assert _next_working_day(worked) == "2026-02-17T01:00:00+00:00"
    assert _next_working_day(closed) == "2026-02-20T01:00:00+00:00"
    # The shared table is the package's, untouched by any sandbox's overrides.
    names = holiday_table("MY", 2026).names
    assert (names[date(2026, 2, 17)], names.get(date(2026, 2, 19))) == ("Chinese New Year", None)


def test_a_restore_with_other_overrides_sees_them_at_once_and_the_original_keeps_its_own(api):
    _, original = api.create_sandbox(calendar_overrides=[{"date": "2026-02-17", "working": True}])
    created = original.get("/api/v1/sandbox").get_json()
    assert _off(original) == [SECOND_DAY]
    snapshot = original.post(f"{SANDBOXES}/{created['id']}/snapshot").get_json()
    snapshot["sandbox"]["calendar_overrides"] = [
        {"date": "2026-02-18", "working": True},
        {"date": "2026-02-20", "working": False, "name": "Stocktake"}]

    response = api.post(f"{SANDBOXES}/restore", json={"snapshot": snapshot})

    assert response.status_code == 201, response.get_json()
    restored = api.as_(response.get_json()["credentials"]["api_key"])
    assert _off(restored) == [CHINESE_NEW_YEAR, {"date": "2026-02-20", "reason": "Stocktake"}]
    assert _off(original) == [SECOND_DAY]
    assert _off(restored) == [CHINESE_NEW_YEAR, {"date": "2026-02-20", "reason": "Stocktake"}]
