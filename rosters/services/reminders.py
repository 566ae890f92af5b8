"""The reminders of the rosters' scheduled jobs (the tasks in ``rosters/tasks.py`` call these, declared in
jinbao_service/schedule.py): safe to run twice.

``rosters.staff_change_deadlines`` (daily 08:40), for every open staff change (RULES §5):

- awaiting approval (待甲方审批): the bureau admin is reminded once when the application has waited
  ``APPROVAL_WAIT_WORKDAYS`` working days, or earlier if the effective date is already within
  ``CHANGE_REMIND_WORKDAYS`` working days; once more (with the PM) if the effective date is reached
  and it is still not decided;
- approved, handover not confirmed: from the ``CHANGE_REMIND_WORKDAYS``-th working day before the
  effective date the PM is reminded once (with the open handover items); on the effective date (or
  the first run after it) the bureau admin is reminded once to inspect and confirm the handover — the
  PM too while checklist items are still open, since the bureau cannot confirm before they are done.
- demanded by the bureau, no replacement proposed yet: no reminder (no date is known; the PM was
  notified when the bureau made the demand).

``rosters.duty_list_due`` (daily 08:45), for every statutory holiday of the calendar that belongs to a
contract, has not ended and whose duty list is not submitted: the due date comes from
``rules.duty_due_at`` with the contract's ``duty_list_lead_workdays`` (the same rule as the duty page
and the submission); from the ``DUTY_REMIND_WORKDAYS``-th working day before the last day to submit,
the PM is reminded once; once the deadline has passed (the list is overdue), the PM and the bureau
admin are told once. A holiday that has ended gets nothing more.

Both count working days on the contract's calendar (make-up Saturdays count, holidays do not). A year
the calendar does not know makes the affected item pending (the bureau admin is reminded to load the
year, as in jobs/tasks.py); other items are still handled. Each reminder is keyed by job, subject and
due date (``remind_once``): running twice, a retry or a redelivered task sends nothing more, and a new
effective date or deadline gives a new reminder. A missed day is caught up at the next run.

Decision: the contract has no setting for "how early to remind" of these two deadlines
(``staff_change_notice_months`` is the notice of the application, ``duty_list_lead_workdays`` the
deadline itself), so the windows are the constants below, matching the default of
``payment_reminder_workdays`` (5 working days). Promote them to ``Contract`` fields if the bureau
wants to edit them.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts.roles import Role
from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, HolidayPeriod, WorkCalendar
from jobs.runner import calendar_pending, people, remind_once

from .. import rules
from ..models import ChangeStatus, DutyList, DutyStatus, StaffChange
from ..selectors.duty import contract_holidays

CHANGE_JOB = "rosters.staff_change_deadlines"
DUTY_JOB = "rosters.duty_list_due"

CHANGE_REMIND_WORKDAYS = 5  # the handover (and a pending approval) is flagged this close to the change
APPROVAL_WAIT_WORKDAYS = 3  # an application waiting this long for the bureau's decision is flagged
DUTY_REMIND_WORKDAYS = 5  # the PM is reminded of a duty list this many working days before it is due


def _pending_summary(job: str, today: dt.date, years: set[int]) -> str:
    """Remind the bureau admin of each missing year (as jobs/tasks.py does) and describe it."""
    return "; ".join(calendar_pending(job, today, CalendarNotLoaded(year)) for year in sorted(years))


# --- staff changes --------------------------------------------------------------------------------


def staff_change_reminders_send(*, today: dt.date) -> str:
    """The reminders due ``today`` for every open staff change with an effective date; returns the
    job's one-line summary."""
    recipients_by = {"pm": people(Role.PM), "admin": people(Role.BUREAU_ADMIN)}
    calendars: dict[int, WorkCalendar] = {}
    sent = 0
    pending: set[int] = set()
    changes = (
        StaffChange.objects.filter(
            status__in=(ChangeStatus.SUBMITTED, ChangeStatus.APPROVED), effective_on__isnull=False
        )
        .select_related("contract", "leaving_entry__person", "incoming_person")
        .prefetch_related("handover_items")
        .order_by("effective_on", "pk")
    )
    for change in changes:
        if change.contract_id not in calendars:
            calendars[change.contract_id] = get_calendar(change.contract)
        try:
            sent += _change_reminders(change, calendars[change.contract_id], today, recipients_by)
        except CalendarNotLoaded as exc:
            pending.add(exc.year)
    summary = f"{sent} staff-change reminders"
    if pending:
        summary += "; " + _pending_summary(CHANGE_JOB, today, pending)
    return summary


