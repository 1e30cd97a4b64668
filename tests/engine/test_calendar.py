"""Business calendars and the five calendar kinds, on real holiday edges of the ``holidays`` data.

Every holiday a test relies on is first asserted by ``holiday_name`` so that a change in the
package's data fails here loudly instead of silently shifting a deadline.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from mockplatform.engine.calendar import (
    CALENDAR_KINDS,
    MARKETS,
    BusinessCalendar,
    CalendarOverride,
    add_duration,
    end_of_local_day,
    holiday_table,
    local_date,
)
from mockplatform.errors import ValidationFailed

KUALA_LUMPUR = ZoneInfo("Asia/Kuala_Lumpur")  # UTC+8
BANGKOK = ZoneInfo("Asia/Bangkok")  # UTC+7
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7
SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8


def kl(*args: int) -> datetime:
    return datetime(*args, tzinfo=KUALA_LUMPUR)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_holidays(calendar: BusinessCalendar, *days: date) -> None:
    for day in days:
        assert calendar.holiday_name(day) is not None, f"{calendar.market} {day} not a holiday"


def assert_plain_working_days(calendar: BusinessCalendar, *days: date) -> None:
    for day in days:
        assert calendar.holiday_name(day) is None, f"{calendar.market} {day} is a holiday"
        assert calendar.is_working_day(day)


@pytest.fixture
def my() -> BusinessCalendar:
    calendar = BusinessCalendar.for_market("MY")
    # 2025-03-07 is a Friday; the week before Hari Raya has no national holiday.
    assert_plain_working_days(calendar, date(2025, 3, 7), date(2025, 3, 10), date(2025, 3, 11),
                              date(2025, 3, 27), date(2025, 3, 28), date(2025, 4, 2),
                              date(2025, 4, 3))
    return calendar


# --- markets ---------------------------------------------------------------------------------


def test_markets_and_their_time_zones():
    offsets = {code: tz.utcoffset(datetime(2025, 6, 1)) for code, tz in MARKETS.items()}
    assert offsets == {"MY": timedelta(hours=8), "SG": timedelta(hours=8),
                       "PH": timedelta(hours=8), "TH": timedelta(hours=7),
                       "VN": timedelta(hours=7), "ID": timedelta(hours=7),
                       "CN": timedelta(hours=8)}
    assert BusinessCalendar.for_market("VN").tz == HO_CHI_MINH


def test_unknown_market_is_a_validation_error_naming_the_markets():
    with pytest.raises(ValidationFailed) as raised:
        BusinessCalendar.for_market("XX")
    assert raised.value.details[0]["field"] == "market"
    assert "XX" in raised.value.message
    assert "MY, SG, PH, TH, VN, ID, CN" in raised.value.message


# --- working days ------------------------------------------------------------------------------


def test_weekends_are_off_and_named(my):
    assert not my.is_working_day(date(2025, 3, 8))
    assert not my.is_working_day(date(2025, 3, 9))
    assert my.holiday_name(date(2025, 3, 8)) is None  # a weekend is not a holiday
    assert my.non_working_days(date(2025, 3, 7), date(2025, 3, 10)) == [
        (date(2025, 3, 8), "Saturday"), (date(2025, 3, 9), "Sunday")]
    assert my.next_working_day(date(2025, 3, 7)) == date(2025, 3, 10)


def test_hari_raya_aidilfitri_in_malaysia(my):
    monday, tuesday = date(2025, 3, 31), date(2025, 4, 1)
    assert_holidays(my, monday, tuesday)
    assert my.non_working_days(date(2025, 3, 28), date(2025, 4, 2)) == [
        (date(2025, 3, 29), "Saturday"), (date(2025, 3, 30), "Sunday"),
        (monday, my.holiday_name(monday)), (tuesday, my.holiday_name(tuesday))]
    assert my.next_working_day(date(2025, 3, 28)) == date(2025, 4, 2)


def test_songkran_in_thailand():
    th = BusinessCalendar.for_market("TH")
    # 13 April 2025 is a Sunday; the package also gives the 16th in lieu.
    assert_holidays(th, date(2025, 4, 13), date(2025, 4, 14), date(2025, 4, 15),
                    date(2025, 4, 16))
    assert_plain_working_days(th, date(2025, 4, 11), date(2025, 4, 17))
    assert [day for day, _ in th.non_working_days(date(2025, 4, 11), date(2025, 4, 17))] == [
        date(2025, 4, 12), date(2025, 4, 13), date(2025, 4, 14), date(2025, 4, 15),
        date(2025, 4, 16)]
    assert th.next_working_day(date(2025, 4, 11)) == date(2025, 4, 17)


def test_tet_in_vietnam():
    vn = BusinessCalendar.for_market("VN")
    # The package lists Monday 27 January to Saturday 1 February; 2 February is a Sunday.
    tet = [date(2025, 1, 27) + timedelta(days=offset) for offset in range(6)]
    assert_holidays(vn, *tet)
    assert vn.holiday_name(date(2025, 2, 2)) is None
    assert_plain_working_days(vn, date(2025, 1, 24), date(2025, 2, 3))
    assert vn.next_working_day(date(2025, 1, 24)) == date(2025, 2, 3)


def test_vietnam_make_up_saturday_is_a_working_day():
    vn = BusinessCalendar.for_market("VN")
    assert_holidays(vn, date(2025, 5, 2))  # the day off swapped with Saturday 26 April
    assert vn.is_working_day(date(2025, 4, 26))


def test_chinese_new_year_and_its_make_up_weekend_days():
    cn = BusinessCalendar.for_market("CN")
    # Eve to the third day (28-31 Jan), then the weekend, then 3-4 Feb swapped for 26 Jan / 8 Feb.
    assert_holidays(cn, date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30),
                    date(2025, 1, 31), date(2025, 2, 3), date(2025, 2, 4))
    assert cn.non_working_days(date(2025, 1, 27), date(2025, 2, 5)) == [
        (day, cn.holiday_name(day) or day.strftime("%A")) for day in (
            date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31),
            date(2025, 2, 1), date(2025, 2, 2), date(2025, 2, 3), date(2025, 2, 4))]
    assert cn.is_working_day(date(2025, 1, 26))  # Sunday, official make-up working day
    assert cn.is_working_day(date(2025, 2, 8))  # Saturday, official make-up working day
    assert not cn.is_working_day(date(2025, 2, 9))  # an ordinary Sunday
    assert cn.next_working_day(date(2025, 1, 27)) == date(2025, 2, 5)


def test_chinese_make_up_day_across_the_year_end():
    cn = BusinessCalendar.for_market("CN")
    assert_holidays(cn, date(2026, 1, 1), date(2026, 1, 2))
    # Saturday 3 January is off; Sunday 4 January 2026 is worked in exchange for the 2nd.
    assert cn.next_working_day(date(2025, 12, 31)) == date(2026, 1, 4)


def test_overrides_win_over_holidays_weekends_and_weekdays():
    assert_holidays(BusinessCalendar.for_market("MY"), date(2025, 3, 31))
    my = BusinessCalendar.for_market("MY", overrides=[
        CalendarOverride(date(2025, 3, 31), working=True, name="Warehouse open"),
        CalendarOverride(date(2025, 3, 27), working=False, name="Stocktake"),
        CalendarOverride(date(2025, 3, 26), working=False),
        CalendarOverride(date(2025, 3, 29), working=True),
    ])
    assert my.is_working_day(date(2025, 3, 31))
    assert my.holiday_name(date(2025, 3, 31)) is None
    assert my.is_working_day(date(2025, 3, 29))  # a Saturday made a working day
    assert not my.is_working_day(date(2025, 3, 27))
    assert my.holiday_name(date(2025, 3, 27)) == "Stocktake"
    assert my.non_working_days(date(2025, 3, 25), date(2025, 3, 31)) == [
        (date(2025, 3, 26), "Non-working day (override)"), (date(2025, 3, 27), "Stocktake"),
        (date(2025, 3, 30), "Sunday")]
    assert my.next_working_day(date(2025, 3, 25)) == date(2025, 3, 28)


# --- local time helpers ------------------------------------------------------------------------


def test_end_of_local_day_is_23_59_59_local_in_utc(my):
    assert end_of_local_day(date(2025, 3, 7), my) == utc(2025, 3, 7, 15, 59, 59)
    assert end_of_local_day(date(2025, 3, 7), my).tzinfo is UTC
    th = BusinessCalendar.for_market("TH")
    assert end_of_local_day(date(2025, 3, 7), th) == utc(2025, 3, 7, 16, 59, 59)


def test_local_date_follows_the_market_time_zone(my):
    assert local_date(utc(2025, 3, 7, 16, 30), my) == date(2025, 3, 8)
    assert local_date(utc(2025, 3, 7, 16, 30), BusinessCalendar.for_market("TH")) == date(
        2025, 3, 7)


# --- the five kinds across a weekend (MY, Friday 7 March 2025) ---------------------------------


@pytest.mark.parametrize(("start", "duration", "kind", "expected"), [
    (kl(2025, 3, 7, 10), timedelta(hours=48), "hours", kl(2025, 3, 9, 10)),
    (kl(2025, 3, 7, 10), timedelta(days=2), "calendar_days", kl(2025, 3, 9, 10)),
    (kl(2025, 3, 7, 10), timedelta(days=2), "working_days", kl(2025, 3, 11, 10)),
    (kl(2025, 3, 7, 20), timedelta(hours=48), "hours_excl_non_working", kl(2025, 3, 11, 20)),
    (kl(2025, 3, 7, 10), timedelta(days=2), "end_of_working_day_n",
     kl(2025, 3, 11, 23, 59, 59)),
])
def test_kinds_across_a_weekend(my, start, duration, kind, expected):
    deadline = add_duration(start, duration, kind, my)
    assert deadline == expected
    assert deadline.tzinfo is UTC


def test_end_of_working_day_is_15_59_59_utc_in_malaysia(my):
    assert add_duration(kl(2025, 3, 7, 10), timedelta(days=2), "end_of_working_day_n",
                        my) == utc(2025, 3, 11, 15, 59, 59)


# --- the five kinds across Hari Raya (MY, weekend 29-30 March, holidays 31 March - 1 April) ----


@pytest.mark.parametrize(("start", "duration", "kind", "expected"), [
    (kl(2025, 3, 27, 10), timedelta(hours=120), "hours", kl(2025, 4, 1, 10)),
    (kl(2025, 3, 28, 10), timedelta(days=3), "calendar_days", kl(2025, 3, 31, 10)),
    (kl(2025, 3, 28, 10), timedelta(days=1), "working_days", kl(2025, 4, 2, 10)),
    # 5 h 30 min left on Friday, the other 4 h 30 min on Wednesday.
    (kl(2025, 3, 28, 18, 30), timedelta(hours=10), "hours_excl_non_working",
     kl(2025, 4, 2, 4, 30)),
    (kl(2025, 3, 28, 10), timedelta(days=2), "end_of_working_day_n",
     kl(2025, 4, 3, 23, 59, 59)),
])
def test_kinds_across_hari_raya(my, start, duration, kind, expected):
    assert_holidays(my, date(2025, 3, 31), date(2025, 4, 1))
    assert add_duration(start, duration, kind, my) == expected


def test_kinds_across_songkran():
    th = BusinessCalendar.for_market("TH")
    assert_holidays(th, date(2025, 4, 14), date(2025, 4, 15), date(2025, 4, 16))
    friday = datetime(2025, 4, 11, 9, tzinfo=BANGKOK)
    assert add_duration(friday, timedelta(days=1), "working_days", th) == utc(2025, 4, 17, 2)
    assert add_duration(friday, timedelta(days=1), "end_of_working_day_n", th) == utc(
        2025, 4, 17, 16, 59, 59)
    # 15 h left on Friday from 09:00, the remaining 9 h on Thursday 17 April.
    assert add_duration(friday, timedelta(hours=24), "hours_excl_non_working", th) == datetime(
        2025, 4, 17, 9, tzinfo=BANGKOK)


def test_kinds_across_tet():
    vn = BusinessCalendar.for_market("VN")
    assert_holidays(vn, date(2025, 1, 27), date(2025, 2, 1))
    friday = datetime(2025, 1, 24, 15, tzinfo=HO_CHI_MINH)
    assert add_duration(friday, timedelta(days=1), "working_days", vn) == utc(2025, 2, 3, 8)
    assert add_duration(friday, timedelta(days=2), "end_of_working_day_n", vn) == datetime(
        2025, 2, 4, 23, 59, 59, tzinfo=HO_CHI_MINH)


def test_kinds_across_chinese_new_year_and_make_up_days():
    cn = BusinessCalendar.for_market("CN")
    assert_holidays(cn, date(2025, 1, 28), date(2025, 2, 4))
    monday = datetime(2025, 1, 27, 10, tzinfo=SHANGHAI)
    assert add_duration(monday, timedelta(days=1), "working_days", cn) == datetime(
        2025, 2, 5, 10, tzinfo=SHANGHAI)
    assert add_duration(monday, timedelta(days=1), "end_of_working_day_n", cn) == utc(
        2025, 2, 5, 15, 59, 59)
    # Sunday 26 January is worked, so a Saturday start counts it.
    saturday = datetime(2025, 1, 25, 10, tzinfo=SHANGHAI)
    assert add_duration(saturday, timedelta(days=1), "working_days", cn) == datetime(
        2025, 1, 26, 10, tzinfo=SHANGHAI)
    # The clock waits for Sunday 00:00: 24 h on Sunday, 6 h on Monday.
    assert add_duration(saturday, timedelta(hours=30), "hours_excl_non_working", cn) == datetime(
        2025, 1, 27, 6, tzinfo=SHANGHAI)


# --- starts inside a non-working day -----------------------------------------------------------


def test_working_days_from_a_saturday_count_from_monday(my):
    assert add_duration(kl(2025, 3, 8, 10), timedelta(days=2), "working_days",
                        my) == kl(2025, 3, 11, 10)


def test_hours_excl_non_working_from_a_saturday_start_at_monday_midnight(my):
    assert add_duration(kl(2025, 3, 8, 15), timedelta(hours=1), "hours_excl_non_working",
                        my) == kl(2025, 3, 10, 1)


def test_end_of_working_day_from_a_sunday(my):
    assert add_duration(kl(2025, 3, 9, 15), timedelta(days=1), "end_of_working_day_n",
                        my) == kl(2025, 3, 10, 23, 59, 59)


def test_start_in_utc_counts_from_the_local_date(my):
    # 17:00 UTC on Friday is already 01:00 on Saturday in Kuala Lumpur.
    assert add_duration(utc(2025, 3, 7, 17), timedelta(days=1), "working_days",
                        my) == kl(2025, 3, 10, 1)
    other_zone = datetime(2025, 3, 7, 19, tzinfo=timezone(timedelta(hours=2)))
    assert add_duration(other_zone, timedelta(days=1), "end_of_working_day_n",
                        my) == kl(2025, 3, 10, 23, 59, 59)


# --- hours_excl_non_working precision and edges ------------------------------------------------


def test_hours_excl_non_working_keeps_minutes_seconds_and_microseconds(my):
    start = datetime(2025, 3, 7, 22, 15, 30, 250_000, tzinfo=KUALA_LUMPUR)
    duration = timedelta(hours=3, minutes=20, seconds=10, microseconds=500)
    # Friday gives 1:44:29.75; the remaining 1:35:40.2505 run from Monday 00:00.
    assert add_duration(start, duration, "hours_excl_non_working", my) == datetime(
        2025, 3, 10, 1, 35, 40, 250_500, tzinfo=KUALA_LUMPUR)


def test_hours_excl_non_working_ending_at_midnight_is_due_at_the_end_of_the_day(my):
    assert add_duration(kl(2025, 3, 7, 20), timedelta(hours=4), "hours_excl_non_working",
                        my) == kl(2025, 3, 8, 0)


def test_hours_excl_non_working_over_a_long_span(my):
    # 10 working days of 24 h from Monday 10 March: Mon-Fri twice, due at the end of Friday 21.
    assert_plain_working_days(my, *(date(2025, 3, 10) + timedelta(days=offset)
                                    for offset in range(14) if offset % 7 < 5))
    assert add_duration(kl(2025, 3, 10, 0), timedelta(hours=240), "hours_excl_non_working",
                        my) == kl(2025, 3, 22, 0)


# --- rejections --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CALENDAR_KINDS)
def test_naive_start_is_rejected(my, kind):
    with pytest.raises(ValueError, match="timezone-aware"):
        add_duration(datetime(2025, 3, 7, 10), timedelta(days=1), kind, my)


def test_naive_moment_is_rejected_by_local_date(my):
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2025, 3, 7, 10), my)


def test_unknown_kind_is_rejected_naming_the_allowed_kinds(my):
    with pytest.raises(ValueError, match="business_days") as raised:
        add_duration(kl(2025, 3, 7, 10), timedelta(days=1), "business_days", my)
    assert all(kind in str(raised.value) for kind in CALENDAR_KINDS)


@pytest.mark.parametrize("kind", ["calendar_days", "working_days", "end_of_working_day_n"])
def test_day_kinds_reject_partial_days(my, kind):
    with pytest.raises(ValueError, match="whole number of days"):
        add_duration(kl(2025, 3, 7, 10), timedelta(days=1, hours=1), kind, my)


def test_negative_duration_is_rejected(my):
    with pytest.raises(ValueError, match="negative"):
        add_duration(kl(2025, 3, 7, 10), timedelta(hours=-1), "hours", my)


# --- the shared holiday tables ----------------------------------------------------------------

def test_calendars_share_one_table_per_market_and_year_and_keep_their_overrides_apart():
    closed = BusinessCalendar.for_market("MY", [CalendarOverride(date(2025, 3, 7), False, "Audit")])
    opened = BusinessCalendar.for_market("MY", [CalendarOverride(date(2025, 3, 31), True)])
    plain = BusinessCalendar.for_market("MY")

    assert holiday_table("MY", 2025) is holiday_table("MY", 2025)
    assert holiday_table("MY", 2025) is not holiday_table("SG", 2025)
    assert holiday_table("MY", 2025).names[date(2025, 3, 31)]  # Hari Raya Puasa
    assert (closed.holiday_name(date(2025, 3, 7)), plain.holiday_name(date(2025, 3, 7))) == (
        "Audit", None)
    assert opened.is_working_day(date(2025, 3, 31))
    assert not closed.is_working_day(date(2025, 3, 31))
    assert not plain.is_working_day(date(2025, 3, 31))
    assert date(2025, 3, 7) not in holiday_table("MY", 2025).names
