"""Home-page panels of the rosters app (declared on ``RostersConfig.home_panels``).

``my_day`` (the check-in button) is drawn with the home page. The team, bureau and records panels
compute a month or a contract of attendance, so the home page shows a placeholder (``*_placeholder``,
rendered with ``home/lazy.html``) that loads the panel from its own URL once the page is up (htmx):
``rosters.views.home`` renders it with the same context function (``pm_team`` …).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.selectors import calendar_for
from contracts.workdays import CalendarNotLoaded

from . import selectors, services
from .models import (
    Attendance,
    ChangeStatus,
    DutyAssignment,
    DutyStatus,
    LeaveRequest,
    RequestStatus,
    WorkLog,
)

# The placeholders' cards: a title and an icon like the panel's, and the URL that loads the panel.
TEAM_CARD = {"title": _("今天的团队"), "icon": "people", "url_name": "rosters:home_team", "testid": "pm-team"}
BUREAU_CARD = {
    "title": _("今天驻场在岗"),
    "icon": "geo-alt",
    "url_name": "rosters:home_bureau",
    "testid": "bureau-on-site",
}
RECORDS_CARD = {
    "title": _("我的出勤与日志"),
    "icon": "graph-up",
    "url_name": "rosters:home_records",
    "testid": "my-records",
}


def _placeholder(request, contract, card: dict) -> dict | None:
    """The placeholder of a panel, or None where the panel would show nothing: no contract covers
    today (no query when the contract in use does)."""
    contract = selectors.contract_for_today(contract, request)
    if contract is None:
        return None
    return {**card, "contract": contract}


def pm_team_placeholder(request, contract) -> dict | None:
    return _placeholder(request, contract, TEAM_CARD)


def bureau_placeholder(request, contract) -> dict | None:
    return _placeholder(request, contract, BUREAU_CARD)


def my_records_placeholder(request, contract) -> dict | None:
    return _placeholder(request, contract, RECORDS_CARD)


def my_day(request, contract) -> dict:
    """Check-in/out button, today's status and today's work log for an engineer or the PM."""
    user = request.user
    today = clock.today()
    basis = services.attendance_basis(user, today)
    record = Attendance.objects.filter(person=user, date=today).first()
    context: dict[str, object] = {"today": today, "basis": basis, "record": record}
    if basis is None and record is None:  # not on the roster today: the panel says so, nothing more
        return context
    context |= {
        "log": WorkLog.objects.filter(person=user, date=today).first(),
        "leave_today": LeaveRequest.objects.filter(
            person=user, status=RequestStatus.APPROVED, start_on__lte=today, end_on__gte=today
        ).first(),
    }
    if basis is not None:
        try:
            day = calendar_for(request, basis.contract).day(today)  # the home's calendar
        except CalendarNotLoaded as exc:
            context["not_loaded"] = exc
        else:
            context["day"] = day
            # A rest day asks no check-in unless the person is on that day's duty list: show the
            # day's status rather than a button that only produces a refusal.
            context["rest_day"] = (
                not day.is_workday
                and record is None
                and not DutyAssignment.objects.filter(
                    duty_list__contract=basis.contract, day=today, person=user
                ).exists()
            )
    return context


def my_records(request, contract) -> dict | None:
    """An engineer's month so far, missing logs and open requests."""
    user = request.user
    contract = selectors.contract_for_today(contract, request)
    if contract is None:
        return None
    today = clock.today()
    first = today.replace(day=1)
    context: dict = {"contract": contract, "today": today}
    try:
        calendar = calendar_for(request, contract)
        context["month_rate"] = selectors.attendance_report(
            contract, start=first, person=user, calendar=calendar
        ).overall
        context["contract_rate"] = selectors.attendance_report(
            contract, person=user, calendar=calendar
        ).overall
        context["missing"] = selectors.missing_logs(contract, person=user, calendar=calendar)[:5]
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    context["pending_leaves"] = LeaveRequest.objects.filter(person=user, status=RequestStatus.PENDING).count()
    context["duty"] = _my_next_duty(user, today)
    return context


def _my_next_duty(user, today: dt.date):
    return (
        DutyAssignment.objects.filter(person=user, day__gte=today, duty_list__status=DutyStatus.SUBMITTED)
        .select_related("duty_list")
        .order_by("day")
        .first()
    )


def pm_team(request, contract) -> dict | None:
    """The PM's team today, pending approvals, yesterday's missing logs and open staff changes."""
    contract = selectors.contract_for_today(contract, request)
    if contract is None:
        return None
    calendar = calendar_for(request, contract)
    context: dict = {
        "contract": contract,
        "team": selectors.team_today(contract, calendar),
        "approvals": selectors.pending_approvals(request.user, contract),
        "changes": list(selectors.open_changes(contract)),
    }
    try:
        last_workday = calendar.workday_before(clock.today())
        missing = selectors.missing_logs(contract, start=last_workday, end=last_workday, calendar=calendar)
        context.update(last_workday=last_workday, missing=missing)
        rows, pending = selectors.duty_overview(contract, calendar)
        context["next_duty"] = next((r for r in rows if r.period.end >= clock.today()), None)
        context["duty_pending"] = pending
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    return context


def bureau_overview(request, contract) -> dict | None:
    """Who is on site today, whether the staffing rule holds, and what waits for the bureau."""
    contract = selectors.contract_for_today(contract, request)
    if contract is None:
        return None
    calendar = calendar_for(request, contract)
    # The staff changes waiting for the bureau, read once and with the leaving person only (the panel
    # names them): two reads joined to seven tables cost ~8 ms of the panel (issue 14).
    changes = list(
        selectors.open_changes(contract)
        .filter(status__in=(ChangeStatus.SUBMITTED, ChangeStatus.APPROVED))
        .select_related(None)
        .select_related("leaving_entry__person")
    )
    context: dict = {
        "contract": contract,
        "team": selectors.team_today(contract, calendar),
        "approvals": selectors.pending_approvals(request.user, contract),
        "to_decide": [c for c in changes if c.status == ChangeStatus.SUBMITTED],
        "to_confirm": [c for c in changes if c.status == ChangeStatus.APPROVED],
    }
    try:
        context["staffing"] = selectors.staffing_report(contract, calendar=calendar)
        context["rate"] = selectors.attendance_report(
            contract, calendar=calendar, positions=selectors.RATE_POSITIONS
        )
        rows, _pending = selectors.duty_overview(contract, calendar)
        context["duty_flags"] = [r for r in rows if r.state in ("late", "overdue")]
        context["next_duty"] = next((r for r in rows if r.period.end >= clock.today()), None)
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    return context
