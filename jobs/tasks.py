"""Scheduled jobs that read only the contract and the calendar. Each decides from the working-day
calendar whether today is its day; a missed day is caught up the next time it runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded

from .models import InitializationRecord
from .runner import calendar_pending, people, remind_once, scheduled_task
from .services import initialization_open


def _initialization(job: str, kind: str, due_of, words) -> str:
    """Open each covering contract's initialization record once its due day has come and remind the PM and
    the bureau admin until it is confirmed. ``due_of(calendar, today)`` gives (period, due day);
    ``words(contract, period, due_on)`` the reminder's key, title, body and subject."""
    today = clock.today()
    sent = 0
    for contract in Contract.objects.covering(today):
        calendar = get_calendar(contract)
        try:
            period, due_on = due_of(calendar, today)
        except CalendarNotLoaded as exc:
            return calendar_pending(job, today, exc)
        if today < due_on:
            continue
        record, _created = initialization_open(contract=contract, kind=kind, period=period, due_on=due_on)
        if record.is_confirmed:
            continue
        key, title, body, subject = words(contract, period, due_on)
        if remind_once(
            job=job,
            key=f"contract-{contract.pk}:{key}",
            recipients=people(Role.PM, Role.BUREAU_ADMIN),
            title=title,
            body=body,
            url=reverse("jobs:initializations"),
            subject=subject,
            due_on=due_on,
        ):
            sent += 1
    return f"{sent} reminders"


def _first_workday_of_month(calendar, today: dt.date) -> tuple[dt.date, dt.date]:
    return today.replace(day=1), calendar.first_workday_of_month(today.year, today.month)


def _monthly_words(contract, period: dt.date, first: dt.date) -> tuple[str, str, str, str]:
    return (
        f"{period:%Y-%m}",
        f"{period:%Y 年 %m 月}月度初始化：请于 {first:%m 月 %d 日}完成并确认",
        f"合同 {contract.number}：今天（{first:%Y-%m-%d}）是本月第一个工作日，"
        "请完成金保系统月度初始化，并在门户“定时任务 → 初始化记录”中确认。",
        f"monthly {period:%Y-%m}",
    )


def _last_workday_of_year(calendar, today: dt.date) -> tuple[dt.date, dt.date]:
    next_year = dt.date(today.year + 1, 1, 1)
    return next_year, calendar.workday_before(next_year)


def _annual_words(contract, period: dt.date, last: dt.date) -> tuple[str, str, str, str]:
    return (
        f"{period.year}",
        f"{period.year} 年度初始化：请于 {last:%m 月 %d 日}完成并确认",
        f"合同 {contract.number}：今天（{last:%Y-%m-%d}）是本年最后一个工作日，"
        "请完成金保系统年度初始化，并在门户中确认。",
        f"annual {period.year}",
    )


def monthly_initialization() -> str:
    """On the first working day of the month (or the first run after it), open the month's
    initialization record and remind the PM and the bureau admin."""
    return _initialization(
        "jobs.monthly_initialization",
        InitializationRecord.Kind.MONTHLY,
        _first_workday_of_month,
        _monthly_words,
    )


def annual_initialization() -> str:
    """On the last working day of December (or the first run after it, until the end of the year),
    open next year's annual initialization record and remind the PM and the bureau admin."""
    if clock.today().month != 12:
        return "not December"
    return _initialization(
        "jobs.annual_initialization", InitializationRecord.Kind.ANNUAL, _last_workday_of_year, _annual_words
    )


def calendar_next_year() -> str:
    """From November, remind the bureau admin once a week while next year's calendar is missing."""
    today = clock.today()
    calendar = get_calendar()
    if not calendar.knows_year(today.year):
        year = today.year
    elif today.month >= settings.CALENDAR_REMINDER_FROM_MONTH and not calendar.knows_year(today.year + 1):
        year = today.year + 1
    else:
        return "calendar complete"
    iso_year, iso_week, _ = today.isocalendar()
    sent = remind_once(
        job="jobs.calendar_next_year",
        key=f"{year}:{iso_year}-W{iso_week:02d}",
        recipients=people(Role.BUREAU_ADMIN),
        title=f"{year} 年工作日历尚未加载",
        body=f"国务院办公厅公布 {year} 年放假安排后，请在“工作日历”中加载。"
        f"未加载前，涉及 {year} 年的付款、签署和服务时限均显示为待定。",
        url=reverse("contracts:calendar_load") + f"?year={year}",
        subject=f"calendar {year}",
    )
    return f"{year} missing, reminder {'sent' if sent else 'already sent this week'}"


def audit_checkpoint() -> str:
    """Verify the audit chain against the last checkpoint, then sign the head (seq, hash, time), keep
    it outside the database (AUDIT_CHECKPOINT_DIR) and send it to the auditors, who keep the e-mail:
    losing the whole table is then detected against it (common/checkpoints.py). A chain that does not
    verify gets no new checkpoint (it would bless the tampering): the auditors are told instead."""
    from common import checkpoints
    from common.audit import log_action, verify_chain
    from common.noise import flush_noise

    flush_noise()  # windows of anonymous noise still open get their summary entry first

    report = None
    try:
        verified = verify_chain(checkpoint=checkpoints.latest())
    except checkpoints.CheckpointError as exc:
        problem = f"检查点文件不可信：{exc}"
    else:
        report = verified
        problem = "" if verified.ok else f"第 {verified.broken_seq} 条：{verified.reason}"
    auditors = people(Role.AUDITOR)
    if problem or report is None:
        notify(
            auditors,
            title="审计日志校验失败",
            body=f"每日校验发现审计日志被改动：{problem}。请立即核查（manage.py verify_audit_chain），"
            "今天未生成新的检查点。",
            url=reverse("common:audit_log"),
            kind="jobs.audit_checkpoint",
        )
        log_action(
            "audit.verify_failed",
            object_type="common.auditentry",
            changes={"problem": problem},
            success=False,
        )
        return f"broken: {problem}"
    checkpoint = checkpoints.take()
    notify(
        auditors,
        title=f"审计日志检查点：第 {checkpoint.seq} 条",
        body=f"审计日志今日校验通过（共 {report.checked} 条）。请保存以下签名检查点，日后用 "
        f"manage.py verify_audit_chain --checkpoint 文件 核对：\n{checkpoint.line()}",
        url=reverse("common:audit_log"),
        kind="jobs.audit_checkpoint",
    )
    log_action(
        "audit.checkpoint",
        object_type="common.auditentry",
        object_id=checkpoint.seq,
        changes={
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "at": checkpoint.at,
            "verified": report.checked,
        },
    )
    return (
        f"checkpoint #{checkpoint.seq} signed, {report.checked} entries verified, "
        f"sent to {len(auditors)} auditors"
    )


monthly_initialization_task = scheduled_task("jobs.monthly_initialization")(monthly_initialization)
annual_initialization_task = scheduled_task("jobs.annual_initialization")(annual_initialization)
calendar_next_year_task = scheduled_task("jobs.calendar_next_year")(calendar_next_year)
audit_checkpoint_task = scheduled_task("jobs.audit_checkpoint")(audit_checkpoint)

from .contract_jobs import (  # noqa: E402,F401  (issue 18: registers the jobs)
    contract_changes_task,
    contract_terminations_task,
)
