"""The job of the bureau's required-by dates (contract 一.5(5), issue 18 item 2), declared in
jinbao_service/schedule.py and registered through tickets/tasks.py.

Each day: from the ``required_by_remind_workdays``-th working day before the date, the assignee and the
PM are reminded once; the day after the date, an unfinished request is reported late once to them, the
bureau admin and whoever set the date. Keys name the request and the date, so a changed date reminds
again and a rerun sends nothing. A year the calendar does not know keeps the reminder pending (the
bureau admin is told to load it); the late notice needs no calendar. Support response deadlines that
were 待定 are computed here once their year is loaded.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.roles import Role
from common import clock
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from jobs.runner import calendar_pending, people, remind_once, scheduled_task

from . import support
from .models import DONE_STATUSES, ENDED_STATUSES, RequiredBy

JOB = "tickets.required_by_due"


def required_by_due() -> str:
    today = clock.today()
    now = clock.now()
    pms = people(Role.PM)
    admins = people(Role.BUREAU_ADMIN)
    sent = pending = 0
    calendars: dict[int, WorkCalendar] = {}
    rows = (
        RequiredBy.objects.exclude(ticket__status__in=[*DONE_STATUSES, *ENDED_STATUSES])
        .select_related("ticket__contract", "ticket__assignee", "set_by")
        .order_by("due_on", "pk")
    )
    for row in rows:
        ticket = row.ticket
        calendar = calendars.get(ticket.contract_id)
        if calendar is None:  # one per contract (not setdefault: its argument is built every time)
            calendar = calendars[ticket.contract_id] = get_calendar(ticket.contract)
        url = reverse("tickets:detail", args=[ticket.pk])
        key = f"ticket-{ticket.pk}:{row.due_on}"
        if row.is_late(now):
            sent += remind_once(
                job=JOB,
                key=f"late:{key}",
                recipients=[ticket.assignee, row.set_by, *pms, *admins],
                title=f"{ticket.number} 已超过甲方要求完成日 {row.due_on:%Y-%m-%d}，仍未完成",
                body=row.reason,
                url=url,
                subject=ticket.number,
                due_on=row.due_on,
            )
            continue
        state = support.required_by_state(row, calendar=calendar, now=now)
        if state.pending_year is not None:
            pending += 1
            calendar_pending(JOB, today, CalendarNotLoaded(state.pending_year))
            continue
        if state.remind_on is not None and state.remind_on <= today:
            sent += remind_once(
                job=JOB,
                key=f"due:{key}",
                recipients=[ticket.assignee, *pms],
                title=f"{ticket.number} 须在甲方要求完成日 {row.due_on:%Y-%m-%d} 前完成",
                body=row.reason,
                url=url,
                subject=ticket.number,
                due_on=row.due_on,
            )
    computed = support.recompute_pending_support()
    summary = f"{sent} required-by reminders"
    if pending:
        summary += f", {pending} pending a calendar year"
    if computed:
        summary += f", {computed} support deadlines computed"
    return summary


required_by_due_task = scheduled_task(JOB)(required_by_due)
