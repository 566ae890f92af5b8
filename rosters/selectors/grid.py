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
from .attendance import AttendanceReport, attendance_report
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
    rows = _grid_rows(
        entries, days, records=records, leave_by=leave_by, counted=counted, report=report, today=today
    )
    staffing = {}
    if start <= end:
        staffing = _grid_staffing(
            contract, entries, days, counted, start=start, end=end, through=through, keys=keys
        )
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


def _grid_rows(
    entries: list[RosterEntry],
    days: list[DayInfo],
    *,
    records: dict[tuple[int, dt.date], Attendance],
    leave_by: dict[tuple[int, dt.date], LeaveRequest],
    counted: dict[tuple[int, dt.date], rules.PersonDay],
    report: AttendanceReport | None,
    today: dt.date,
) -> list[GridRow]:
    """One row per person on the roster (the first of their periods gives the position)."""
    spans = _spans(entries)
    rows: list[GridRow] = []
    seen: set[int] = set()
    for entry in entries:
        if entry.person_id in seen:
            continue
        seen.add(entry.person_id)
        cells = []
        for info in days:
            key = (entry.person_id, info.date)
            record = records.get(key)
            leave = leave_by.get(key)
            on_roster = rules.covered(info.date, spans[entry.person_id])
            state = _cell_state(
                info, record, leave, on_roster=on_roster, counted=counted.get(key), today=today
            )
            cells.append(GridCell(info.date, state, record, leave, info))
        rate = report.by_person.get(entry.person_id, rules.Rate()) if report else rules.Rate()
        rows.append(GridRow(entry.person, entry.position, cells, rate))
    return rows


def _cell_state(
    info: DayInfo,
    record: Attendance | None,
    leave: LeaveRequest | None,
    *,
    on_roster: bool,
    counted: rules.PersonDay | None,
    today: dt.date,
) -> str:
    """The state of one person's day (``GridCell.state``); a counted day says it itself."""
    day = info.date
    if not on_roster:
        return "duty" if record else "off"
    if not info.is_workday:
        return "duty" if record else "rest"
    if counted is not None:
        return counted.status.value
    if day == today:
        return (
            "today"
            if record
            else ("covered" if leave and leave.substitute_id else "leave" if leave else "future")
        )
    return "future"


def _grid_staffing(
    contract: Contract,
    entries: list[RosterEntry],
    days: list[DayInfo],
    counted: dict[tuple[int, dt.date], rules.PersonDay],
    *,
    start: dt.date,
    end: dt.date,
    through: dt.date | None,
    keys: dict[dt.date, list[rules.KeyDayReason]],
) -> dict[dt.date, rules.StaffingDay]:
    """The staffing rule on each working day of [start, end] of the month."""
    engineers = _spans(e for e in entries if e.position == Position.ENGINEER)
    attended: dict[int, set[dt.date]] = defaultdict(set)
    for d in counted.values():
        if d.attended:
            attended[d.person_id].add(d.date)
    staffing = {}
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
    return staffing
