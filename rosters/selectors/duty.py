"""The statutory holidays of a contract and the state of their duty lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, HolidayPeriod, WorkCalendar

from .. import rules
from ..models import (
    DutyList,
    DutyStatus,
)


@dataclass
class DutyOverviewRow:
    period: HolidayPeriod
    duty: DutyList | None
    due_at: dt.datetime | None
    now: dt.datetime = field(default_factory=clock.now)  # when the overview was read

    @property
    def state(self) -> str:
        """submitted | late | draft | overdue | not_started | pending"""
        now = self.now
        if self.duty and self.duty.status == DutyStatus.SUBMITTED:
            return "late" if self.duty.is_late else "submitted"
        if self.due_at is None:
            return "pending"
        if rules.DutyState(self.due_at, None).overdue(now):
            return "overdue"
        return "draft" if self.duty else "not_started"


def contract_holidays(contract: Contract, calendar: WorkCalendar) -> tuple[list[HolidayPeriod], list[int]]:
    """Statutory holidays that start within the contract (a holiday belongs to the contract in force on
    its first day), and the years whose calendar is missing."""
    years = range(contract.start_on.year, contract.end_on.year + 2)
    pending = [y for y in years if not calendar.knows_year(y)]
    periods = [
        p
        for y in years
        if calendar.knows_year(y)
        for p in calendar.holiday_periods(y)
        if contract.start_on <= p.start <= contract.end_on
    ]
    return sorted(set(periods), key=lambda p: p.start), pending


def duty_overview(
    contract: Contract, calendar: WorkCalendar | None = None
) -> tuple[list[DutyOverviewRow], list[int]]:
    calendar = calendar or get_calendar(contract)
    periods, pending = contract_holidays(contract, calendar)
    lists = {d.start_on: d for d in DutyList.objects.filter(contract=contract).select_related("submitted_by")}
    rows = []
    now = clock.now()
    for period in periods:
        duty = lists.get(period.start)
        if duty and duty.due_at:
            due = duty.due_at
        else:
            try:
                due = rules.duty_due_at(calendar, period.start, contract.duty_list_lead_workdays)
            except CalendarNotLoaded:
                due = None
        rows.append(DutyOverviewRow(period, duty, due, now))
    return rows, pending


def holiday_of_contract(
    contract: Contract, start: dt.date, calendar: WorkCalendar | None = None
) -> HolidayPeriod | None:
    periods, _pending = contract_holidays(contract, calendar or get_calendar(contract))
    return next((p for p in periods if p.start == start), None)
