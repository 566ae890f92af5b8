"""The job of written contract changes (第六条, issue 18 item 3), declared in jinbao_service/schedule.py
and registered through jobs/tasks.py (jobs sits above contracts and calls down into it).

Each day: on the last day to answer, the answering party is reminded once; the day after, a change
still unanswered is deemed accepted (its setting applied, both parties told) — catching up any day the
job missed, since "after the deadline" is a comparison, not an event. Deadlines 待定 for a year the
calendar did not know are computed once the year is loaded; until then the bureau admin is reminded.
"""

from __future__ import annotations

from django.urls import reverse

from common import clock
from contracts import agreement_services as svc
from contracts.agreement import ChangeStatus, ContractChange, Party, other_party
from contracts.workdays import CalendarNotLoaded

from .runner import calendar_pending, remind_once, scheduled_task

JOB = "jobs.contract_changes"


def contract_changes() -> str:
    today = clock.today()
    computed = svc.recompute_pending_changes()
    deemed = sent = pending = not_applied = 0
    open_changes = ContractChange.objects.filter(status=ChangeStatus.PROPOSED).select_related("contract")
    for change in open_changes.order_by("pk"):
        if change.answer_due_on is None:
            pending += 1
            calendar_pending(JOB, today, CalendarNotLoaded(change.due_pending_year))
            continue
        if today > change.answer_due_on:
            accepted = svc.change_deem_accepted(change=change, today=today)
            deemed += accepted is not None
            not_applied += bool(accepted and svc.setting_not_applied(accepted))
        elif today == change.answer_due_on:
            answering = other_party(change.party)
            sent += remind_once(
                job=JOB,
                key=f"change-{change.pk}:{change.answer_due_on}",
                recipients=svc.party_recipients(change.contract, answering),
                title=f"今天是答复合同变更“{change.title}”的最后一天",
                body=f"{Party(change.party).label}于 {change.delivered_on:%Y-%m-%d} 送达书面请求；"
                "按合同第六条，逾期未答复视为同意。",
                url=reverse("contracts:change_detail", args=[change.pk]),
                subject=change.number,
                due_on=change.answer_due_on,
            )
    summary = f"{deemed} changes deemed accepted, {sent} reminders"
    if not_applied:
        summary += f", {not_applied} settings not applied (reason on the change)"
    if computed:
        summary += f", {computed} deadlines computed"
    if pending:
        summary += f", {pending} pending a calendar year"
    return summary


contract_changes_task = scheduled_task(JOB)(contract_changes)
