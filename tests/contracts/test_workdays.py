"""The working-day calendar against real State Council notices (RULES §3)."""

import datetime as dt

import chinese_calendar
import pytest

from contracts.workdays import (
    SHANGHAI,
    CalendarNotLoaded,
    Override,
    WorkCalendar,
    WorkingHours,
    add_months_clamped,
)

D = dt.date


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def cal():
    return WorkCalendar()


@pytest.mark.parametrize(
    ("day", "workday", "kind"),
    [
        (D(2023, 1, 20), True, "workday"),  # Friday before Spring Festival
        (D(2023, 1, 21), False, "holiday"),  # 除夕 (Saturday, in the holiday run)
        (D(2023, 1, 23), False, "holiday"),  # Monday, holiday
        (D(2023, 1, 27), False, "holiday"),  # Friday, last day off
        (D(2023, 1, 28), True, "makeup"),  # Saturday make-up working day
        (D(2023, 1, 29), True, "makeup"),  # Sunday make-up working day
        (D(2023, 2, 4), False, "weekend"),
        (D(2023, 12, 30), False, "holiday"),  # New Year 2024 starts on a Saturday of 2023
        (D(2024, 1, 1), False, "holiday"),
        (D(2024, 1, 2), True, "workday"),
        (D(2026, 9, 20), True, "makeup"),  # Sunday before National Day 2026
        (D(2026, 10, 1), False, "holiday"),
        (D(2026, 10, 7), False, "holiday"),
        (D(2026, 10, 8), True, "workday"),
        (D(2026, 10, 10), True, "makeup"),  # Saturday after National Day 2026
    ],
)
def test_days_follow_the_notices(cal, day, workday, kind):
    info = cal.day(day)
    assert info.is_workday is workday
    assert info.kind == kind


def test_holiday_names_are_chinese(cal):
    assert cal.day(D(2023, 1, 23)).name == "春节"
    assert cal.day(D(2023, 1, 28)).name == "春节"
    assert cal.day(D(2026, 10, 1)).name == "国庆节"


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2023, 1, 20), 1, D(2023, 1, 28)),  # Friday before Spring Festival → the make-up Saturday
        (D(2023, 1, 20), 2, D(2023, 1, 29)),
        (D(2023, 1, 20), 3, D(2023, 1, 30)),
        (D(2023, 1, 23), 1, D(2023, 1, 28)),  # from a holiday: strictly after it
        (D(2023, 12, 29), 1, D(2024, 1, 2)),  # across New Year 2024
        (D(2023, 12, 31), 10, D(2024, 1, 15)),  # the trap of find_workday (NOTES.md)
        (D(2023, 12, 31), 15, D(2024, 1, 22)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # across National Day 2026
        (D(2026, 10, 8), 1, D(2026, 10, 9)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # the make-up Saturday counts
        (D(2023, 1, 10), 15, D(2023, 2, 3)),  # the 2023 advance payment deadline
    ],
)
def test_nth_working_day_after(cal, start, n, expected):
    assert cal.workday_after(start, n) == expected


def test_find_workday_counts_differently_from_a_holiday():
    # Why the project does not use chinese_calendar.find_workday for "N working days after".
    assert chinese_calendar.find_workday(10, D(2023, 12, 31)) == D(2024, 1, 16)
    assert WorkCalendar().workday_after(D(2023, 12, 31), 10) == D(2024, 1, 15)


def test_workday_after_needs_a_positive_count(cal):
    with pytest.raises(ValueError):
        cal.workday_after(D(2023, 1, 3), 0)


def test_signoff_due_is_the_next_working_day(cal):
    assert cal.signoff_due(D(2023, 1, 20)) == D(2023, 1, 28)  # same day or next working day
    assert cal.signoff_due(D(2023, 3, 3)) == D(2023, 3, 6)  # Friday → Monday


def test_unknown_year_is_not_guessed(cal):
    with pytest.raises(CalendarNotLoaded) as exc:
        cal.is_workday(D(2027, 3, 1))
    assert exc.value.year == 2027
    assert "2027" in str(exc.value)
    # a deadline that runs into 2027 is not computed either
    with pytest.raises(CalendarNotLoaded):
        cal.workday_after(D(2026, 12, 31), 10)


def test_overrides_win_and_loaded_years_become_known():
    overrides = {
        D(2027, 1, 1): Override(False, "元旦"),
        D(2027, 2, 6): Override(True, "春节"),  # a Saturday made a working day
        D(2023, 1, 30): Override(False, "本地停电"),  # overrides the package too
    }
    cal = WorkCalendar(overrides=overrides, loaded_years={2027})
    assert cal.knows_year(2027)
    assert cal.day(D(2027, 1, 1)).kind == "holiday"
    assert cal.day(D(2027, 2, 6)).kind == "makeup"
    assert cal.is_workday(D(2027, 1, 4))  # an ordinary Monday
    assert not cal.is_workday(D(2027, 1, 9))  # an ordinary Saturday
    assert not cal.is_workday(D(2023, 1, 30))
    assert cal.day(D(2023, 1, 30)).overridden


