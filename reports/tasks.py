"""The weekly report draft (RULES §8): on the last working day of each ISO week, from 15:00, the week's
report is drafted from the portal's data and the PM is told. A week with no working day (a holiday
week) gets no report; a missed run is caught up by the next run of the same week."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts.roles import Role
from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded
from jobs.runner import calendar_pending, people, remind_once, scheduled_task

from . import services
from .selectors import week_of

JOB = "reports.weekly_draft"
DRAFT_FROM = dt.time(15, 0)


def weekly_draft() -> str:
    now = clock.local(clock.now())
    today = now.date()
    drafted = told = 0
    for contract in Contract.objects.covering(today):
        calendar = get_calendar(contract)
        try:
            last = calendar.last_workday_of_week(today)
        except CalendarNotLoaded as exc:
            return calendar_pending(JOB, today, exc)
        if last is None or today < last or (today == last and now.time() < DRAFT_FROM):
            continue
        report, created = services.weekly_draft(contract=contract, day=today, actor=None)
        drafted += created
        if report.is_published:
            continue
        told += remind_once(
            job=JOB,
            key=f"contract-{contract.pk}:{week_of(today).isoformat()}",
            recipients=people(Role.PM),
            title=f"{report.label}周报草稿已生成，请补充小结与计划后发布",
            body=f"合同 {contract.number}：系统已根据本周数据起草周报"
            f"（新增 {report.figures.get('requests', {}).get('opened', 0)} 件，"
            f"解决 {report.figures.get('requests', {}).get('resolved', 0)} 件，"
            f"超期 {report.figures.get('requests', {}).get('overdue', 0)} 件），供本周例会使用。",
            url=reverse("reports:weekly_detail", args=[report.pk]),
            subject=f"weekly {week_of(today).isoformat()}",
            due_on=last,
        )
    return f"{drafted} drafted, {told} reminders"


weekly_draft_task = scheduled_task(JOB)(weekly_draft)
