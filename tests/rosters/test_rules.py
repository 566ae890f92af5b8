"""The pure rules of RULES §5: attendance rate, staffing rule, PM months, notice period, duty deadlines."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.workdays import SHANGHAI, WorkCalendar
from rosters import rules
from rosters.rules import DayStatus, Rate, Span

CAL = WorkCalendar()
d = dt.date


def workdays(start, end):
    return CAL.workdays_between(start, end)


# --- rate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attended", "scheduled", "ratio", "percent"),
    [
        (17, 18, Decimal("0.9444"), Decimal("94.44")),
        (2, 3, Decimal("0.6667"), Decimal("66.67")),
        (1, 8, Decimal("0.1250"), Decimal("12.50")),
        (18, 18, Decimal("1.0000"), Decimal("100.00")),
        (0, 0, None, None),
    ],
)
def test_rate_is_exact_decimal_rounded_half_up(attended, scheduled, ratio, percent):
    rate = Rate(attended, scheduled)
    assert rate.ratio == ratio
    assert rate.percent == percent
    assert rate.missed == scheduled - attended


def test_rates_add_up():
    assert Rate(3, 4) + Rate(5, 6) == Rate(8, 10)


# --- scheduled days follow the calendar -------------------------------------------------------------


def test_january_2023_counts_make_up_saturday_and_sunday_and_skips_the_spring_festival():
    """18 working days: 元旦 (Jan 2) and 春节 (Jan 23–27) off, Saturday 28 and Sunday 29 worked."""
    days_worked = set(workdays(d(2023, 1, 1), d(2023, 1, 31))) - {d(2023, 1, 28)}
    days = rules.person_days(
        person_id=1,
        roster=[Span(d(2023, 1, 1), d(2023, 12, 31))],
        workdays=workdays(d(2023, 1, 1), d(2023, 1, 31)),
        checkins=days_worked | {d(2023, 1, 22)},  # a check-in on a holiday is not a scheduled day
    )
    scheduled = {x.date for x in days}
    assert len(days) == 18
    assert {d(2023, 1, 28), d(2023, 1, 29)} <= scheduled
    assert not scheduled & {d(2023, 1, 2), d(2023, 1, 22), d(2023, 1, 23), d(2023, 1, 27)}
    assert rules.rate(days) == Rate(17, 18)
    assert [x.date for x in days if x.status == DayStatus.ABSENT] == [d(2023, 1, 28)]


def test_rates_across_months_with_holidays_leave_and_a_mid_month_start():
    """Person 1 all of Jan–Feb 2023; person 2 joins on Feb 13. Covered leave counts, uncovered does not."""
    span = workdays(d(2023, 1, 1), d(2023, 2, 28))
    p1 = rules.person_days(
        person_id=1,
        roster=[Span(d(2023, 1, 1), d(2023, 12, 31))],
        workdays=span,
        checkins=set(span) - {d(2023, 1, 3), d(2023, 2, 6), d(2023, 2, 7)},
        covered_leave={d(2023, 2, 6)},  # leave with a substitute: attended
        uncovered_leave={d(2023, 2, 7)},  # leave without: scheduled, not attended
    )
    p2 = rules.person_days(
        person_id=2,
        roster=[Span(d(2023, 2, 13), d(2023, 12, 31))],
        workdays=span,
        checkins=set(span),
    )
    days = p1 + p2
    by_month = rules.rates_by(days, lambda x: x.month)
    assert by_month[(2023, 1)] == Rate(17, 18)  # Jan 3 absent
    assert by_month[(2023, 2)] == Rate(20 - 1 + 12, 20 + 12)  # Feb: p1 misses Feb 7; p2 from Feb 13 (12 days)
    by_person = rules.rates_by(days, lambda x: x.person_id)
    assert by_person[1] == Rate(36, 38)
    assert by_person[2] == Rate(12, 12)
    assert rules.rate(days) == Rate(48, 50)
    statuses = {x.date: x.status for x in p1}
    assert statuses[d(2023, 2, 6)] == DayStatus.COVERED
    assert statuses[d(2023, 2, 7)] == DayStatus.LEAVE
    assert statuses[d(2023, 1, 3)] == DayStatus.ABSENT


def test_checked_in_on_a_leave_day_counts_as_present():
    days = rules.person_days(
        person_id=1,
        roster=[Span(d(2023, 3, 1), d(2023, 3, 31))],
        workdays=[d(2023, 3, 6)],
        checkins={d(2023, 3, 6)},
        uncovered_leave={d(2023, 3, 6)},
    )
    assert days[0].status == DayStatus.PRESENT


def test_overlapping_roster_periods_are_counted_once():
    days = rules.person_days(
        person_id=1,
        roster=[Span(d(2023, 3, 1), d(2023, 3, 10)), Span(d(2023, 3, 8), d(2023, 3, 17))],
        workdays=workdays(d(2023, 3, 1), d(2023, 3, 31)),
    )
    assert len(days) == len(workdays(d(2023, 3, 1), d(2023, 3, 17)))


def test_merge_spans():
    merged = rules.merge_spans([Span(d(2023, 3, 1), d(2023, 3, 5)), Span(d(2023, 3, 6), d(2023, 3, 9))])
    assert merged == [Span(d(2023, 3, 1), d(2023, 3, 9))]
    apart = rules.merge_spans([Span(d(2023, 5, 1), d(2023, 5, 2)), Span(d(2023, 3, 1), d(2023, 3, 2))])
    assert apart == [Span(d(2023, 3, 1), d(2023, 3, 2)), Span(d(2023, 5, 1), d(2023, 5, 2))]


# --- staffing rule -----------------------------------------------------------------------------------


def test_staffing_days_list_the_days_that_broke_the_rule():
    span = Span(d(2023, 3, 1), d(2023, 3, 31))
    days = rules.staffing_days(
        workdays=workdays(d(2023, 3, 13), d(2023, 3, 17)),
        required=2,
        engineers={1: [span], 2: [span], 3: [Span(d(2023, 3, 16), d(2023, 3, 31))]},
        attended={1: workdays(d(2023, 3, 13), d(2023, 3, 17)), 2: [d(2023, 3, 13)]},
        through=d(2023, 3, 15),
    )
    by_day = {x.date: x for x in days}
    assert by_day[d(2023, 3, 13)].ok and by_day[d(2023, 3, 13)].on_site == (1, 2)
    assert not by_day[d(2023, 3, 14)].ok  # only engineer 1 came
    assert by_day[d(2023, 3, 14)].shortfall == 1
    assert by_day[d(2023, 3, 15)].past and not by_day[d(2023, 3, 15)].actual_ok
    # after ``through`` only the roster counts: 3 rostered from the 16th
    assert by_day[d(2023, 3, 16)].on_site is None and by_day[d(2023, 3, 16)].ok
    assert by_day[d(2023, 3, 16)].rostered == (1, 2, 3)
    assert [x.date for x in days if not x.ok] == [d(2023, 3, 14), d(2023, 3, 15)]


def test_a_roster_with_one_engineer_breaks_the_rule_even_in_the_future():
    days = rules.staffing_days(
        workdays=[d(2023, 12, 4)],
        required=2,
        engineers={1: [Span(d(2023, 1, 1), d(2023, 12, 31))]},
        attended={},
        through=d(2023, 11, 30),
    )
    assert not days[0].planned_ok and not days[0].ok and days[0].shortfall == 1


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (d(2023, 1, 1), d(2023, 3, 31), 3),
        (d(2023, 1, 1), d(2023, 3, 30), 2),
        (d(2023, 1, 31), d(2023, 2, 27), 1),  # one month after Jan 31 is Feb 28 (clamped)
        (d(2023, 1, 31), d(2023, 2, 26), 0),
        (d(2023, 3, 15), d(2023, 6, 14), 3),
        (d(2023, 3, 15), d(2023, 3, 15), 0),
    ],
)
def test_whole_months(start, end, months):
    assert rules.whole_months(start, end) == months


@pytest.mark.parametrize(
    ("spans", "through", "status", "served", "planned"),
    [
        ([Span(d(2023, 1, 1), d(2023, 4, 30))], d(2023, 12, 31), "met", 4, 4),
        ([Span(d(2023, 1, 1), d(2023, 4, 30))], d(2023, 2, 15), "on_track", 1, 4),
        ([Span(d(2023, 1, 1), d(2023, 2, 28))], d(2023, 2, 15), "at_risk", 1, 2),
        ([Span(d(2023, 1, 1), d(2023, 2, 28))], d(2023, 12, 31), "breached", 2, 2),
        # two periods of a month and a half each: whole months 1 + 1, the remainders do not add up
        (
            [Span(d(2023, 1, 1), d(2023, 2, 14)), Span(d(2023, 6, 1), d(2023, 7, 14))],
            d(2023, 12, 31),
            "breached",
            2,
            2,
        ),
        ([], d(2023, 12, 31), "breached", 0, 0),
    ],
)
def test_pm_months(spans, through, status, served, planned):
    pm = rules.pm_months(
        spans, contract_start=d(2023, 1, 1), contract_end=d(2023, 12, 31), through=through, required=3
    )
    assert (pm.status, pm.served, pm.planned) == (status, served, planned)


# --- staff change notice -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applied", "months", "earliest"),
    [
        (d(2023, 1, 31), 1, d(2023, 2, 28)),
        (d(2024, 1, 31), 1, d(2024, 2, 29)),
        (d(2023, 1, 30), 1, d(2023, 2, 28)),
        (d(2023, 3, 31), 1, d(2023, 4, 30)),
        (d(2023, 5, 15), 1, d(2023, 6, 15)),
        (d(2023, 12, 31), 1, d(2024, 1, 31)),
        (d(2023, 8, 31), 2, d(2023, 10, 31)),
        (d(2023, 12, 31), 2, d(2024, 2, 29)),
    ],
)
def test_notice_period_clamps_to_month_end(applied, months, earliest):
    assert rules.earliest_effective_date(applied, months) == earliest


# --- holiday duty and key days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "lead", "due"),
    [
        (d(2023, 1, 21), 0, dt.datetime(2023, 1, 21, 0, 0, tzinfo=SHANGHAI)),
        (d(2023, 1, 21), 1, dt.datetime(2023, 1, 21, 0, 0, tzinfo=SHANGHAI)),  # by the end of Fri Jan 20
        (d(2023, 1, 21), 2, dt.datetime(2023, 1, 20, 0, 0, tzinfo=SHANGHAI)),  # by the end of Thu Jan 19
        (d(2023, 4, 29), 5, dt.datetime(2023, 4, 25, 0, 0, tzinfo=SHANGHAI)),  # Apr 24
        (d(2023, 4, 29), 6, dt.datetime(2023, 4, 24, 0, 0, tzinfo=SHANGHAI)),  # Sunday Apr 23 is worked
    ],
)
def test_duty_list_deadline(start, lead, due):
    assert rules.duty_due_at(CAL, start, lead) == due


def test_duty_state_late_and_overdue():
    due = dt.datetime(2023, 4, 5, 0, 0, tzinfo=SHANGHAI)
    assert rules.DutyState(due, due - dt.timedelta(minutes=1)).late is False
    assert rules.DutyState(due, due + dt.timedelta(hours=9)).late is True
    assert rules.DutyState(due, None).overdue(due + dt.timedelta(seconds=1)) is True
    assert rules.DutyState(due, None).overdue(due - dt.timedelta(seconds=1)) is False


def test_first_working_day_after_each_holiday_is_a_key_day():
    found = {r.date: r.reason for r in rules.holiday_key_days(CAL, CAL.holiday_periods(2023))}
    assert found[d(2023, 1, 28)] == "春节后第一个工作日"  # a make-up Saturday
    assert found[d(2023, 4, 6)] == "清明节后第一个工作日"
    assert found[d(2023, 10, 7)] == "中秋节、国庆节后第一个工作日"  # make-up Saturday Oct 7
    assert d(2023, 1, 3) in found


@pytest.mark.parametrize(
    ("finished", "key_day"),
    [
        (dt.datetime(2023, 3, 16, 2, 0, tzinfo=SHANGHAI), d(2023, 3, 16)),  # overnight, before work starts
        (dt.datetime(2023, 3, 16, 20, 30, tzinfo=SHANGHAI), d(2023, 3, 17)),
        (dt.datetime(2023, 3, 17, 23, 0, tzinfo=SHANGHAI), d(2023, 3, 20)),  # Friday night → Monday
        (dt.datetime(2023, 1, 20, 22, 0, tzinfo=SHANGHAI), d(2023, 1, 28)),  # before 春节 → make-up Saturday
    ],
)
def test_first_working_day_after_an_upgrade(finished, key_day):
    assert rules.first_workday_after(CAL, finished) == key_day


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Span(d(2023, 3, 2), d(2023, 3, 1))