def _change_reminders(
    change: StaffChange, calendar: WorkCalendar, today: dt.date, recipients_by: dict
) -> int:
    """The reminders due today for one open staff change; may raise CalendarNotLoaded."""
    effective = change.effective_on
    if effective is None:  # only changes with an effective date are selected
        return 0
    window_from = calendar.workday_before(effective, CHANGE_REMIND_WORKDAYS)
    if change.status == ChangeStatus.SUBMITTED:
        return _approval_reminders(change, calendar, today, recipients_by, window_from, effective)
    if change.status != ChangeStatus.APPROVED:
        return 0
    return _handover_reminders(change, today, recipients_by, window_from, effective)


def _change_labels(change: StaffChange) -> tuple[str, str, str, str]:
    """(leaving person, incoming person, reminder subject, page URL) of a staff change."""
    leaving = change.leaving_entry.person.display_name
    incoming = change.incoming_person.display_name if change.incoming_person else "—"
    subject = f"staff change #{change.pk} {leaving}"
    return leaving, incoming, subject, reverse("rosters:change_detail", args=[change.pk])


def _approval_reminders(
    change: StaffChange,
    calendar: WorkCalendar,
    today: dt.date,
    recipients_by: dict,
    window_from: dt.date,
    effective: dt.date,
) -> int:
    """An application waiting for the bureau: the admin once it has waited long enough (or the change
    is near); the admin and the PM once the effective date is reached undecided."""
    leaving, incoming, subject, url = _change_labels(change)
    sent = 0
    applied = change.applied_on or clock.local(change.created_at).date()
    due = min(calendar.workday_after(applied, APPROVAL_WAIT_WORKDAYS), window_from)
    if due <= today < effective:
        sent += remind_once(
            job=CHANGE_JOB,
            key=f"approval:change-{change.pk}:{due}",
            recipients=recipients_by["admin"],
            title=f"人员变动申请待审批：{leaving} → {incoming}，{effective:%Y-%m-%d} 生效",
            body=f"乙方于 {applied:%Y-%m-%d} 提出申请，尚未审批。批准后方可开展交接，"
            f"交接须在生效日期前经甲方检查确认。",
            url=url,
            subject=subject,
            due_on=due,
        )
    if today >= effective:
        sent += remind_once(
            job=CHANGE_JOB,
            key=f"approval-late:change-{change.pk}:{effective}",
            recipients=recipients_by["admin"] + recipients_by["pm"],
            title=f"人员变动已到生效日期仍未审批：{leaving} → {incoming}（{effective:%Y-%m-%d}）",
            body="请局信息化管理员尽快审批或驳回；未经批准不得变动驻场人员。",
            url=url,
            subject=subject,
            due_on=effective,
        )
    return sent


def _handover_reminders(
    change: StaffChange, today: dt.date, recipients_by: dict, window_from: dt.date, effective: dt.date
) -> int:
    """An approved change: the PM before the effective date while the handover is not confirmed; the
    admin (and the PM while items are open) from the effective date on, to confirm it."""
    leaving, incoming, subject, url = _change_labels(change)
    sent = 0
    open_items = [item.title for item in change.handover_items.all() if not item.done]
    if window_from <= today < effective:
        if open_items:
            body = f"交接清单尚有 {len(open_items)} 项未完成：" + "；".join(open_items) + "。"
        else:
            body = "交接清单已全部完成，请联系局信息化管理员检查并确认交接。"
        sent += remind_once(
            job=CHANGE_JOB,
            key=f"handover:change-{change.pk}:{effective}",
            recipients=recipients_by["pm"],
            title=f"人员变动将于 {effective:%Y-%m-%d} 生效，交接尚未确认：{leaving} → {incoming}",
            body=body + "甲方确认交接前，离场人员不得离场。",
            url=url,
            subject=subject,
            due_on=effective,
        )
    if today >= effective:
        body = "请检查交接情况并在门户中确认；确认后离场人员的驻场期随之结束。"
        recipients = recipients_by["admin"]
        if open_items:
            body += f"交接清单尚有 {len(open_items)} 项未完成：" + "；".join(open_items) + "。"
            recipients = recipients + recipients_by["pm"]
        sent += remind_once(
            job=CHANGE_JOB,
            key=f"confirm:change-{change.pk}:{effective}",
            recipients=recipients,
            title=f"人员变动已于 {effective:%Y-%m-%d} 生效，请确认交接：{leaving} → {incoming}",
            body=body,
            url=url,
            subject=subject,
            due_on=effective,
        )
    return sent


# --- holiday duty lists -----------------------------------------------------------------------------


