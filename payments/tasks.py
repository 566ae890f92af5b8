"""Payment due and overdue reminders (declared in jinbao_service/schedule.py): thin, safe to run twice.

Each day, for every instalment not paid in full whose due date is known: from the contract's
``payment_reminder_workdays``-th working day before the due date, finance is reminded once that it is
due; the day after the due date, finance and the bureau admin are told once that it is overdue; on the
day it becomes ``termination_months`` months late, once more (the vendor may now terminate and the
penalty is due). Each reminder is keyed by contract, instalment and due date, so it goes out once even
if the job runs twice or a worker dies; a missed day is caught up at the next run.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.money import format_cny
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded
from jobs.runner import people, remind_once, scheduled_task

from . import selectors

JOB = "payments.payment_reminders"


def _remind_from(calendar, due_on: dt.date, workdays: int) -> dt.date:
    day = due_on
    for _ in range(workdays):
        day = calendar.workday_before(day)
    return day


def _remind(contract: Contract, item, calendar, today: dt.date, recipients: dict) -> int:
    """The reminders one unpaid instalment with a known due date calls for today (each sent once)."""
    key = f"contract-{contract.pk}:{item.kind}:{item.due_on}"
    amount = format_cny(item.outstanding) if item.outstanding is not None else "待定"
    subject = f"{contract.number} {item.label}"
    common = {"job": JOB, "url": recipients["url"], "subject": subject}
    try:
        start = _remind_from(calendar, item.due_on, contract.payment_reminder_workdays)
    except CalendarNotLoaded:
        start = item.due_on
    sent = 0
    if start <= today <= item.due_on:
        sent += remind_once(
            key=f"due:{key}",
            recipients=recipients["finance"],
            title=f"{subject}将于 {item.due_on:%Y-%m-%d} 到期：应付 {amount}",
            body=f"{item.basis}。" + ("尾款按暂定得分估算，最终得分锁定后确定。" if item.provisional else ""),
            due_on=item.due_on,
            **common,
        )
    if today > item.due_on:
        sent += remind_once(
            key=f"overdue:{key}",
            recipients=recipients["finance_and_admin"],
            title=f"{subject}已逾期：应付日 {item.due_on:%Y-%m-%d}，未付 {amount}",
            body=f"每逾期 {contract.late_fee_period_days} 日按合同总额 "
            f"{contract.late_fee_per_mille.normalize():f}‰ 计违约金；"
            f"逾期满 {contract.termination_months} 个月乙方有权解除合同。",
            due_on=item.due_on,
            **common,
        )
    if item.termination_right:
        sent += remind_once(
            key=f"termination:{key}",
            recipients=recipients["finance_and_admin"],
            title=f"{subject}逾期已满 {contract.termination_months} 个月：乙方有权解除合同",
            body=f"如乙方解除合同，甲方须另付违约金 {format_cny(item.termination_penalty)}；"
            f"已累计逾期违约金 {format_cny(item.late_fee)}。",
            due_on=item.termination_from,
            **common,
        )
    return sent


def payment_reminders() -> str:
    today = clock.today()
    recipients = {
        "finance": people(Role.FINANCE),
        "finance_and_admin": people(Role.FINANCE, Role.BUREAU_ADMIN),
        "url": reverse("payments:dashboard"),
    }
    sent = pending = 0
    for contract in Contract.objects.filter(signed_on__lte=today):
        calendar = get_calendar(contract)
        state = selectors.settlement(contract, calendar=calendar, today=today)
        for item in state.instalments:
            if item.is_paid:
                continue
            if item.due_on is None:
                pending += 1
                continue
            sent += _remind(contract, item, calendar, today, recipients)
    summary = f"{sent} payment reminders"
    if pending:
        summary += f", {pending} due dates pending a calendar year"
    return summary


payment_reminders_task = scheduled_task(JOB)(payment_reminders)
