"""Issue 14: the attendance report kept across requests is never stale. Each kind of input is changed
through the way it is really written, and the next (cached) report must equal a live computation."""

import datetime as dt

import pytest
from django.core.cache import cache

from contracts.calendar import get_calendar
from contracts.models import CalendarOverride
from contracts.workdays import CalendarNotLoaded
from rosters import selectors, services, versions
from rosters.models import AttendanceInputs, LeaveKind, Position
from rosters.selectors import attendance as attendance_module
from tickets.models import UpgradeStage, UpgradeStep

from ..factories import make_contract, make_user
from ..performance.helpers import ticket
from .conftest import at, on

d = dt.date
THROUGH = d(2023, 3, 31)


def live(contract, **kwargs):
    """The report computed from the database, without the cache."""
    kwargs.setdefault("through", THROUGH)
    kwargs.setdefault("positions", selectors.RATE_POSITIONS)
    cal = kwargs.pop("calendar", None) or get_calendar(contract)
    start = max(kwargs.pop("start", None) or contract.start_on, contract.start_on)
    end = min(kwargs.pop("end", None) or contract.end_on, contract.end_on)
    last = min(end, kwargs.pop("through"))
    positions = kwargs.pop("positions")
    return attendance_module._report(contract, start, end, last, cal, positions, kwargs.pop("person", None))


def cached(contract, **kwargs):
    kwargs.setdefault("through", THROUGH)
    kwargs.setdefault("positions", selectors.RATE_POSITIONS)
    return selectors.attendance_report(contract, **kwargs)


