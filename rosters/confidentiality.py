"""Who is on the roster without a signed confidentiality undertaking (第五条, issue 18 item 4).

The job ``rosters.confidentiality_missing`` (daily 08:50, working days only, registered through
rosters/tasks.py) reminds both parties — the PMs, the bureau admins and each party's project contact in
charge that day (第九条, when they have an account) — once per roster period whose person has no
undertaking on that contract, from the day the period is entered (current and future periods alike:
the undertaking should be signed before the person touches the bureau's data). The key names the
contract, the person and the period's start, so a new period reminds again and a rerun sends nothing.
"""

from __future__ import annotations

from django.urls import reverse

from common import clock
from contracts.agreement import ConfidentialityUndertaking, Party
from contracts.agreement_services import party_recipients
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded
from jobs.runner import calendar_pending, remind_once, scheduled_task

from .models import RosterEntry

JOB = "rosters.confidentiality_missing"


def entries_without_undertaking(contract=None, today=None):
    today = today or clock.today()
    qs = RosterEntry.objects.filter(end_on__gte=today).select_related("contract", "person")
    if contract is not None:
        qs = qs.filter(contract=contract)
    signed = set(ConfidentialityUndertaking.objects.values_list("contract_id", "person_id"))
    return [e for e in qs.order_by("start_on", "pk") if (e.contract_id, e.person_id) not in signed]


def confidentiality_missing() -> str:
    today = clock.today()
    try:
        if not get_calendar().is_workday(today):
            return "not a working day"
    except CalendarNotLoaded as exc:
        return calendar_pending(JOB, today, exc)
    url = reverse("contracts:undertakings")
    sent = 0
    for entry in entries_without_undertaking(today=today):
        sent += remind_once(
            job=JOB,
            key=f"contract-{entry.contract_id}:person-{entry.person_id}:{entry.start_on}",
            recipients=recipients(entry.contract, today),
            title=f"{entry.person.display_name} 已列入驻场安排（{entry.start_on:%Y-%m-%d} 起），"
            "尚未签署保密承诺书",
            body=f"{entry.contract.number}：按合同第五条，接触甲方数据的乙方人员须签署保密承诺书，"
            f"保密义务至 {entry.contract.confidentiality_until:%Y-%m-%d}。",
            url=url,
            subject=entry.person.username,
            due_on=entry.start_on,
        )
    return f"{sent} missing undertakings reminded"


def recipients(contract, today) -> list:
    """Both parties: the people who act for each and its project contact in charge today."""
    people = []
    for party in (Party.VENDOR, Party.CLIENT):
        people += [p for p in party_recipients(contract, party, today) if p not in people]
    return people


confidentiality_missing_task = scheduled_task(JOB)(confidentiality_missing)
