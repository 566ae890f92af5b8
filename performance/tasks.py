"""The satisfaction survey's scheduled job (declared in jinbao_service/schedule.py): thin, safe to run twice.

Every day it (1) sends the survey of each period whose last working day has come (catching up a missed
day, as long as the answer deadline has not passed), (2) reminds, once, each department head who has not
answered by the last working day before the deadline, (3) tells the bureau admin, once, when a deadline
passed with answers missing, and (4) computes deadlines that were pending an unloaded calendar year.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import active_users
from common import clock
from common.errors import ConcurrentChange
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded
from jobs.runner import remind_once, scheduled_task

from . import rules, selectors, services
from .models import Survey

JOB = "performance.satisfaction_survey"
LOOKBACK_DAYS = 120  # contracts that ended this recently may still have a survey to send or chase


def _send_due_surveys(today: dt.date, calendar) -> tuple[int, list[int]]:
    sent, pending_years = 0, []
    contracts = Contract.objects.filter(
        start_on__lte=today, end_on__gte=today - dt.timedelta(days=LOOKBACK_DAYS)
    )
    for contract in contracts:
        existing = set(Survey.objects.filter(contract=contract).values_list("period_start", "period_end"))
        for period in rules.survey_periods(contract.start_on, contract.end_on, contract.survey_period):
            if (period.start, period.end) in existing or period.start > today:
                continue
            try:
                last_workday = calendar.workday_before(period.end + dt.timedelta(days=1))
            except CalendarNotLoaded as exc:
                pending_years.append(exc.year)
                continue
            if today < last_workday:
                continue
            due_on, _pending = services.survey_due(contract, period, calendar)
            if due_on is not None and today > due_on:
                continue  # too late to ask: the bureau admin may still send it by hand
            try:
                services.survey_send(contract=contract, period=period, actor=None, calendar=calendar)
            except ConcurrentChange:
                continue  # sent meanwhile by the bureau admin or another worker
            sent += 1
    return sent, pending_years


def _chase(today: dt.date, calendar) -> tuple[int, int]:
    reminded = overdue = 0
    heads = list(selectors.department_heads())
    admins = list(active_users(Role.BUREAU_ADMIN))
    for survey in Survey.objects.filter(closed_at__isnull=True).select_related("contract"):
        if survey.due_on is None:
            if survey.due_pending_year is not None and calendar.knows_year(survey.due_pending_year):
                services.survey_fill_due(survey=survey, calendar=calendar)
            if survey.due_on is None:
                continue
        answered = set(survey.answers.values_list("respondent_id", flat=True))
        missing = [u for u in heads if u.pk not in answered]
        if not missing:
            continue
        url = reverse("performance:survey_answer", args=[survey.pk])
        try:
            chase_from = calendar.workday_before(survey.due_on)
        except CalendarNotLoaded:
            chase_from = survey.due_on
        if chase_from <= today <= survey.due_on:
            for head in missing:
                reminded += remind_once(
                    job=JOB,
                    key=f"survey-{survey.pk}:head-{head.pk}:{survey.due_on}",
                    recipients=[head],
                    title=f"提醒：{survey.title}将于 {survey.due_on:%m 月 %d 日}截止",
                    body="您尚未答复本期乙方服务满意度调查，请在截止前填写。",
                    url=url,
                    subject=f"survey {survey.pk} head {head.pk}",
                    due_on=survey.due_on,
                )
        elif today > survey.due_on:
            overdue += remind_once(
                job=JOB,
                key=f"survey-{survey.pk}:overdue:{survey.due_on}",
                recipients=admins,
                title=f"{survey.title}已截止，{len(missing)} 位科室负责人未答复",
                body="未答复：" + "、".join(f"{u.department}（{u.display_name}）" for u in missing),
                url=reverse("performance:survey_detail", args=[survey.pk]),
                subject=f"survey {survey.pk} overdue",
                due_on=survey.due_on,
            )
    return reminded, overdue


def satisfaction_survey() -> str:
    today = clock.today()
    calendar = get_calendar()
    sent, pending_years = _send_due_surveys(today, calendar)
    reminded, overdue = _chase(today, calendar)
    summary = f"{sent} surveys sent, {reminded} heads reminded, {overdue} overdue notices"
    if pending_years:
        summary += f"; calendar pending for {sorted(set(pending_years))}"
    return summary


satisfaction_survey_task = scheduled_task(JOB)(satisfaction_survey)
