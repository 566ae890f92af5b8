"""Key days: first working days after holidays (calendar) plus those marked by hand or from upgrades."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext

from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from tickets.models import Ticket, UpgradeStage, UpgradeStep

from .. import rules
from ..models import (
    KeyDay,
)


def key_days(
    contract: Contract, calendar: WorkCalendar, start: dt.date, end: dt.date
) -> dict[dt.date, list[rules.KeyDayReason]]:
    """Key days in [start, end]: the first working day after each holiday (from the calendar) plus the
    days marked by hand or fed from upgrades (``KeyDay`` rows)."""
    found: dict[dt.date, list[rules.KeyDayReason]] = defaultdict(list)
    for year in range(start.year - 1, end.year + 1):
        if not calendar.knows_year(year):
            continue
        for period in calendar.holiday_periods(year):
            try:
                (reason,) = rules.holiday_key_days(calendar, [period])
            except CalendarNotLoaded:
                continue
            if start <= reason.date <= end and reason not in found[reason.date]:
                found[reason.date].append(reason)
    for row in KeyDay.objects.filter(contract=contract, date__range=(start, end)):
        found[row.date].append(rules.KeyDayReason(row.date, row.reason, row.source, ref=row.pk))
    # The first working day after each deployed upgrade (SPEC §5: 软件升级后第一天上班).
    deployed = UpgradeStep.objects.filter(
        ticket__contract=contract,
        stage=UpgradeStage.DEPLOYED,
        window_start__date__range=(start - dt.timedelta(days=10), end),
    ).values_list("window_start", "ticket_id", "ticket__created_at")  # no instances: a year has hundreds
    for window_start, ticket_id, filed_at in deployed:
        if window_start is None:  # excluded by the filter above
            continue
        try:
            day = rules.first_workday_after(calendar, window_start)
        except CalendarNotLoaded:
            continue
        if start <= day <= end:
            number = Ticket.number_of(ticket_id, filed_at)
            reason = rules.KeyDayReason(
                day, gettext("软件升级（%(n)s）后第一个工作日") % {"n": number}, "upgrade"
            )
            if reason not in found[day]:
                found[day].append(reason)
    return dict(found)


def key_day_list(contract: Contract, calendar: WorkCalendar) -> tuple[list[rules.KeyDayReason], list[int]]:
    """Every key day of the contract, with the years whose calendar is missing (pending)."""
    pending = [
        y for y in range(contract.start_on.year, contract.end_on.year + 1) if not calendar.knows_year(y)
    ]
    days = key_days(contract, calendar, contract.start_on, contract.end_on)
    return [r for day in sorted(days) for r in days[day]], pending