def test_working_minutes_skip_nights_weekends_and_holidays(cal):
    # Friday 16:30 → the make-up Saturday 09:30 across the whole Spring Festival: 60 + 60 minutes.
    assert cal.working_minutes(at(2023, 1, 20, 16, 30), at(2023, 1, 28, 9, 30)) == 120
    # lunch break does not count
    assert cal.working_minutes(at(2023, 3, 1, 11, 0), at(2023, 3, 1, 14, 0)) == 60 + 30
    # a full working day is 450 minutes
    assert cal.working_minutes(at(2023, 3, 1, 0, 0), at(2023, 3, 2, 0, 0)) == 450
    assert cal.working_minutes(at(2023, 3, 2), at(2023, 3, 1)) == 0


def test_add_working_minutes_across_a_holiday(cal):
    # An urgent request filed on the Friday before Spring Festival at 16:00: 4 working hours.
    assert cal.add_working_minutes(at(2023, 1, 20, 16, 0), 240) == at(2023, 1, 28, 11, 0)
    # Filed at night: the clock starts next working morning.
    assert cal.add_working_minutes(at(2023, 3, 1, 20, 0), 30) == at(2023, 3, 2, 9, 0)
    # Exactly to the end of the morning.
    assert cal.add_working_minutes(at(2023, 3, 1, 8, 30), 210) == at(2023, 3, 1, 12, 0)
    # One working minute more jumps the lunch break.
    assert cal.add_working_minutes(at(2023, 3, 1, 8, 30), 211) == at(2023, 3, 1, 13, 31)


def test_add_and_measure_are_inverse(cal):
    start = at(2023, 9, 27, 15, 7)  # before Mid-autumn + National Day 2023
    for minutes in (1, 59, 450, 451, 2000):
        end = cal.add_working_minutes(start, minutes)
        assert cal.working_minutes(start, end) == minutes


def test_working_hours_of_a_contract():
    hours = WorkingHours(periods=((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(17, 0))))
    assert hours.minutes_per_day == 420
    cal = WorkCalendar(hours=hours)
    assert cal.add_working_minutes(at(2023, 3, 1, 8, 0), 60) == at(2023, 3, 1, 10, 0)
    with pytest.raises(ValueError):
        WorkingHours(periods=((dt.time(13, 0), dt.time(12, 0)),))


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError):
        cal.working_minutes(dt.datetime(2023, 3, 1, 9), at(2023, 3, 1, 10))


def test_holiday_periods_of_2023(cal):
    periods = {p.name: (p.start, p.end) for p in cal.holiday_periods(2023)}
    assert periods["元旦"] == (D(2022, 12, 31), D(2023, 1, 2))
    assert periods["春节"] == (D(2023, 1, 21), D(2023, 1, 27))
    assert periods["中秋节、国庆节"] == (D(2023, 9, 29), D(2023, 10, 6))
    assert len(periods) == 6
    # New Year 2024 begins on 2023-12-30 but belongs to 2024
    assert cal.holiday_periods(2024)[0].start == D(2023, 12, 30)


def test_holiday_periods_of_an_unknown_year(cal):
    with pytest.raises(CalendarNotLoaded):
        cal.holiday_periods(2027)


def test_month_grid_marks_make_up_days(cal):
    weeks = cal.month_weeks(2023, 1)
    days = {d.date: d for week in weeks for d in week if d}
    assert len(days) == 31
    assert days[D(2023, 1, 28)].kind == "makeup"
    assert weeks[0][0] is None  # 2023-01-01 is a Sunday: the first row starts in December


def test_year_summary(cal):
    summary = cal.year_summary(2023)
    assert summary["working_days"] == 249  # 2023 had 249 working days
    # Jan 28, 29; Apr 23; May 6; Jun 25; Oct 7, 8
    assert summary["makeup"] == 7


def test_first_workday_of_month_when_the_first_is_a_holiday(cal):
    assert cal.first_workday_of_month(2023, 10) == D(2023, 10, 7)  # make-up Saturday after National Day
    assert cal.first_workday_of_month(2024, 1) == D(2024, 1, 2)


def test_last_workday_of_week(cal):
    assert cal.last_workday_of_week(D(2023, 1, 25)) == D(2023, 1, 29)  # Spring Festival week: make-up Sunday
    assert cal.last_workday_of_week(D(2023, 1, 16)) == D(2023, 1, 20)
    assert cal.last_workday_of_week(D(2023, 9, 25)) == D(2023, 9, 28)  # holiday starts Friday


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 3, 15), 1, D(2023, 4, 15)),
        (D(2023, 12, 31), 1, D(2024, 1, 31)),
        (D(2023, 8, 31), 1, D(2023, 9, 30)),
        (D(2023, 11, 30), 2, D(2024, 1, 30)),
    ],
)
def test_add_months_clamped(day, months, expected):
    assert add_months_clamped(day, months) == expected


def test_a_week_without_working_days(cal):
    assert cal.last_workday_of_week(D(2026, 2, 18)) is None  # Spring Festival 2026: Feb 16–22 all off
