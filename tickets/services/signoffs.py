"""Sign-off forms (服务内容确认表): issued on resolution or as a batch, voided on reopen, signed,
and the late reminder."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import active_users
from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, require
from common.uploads import validate_upload
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from jobs.runner import remind_once

from .. import policy
from ..models import (
    SignOff,
    SignOffMethod,
    SignOffStatus,
    Status,
    Ticket,
)
from ._base import (
    _log,
    _notify,
    _quiet,
    _role,
)


def _signoff_snapshot(signoff: SignOff, tickets: list[Ticket]) -> dict:
    contract = signoff.contract
    rows = []
    for t in tickets:
        rows.append(
            {
                "number": t.number,
                "title": t.title,
                "kind": t.get_kind_display(),
                "scope": str(t.scope),
                "priority": t.get_priority_display(),
                "requester": t.requester.display_name,
                "submitted_at": clock.local(t.created_at).strftime("%Y-%m-%d %H:%M"),
                "resolved_at": clock.local(t.resolved_at).strftime("%Y-%m-%d %H:%M") if t.resolved_at else "",
                "assignee": t.assignee.display_name if t.assignee else "",
                "resolution": t.resolution,
                "hours": f"{t.time_spent_minutes / 60:.1f}",
                "rework": t.rework_count,
            }
        )
    return {
        "contract_number": contract.number,
        "contract_name": contract.name,
        "client_name": contract.client_name,
        "vendor_name": contract.vendor_name,
        "department": signoff.department.name,
        "issued_at": clock.local(signoff.issued_at).strftime("%Y-%m-%d %H:%M"),
        "issued_by": signoff.issued_by.display_name,
        "due_on": signoff.due_on.isoformat() if signoff.due_on else "",
        "tickets": rows,
    }


def _signoff_due(
    contract: Contract, day: dt.date, calendar: WorkCalendar | None
) -> tuple[dt.date | None, int | None]:
    calendar = calendar or get_calendar(contract)
    try:
        return calendar.signoff_due(day, contract.signoff_due_workdays), None
    except CalendarNotLoaded as exc:
        return None, exc.year


def _issue_signoff(
    tickets: list[Ticket], *, actor, calendar: WorkCalendar | None, due_on: dt.date | None = None
) -> SignOff:
    first = tickets[0]
    signoff = SignOff(
        contract=first.contract, department=first.department, issued_at=clock.now(), issued_by=actor
    )
    if due_on is not None:
        signoff.due_on = due_on
    else:
        # Resolved requests: every one has its resolved_at.
        day = clock.local(max(t.resolved_at for t in tickets if t.resolved_at is not None)).date()
        signoff.due_on, signoff.due_pending_year = _signoff_due(first.contract, day, calendar)
    signoff.save()
    signoff.snapshot = _signoff_snapshot(signoff, tickets)
    signoff.snapshot["number"] = signoff.number
    signoff.save(update_fields=["snapshot"])
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(signoff=signoff)
    for t in tickets:
        t.signoff = signoff
    log_action(
        "signoff.issue",
        actor=actor,
        obj=signoff,
        changes={"tickets": [t.number for t in tickets], "due_on": signoff.due_on},
    )
    return signoff


def _void_signoff(signoff: SignOff, *, actor, reason: str, calendar: WorkCalendar | None) -> None:
    count = SignOff.objects.filter(pk=signoff.pk, status=SignOffStatus.PENDING).update(
        status=SignOffStatus.VOID
    )
    if count != 1:
        raise ConcurrentChange("该服务内容确认表刚刚已被签署或作废，请刷新页面。")
    log_action("signoff.void", actor=actor, obj=signoff, changes={"reason": reason})
    remaining = list(
        Ticket.objects.filter(signoff=signoff, status=Status.RESOLVED).select_related(
            "contract", "department", "scope", "requester", "assignee"
        )
    )
    Ticket.objects.filter(signoff=signoff).update(signoff=None)
    if remaining:  # the others of a batch get a new form with the same deadline
        _issue_signoff(remaining, actor=actor, calendar=calendar, due_on=signoff.due_on)


@transaction.atomic
def signoff_issue_batch(*, tickets: list[Ticket], actor) -> SignOff:
    """One form for several resolved requests of one department (replaces their pending forms)."""
    require(policy.can_issue_batch(actor), "只有乙方人员可以出具批量确认表。")
    if len(tickets) < 2:
        raise ServiceError("批量确认表至少需要两个请求。")
    departments = {t.department_id for t in tickets}
    if len(departments) != 1:
        raise ServiceError("批量确认表只能包含同一科室的请求。")
    locked = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(pk__in=[t.pk for t in tickets])
        .select_related("contract", "department", "scope", "requester", "assignee", "signoff")
    )
    if len({t.contract_id for t in locked}) != 1:
        raise ServiceError("批量确认表只能包含同一合同的请求。")
    not_ready = [t.number for t in locked if t.status != Status.RESOLVED]
    if not_ready:
        raise ConcurrentChange("以下请求已不是“已解决待确认”状态：" + "、".join(not_ready))
    old = {t.signoff for t in locked if t.signoff is not None}
    dues = [s.due_on for s in old if s.due_on]
    for s in old:
        count = SignOff.objects.filter(pk=s.pk, status=SignOffStatus.PENDING).update(
            status=SignOffStatus.VOID
        )
        if count != 1:
            raise ConcurrentChange(f"确认表 {s.number} 刚刚已被签署或作废，请刷新页面。")
        log_action("signoff.void", actor=actor, obj=s, changes={"reason": "并入批量确认表"})
    # Requests left alone on a form that was split keep their own form.
    orphans = list(
        Ticket.objects.filter(signoff__in=old, status=Status.RESOLVED)
        .exclude(pk__in=[t.pk for t in locked])
        .select_related("contract", "department", "scope", "requester", "assignee")
    )
    signoff = _issue_signoff(locked, actor=actor, calendar=None, due_on=min(dues) if dues else None)
    for orphan in orphans:
        _issue_signoff(
            [orphan], actor=actor, calendar=None, due_on=orphan.signoff.due_on if orphan.signoff else None
        )
    for t in locked:
        _log("signoff_batch", actor=actor, ticket=t, changes={"signoff": signoff.number})
    return signoff


def _freeze_signature(signoff: SignOff, actor, now: dt.datetime, method: str, late: bool, scan) -> None:
    """The stored scan, and who signed, when, how and whether late, into the form's frozen snapshot."""
    signoff.refresh_from_db()
    if scan:
        signoff.scan = scan
    snap = dict(signoff.snapshot)
    snap.update(
        {
            "signed_by": actor.display_name,
            "signed_at": clock.local(now).strftime("%Y-%m-%d %H:%M"),
            "method": str(SignOffMethod(method).label),
            "signer_note": signoff.signer_note,
            "late": late,
        }
    )
    signoff.snapshot = snap
    signoff.save(update_fields=["scan", "snapshot"])


