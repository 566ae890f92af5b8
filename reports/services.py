"""Writes of the reports app: draft a week's report, refresh its figures, edit the PM's text, publish.

Every change writes an audit entry. Edits carry the version the user read: a second editor who saved
in between makes the first one's save fail with ``ConcurrentChange`` (nothing is lost: the form keeps
what was typed). Publishing is claimed with a conditional update, so two clicks publish once.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from common import clock
from common.audit import diff, log_action
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded
from jobs.runner import calendar_pending, people, remind_once

from .models import ReportStatus, WeeklyReport, build_content
from .selectors import week_of, weekly_figures

DRAFT_JOB = "reports.weekly_draft"
DRAFT_FROM = dt.time(15, 0)
TEXT_FIELDS = ("summary", "next_week_plan", "open_problems")


def _check_week(contract: Contract, week_start: dt.date) -> None:
    week_end = week_start + dt.timedelta(days=6)
    if week_end < contract.start_on or week_start > contract.end_on:
        raise ServiceError(
            _("%(start)s 所在的一周不在合同服务期（%(from)s 至 %(to)s）内。")
            % {"start": week_start.isoformat(), "from": contract.start_on, "to": contract.end_on}
        )
    if week_start > week_of(clock.today()):
        raise ServiceError(_("不能为尚未开始的一周起草周报。"))


def weekly_draft(*, contract: Contract, day: dt.date, actor=None) -> tuple[WeeklyReport, bool]:
    """The report of the ISO week containing ``day``, drafted from the week's data if it does not exist
    yet. Returns ``(report, created)``; an existing report is returned unchanged."""
    week_start = week_of(day)
    existing = WeeklyReport.objects.filter(contract=contract, week_start=week_start).first()
    if existing is not None:
        return existing, False
    _check_week(contract, week_start)
    figures = weekly_figures(contract, week_start, calendar=get_calendar(contract))
    try:
        with transaction.atomic():
            report = WeeklyReport.objects.create(
                contract=contract,
                week_start=week_start,
                figures=figures,
                figures_at=clock.now(),
                drafted_at=clock.now(),
                drafted_by=actor,
                updated_at=clock.now(),
                updated_by=actor,
            )
            log_action(
                "reports.weekly_draft",
                actor=actor,
                obj=report,
                changes={"week_start": week_start.isoformat(), "by": "job" if actor is None else "user"},
            )
    except IntegrityError:  # drafted at the same moment by the job or another click
        return WeeklyReport.objects.get(contract=contract, week_start=week_start), False
    return report, True


def _claim_draft(report: WeeklyReport, version: int | None) -> WeeklyReport:
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.DRAFT:
        raise TransitionNotAllowed(_("周报已发布，不能再修改。"))
    if version is not None and locked.version != version:
        raise ConcurrentChange(
            _("周报已被%(who)s于 %(when)s 修改，请刷新后再保存（您填写的内容仍在表单中）。")
            % {
                "who": locked.updated_by.display_name if locked.updated_by else _("系统"),
                "when": clock.local(locked.updated_at).strftime("%H:%M"),
            }
        )
    return locked


@transaction.atomic
def weekly_update(*, report: WeeklyReport, actor, version: int | None, **texts) -> WeeklyReport:
    locked = _claim_draft(report, version)
    before = {name: getattr(locked, name) for name in TEXT_FIELDS}
    for name in TEXT_FIELDS:
        if name in texts:
            setattr(locked, name, texts[name] or "")
    locked.full_clean(exclude=["contract", "drafted_by", "updated_by", "published_by"])
    after = {name: getattr(locked, name) for name in TEXT_FIELDS}
    changes = diff(before, after)
    if not changes:
        return locked
    locked.updated_at = clock.now()
    locked.updated_by = actor
    locked.save(update_fields=[*TEXT_FIELDS, "updated_at", "updated_by"])
    WeeklyReport.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.refresh_from_db(fields=["version"])
    log_action("reports.weekly_update", actor=actor, obj=locked, changes=changes)
    return locked


@transaction.atomic
def weekly_refresh(*, report: WeeklyReport, actor) -> WeeklyReport:
    """Recompute a draft's figures from the data as it is now (the PM's text is kept)."""
    locked = _claim_draft(report, None)
    locked.figures = weekly_figures(
        locked.contract, locked.week_start, calendar=get_calendar(locked.contract)
    )
    locked.figures_at = clock.now()
    locked.updated_at = clock.now()
    locked.updated_by = actor
    locked.save(update_fields=["figures", "figures_at", "updated_at", "updated_by"])
    log_action(
        "reports.weekly_refresh",
        actor=actor,
        obj=locked,
        changes={"figures_at": locked.figures_at.isoformat()},
    )
    return locked


@transaction.atomic
def weekly_publish(*, report: WeeklyReport, actor, version: int | None = None) -> WeeklyReport:
    """Freeze the report: the figures are computed once more, then the figures and the text are stored
    as the snapshot the page and the PDF render from from now on."""
    locked = _claim_draft(report, version)
    if not (locked.summary.strip() and locked.next_week_plan.strip()):
        raise ServiceError(_("发布前请填写“本周工作小结”和“下周工作计划”。"))
    locked.figures = weekly_figures(
        locked.contract, locked.week_start, calendar=get_calendar(locked.contract)
    )
    locked.figures_at = clock.now()
    locked.published_at = clock.now()
    locked.published_by = actor
    locked.status = ReportStatus.PUBLISHED
    locked.snapshot = build_content(locked)
    locked.save(update_fields=["figures", "figures_at", "published_at", "published_by", "status", "snapshot"])
    WeeklyReport.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    log_action(
        "reports.weekly_publish",
        actor=actor,
        obj=locked,
        changes={
            "status": [ReportStatus.DRAFT, ReportStatus.PUBLISHED],
            "week_start": locked.week_start.isoformat(),
        },
    )
    return locked


# --- the weekly draft job (reports.weekly_draft) ----------------------------------------------------------


def weekly_drafts_run(*, now: dt.datetime) -> str:
    """The job ``reports.weekly_draft`` (described in reports/tasks.py): on the last working day of the
    week from DRAFT_FROM, draft each contract's report and tell the PM once; returns the summary."""
    now = clock.local(now)
    today = now.date()
    drafted = told = 0
    for contract in Contract.objects.covering(today):
        calendar = get_calendar(contract)
        try:
            last = calendar.last_workday_of_week(today)
        except CalendarNotLoaded as exc:
            return calendar_pending(DRAFT_JOB, today, exc)
        if last is None or today < last or (today == last and now.time() < DRAFT_FROM):
            continue
        report, created = weekly_draft(contract=contract, day=today, actor=None)
        drafted += created
        if report.is_published:
            continue
        told += remind_once(
            job=DRAFT_JOB,
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