def same(a, b) -> bool:
    return (
        a.days == b.days
        and dict(a.positions) == dict(b.positions)
        and list(a.people) == list(b.people)
        and (a.start, a.end, a.through) == (b.start, b.end, b.through)
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _warm(contract, **kwargs):
    first = cached(contract, **kwargs)
    again = cached(contract, **kwargs)
    assert same(first, again) and same(again, live(contract, **kwargs))
    return first


def test_a_hit_reads_one_query_and_equals_the_live_report(team, django_assert_num_queries):
    with on(2023, 3, 1):
        services.check_in(person=team.eng)
    cal = get_calendar(team.contract)
    _warm(team.contract, calendar=cal)
    with django_assert_num_queries(1):  # the token
        report = cached(team.contract, calendar=cal)
    assert same(report, live(team.contract, calendar=cal))
    assert report.overall == live(team.contract, calendar=cal).overall
    assert {pk: p.username for pk, p in report.people.items()} == {
        pk: p.username for pk, p in live(team.contract).people.items()
    }


def test_a_check_in(team):
    old = _warm(team.contract)
    with on(2023, 3, 1):
        services.check_in(person=team.eng)
    new = cached(team.contract)
    assert same(new, live(team.contract)) and not same(new, old)


def test_a_check_out_is_not_an_input(team):
    with on(2023, 3, 1):
        services.check_in(person=team.eng)
    old = _warm(team.contract)
    token = versions.token(team.contract.pk)
    with on(2023, 3, 1, 18):
        services.check_out(person=team.eng)
    assert versions.token(team.contract.pk) == token
    assert same(cached(team.contract), old)


def test_a_check_in_on_another_contract_counts_here_too(team):
    """Check-ins are matched by person and date, whatever their contract."""
    old = _warm(team.contract)
    versions_before = versions.token(team.contract.pk)
    from rosters.models import Attendance

    other = make_contract(number="JTRS-JB-2023-OTHER")
    Attendance.objects.create(
        contract=other, person=team.eng2, date=d(2023, 3, 2), check_in_at=at(2023, 3, 2, 8)
    )
    assert versions.token(team.contract.pk) != versions_before
    new = cached(team.contract)
    assert same(new, live(team.contract)) and not same(new, old)


@pytest.mark.parametrize("substitute", [False, True])
def test_a_leave_approved_and_cancelled(team, substitute):
    old = _warm(team.contract)
    with on(2023, 3, 1):
        leave = services.leave_request(
            person=team.eng,
            kind=LeaveKind.ANNUAL,
            start_on=d(2023, 3, 6),
            end_on=d(2023, 3, 7),
            reason="年休假",
            substitute=team.spare if substitute else None,
        )
    assert same(cached(team.contract), old)  # pending leave does not count
    with on(2023, 3, 2):
        services.leave_decide(leave=leave, approver=team.pm, approve=True)
    new = cached(team.contract)
    assert same(new, live(team.contract)) and not same(new, old)
    statuses = {day.status for day in new.days_for(person_id=team.eng.pk) if day.date == d(2023, 3, 6)}
    assert statuses == {"covered" if substitute else "leave"}


def test_a_leave_cancelled_by_update(team):
    with on(2023, 3, 1):
        leave = services.leave_request(
            person=team.eng, kind=LeaveKind.ANNUAL, start_on=d(2023, 3, 6), end_on=d(2023, 3, 7), reason="x"
        )
    token = versions.token(team.contract.pk)
    with on(2023, 3, 1, 10):
        services.leave_cancel(leave=leave, actor=team.eng)
    assert versions.token(team.contract.pk) != token


def test_a_roster_entry_added(team):
    old = _warm(team.contract)
    newcomer = make_user("engineer", username="engineer_new", full_name="郑新")
    with on(2023, 2, 27):
        services.roster_add(
            contract=team.contract,
            person=newcomer,
            position=Position.ENGINEER,
            phone="138 0000 0009",
            start_on=d(2023, 3, 1),
            end_on=d(2023, 12, 31),
            actor=team.pm,
        )
    new = cached(team.contract)
    assert same(new, live(team.contract)) and not same(new, old)
    assert newcomer.pk in new.people and new.people[newcomer.pk].username == "engineer_new"


def test_a_calendar_override_changed(team):
    """The calendar is part of the key: an override saved (admin) shows in the next request's report."""
    old = _warm(team.contract, calendar=get_calendar(team.contract))
    CalendarOverride.objects.create(date=d(2023, 3, 15), is_workday=False, name="测试")
    cal = get_calendar(team.contract)
    new = cached(team.contract, calendar=cal)
    assert same(new, live(team.contract, calendar=cal)) and not same(new, old)
    assert d(2023, 3, 15) not in {day.date for day in new.days}


def test_a_key_day_marked_and_unmarked(team):
    old = _warm(team.contract)
    with on(2023, 3, 1):
        key_day = services.key_day_mark(
            contract=team.contract, date=d(2023, 3, 8), reason="测试", actor=team.world.users["bureau_admin"]
        )
    new = cached(team.contract)
    assert same(new, live(team.contract)) and not same(new, old)
    assert all(day.key_day for day in new.days if day.date == d(2023, 3, 8))
    with on(2023, 3, 1, 10):
        services.key_day_unmark(key_day=key_day, actor=team.world.users["bureau_admin"])
    again = cached(team.contract)
    assert same(again, live(team.contract)) and same(again, old)


def test_an_upgrade_deployed(team):
    old = _warm(team.contract)
    t = ticket(team.world)
    UpgradeStep.objects.create(  # what tickets.services.upgrade_step_record saves
        ticket=t,
        stage=UpgradeStage.DEPLOYED,
        recorded_by=team.eng,
        recorded_at=at(2023, 3, 10, 23),
        window_start=at(2023, 3, 10, 22),
    )
    new = cached(team.contract)
    assert same(new, live(team.contract)) and not same(new, old)
    assert all(day.key_day for day in new.days if day.date == d(2023, 3, 13))


def test_an_entry_under_an_older_token_is_never_served(team):
    """Two processes: the other one stored a report under the token it read; a write since then gave a
    new token, so that entry is not found by this process."""
    cal = get_calendar(team.contract)
    old = _warm(team.contract, calendar=cal)
    old_token = versions.token(team.contract.pk)
    with on(2023, 3, 1):
        services.check_in(person=team.eng)
    # The other process's cache: the old token's key still holds the old report, and the new token's key
    # a forged one. Only the new token's key is read.
    assert AttendanceInputs.objects.get(contract=team.contract).token != old_token
    new = cached(team.contract, calendar=cal)
    assert same(new, live(team.contract, calendar=cal)) and not same(new, old)
    versions.bump_contracts([team.contract.pk])
    AttendanceInputs.objects.filter(contract=team.contract).update(token=old_token)  # forged rollback
    assert same(cached(team.contract, calendar=cal), old)  # (the key really is the token)


def test_positions_person_and_periods_are_kept_apart(team):
    whole = cached(team.contract, positions=None)
    engineers = cached(team.contract)
    mine = cached(team.contract, person=team.eng, positions=None)
    march = cached(team.contract, start=d(2023, 3, 1), end=d(2023, 3, 31), positions=None)
    assert same(whole, live(team.contract, positions=None))
    assert same(engineers, live(team.contract))
    assert same(mine, live(team.contract, person=team.eng, positions=None))
    assert same(march, live(team.contract, start=d(2023, 3, 1), end=d(2023, 3, 31), positions=None))
    assert team.pm.pk in whole.people and team.pm.pk not in engineers.people


def test_calendar_not_loaded_still_raises(team):
    cal = get_calendar(team.contract)
    unknown = type(cal)(overrides={}, loaded_years=(), hours=cal.hours)
    unknown._builtin = frozenset()
    with pytest.raises(CalendarNotLoaded):
        cached(team.contract, calendar=unknown)
    with pytest.raises(CalendarNotLoaded):  # and again: nothing was cached for it
        cached(team.contract, calendar=unknown)
