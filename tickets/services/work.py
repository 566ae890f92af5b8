"""The vendor's work on a request: assign, claim, start, wait, resume, resolve, reopen, close."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from accounts.models import User
from accounts.roles import Role
from common import clock
from common.errors import ConcurrentChange, ServiceError, require
from contracts.workdays import WorkCalendar

from .. import policy
from ..models import (
    Comment,
    Kind,
    SignOffStatus,
    Status,
    Ticket,
)
from ._base import (
    _claim,
    _log,
    _mark_first_response,
    _need_reason,
    _notify,
    _role,
)
from .deadlines import _pause_minutes, compute_deadlines
from .signoffs import _issue_signoff, _void_signoff


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor, assignee: User) -> Ticket:
    require(policy.can_assign(actor, ticket), "只有项目经理可以分派尚未解决的请求。")
    if assignee.role not in policy.VENDOR_ROLES or not assignee.is_active:
        raise ServiceError({"assignee": ["只能分派给在岗的驻场工程师或项目经理。"]})
    before_status, before_assignee = ticket.status, ticket.assignee_id
    if before_assignee == assignee.pk:
        raise ServiceError({"assignee": [f"该请求已由 {assignee.display_name} 处理。"]})
    new_status = Status.ASSIGNED if before_status == Status.CONFIRMED else before_status
    # Claim on both the state and the assignee seen, so two PMs reassigning at once cannot both win.
    count = Ticket.objects.filter(pk=ticket.pk, status=before_status, assignee_id=before_assignee).update(
        status=new_status, assignee=assignee, assigned_at=clock.now(), updated_at=clock.now()
    )
    if count != 1:
        ticket.refresh_from_db()
        raise ConcurrentChange("该请求刚刚已被他人分派或处理，请刷新页面后再操作。")
    ticket.status, ticket.assignee, ticket.assigned_at = new_status, assignee, clock.now()
    _log(
        "assign",
        actor=actor,
        ticket=ticket,
        changes={
            "status": [before_status, new_status],
            "assignee": [before_assignee, assignee.pk],
            "assignee_name": assignee.display_name,
        },
    )
    _notify([assignee], title=f"分派给您的请求：{ticket.number}", ticket=ticket, kind="ticket.assigned")
    return ticket


@transaction.atomic
def ticket_claim(*, ticket: Ticket, actor) -> Ticket:
    """An engineer takes an unassigned confirmed request. Two at once: one wins, the other is told."""
    if policy.is_vendor(actor) and ticket.assignee is not None and ticket.assignee.pk != actor.pk:
        raise ConcurrentChange(f"该请求刚刚已被 {ticket.assignee.display_name} 领取，您无需再处理。")
    require(policy.can_claim(actor, ticket), "只能领取已确认且尚未分派的请求。")
    now = clock.now()
    count = Ticket.objects.filter(pk=ticket.pk, status=Status.CONFIRMED, assignee__isnull=True).update(
        status=Status.ASSIGNED, assignee=actor, assigned_at=now, updated_at=now
    )
    if count != 1:
        ticket.refresh_from_db()
        who = ticket.assignee.display_name if ticket.assignee else "他人"
        raise ConcurrentChange(f"该请求刚刚已被 {who} 领取，您无需再处理。")
    ticket.status, ticket.assignee, ticket.assigned_at = Status.ASSIGNED, actor, now
    _log(
        "claim",
        actor=actor,
        ticket=ticket,
        changes={"status": [Status.CONFIRMED, Status.ASSIGNED], "assignee": actor.pk},
    )
    _notify(
        _role(Role.PM),
        title=f"{actor.display_name} 领取了请求 {ticket.number}",
        ticket=ticket,
        kind="ticket.claimed",
    )
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor, note: str = "") -> Ticket:
    """The assignee starts work (counts as the first response). Data maintenance needs authorization."""
    require(policy.can_start(actor, ticket), "只有处理人可以开始处理已分派的请求。")
    if ticket.kind == Kind.DATA and not policy.hasattr_authorization(ticket):
        raise ServiceError("数据维护请求必须先由科室负责人或局信息化管理员书面授权，才能开始处理。")
    _claim(ticket, [Status.ASSIGNED], status=Status.IN_PROGRESS, started_at=clock.now())
    _log(
        "start",
        actor=actor,
        ticket=ticket,
        changes={"status": [Status.ASSIGNED, Status.IN_PROGRESS], "note": note},
    )
    _mark_first_response(ticket, actor)
    if note.strip():
        Comment.objects.create(ticket=ticket, author=actor, body=note.strip(), created_at=clock.now())
    return ticket


@transaction.atomic
def ticket_wait(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """Waiting on the bureau (information, a decision, a test): the resolution clock stops."""
    require(policy.can_wait(actor, ticket), "只有处理人可以把处理中的请求设为等待甲方。")
    reason = _need_reason(reason, "等待甲方")
    now = clock.now()
    _claim(ticket, [Status.IN_PROGRESS], status=Status.WAITING, paused_since=now)
    Comment.objects.create(ticket=ticket, author=actor, body=reason, created_at=now)
    _log(
        "wait",
        actor=actor,
        ticket=ticket,
        changes={"status": [Status.IN_PROGRESS, Status.WAITING], "reason": reason},
    )
    _notify(
        [ticket.requester],
        title=f"请求等待您的答复：{ticket.number}",
        body=reason,
        ticket=ticket,
        kind="ticket.waiting",
    )
    return ticket


def _resume_clock(ticket: Ticket, since: dt.datetime | None, calendar: WorkCalendar | None) -> int:
    """Add the paused working minutes to the deadline; returns the minutes added."""
    added = _pause_minutes(ticket, since, calendar)
    ticket.paused_minutes += added
    ticket.paused_since = None
    compute_deadlines(ticket, calendar=calendar)
    Ticket.objects.filter(pk=ticket.pk).update(
        paused_minutes=ticket.paused_minutes,
        paused_since=None,
        resolve_due_at=ticket.resolve_due_at,
        resolve_warn_at=ticket.resolve_warn_at,
        respond_due_at=ticket.respond_due_at,
        due_pending_year=ticket.due_pending_year,
    )
    return added


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor, note: str = "", calendar: WorkCalendar | None = None) -> Ticket:
    require(policy.can_resume(actor, ticket), "只有处理人或提出科室可以恢复等待中的请求。")
    since = ticket.paused_since
    _claim(ticket, [Status.WAITING], status=Status.IN_PROGRESS)
    added = _resume_clock(ticket, since, calendar)
    if note.strip():
        Comment.objects.create(ticket=ticket, author=actor, body=note.strip(), created_at=clock.now())
    _log(
        "resume",
        actor=actor,
        ticket=ticket,
        changes={
            "status": [Status.WAITING, Status.IN_PROGRESS],
            "paused_minutes_added": added,
            "resolve_due_at": ticket.resolve_due_at,
            "note": note,
        },
    )
    if policy.in_department(actor, ticket.department_id) and ticket.assignee_id:
        _notify(
            [ticket.assignee],
            title=f"甲方已答复，请继续处理：{ticket.number}",
            ticket=ticket,
            kind="ticket.resumed",
        )
    return ticket


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, actor, resolution: str, calendar: WorkCalendar | None = None) -> Ticket:
    require(policy.can_resolve(actor, ticket), "只有处理人可以办结处理中的请求。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError({"resolution": ["请填写处理结果（做了什么、结果如何）。"]})
    blockers = policy.resolve_blockers(ticket)
    if blockers:
        raise ServiceError(blockers)
    now = clock.now()
    _claim(
        ticket,
        [Status.IN_PROGRESS],
        status=Status.RESOLVED,
        resolved_at=now,
        resolution=resolution,
        paused_since=now,
    )
    _mark_first_response(ticket, actor)
    late = ticket.is_overdue(now)
    _log(
        "resolve",
        actor=actor,
        ticket=ticket,
        changes={"status": [Status.IN_PROGRESS, Status.RESOLVED], "resolution": resolution, "late": late},
    )
    signoff = _issue_signoff([ticket], actor=actor, calendar=calendar)
    _notify(
        [ticket.requester],
        title=f"请求已解决，请签署服务内容确认表：{ticket.number}",
        body=f"请于 {signoff.due_on or '待定'} 前签署。{resolution}",
        ticket=ticket,
        kind="ticket.resolved",
    )
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor, reason: str, calendar: WorkCalendar | None = None) -> Ticket:
    """The department is not satisfied with the resolution: back to work, counted as rework."""
    require(policy.can_reopen(actor, ticket), "只有提出科室可以在签署前重新打开已解决的请求。")
    reason = _need_reason(reason, "重新打开")
    since = ticket.resolved_at
    _claim(
        ticket,
        [Status.RESOLVED],
        status=Status.IN_PROGRESS,
        rework_count=F("rework_count") + 1,
        resolved_at=None,
    )
    added = _resume_clock(ticket, since, calendar)
    old_signoff = ticket.signoff
    if old_signoff is not None and old_signoff.status == SignOffStatus.PENDING:
        _void_signoff(old_signoff, actor=actor, reason=f"{ticket.number} 重新打开", calendar=calendar)
    Comment.objects.create(ticket=ticket, author=actor, body=f"重新打开：{reason}", created_at=clock.now())
    _log(
        "reopen",
        actor=actor,
        ticket=ticket,
        changes={
            "status": [Status.RESOLVED, Status.IN_PROGRESS],
            "reason": reason,
            "rework_count": ticket.rework_count,
            "paused_minutes_added": added,
        },
    )
    _notify(
        [ticket.assignee],
        title=f"请求被重新打开（返工）：{ticket.number}",
        body=reason,
        ticket=ticket,
        kind="ticket.reopened",
    )
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor) -> Ticket:
    require(policy.can_close(actor, ticket), "只有项目经理或局信息化管理员可以关闭已签署的请求。")
    _claim(ticket, [Status.SIGNED_OFF], status=Status.CLOSED, closed_at=clock.now())
    _log("close", actor=actor, ticket=ticket, changes={"status": [Status.SIGNED_OFF, Status.CLOSED]})
    return ticket
