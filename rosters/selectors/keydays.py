"""Key days: first working days after holidays (calendar) plus those marked by hand or from upgrades."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext

from common import clock
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from tickets.models import Ticket, UpgradeStage, UpgradeStep

from .. import rules
from ..models import (
    KeyDay,
)


def _holiday_reasons(calendar: WorkCalendar, start: dt.date, end: dt.date):
    """The first working day after each holiday in [start, end] (from the calendar)."""
    for year in range(start.year - 1, end.year + 1):
        if not calendar.knows_year(year):
            continue
        for period in calendar.holiday_periods(year):
            try:
                (reason,) = rules.holiday_key_days(calendar, [period])
            except CalendarNotLoaded:
                continue
            if start <= reason.date <= end:
                yield reason


def _deployments(contract: Contract, start: dt.date, end: dt.date):
    """Deployed upgrades that may make a key day in [start, end] (RULES §5: 软件升级后第一天上班), as
    values — a busy year has hundreds. Their window starts from 10 days before ``start`` (Shanghai
    days, as a range of moments: no conversion per row, no ordering)."""
    return UpgradeStep.objects.filter(
        ticket__contract=contract,
        stage=UpgradeStage.DEPLOYED,
        window_start__gte=dt.datetime.combine(start - dt.timedelta(days=10), dt.time(), clock.SHANGHAI),
        window_start__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), clock.SHANGHAI),
    ).order_by()


def _after_upgrade(calendar: WorkCalendar, window_start: dt.datetime) -> dt.date | None:
    try:
        return rules.first_workday_after(calendar, window_start)
    except CalendarNotLoaded:
        return None


def key_days(
    contract: Contract, calendar: WorkCalendar, start: dt.date, end: dt.date
) -> dict[dt.date, list[rules.KeyDayReason]]:
    """Key days in [start, end]: the first working day after each holiday (from the calendar) plus the
    days marked by hand or fed from upgrades (``KeyDay`` rows), with their reasons."""
    found: dict[dt.date, list[rules.KeyDayReason]] = defaultdict(list)
    for reason in _holiday_reasons(calendar, start, end):
        if reason not in found[reason.date]:
            found[reason.date].append(reason)
    for row in KeyDay.objects.filter(contract=contract, date__range=(start, end)):
        found[row.date].append(rules.KeyDayReason(row.date, row.reason, row.source, ref=row.pk))
    deployments = _deployments(contract, start, end).order_by(*UpgradeStep._meta.ordering)  # reasons' order
    for window_start, ticket_id, filed_at in deployments.values_list(
        "window_start", "ticket_id", "ticket__created_at"
    ):
        day = _after_upgrade(calendar, window_start)
        if day is not None and start <= day <= end:
            number = Ticket.number_of(ticket_id, filed_at)
            reason = rules.KeyDayReason(
                day, gettext("软件升级（%(n)s）后第一个工作日") % {"n": number}, "upgrade"
            )
            if reason not in found[day]:
                found[day].append(reason)
    return dict(found)


def key_dates(contract: Contract, calendar: WorkCalendar, start: dt.date, end: dt.date) -> set[dt.date]:
    """The days of ``key_days`` without their reasons (what attendance and staffing rates need)."""
    days = {reason.date for reason in _holiday_reasons(calendar, start, end)}
    days |= set(
        KeyDay.objects.filter(contract=contract, date__range=(start, end)).values_list("date", flat=True)
    )
    for window_start in _deployments(contract, start, end).values_list("window_start", flat=True).distinct():
        day = _after_upgrade(calendar, window_start)
        if day is not None and start <= day <= end:
            days.add(day)
    return days


def key_day_list(contract: Contract, calendar: WorkCalendar) -> tuple[list[rules.KeyDayReason], list[int]]:
    """Every key day of the contract, with the years whose calendar is missing (pending)."""
    pending = [
        y for y in range(contract.start_on.year, contract.end_on.year + 1) if not calendar.knows_year(y)
    ]
    days = key_days(contract, calendar, contract.start_on, contract.end_on)
    return [r for day in sorted(days) for r in days[day]], pending