@transaction.atomic
def signoff_sign(
    *, signoff: SignOff, actor, method: str = SignOffMethod.PORTAL, note: str = "", scan=None
) -> SignOff:
    """The department signs the form in the portal, or uploads the scanned signed paper form."""
    require(policy.can_sign(actor, signoff), "只有请求所属科室的人员可以签署待签署的确认表。")
    if method not in SignOffMethod.values:
        raise ServiceError({"method": ["请选择签署方式。"]})
    if method == SignOffMethod.SCAN:
        if not scan:
            raise ServiceError({"scan": ["请上传签字后的确认表扫描件。"]})
        validate_upload(scan, allowed={"pdf", "jpg", "jpeg", "png"})
    now = clock.now()
    today = clock.today()
    late = signoff.due_on is not None and today > signoff.due_on
    count = SignOff.objects.filter(pk=signoff.pk, status=SignOffStatus.PENDING).update(
        status=SignOffStatus.SIGNED,
        signed_at=now,
        signed_by=actor,
        method=method,
        signer_note=note.strip()[:200],
        late=late,
    )
    if count != 1:
        signoff.refresh_from_db()
        raise ConcurrentChange(
            f"该确认表刚刚已被{'签署' if signoff.status == SignOffStatus.SIGNED else '作废'}，请刷新页面。"
        )
    _freeze_signature(signoff, actor, now, method, late, scan)
    tickets = list(Ticket.objects.filter(signoff=signoff, status=Status.RESOLVED))
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
        status=Status.SIGNED_OFF, signed_off_at=now, paused_since=None, updated_at=now
    )
    log_action(
        "signoff.sign",
        actor=actor,
        obj=signoff,
        changes={
            "method": method,
            "late": late,
            "due_on": signoff.due_on,
            "tickets": [t.number for t in tickets],
        },
    )
    for t in tickets:
        _log(
            "signoff",
            actor=actor,
            ticket=t,
            changes={"status": [Status.RESOLVED, Status.SIGNED_OFF], "signoff": signoff.number, "late": late},
        )
    if tickets:
        _notify(
            {t.assignee for t in tickets if t.assignee_id} | set(_role(Role.PM)),
            title=f"确认表 {signoff.number} 已签署",
            ticket=tickets[0],
            kind="signoff.signed",
        )
    return signoff


@transaction.atomic
def signoff_remind_late(*, today: dt.date | None = None) -> int:
    """Flag each late, unsigned form once to its department. The reminder, its notifications and the
    form's flag are written in one transaction under a unique key, so a retry or a second worker
    sends nothing more and a worker that dies mid-way leaves it to be sent again."""
    today = today or clock.today()
    sent = 0
    candidates = SignOff.objects.filter(
        status=SignOffStatus.PENDING, due_on__lt=today, late_notified_at__isnull=True
    ).select_related("department")
    for signoff in candidates:
        members = (
            []
            if _quiet.get()
            else list(active_users(Role.STAFF, Role.DEPT_HEAD, department=signoff.department))
        )
        with transaction.atomic():
            if not remind_once(
                job="tickets.signoff_overdue",
                key=f"signoff-{signoff.pk}:{signoff.due_on}",
                recipients=members,
                title=f"服务内容确认表 {signoff.number} 已逾期未签署",
                body=f"签署期限为 {signoff.due_on}，请尽快签署。",
                url=reverse("tickets:signoff_detail", args=[signoff.pk]),
                subject=signoff.number,
                due_on=signoff.due_on,
            ):
                continue
            SignOff.objects.filter(pk=signoff.pk).update(late_notified_at=clock.now())
            log_action("signoff.late_reminder", obj=signoff, changes={"due_on": signoff.due_on})
        sent += 1
    return sent
