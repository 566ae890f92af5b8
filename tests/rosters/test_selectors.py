"""Reads: the attendance report that performance will call, the staffing rule, missing logs, the month
grid, duty states and the pending state when the calendar year is not loaded."""

import datetime as dt

import pytest

from common import clock
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded
from rosters import selectors, services
from rosters.models import Attendance, LeaveKind, Position, WorkLog
from rosters.rules import DayStatus, Rate

from ..factories import make_contract
from .conftest import at, on

d = dt.date


def attend(person, contract, days, hour=8, minute=20):
    Attendance.objects.bulk_create(
        Attendance(
            contract=contract,
            person=person,
            date=day,
            check_in_at=at(day.year, day.month, day.day, hour, minute),
        )
        for day in days
    )


def approved_leave(team, person, start, end, substitute=None, approver=None):
    with on(start.year, start.month, max(1, start.day - 1)):
        leave = services.leave_request(
            person=person,
            kind=LeaveKind.ANNUAL,
            start_on=start,
            end_on=end,
            reason="年休假",
            substitute=substitute,
        )
        return services.leave_decide(leave=leave, approver=approver or team.pm, approve=True)


def test_attendance_report_across_months_with_holidays_make_up_days_and_leave(team):
    """January–February 2023 for the two engineers and the PM.

    January has 18 working days (元旦 Jan 2 and 春节 Jan 23–27 off, Saturday 28 and Sunday 29 worked),
    February 20. The engineer misses Sunday Jan 29 and takes Feb 6–7 off with a substitute; the
    second engineer takes Feb 8 off without one; the PM is away the whole of Feb 14.
    """
    cal = get_calendar(team.contract)
    jan, feb = (
        cal.workdays_between(d(2023, 1, 1), d(2023, 1, 31)),
        cal.workdays_between(d(2023, 2, 1), d(2023, 2, 28)),
    )
    assert (len(jan), len(feb)) == (18, 20)
    attend(
        team.eng,
        team.contract,
        [x for x in jan + feb if x not in {d(2023, 1, 29), d(2023, 2, 6), d(2023, 2, 7)}],
    )
    attend(team.eng2, team.contract, [x for x in jan + feb if x != d(2023, 2, 8)])
    attend(team.pm, team.contract, [x for x in jan + feb if x != d(2023, 2, 14)])
    attend(team.eng, team.contract, [d(2023, 1, 22)])  # a holiday check-in (duty): not scheduled
    approved_leave(team, team.eng, d(2023, 2, 6), d(2023, 2, 7), substitute=team.spare)
    approved_leave(team, team.eng2, d(2023, 2, 8), d(2023, 2, 8))

    report = selectors.attendance_report(team.contract, start=d(2023, 1, 1), end=d(2023, 2, 28))
    assert report.through == d(2023, 2, 28)
    assert report.by_person[team.eng.pk] == Rate(37, 38)
    assert report.by_person[team.eng2.pk] == Rate(37, 38)
    assert report.by_person[team.pm.pk] == Rate(37, 38)
    assert report.by_month[(2023, 1)] == Rate(53, 54)
    assert report.by_month[(2023, 2)] == Rate(58, 60)
    assert report.overall == Rate(111, 114) and str(report.overall.percent) == "97.37"
    assert [(x.date, x.status) for x in report.days_for(person_id=team.eng.pk, attended=False)] == [
        (d(2023, 1, 29), DayStatus.ABSENT)
    ]
    assert {x.status for x in report.days_for(person_id=team.eng.pk, month=(2023, 2))} == {
        DayStatus.PRESENT,
        DayStatus.COVERED,
    }
    assert report.days_for(person_id=team.eng2.pk, status=DayStatus.LEAVE)[0].date == d(2023, 2, 8)
    # key days are marked on the days behind the figure (first working day after 春节 is Saturday 28)
    assert next(x for x in report.days if x.date == d(2023, 1, 28)).key_day
    engineers = selectors.attendance_report(
        team.contract, start=d(2023, 1, 1), end=d(2023, 2, 28), positions=(Position.ENGINEER,)
    )
    assert set(engineers.people) == {team.eng.pk, team.eng2.pk} and engineers.overall == Rate(74, 76)


def test_the_report_counts_up_to_yesterday_only(team):
    attend(team.eng, team.contract, [d(2023, 3, 6), d(2023, 3, 7)])
    with on(2023, 3, 7, 10, 0):
        report = selectors.attendance_report(team.contract, start=d(2023, 3, 6), end=d(2023, 3, 31))
    assert report.through == d(2023, 3, 6)
    assert {x.date for x in report.days} == {d(2023, 3, 6)}
    with on(2023, 3, 6, 10, 0):
        empty = selectors.attendance_report(team.contract, start=d(2023, 3, 6))
    assert empty.days == [] and empty.overall.ratio is None  # nothing scheduled yet: "no cases"


def test_a_period_in_an_unloaded_year_is_pending_never_a_guess(world):
    contract = make_contract(start_on=d(2027, 1, 1), end_on=d(2027, 12, 31), signed_on=d(2026, 12, 1))
    with on(2026, 12, 1):
        services.roster_add(
            contract=contract,
            person=world.users["engineer"],
            position=Position.ENGINEER,
            phone="1",
            start_on=d(2027, 1, 1),
            end_on=d(2027, 12, 31),
            actor=world.users["pm"],
        )
    with on(2027, 3, 1), pytest.raises(CalendarNotLoaded) as exc:
        selectors.attendance_report(contract)
    assert exc.value.year == 2027
    with on(2027, 3, 1), pytest.raises(CalendarNotLoaded):
        selectors.month_grid(contract, 2027, 2)
    with on(2027, 3, 1):
        staffing = selectors.staffing_report(contract)
        rows, pending = selectors.duty_overview(contract)
    assert staffing.status == "pending" and staffing.pending_years == [2027] and staffing.days == []
    assert rows == [] and pending == [2027, 2028]


