"""The five calendar kinds, counted on each market's real holidays, and a sandbox's own calendar
overrides. ``GET /api/v1/calendar/deadline`` is the computation every policy deadline uses.

The edges (2025):
- MY, UTC+8: Hari Raya Aidilfitri Mon 31 Mar and Tue 1 Apr, after the weekend of 29-30 Mar.
- TH, UTC+7: Songkran Sun 13 to Tue 15 Apr, with Wed 16 Apr in lieu, after Saturday 12 Apr.
- VN, UTC+7: Tet Mon 27 Jan to Sat 1 Feb, between the weekends of 25-26 Jan and 2 Feb.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from mockplatform_client import BadRequestError


def deadline(client, start: str, duration: str, kind: str):
    return client.request("GET", "/api/v1/calendar/deadline",
                          params={"from": start, "duration": duration, "kind": kind})


def non_working_days(client, start: str, end: str) -> dict[date, str]:
    calendar = client.request("GET", "/api/v1/calendar", params={"from": start, "to": end})
    return {date.fromisoformat(day.date): day.reason for day in calendar.non_working_days}


def in_market(market: str, *values, **spec):
    return pytest.param(*values, marks=pytest.mark.mockplatform_sandbox(market=market, **spec),
                        id=f"{market}-{values[2]}-{values[1]}")


HOLIDAY_EDGES = [
    # market, from (local), duration, kind, due (local)
    # Hari Raya: Friday 10:00, before the weekend and the two days of Eid.
    in_market("MY", "2025-03-28T10:00:00+08:00", "PT48H", "hours", "2025-03-30T10:00:00+08:00"),
    in_market("MY", "2025-03-28T10:00:00+08:00", "P2D", "calendar_days",
              "2025-03-30T10:00:00+08:00"),
    in_market("MY", "2025-03-28T10:00:00+08:00", "P1D", "working_days",
              "2025-04-02T10:00:00+08:00"),
    # 14 h left on Friday, 24 h of Wednesday 2 Apr, 10 h of Thursday.
    in_market("MY", "2025-03-28T10:00:00+08:00", "PT48H", "hours_excl_non_working",
              "2025-04-03T10:00:00+08:00"),
    in_market("MY", "2025-03-28T10:00:00+08:00", "P2D", "end_of_working_day_n",
              "2025-04-03T23:59:59+08:00"),
    # Songkran: Friday 16:00, before Saturday and four days of holiday.
    in_market("TH", "2025-04-11T16:00:00+07:00", "PT72H", "hours", "2025-04-14T16:00:00+07:00"),
    in_market("TH", "2025-04-11T16:00:00+07:00", "P3D", "calendar_days",
              "2025-04-14T16:00:00+07:00"),
    in_market("TH", "2025-04-11T16:00:00+07:00", "P1D", "working_days",
              "2025-04-17T16:00:00+07:00"),
    # 8 h left on Friday, then 16 h of Thursday 17 Apr.
    in_market("TH", "2025-04-11T16:00:00+07:00", "PT24H", "hours_excl_non_working",
              "2025-04-17T16:00:00+07:00"),
    in_market("TH", "2025-04-11T16:00:00+07:00", "P1D", "end_of_working_day_n",
              "2025-04-17T23:59:59+07:00"),
    # Tet: Friday 09:30, before nine days off.
    in_market("VN", "2025-01-24T09:30:00+07:00", "PT24H", "hours", "2025-01-25T09:30:00+07:00"),
    in_market("VN", "2025-01-24T09:30:00+07:00", "P7D", "calendar_days",
              "2025-01-31T09:30:00+07:00"),
    in_market("VN", "2025-01-24T09:30:00+07:00", "P2D", "working_days",
              "2025-02-04T09:30:00+07:00"),
    # 14.5 h left on Friday, then 9.5 h of Monday 3 Feb.
    in_market("VN", "2025-01-24T09:30:00+07:00", "PT24H", "hours_excl_non_working",
              "2025-02-03T09:30:00+07:00"),
    in_market("VN", "2025-01-24T09:30:00+07:00", "P1D", "end_of_working_day_n",
              "2025-02-03T23:59:59+07:00"),
]


@pytest.mark.parametrize(("start", "duration", "kind", "due_local"), HOLIDAY_EDGES)
def test_each_calendar_kind_counts_across_the_holiday(client, start, duration, kind, due_local):
    answer = deadline(client, start, duration, kind)

    assert answer.kind == kind
    assert datetime.fromisoformat(answer.due_at) == datetime.fromisoformat(due_local)
    assert answer.due_at_local == due_local


@pytest.mark.mockplatform_sandbox(market="MY")
def test_a_deadline_starting_on_a_holiday_counts_from_the_next_working_day(client):
    # Monday 31 March, Hari Raya: the first working day after it is Wednesday 2 April.
    start = "2025-03-31T10:00:00+08:00"

    assert deadline(client, start, "P1D", "end_of_working_day_n").due_at_local == \
        "2025-04-02T23:59:59+08:00"
    assert deadline(client, start, "PT10H", "hours_excl_non_working").due_at_local == \
        "2025-04-02T10:00:00+08:00"


@pytest.mark.mockplatform_sandbox(market="TH")
def test_working_days_count_from_the_local_date_not_the_utc_date(client):
    # 18:00 UTC on Wednesday 16 April (a holiday) is 01:00 on Thursday 17 April in Bangkok.
    answer = deadline(client, "2025-04-16T18:00:00Z", "P1D", "end_of_working_day_n")

    assert answer.due_at_local == "2025-04-18T23:59:59+07:00"
    assert datetime.fromisoformat(answer.due_at) == datetime.fromisoformat(
        "2025-04-18T16:59:59+00:00")


@pytest.mark.parametrize(("start", "end", "days_off"), [
    pytest.param("2025-03-28", "2025-04-03", ["2025-03-29", "2025-03-30", "2025-03-31",
                                              "2025-04-01"],
                 marks=pytest.mark.mockplatform_sandbox(market="MY"), id="MY-hari-raya"),
    pytest.param("2025-04-11", "2025-04-17", ["2025-04-12", "2025-04-13", "2025-04-14",
                                              "2025-04-15", "2025-04-16"],
                 marks=pytest.mark.mockplatform_sandbox(market="TH"), id="TH-songkran"),
    pytest.param("2025-01-24", "2025-02-03", ["2025-01-25", "2025-01-26", "2025-01-27",
                                              "2025-01-28", "2025-01-29", "2025-01-30",
                                              "2025-01-31", "2025-02-01", "2025-02-02"],
                 marks=pytest.mark.mockplatform_sandbox(market="VN"), id="VN-tet"),
])
def test_the_calendar_lists_the_holidays_and_weekends(client, start, end, days_off):
    listed = non_working_days(client, start, end)

    assert sorted(listed) == [date.fromisoformat(day) for day in days_off]
    weekdays = [day for day in listed if day.weekday() < 5]
    assert weekdays and all(listed[day] not in ("Saturday", "Sunday") for day in weekdays)


OVERRIDES = [{"date": "2025-03-29", "working": True, "name": "Make-up Saturday"},
             {"date": "2025-04-01", "working": True},
             {"date": "2025-04-02", "working": False, "name": "Company retreat"}]


@pytest.mark.mockplatform_sandbox(market="MY", calendar_overrides=OVERRIDES)
def test_calendar_overrides_make_days_working_or_not(client):
    listed = non_working_days(client, "2025-03-28", "2025-04-03")

    assert sorted(listed) == [date(2025, 3, 30), date(2025, 3, 31), date(2025, 4, 2)]
    assert listed[date(2025, 4, 2)] == "Company retreat"


@pytest.mark.mockplatform_sandbox(market="MY", calendar_overrides=OVERRIDES)
def test_calendar_overrides_move_deadlines(client):
    friday = "2025-03-28T10:00:00+08:00"

    # Saturday 29 March now works, so one working day after Friday is Saturday.
    assert deadline(client, friday, "P1D", "working_days").due_at_local == \
        "2025-03-29T10:00:00+08:00"
    # Working days after Friday: Sat 29 Mar, Tue 1 Apr (Eid's second day made working), then
    # Thu 3 Apr (2 Apr is off for the retreat).
    assert deadline(client, friday, "P3D", "end_of_working_day_n").due_at_local == \
        "2025-04-03T23:59:59+08:00"


@pytest.mark.mockplatform_sandbox(market="MY", calendar_overrides=OVERRIDES)
def test_the_sandbox_reports_its_calendar_overrides(sandbox):
    assert [(o["date"], o["working"]) for o in sandbox.calendar_overrides] == [
        ("2025-03-29", True), ("2025-04-01", True), ("2025-04-02", False)]


@pytest.mark.parametrize(("duration", "kind", "field"), [
    ("PT36H", "working_days", "duration"),  # working days are whole days
    ("P1D", "fortnights", "kind"),
])
def test_a_deadline_that_cannot_be_counted_is_refused_naming_the_field(client, duration, kind,
                                                                       field):
    with pytest.raises(BadRequestError) as raised:
        deadline(client, "2025-03-28T10:00:00+08:00", duration, kind)

    assert [detail["field"] for detail in raised.value.details] == [field]
