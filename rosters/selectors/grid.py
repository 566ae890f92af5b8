"""The bureau's month grid: each person × each day, with holidays, make-up days and key days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from accounts.models import User
from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import DayInfo, WorkCalendar

from .. import rules
from ..models import (
    Attendance,
    LeaveRequest,
    Position,
    RosterEntry,
)
from ._base import ONE_DAY
from .attendance import attendance_report
from .keydays import key_days
from .roster import _approved_leaves, _leave_days, _spans


@dataclass
class GridCell:
    date: dt.date
    state: str  # present | covered | leave | absent | duty | rest | off | future | today
    attendance: Attendance | None = None
    leave: LeaveRequest | None = None
    info: DayInfo | None = None

    @property
    def symbol(self) -> str:
        return {
            "present": "✓",
            "covered": "替",
            "leave": "假",
            "absent": "缺",
            "duty": "值",
            "today": "✓",
        }.get(self.state, "")


@dataclass
class GridRow:
    person: User
    position: str
    cells: list[GridCell]
    rate: rules.Rate


@dataclass
class MonthGrid:
    year: int
    month: int
    days: list[DayInfo]
    key_days: dict[dt.date, list[rules.KeyDayReason]]
    rows: list[GridRow]
    staffing: dict[dt.date, rules.StaffingDay]
    overall: rules.Rate
    through: dt.date | None
    today: dt.date


def month_grid(contract: Contract, year: int, month: int, calendar: WorkCalendar | None = None) -> MonthGrid:
    """The bureau's month grid: each person × each day with holidays, make-up days and key days.
    Raises CalendarNotLoaded when the month's year is not in the calendar."""
    calendar = calendar or get_calendar(contract)
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - ONE_DAY
    days = list(calendar.days(first, last))  # raises CalendarNotLoaded
    today = clock.today()
    start, end = max(first, contract.start_on), min(last, contract.end_on)
    entries = list(
        RosterEntry.objects.filter(contract=contract, start_on__lte=last, end_on__gte=first)
        .select_related("person")
        .order_by("position", "start_on")
    )
    ids = {e.person_id for e in entries}
    records = {
        (a.person_id, a.date): a
        for a in Attendance.objects.filter(person_id__in=ids, date__range=(first, last))
    }
    leaves = list(_approved_leaves(ids, first, last))
    _covered, _uncovered, leave_by = _leave_days(leaves, first, last)
    keys = key_days(contract, calendar, first, last)
    report = attendance_report(contract, start=start, end=end, calendar=calendar) if start <= end else None
    through = report.through if report else None
    counted = {(d.person_id, d.date): d for d in (report.days if report else [])}
    spans = _spans(entries)
    rows: list[GridRow] = []
    seen: set[int] = set()
    for entry in entries:
        if entry.person_id in seen:
            continue
        seen.add(entry.person_id)
        cells = []
        for info in days:
            day = info.date
            record = records.get((entry.person_id, day))
            leave = leave_by.get((entry.person_id, day))
            on_roster = rules.covered(day, spans[entry.person_id])
            if not on_roster:
                state = "duty" if record else "off"
            elif not info.is_workday:
                state = "duty" if record else "rest"
            elif (entry.person_id, day) in counted:
                state = counted[(entry.person_id, day)].status.value
            elif day == today:
                state = (
                    "today"
                    if record
                    else ("covered" if leave and leave.substitute_id else "leave" if leave else "future")
                )
            else:
                state = "future"
            cells.append(GridCell(day, state, record, leave, info))
        rate = report.by_person.get(entry.person_id, rules.Rate()) if report else rules.Rate()
        rows.append(GridRow(entry.person, entry.position, cells, rate))
    staffing = {}
    if start <= end:
        engineers = _spans(e for e in entries if e.position == Position.ENGINEER)
        attended: dict[int, set[dt.date]] = defaultdict(set)
        for d in counted.values():
            if d.attended:
                attended[d.person_id].add(d.date)
        for sd in rules.staffing_days(
            workdays=[i.date for i in days if i.is_workday and start <= i.date <= end],
            required=contract.min_engineers_on_site,
            engineers=engineers,
            attended=attended,
            through=through,
            pm_spans=[rules.Span(e.start_on, e.end_on) for e in entries if e.position == Position.PM],
            key_days=keys,
        ):
            staffing[sd.date] = sd
    return MonthGrid(
        year,
        month,
        days,
        keys,
        rows,
        staffing,
        report.overall if report else rules.Rate(),
        through,
        today,
    )
