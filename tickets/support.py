"""Remote and ad-hoc on-site support (contract 一.5(1)) and the dates the bureau sets for a request
(一.5(5)), issue 18 items 1 and 2: writes (audited) and reads (scoped). Kept out of services.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.audit import log_action
from common.errors import ServiceError, TransitionNotAllowed
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from . import policy
from .models import DONE_STATUSES, ENDED_STATUSES, RequiredBy, SupportMode, SupportSession, Ticket
from .recorded_times import check_moment

# --- support sessions ------------------------------------------------------------------------


def support_respond_due(
    contract, mode: str, requested_at: dt.datetime | None, *, calendar: WorkCalendar | None = None
) -> tuple[dt.datetime | None, int | None]:
    """(due, pending year): the working hours of the contract's setting for this mode, counted from the
    bureau's request; (None, year) when that year's calendar is not loaded; (None, None) if not asked."""
    if requested_at is None:
        return None, None
    hours = (
        contract.remote_support_response_hours
        if mode == SupportMode.REMOTE
        else contract.onsite_support_response_hours
    )
    calendar = calendar or get_calendar(contract)
    try:
        return calendar.add_working_minutes(requested_at, hours * 60), None
    except CalendarNotLoaded as exc:
        return None, exc.year


def _check_who(actor, person) -> None:
    if not policy.is_vendor(actor):
        raise TransitionNotAllowed("只有乙方人员可以登记远程/现场支持。")
    if person.role not in {Role.ENGINEER, Role.PM} or not person.is_active:
        raise ServiceError({"person": ["支持人员必须是在岗的乙方人员。"]})
    if person != actor and actor.role != Role.PM:
        raise TransitionNotAllowed("只有项目经理可以代他人登记支持；工程师登记本人的支持。")


def _check_times(contract, ticket: Ticket | None, scope, started_at: dt.datetime, requested_at) -> None:
    """A session serves a live request or a system, and starts after it was asked for, after the request
    and the contract began, and not in the future (issue 11 item 5)."""
    if ticket is not None and ticket.status in ENDED_STATUSES:
        raise ServiceError("已退回或撤销的请求不能登记支持。")
    if ticket is None and scope is None:
        raise ServiceError({"scope": ["请选择所支持的服务请求或系统。"]})
    if requested_at is not None and requested_at > started_at:
        raise ServiceError({"requested_at": ["甲方提出时间不能晚于支持开始时间。"]})
    if started_at > clock.now():
        raise ServiceError({"started_at": ["不能登记尚未开始的支持。"]})
    if ticket is not None:
        check_moment(ticket, started_at, field="started_at", what="支持开始时间")
    if clock.local(started_at).date() < contract.start_on:
        raise ServiceError(
            {"started_at": [f"支持开始时间不能早于合同开始日期 {contract.start_on:%Y-%m-%d}。"]}
        )


@transaction.atomic
def support_record(
    *,
    contract,
    actor,
    mode: str,
    started_at: dt.datetime,
    minutes: int,
    work_done: str,
    ticket: Ticket | None = None,
    scope=None,
    person=None,
    requested_at: dt.datetime | None = None,
) -> SupportSession:
    _check_who(actor, person or actor)
    person = person or actor
    if ticket is not None:
        contract = ticket.contract
        scope = scope or ticket.scope
    _check_times(contract, ticket, scope, started_at, requested_at)
    due, pending = support_respond_due(contract, mode, requested_at)
    session = SupportSession(
        contract=contract,
        ticket=ticket,
        scope=scope,
        mode=mode,
        person=person,
        requested_at=requested_at,
        respond_due_at=due,
        due_pending_year=pending,
        started_at=started_at,
        minutes=minutes,
        work_done=work_done,
        recorded_by=actor,
    )
    session.full_clean()
    session.save()
    log_action(
        "support.record",
        actor=actor,
        obj=session,
        changes={
            "mode": mode,
            "person": person.username,
            "ticket": ticket.number if ticket else "",
            "scope": str(scope or ""),
            "requested_at": requested_at.isoformat() if requested_at else "",
            "respond_due_at": due.isoformat() if due else "",
            "started_at": started_at.isoformat(),
            "minutes": minutes,
        },
    )
    if person != actor:
        _tell_person(session)
    return session


def _tell_person(session: SupportSession) -> None:
    """The PM recorded the session for someone else: that person hears of it."""
    ticket = session.ticket
    notify(
        [session.person],
        title=f"项目经理代您登记了一次{session.get_mode_display()}"
        f"（{clock.local(session.started_at):%Y-%m-%d %H:%M}）",
        body=session.work_done,
        url=reverse("tickets:detail", args=[ticket.pk]) if ticket else reverse("tickets:support_list"),
        kind="support.record",
    )


def support_people(user):
    """Whom ``user`` may record a session for besides themself: the PM, any active vendor person;
    anyone else, nobody (None: the form has no person field)."""
    from accounts.models import User

    if user.role != Role.PM:
        return None
    return User.objects.filter(role__in=[Role.ENGINEER, Role.PM], is_active=True).order_by("role", "username")


def recompute_pending_support() -> int:
    """Response deadlines shown as 待定 get computed once the missing year is loaded."""
    done = 0
    for session in SupportSession.objects.filter(due_pending_year__isnull=False).select_related("contract"):
        due, pending = support_respond_due(session.contract, session.mode, session.requested_at)
        if pending is None:
            SupportSession.objects.filter(pk=session.pk).update(respond_due_at=due, due_pending_year=None)
            done += 1
    return done


def sessions_for_ticket(ticket: Ticket) -> QuerySet[SupportSession]:
    return ticket.support_sessions.select_related("person", "scope")


def support_list(user, contract) -> QuerySet[SupportSession]:
    """All sessions of the contract for the vendor and the bureau admin; bureau departments see the
    sessions of their own requests (and none of the system-only ones)."""
    qs = SupportSession.objects.filter(contract=contract).select_related("person", "scope", "ticket")
    if user.role in {Role.ENGINEER, Role.PM, Role.BUREAU_ADMIN}:
        return qs
    if user.role in {Role.STAFF, Role.DEPT_HEAD}:
        return qs.filter(ticket__department_id=user.department_id)
    return qs.none()


def support_figures(contract, start: dt.date, end: dt.date) -> dict:
    """Sessions started from ``start`` to ``end`` (inclusive): count and hours per mode, late responses."""
    qs = SupportSession.objects.filter(
        contract=contract,
        started_at__gte=clock.aware(start),
        started_at__lt=clock.aware(end + dt.timedelta(days=1)),
    )
    rows = {
        row["mode"]: row
        for row in qs.values("mode").annotate(n=Count("id"), minutes=Sum("minutes")).order_by("mode")
    }
    late = qs.filter(respond_due_at__isnull=False, started_at__gt=F("respond_due_at")).count()
    by_mode = [
        {
            "mode": mode.value,
            "label": str(mode.label),
            "count": rows.get(mode.value, {}).get("n", 0),
            "hours": round((rows.get(mode.value, {}).get("minutes") or 0) / 60, 1),
        }
        for mode in SupportMode
    ]
    return {
        "count": sum(r["count"] for r in by_mode),
        "hours": round(sum(r["hours"] for r in by_mode), 1),
        "by_mode": by_mode,
        "late": late,
        "pending": qs.filter(due_pending_year__isnull=False).count(),
    }


# --- the bureau's required-by date ----------------------------------------------------------


def can_set_required_by(user, ticket: Ticket) -> bool:
    if not user.has_perm("tickets.set_required_by"):
        return False
    if ticket.status in DONE_STATUSES or ticket.status in ENDED_STATUSES:
        return False
    return user.role == Role.BUREAU_ADMIN or policy.is_head_of(user, ticket.department_id)


@transaction.atomic
def required_by_set(*, ticket: Ticket, actor, due_on: dt.date, reason: str) -> RequiredBy:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not can_set_required_by(actor, ticket):
        raise TransitionNotAllowed("只有本科室负责人或局信息化管理员可以为未完成的请求设定要求完成日。")
    if due_on < clock.today():
        raise ServiceError({"due_on": ["要求完成日不能早于今天。"]})
    if not reason.strip():
        raise ServiceError({"reason": ["请写明设定要求完成日的理由（重大政策调整或紧急业务需求）。"]})
    row = RequiredBy.objects.filter(ticket=ticket).first()
    before = {"due_on": row.due_on.isoformat(), "reason": row.reason} if row else {}
    if row is None:
        row = RequiredBy(ticket=ticket)
    row.due_on, row.reason, row.set_by, row.set_at = due_on, reason.strip(), actor, clock.now()
    row.full_clean()
    row.save()
    after = {"due_on": due_on.isoformat(), "reason": row.reason}
    log_action(
        "ticket.required_by",
        actor=actor,
        obj=ticket,
        changes={k: [before.get(k), v] for k, v in after.items()},
    )
    recipients = [ticket.assignee, *people_of(Role.PM)]
    notify(
        recipients,
        title=f"{ticket.number} 甲方要求于 {due_on:%Y-%m-%d} 前完成",
        body=row.reason,
        url=reverse("tickets:detail", args=[ticket.pk]),
        kind="ticket.required_by",
    )
    return row


def people_of(*roles: str) -> list:
    from accounts.models import User

    return list(User.objects.filter(role__in=roles, is_active=True))


@dataclass
class RequiredByState:
    row: RequiredBy
    late: bool
    met: bool
    remind_on: dt.date | None
    pending_year: int | None


def required_by_state(row: RequiredBy, *, calendar: WorkCalendar, now=None) -> RequiredByState:
    now = now or clock.now()
    late = row.is_late(now)
    ticket = row.ticket
    met = ticket.status in DONE_STATUSES and not late
    remind_on = pending = None
    try:
        remind_on = calendar.workday_before(row.due_on, ticket.contract.required_by_remind_workdays)
    except CalendarNotLoaded as exc:
        remind_on, pending = None, exc.year
    return RequiredByState(row=row, late=late, met=met, remind_on=remind_on, pending_year=pending)


def required_by_figures(contract, start: dt.date, end: dt.date, *, as_of: dt.datetime) -> dict:
    """Required-by dates falling from ``start`` to ``end``: met, missed, still open; and late now."""
    rows = list(
        RequiredBy.objects.filter(
            ticket__contract=contract, due_on__gte=start, due_on__lte=end
        ).select_related("ticket")
    )
    missed = [r for r in rows if r.is_late(as_of)]
    met = [r for r in rows if r.ticket.status in DONE_STATUSES and not r.is_late(as_of)]
    open_late = RequiredBy.objects.filter(
        ticket__contract=contract, due_on__lt=clock.local(as_of).date()
    ).filter(~Q(ticket__status__in=[*DONE_STATUSES, *ENDED_STATUSES]))
    return {
        "due": len(rows),
        "met": len(met),
        "missed": len(missed),
        "missed_numbers": [r.ticket.number for r in missed],
        "open_late": open_late.count(),
    }


def mark_required_by(tickets, now=None) -> None:
    """Put each request's required-by date and whether it is late on ``ticket.required_by_mark`` (for a
    page of the request list: one query for the page, the list's own query unchanged)."""
    tickets = list(tickets)
    rows = {r.ticket_id: r for r in RequiredBy.objects.filter(ticket__in=[t.pk for t in tickets])}
    for ticket in tickets:
        row = rows.get(ticket.pk)
        if row is not None:
            row.ticket = ticket
            ticket.required_by_mark = {"due_on": row.due_on, "late": row.is_late(now)}
        else:
            ticket.required_by_mark = None