def _horizon(contract: Contract, today: dt.date) -> dt.date:
    """A day safely beyond the earliest reminder of any holiday whose reminder may start today:
    ``lead + DUTY_REMIND_WORKDAYS`` working days, counted generously in calendar days (weekends and
    a week-long holiday in between)."""
    workdays = contract.duty_list_lead_workdays + DUTY_REMIND_WORKDAYS
    return today + dt.timedelta(days=2 * workdays + 14)


def duty_list_reminders_send(*, today: dt.date, now: dt.datetime) -> str:
    """The reminders due ``today`` for every holiday's duty list not yet submitted; returns the job's
    one-line summary."""
    recipients_by = {"pm": people(Role.PM), "pm_and_admin": people(Role.PM, Role.BUREAU_ADMIN)}
    sent = 0
    pending: set[int] = set()
    # a holiday belongs to the contract in force on its first day: look at the contracts that
    # ended at most a month ago (a holiday still running) or start within the next quarter
    contracts = Contract.objects.filter(
        end_on__gte=today - dt.timedelta(days=31), start_on__lte=today + dt.timedelta(days=92)
    )
    for contract in contracts:
        contract_sent, contract_pending = _contract_duty_reminders(contract, today, now, recipients_by)
        sent += contract_sent
        pending |= contract_pending
    summary = f"{sent} duty-list reminders"
    if pending:
        summary += "; " + _pending_summary(DUTY_JOB, today, pending)
    return summary


def _contract_duty_reminders(
    contract: Contract, today: dt.date, now: dt.datetime, recipients_by: dict
) -> tuple[int, set[int]]:
    """The duty-list reminders due today for the holidays of one contract, and the calendar years
    that are missing to decide."""
    sent = 0
    pending: set[int] = set()
    calendar = get_calendar(contract)
    horizon = _horizon(contract, today)
    periods, missing = contract_holidays(contract, calendar)
    # an unknown year within reach may hold a holiday of this contract: say so, never guess
    pending.update(year for year in missing if year <= horizon.year)
    lists = {d.start_on: d for d in DutyList.objects.filter(contract=contract)}
    for period in periods:
        duty = lists.get(period.start)
        if period.end < today or period.start > horizon:
            continue
        if duty and duty.status == DutyStatus.SUBMITTED:
            continue
        try:
            due_at = rules.duty_due_at(calendar, period.start, contract.duty_list_lead_workdays)
            last_day = clock.local(due_at - dt.timedelta(minutes=1)).date()
            remind_from = calendar.workday_before(last_day, DUTY_REMIND_WORKDAYS)
        except CalendarNotLoaded as exc:
            pending.add(exc.year)
            continue
        if today < remind_from:
            continue
        sent += _duty_reminder(contract, period, duty, due_at, last_day, now, recipients_by)
    return sent, pending


def _duty_reminder(
    contract: Contract,
    period: HolidayPeriod,
    duty: DutyList | None,
    due_at: dt.datetime,
    last_day: dt.date,
    now: dt.datetime,
    recipients_by: dict,
) -> bool:
    """Remind the PM of one holiday's duty list before its deadline, or the PM and the bureau admin once
    it is overdue."""
    key = f"contract-{contract.pk}:{period.start}:{last_day}"
    subject = f"{contract.number} {period.name} {period.start:%Y-%m-%d}"
    url = reverse("rosters:duty_detail", args=[duty.pk]) if duty else reverse("rosters:duty_list")
    holiday = f"{period.name}（{period.start:%m月%d日}至{period.end:%m月%d日}）"
    if rules.DutyState(due_at, None).overdue(now):
        return remind_once(
            job=DUTY_JOB,
            key=f"overdue:{key}",
            recipients=recipients_by["pm_and_admin"],
            title=f"{holiday}值班表已逾期未提交：提交期限 {last_day:%Y-%m-%d} 24:00",
            body="请项目经理立即编制并提交值班表（每天须有值班人员及联系电话）；"
            "逾期提交的值班表将标注为逾期。",
            url=url,
            subject=subject,
            due_on=last_day,
        )
    return remind_once(
        job=DUTY_JOB,
        key=f"due:{key}",
        recipients=recipients_by["pm"],
        title=f"{holiday}值班表请于 {last_day:%Y-%m-%d} 24:00 前提交",
        body="请在“节假日值班”中编制值班表，假期每天安排值班人员并填写联系电话，"
        "提交局信息化管理员。" + ("已开始编制，尚未提交。" if duty else ""),
        url=url,
        subject=subject,
        due_on=last_day,
    )
