"""Pure rules: the upgrade window at its edges, SLA deadlines across a holiday and make-up days."""

import datetime as dt

import pytest

from common import clock
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from tickets import rules

CENTRAL = dt.time(18, 0)
HOSPITAL = dt.time(22, 0)
UNTIL = dt.time(6, 0)


def local(hour, minute=0, second=0, day=dt.date(2023, 6, 14)):
    return dt.datetime.combine(day, dt.time(hour, minute, second), clock.SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "window_from", "inside"),
    [
        (local(17, 59), CENTRAL, False),
        (local(17, 59, 59), CENTRAL, False),
        (local(18, 0), CENTRAL, True),
        (local(23, 30), CENTRAL, True),
        (local(0, 0), CENTRAL, True),
        (local(5, 59), CENTRAL, True),
        (local(5, 59, 59), CENTRAL, True),
        (local(6, 0), CENTRAL, False),
        (local(12, 0), CENTRAL, False),
        (local(21, 59), HOSPITAL, False),
        (local(22, 0), HOSPITAL, True),
        (local(2, 0), HOSPITAL, True),
        (local(5, 59), HOSPITAL, True),
        (local(6, 0), HOSPITAL, False),
        (local(18, 0), HOSPITAL, False),
    ],
)
def test_upgrade_window_edges(moment, window_from, inside):
    assert rules.in_upgrade_window(moment, window_from=window_from, window_until=UNTIL) is inside


def test_window_that_does_not_cross_midnight():
    assert rules.in_upgrade_window(local(7), window_from=dt.time(6), window_until=dt.time(8))
    assert not rules.in_upgrade_window(local(8), window_from=dt.time(6), window_until=dt.time(8))


CAL = WorkCalendar()
NORMAL = {"respond_minutes": 4 * 60, "resolve_minutes": 3 * 450}
URGENT = {"respond_minutes": 30, "resolve_minutes": 4 * 60}


def test_friday_before_spring_festival_is_not_late_during_the_holiday():
    # 2023-01-20 is the Friday before Spring Festival; 01-21..01-27 are off; Sat 01-28 and Sun 01-29
    # are make-up working days.
    due = rules.deadlines(CAL, start=clock.aware(dt.date(2023, 1, 20), 16, 0), **NORMAL)
    assert due.respond_due_at == clock.aware(dt.date(2023, 1, 28), 11, 0)  # make-up Saturday
    assert due.resolve_due_at == clock.aware(dt.date(2023, 1, 30), 16, 0)


def test_urgent_request_runs_into_the_make_up_saturday():
    due = rules.deadlines(CAL, start=clock.aware(dt.date(2023, 1, 20), 17, 0), **URGENT)
    assert due.respond_due_at == clock.aware(dt.date(2023, 1, 20), 17, 30)
    assert due.resolve_due_at == clock.aware(dt.date(2023, 1, 28), 12, 0)


def test_confirmed_outside_working_hours_starts_next_working_period():
    due = rules.deadlines(CAL, start=clock.aware(dt.date(2023, 3, 4), 20, 0), **URGENT)  # a Saturday night
    assert due.respond_due_at == clock.aware(dt.date(2023, 3, 6), 9, 0)


def test_warning_point_is_the_contract_share_of_the_resolution_time():
    due = rules.deadlines(
        CAL,
        start=clock.aware(dt.date(2023, 3, 6), 8, 30),
        respond_minutes=60,
        resolve_minutes=400,
        warning_percent=25,
    )
    assert due.resolve_warn_at == clock.aware(dt.date(2023, 3, 6), 15, 0)  # 300 working minutes


def test_paused_minutes_move_only_the_resolution_deadline():
    start = clock.aware(dt.date(2023, 3, 6), 9, 0)
    plain = rules.deadlines(CAL, start=start, **NORMAL)
    paused = rules.deadlines(CAL, start=start, paused_minutes=450, **NORMAL)
    assert plain.resolve_due_at == clock.aware(dt.date(2023, 3, 9), 9, 0)
    assert paused.resolve_due_at == clock.aware(dt.date(2023, 3, 10), 9, 0)
    assert paused.respond_due_at == plain.respond_due_at


def test_pause_extension_counts_working_minutes_and_not_after_the_deadline():
    since = clock.aware(dt.date(2023, 3, 6), 10, 0)
    until = clock.aware(dt.date(2023, 3, 7), 10, 0)
    due = clock.aware(dt.date(2023, 3, 9), 9, 0)
    assert rules.pause_extension(CAL, paused_since=since, until=until, due_at=due) == 450
    late_since = clock.aware(dt.date(2023, 3, 9), 10, 0)
    assert rules.pause_extension(CAL, paused_since=late_since, until=until.replace(day=10), due_at=due) == 0


def test_deadline_in_an_unknown_year_is_not_guessed():
    with pytest.raises(CalendarNotLoaded) as info:
        rules.deadlines(
            CAL, start=clock.aware(dt.date(2026, 12, 28), 9, 0), respond_minutes=450, resolve_minutes=4500
        )
    assert info.value.year == 2027