def test_staffing_report_lists_breaches_and_pm_months(team):
    cal = get_calendar(team.contract)
    march = cal.workdays_between(d(2023, 3, 1), d(2023, 3, 10))
    attend(team.eng, team.contract, march)
    attend(team.eng2, team.contract, [x for x in march if x != d(2023, 3, 7)])
    approved_leave(team, team.eng2, d(2023, 3, 9), d(2023, 3, 9), substitute=team.spare)
    with on(2023, 3, 11):
        report = selectors.staffing_report(team.contract, start=d(2023, 3, 1), end=d(2023, 3, 31))
    assert [x.date for x in report.actual_breaches] == [d(2023, 3, 7)]
    assert report.planned_breaches == []  # both engineers stay on the roster
    assert report.status == "breached"
    assert (report.pm.served, report.pm.planned, report.pm.status) == (2, 4, "on_track")
    with on(2023, 5, 1):
        assert (
            selectors.staffing_report(team.contract, start=d(2023, 3, 1), end=d(2023, 3, 6)).pm.status
            == "met"
        )


def test_a_short_roster_is_a_planned_breach(team):
    services_entry = team.entries["eng2"]
    type(services_entry).objects.filter(pk=services_entry.pk).update(end_on=d(2023, 6, 30))
    with on(2023, 6, 1):
        report = selectors.staffing_report(team.contract)
    assert report.planned_breaches[0].date == d(2023, 7, 3)
    assert all(x.date > d(2023, 6, 30) for x in report.planned_breaches)


def test_a_missing_log_shows_from_the_next_working_day(team):
    attend(team.eng, team.contract, [d(2023, 3, 10)])  # Friday
    WorkLog.objects.create(
        contract=team.contract, person=team.eng2, date=d(2023, 3, 10), hours=8, content="x"
    )
    approved_leave(team, team.pm, d(2023, 3, 10), d(2023, 3, 10), approver=team.admin)
    with on(2023, 3, 10, 17, 0):
        assert selectors.missing_logs(team.contract, start=d(2023, 3, 10), end=d(2023, 3, 10)) == []
    with on(2023, 3, 13, 9, 0):
        missing = selectors.missing_logs(team.contract, start=d(2023, 3, 10), end=d(2023, 3, 12))
    # the engineer worked without a log; the second engineer wrote one; the PM was on leave
    assert [(m.person, m.date) for m in missing] == [(team.eng, d(2023, 3, 10))]


def test_month_grid_marks_holidays_make_up_days_key_days_and_each_persons_day(team):
    cal = get_calendar(team.contract)
    attend(
        team.eng,
        team.contract,
        [x for x in cal.workdays_between(d(2023, 1, 1), d(2023, 1, 31)) if x != d(2023, 1, 3)],
    )
    attend(team.eng, team.contract, [d(2023, 1, 22)])  # on duty during the holiday
    services.key_day_mark(contract=team.contract, date=d(2023, 1, 16), reason="年度初始化", actor=team.admin)
    with on(2023, 2, 1):
        grid = selectors.month_grid(team.contract, 2023, 1)
    kinds = {x.date: x.kind for x in grid.days}
    assert kinds[d(2023, 1, 28)] == "makeup" and kinds[d(2023, 1, 23)] == "holiday"
    assert set(grid.key_days) == {d(2023, 1, 3), d(2023, 1, 16), d(2023, 1, 28)}
    row = next(r for r in grid.rows if r.person == team.eng)
    states = {c.date: c.state for c in row.cells}
    assert states[d(2023, 1, 3)] == "absent"
    assert states[d(2023, 1, 22)] == "duty"
    assert states[d(2023, 1, 29)] == "present" and states[d(2023, 1, 21)] == "rest"
    assert row.rate == Rate(17, 18)
    assert grid.staffing[d(2023, 1, 3)].counted == 0 and not grid.staffing[d(2023, 1, 3)].ok


def test_duty_overview_states(team):
    with on(2023, 4, 10):
        rows, pending = selectors.duty_overview(team.contract)
    states = {r.period.name: r.state for r in rows}
    assert pending == [] and states["春节"] == "overdue" and states["端午节"] == "not_started"
    assert list(states)[-1] == "元旦"  # 2023-12-30 .. 2024-01-01 starts within the 2023 contract


def test_team_today_and_substitutes(team):
    approved_leave(team, team.eng2, d(2023, 3, 9), d(2023, 3, 9), substitute=team.spare)
    with on(2023, 3, 9, 8, 20):
        services.check_in(person=team.eng)
        services.check_in(person=team.spare)
    with on(2023, 3, 9, 10, 0):
        today = selectors.team_today(team.contract)
    states = {r.entry.person: r.state for r in today.rows}
    assert states == {team.eng: "in", team.eng2: "covered", team.pm: "missing"}
    assert today.engineers_on_site == 2 and not today.short
    assert [a.person for a in today.substitutes] == [team.spare]


def test_attendance_report_query_count_does_not_grow_with_days(team, django_assert_max_num_queries):
    cal = get_calendar(team.contract)
    attend(team.eng, team.contract, cal.workdays_between(d(2023, 1, 1), d(2023, 12, 31)))
    with clock.frozen_at(at(2024, 1, 5)), django_assert_max_num_queries(6):
        report = selectors.attendance_report(team.contract, calendar=cal)
    assert report.by_person[team.eng.pk].attended == report.by_person[team.eng.pk].scheduled
