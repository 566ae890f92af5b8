"""The jobs of written contract changes (第六条, issue 18 item 3) and of termination notices (第八条,
第十条, item 5), declared in jinbao_service/schedule.py and registered through jobs/tasks.py (jobs sits
above contracts and calls down into it).

Each day: on the last day to answer, the answering party is reminded once; the day after, a change
still unanswered is deemed accepted (its setting applied, both parties told) — catching up any day the
job missed, since "after the deadline" is a comparison, not an event. Deadlines 待定 for a year the
calendar did not know are computed once the year is loaded; until then the bureau admin is reminded.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.urls import reverse

from accounts.roles import Role
from common import clock
from contracts import agreement_services as svc
from contracts.agreement import (
    ChangeStatus,
    ContractChange,
    Party,
    TerminationNotice,
    TerminationStatus,
    other_party,
)
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded

from .runner import calendar_pending, people, remind_once, scheduled_task

JOB = "jobs.contract_changes"


def contract_changes() -> str:
    today = clock.today()
    computed = svc.recompute_pending_changes()
    deemed = sent = pending = not_applied = 0
    failed = []
    open_changes = ContractChange.objects.filter(status=ChangeStatus.PROPOSED).select_related("contract")
    for change in open_changes.order_by("pk"):
        if change.answer_due_on is None:
            pending += 1
            calendar_pending(JOB, today, CalendarNotLoaded(cast(int, change.due_pending_year)))
            continue
        try:  # one change that fails (each is its own transaction) must not hold up the others
            if today > change.answer_due_on:
                accepted = svc.change_deem_accepted(change=change, today=today)
                deemed += accepted is not None
                not_applied += bool(accepted and svc.setting_not_applied(accepted))
            elif today == change.answer_due_on:
                sent += _remind_last_day(change)
        except Exception as exc:
            failed.append(f"{change.number}: {exc!r}")
    summary = f"{deemed} changes deemed accepted, {sent} reminders"
    if not_applied:
        summary += f", {not_applied} settings not applied (reason on the change)"
    if computed:
        summary += f", {computed} deadlines computed"
    if pending:
        summary += f", {pending} pending a calendar year"
    if failed:  # the others are done; the run is marked failed on the jobs page, with which and why
        raise RuntimeError(f"{summary}; {len(failed)} failed: " + "; ".join(failed))
    return summary


def _remind_last_day(change: ContractChange) -> bool:
    return remind_once(
        job=JOB,
        key=f"change-{change.pk}:{change.answer_due_on}",
        recipients=svc.party_recipients(change.contract, other_party(change.party)),
        title=f"今天是答复合同变更“{change.title}”的最后一天",
        body=f"{Party(change.party).label}于 {change.delivered_on:%Y-%m-%d} 送达书面请求；"
        "按合同第六条，逾期未答复视为同意。",
        url=reverse("contracts:change_detail", args=[change.pk]),
        subject=change.number,
        due_on=change.answer_due_on,
    )


contract_changes_task = scheduled_task(JOB)(contract_changes)


# --- termination notices (第八条, 第十条) -------------------------------------------------------------

TERMINATIONS = "jobs.contract_terminations"
CATCH_UP_DAYS = 7  # a notice that took effect longer ago is not announced again after an outage


def _termination_recipients(notice: TerminationNotice, today: dt.date) -> list:
    """Both parties (the people acting for each and its contact in charge today) and finance, who
    settles what the termination leads to."""
    recipients = []
    for party in (Party.CLIENT, Party.VENDOR):
        recipients += svc.party_recipients(notice.contract, party, today)
    recipients += people(Role.FINANCE)
    return list({u.pk: u for u in recipients}.values())


def _settlement_line(notice: TerminationNotice) -> str:
    s = notice.settlement or {}
    line = f"依据{s.get('clause', '')}"
    if s.get("penalty_payer_label"):
        line += f"，{s['penalty_payer_label']}应付违约金 {s.get('penalty')} 元"
    return line + f"；服务费按实际服务天数折算参考 {s.get('pro_rata_fee')} 元，未付款项见付款页。"


def contract_terminations() -> str:
    """Each day: from the ``termination_remind_workdays``-th working day before a notice's effective
    date, both parties (and finance) are reminded once — and for an early termination (第八条(3)) not
    yet confirmed, the other party is asked to confirm; on the effective date (or the first run after
    it, within a week) both are told it has taken effect, with the settlement. A withdrawn notice
    reminds nobody; a remind day in a year the calendar does not know waits for the year."""
    today = clock.today()
    before = effective = pending = 0
    notices = (
        TerminationNotice.objects.exclude(status=TerminationStatus.WITHDRAWN)
        .filter(effective_on__gte=today - dt.timedelta(days=CATCH_UP_DAYS))
        .select_related("contract")
        .order_by("effective_on", "pk")
    )
    url = reverse("contracts:terminations")
    for notice in notices:
        contract = notice.contract
        if today >= notice.effective_on:
            effective += remind_once(
                job=TERMINATIONS,
                key=f"termination-{notice.pk}:effective:{notice.effective_on}",
                recipients=_termination_recipients(notice, today),
                title=f"{contract.number} 合同已于 {notice.effective_on:%Y-%m-%d} 解除/终止",
                body=f"{notice.get_basis_display()}（{Party(notice.party).label}通知，"
                f"送达日 {notice.given_on:%Y-%m-%d}）。{_settlement_line(notice)}",
                url=url,
                subject=f"termination-{notice.pk}",
                due_on=notice.effective_on,
            )
            continue
        try:
            remind_on = get_calendar(contract).workday_before(
                notice.effective_on, contract.termination_remind_workdays
            )
        except CalendarNotLoaded as exc:
            pending += 1
            calendar_pending(TERMINATIONS, today, exc)
            continue
        if today < remind_on:
            continue
        unconfirmed = notice.needs_confirmation
        title = f"{contract.number} 合同将于 {notice.effective_on:%Y-%m-%d} 解除/终止"
        if unconfirmed:
            title += f"，{Party(other_party(notice.party)).label}尚未确认"
        before += remind_once(
            job=TERMINATIONS,
            key=f"termination-{notice.pk}:before:{notice.effective_on}",
            recipients=_termination_recipients(notice, today),
            title=title,
            body=f"{notice.get_basis_display()}：{notice.reason}。"
            + ("按合同第八条(3)，提前终止须经对方确认。" if unconfirmed else "")
            + _settlement_line(notice),
            url=url,
            subject=f"termination-{notice.pk}",
            due_on=notice.effective_on,
        )
    summary = f"{before} terminations approaching reminded, {effective} taking effect told"
    if pending:
        summary += f", {pending} pending a calendar year"
    return summary


contract_terminations_task = scheduled_task(TERMINATIONS)(contract_terminations)
