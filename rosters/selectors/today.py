"""Who is on site today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.selectors import contract_covering_today
from contracts.workdays import CalendarNotLoaded, DayInfo, WorkCalendar

from ..models import (
    Attendance,
    LeaveRequest,
    Position,
    RosterEntry,
)
from .roster import _approved_leaves, roster_on


@dataclass
class TodayRow:
    entry: RosterEntry
    attendance: Attendance | None
    leave: LeaveRequest | None

    @property
    def state(self) -> str:
        if self.attendance:
            return "out" if self.attendance.check_out_at else "in"
        if self.leave:
            return "covered" if self.leave.substitute_id else "leave"
        return "missing"


@dataclass
class TodayTeam:
    day: dt.date
    day_info: DayInfo | None
    rows: list[TodayRow]
    substitutes: list[Attendance]
    required: int

    @property
    def engineers_on_site(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.entry.position == Position.ENGINEER and r.state in ("in", "out", "covered")
        )

    @property
    def short(self) -> bool:
        return bool(self.day_info and self.day_info.is_workday) and self.engineers_on_site < self.required


def contract_for_today(contract: Contract | None, request=None) -> Contract | None:
    """``contract`` if it covers today, else the contract that does (from ``request``'s contract list
    when it has one)."""
    if contract is not None and contract.is_current(clock.today()):
        return contract
    return contract_covering_today(request)


def team_today(contract: Contract, calendar: WorkCalendar | None = None) -> TodayTeam:
    today = clock.today()
    calendar = calendar or get_calendar(contract)
    try:
        info = calendar.day(today)
    except CalendarNotLoaded:
        info = None
    entries = roster_on(contract, today)
    ids = [e.person_id for e in entries]
    attendance = {
        a.person_id: a
        for a in Attendance.objects.filter(contract=contract, date=today).select_related("person")
    }
    leaves = {
        leave.person_id: leave for leave in _approved_leaves(ids, today, today).select_related("substitute")
    }
    rows = [TodayRow(e, attendance.get(e.person_id), leaves.get(e.person_id)) for e in entries]
    substitutes = [a for pid, a in attendance.items() if pid not in ids]
    return TodayTeam(today, info, rows, substitutes, contract.min_engineers_on_site)
