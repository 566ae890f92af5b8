"""Reads of the rosters app.

**Attendance for the score (issue 5, performance)** — one call::

    from rosters.selectors import attendance_report
    report = attendance_report(contract, start=period_start, end=period_end)  # may raise CalendarNotLoaded
    report.overall.ratio        # Decimal in [0, 1] (4 places, half-up) or None when nothing was scheduled
    report.overall.attended, report.overall.scheduled
    report.by_person[user_id]   # Rate per person;  report.by_month[(2023, 6)]  # Rate per month
    report.days                 # list[rules.PersonDay]: every scheduled person-day and how it counted
    report.days_for(person_id=..., month=(y, m), attended=False)   # the drill-down: the days behind it

Counted days are the working days from ``start`` to ``through`` (default: yesterday, or ``end`` when the
period is over) on which the person is on the roster; see ``rosters.rules`` for the definition.
Pass ``positions=RATE_POSITIONS`` (the engineers) for every figure called 出勤率, as the score counts
it; the default counts everyone on the roster, the project manager included while on site.
"""

from __future__ import annotations

from ._base import default_through
from .attendance import RATE_POSITIONS, AttendanceReport, attendance_report
from .duty import DutyOverviewRow, contract_holidays, duty_overview, holiday_of_contract
from .grid import GridCell, GridRow, MonthGrid, month_grid
from .keydays import key_dates, key_day_list, key_days
from .roster import roster_entries, roster_on
from .scoped import (
    change_queryset,
    correction_queryset,
    duty_queryset,
    get_for,
    leave_queryset,
    meeting_for_week,
    meeting_queryset,
    open_changes,
    pending_approvals,
    worklog_queryset,
)
from .staffing import StaffingReport, staffing_report
from .today import TodayRow, TodayTeam, contract_for_today, team_today
from .worklogs import MissingLog, missing_logs

__all__ = [
    "RATE_POSITIONS",
    "AttendanceReport",
    "DutyOverviewRow",
    "GridCell",
    "GridRow",
    "MissingLog",
    "MonthGrid",
    "StaffingReport",
    "TodayRow",
    "TodayTeam",
    "attendance_report",
    "change_queryset",
    "contract_for_today",
    "contract_holidays",
    "correction_queryset",
    "default_through",
    "duty_overview",
    "duty_queryset",
    "get_for",
    "holiday_of_contract",
    "key_dates",
    "key_day_list",
    "key_days",
    "leave_queryset",
    "meeting_for_week",
    "meeting_queryset",
    "missing_logs",
    "month_grid",
    "open_changes",
    "pending_approvals",
    "roster_entries",
    "roster_on",
    "staffing_report",
    "team_today",
    "worklog_queryset",
]
