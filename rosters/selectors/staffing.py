"""The staffing rule per working day and the project manager's months on site."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import User
from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import WorkCalendar

from .. import rules
from ..models import (
    Attendance,
    Position,
    RosterEntry,
)
from ._base import ONE_DAY, default_through
from .keydays import key_dates
from .roster import _approved_leaves, _leave_days, _spans


@dataclass
class StaffingReport:
    contract: Contract
    start: dt.date
    end: dt.date
    through: dt.date
    days: list[rules.StaffingDay]
    pm: rules.PmMonths
    pending_years: list[int]
    people: dict[int, User]
    on_leave: set[tuple[int, dt.date]] = field(default_factory=set)  # approved leave without substitute

    def absentees(self, day: rules.StaffingDay) -> list[tuple[User, str]]:
        """Who of the rostered engineers was missing on a past day, and why."""
        on_site = day.on_site
        if on_site is None:  # not past (``day.past``)
            return []
        return [
            (self.people[pid], "请假（无替岗）" if (pid, day.date) in self.on_leave else "未签到")
            for pid in day.rostered
            if pid not in on_site
        ]

    @property
    def breach_rows(self) -> list[tuple[rules.StaffingDay, list[tuple[User, str]]]]:
        return [(d, self.absentees(d)) for d in self.breaches]

    @property
    def actual_breaches(self) -> list[rules.StaffingDay]:
        return [d for d in self.days if d.past and not d.actual_ok]

    @property
    def planned_breaches(self) -> list[rules.StaffingDay]:
        return [d for d in self.days if not d.past and not d.planned_ok]

    @property
    def breaches(self) -> list[rules.StaffingDay]:
        return [d for d in self.days if not d.ok]

    @property
    def status(self) -> str:
        """ok | breached | pending"""
        if self.breaches:
            return "breached"
        return "pending" if self.pending_years else "ok"


def staffing_report(
    contract: Contract,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> StaffingReport:
    """Every working day of [start, end] against the staffing rule, and the PM's months on site.

    Past days (to yesterday) count engineers who attended; later days count engineers on the roster.
    Days of a year whose calendar is not loaded are left out and that year is listed as pending."""
    start = max(start or contract.start_on, contract.start_on)
    end = min(end or contract.end_on, contract.end_on)
    through = default_through(end)
    calendar = calendar or get_calendar(contract)
    pending = [y for y in range(start.year, end.year + 1) if not calendar.knows_year(y)]
    workdays = _known_workdays(calendar, start, end)
    entries = list(
        RosterEntry.objects.filter(contract=contract, start_on__lte=end, end_on__gte=start).select_related(
            "person"
        )
    )
    engineers = _spans(e for e in entries if e.position == Position.ENGINEER)
    pm_spans = [rules.Span(e.start_on, e.end_on) for e in entries if e.position == Position.PM]
    attended, on_leave = _engineers_present(engineers, start, through)
    known_end = max((d for d in workdays), default=start)
    keys = key_dates(contract, calendar, start, known_end) if workdays else set()
    days = rules.staffing_days(
        workdays=workdays,
        required=contract.min_engineers_on_site,
        engineers=engineers,
        attended=attended,
        through=through,
        pm_spans=pm_spans,
        key_days=keys,
    )
    pm = rules.pm_months(
        [rules.Span(e.start_on, e.end_on) for e in entries if e.position == Position.PM],
        contract_start=contract.start_on,
        contract_end=contract.end_on,
        through=min(contract.end_on, clock.today() - ONE_DAY),
        required=contract.pm_min_on_site_months,
    )
    return StaffingReport(
        contract, start, end, through, days, pm, pending, {e.person_id: e.person for e in entries}, on_leave
    )


def _known_workdays(calendar: WorkCalendar, start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days of [start, end] in the years the calendar knows."""
    return [
        d
        for year in range(start.year, end.year + 1)
        if calendar.knows_year(year)
        for d in calendar.workdays_between(max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31)))
    ]


def _engineers_present(
    engineers: dict[int, list[rules.Span]], start: dt.date, through: dt.date
) -> tuple[dict[int, set[dt.date]], set[tuple[int, dt.date]]]:
    """The past days each engineer counts as on site (attended, or on leave with a substitute), and the
    (engineer, day) pairs of approved leave without a substitute."""
    attended: dict[int, set[dt.date]] = defaultdict(set)
    on_leave: set[tuple[int, dt.date]] = set()
    if through >= start and engineers:
        for pid, day in Attendance.objects.filter(
            person_id__in=list(engineers), date__range=(start, through)
        ).values_list("person_id", "date"):
            attended[pid].add(day)
        covered_days, uncovered, _ = _leave_days(_approved_leaves(engineers, start, through), start, through)
        for pid, days in covered_days.items():
            attended[pid] |= days
        on_leave = {(pid, day) for pid, days in uncovered.items() for day in days}
    return attended, on_leave
