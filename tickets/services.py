"""Writes on service requests. Each runs in a transaction, claims the state it changes atomically,
writes an audit entry on the request (so its timeline is the audit trail) and notifies people.

Keyword-only; ``actor`` is the user acting. Refusals raise ``TransitionNotAllowed`` (wrong role or
state), ``ServiceError`` (a rule of the contract) or ``ConcurrentChange`` (someone else was first),
each with a message in Chinese that says why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from common import clock
from common.audit import log_action, snapshot
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.models import Contract, SlaTarget
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from jobs.runner import remind_once

from . import policy, rules
from .models import (
    UPGRADE_STAGE_ORDER,
    Attachment,
    BatchStep,
    BatchStepKind,
    Comment,
    DataAuthorization,
    Kind,
    SignOff,
    SignOffMethod,
    SignOffStatus,
    Status,
    Ticket,
    TimeEntry,
    UpgradeStage,
    UpgradeStep,
    UpgradeTarget,
)

TICKET_FIELDS = [
    "kind",
    "scope",
    "priority",
    "title",
    "description",
    "department",
    "contact_phone",
    "policy_document",
    "data_scope",
    "batch_type",
    "affected_population",
    "init_type",
    "upgrade_target",
]

# Notifications can be held back while the demo replays a year of history.
_quiet: ContextVar[bool] = ContextVar("tickets_quiet_notifications", default=False)


@contextlib.contextmanager
def quiet_notifications() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def _notify(users: Iterable, *, title: str, ticket: Ticket, body: str = "", kind: str = "") -> None:
    if _quiet.get():
        return
    notify(users, title=title, body=body or ticket.title, url=_url(ticket), kind=kind or "ticket")


def _heads(department_id) -> list[User]:
    if _quiet.get():
        return []
    return list(User.objects.filter(role=Role.DEPT_HEAD, department_id=department_id, is_active=True))


def _role(role: str) -> list[User]:
    if _quiet.get():
        return []
    return list(User.objects.filter(role=role, is_active=True))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise TransitionNotAllowed(message)


def _need_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": [f"{what}必须填写原因。"]})
    return reason


def _claim(ticket: Ticket, from_statuses: Iterable[str], **updates) -> None:
    """Move the request out of one of ``from_statuses`` atomically; the loser is told."""
    updates.setdefault("updated_at", clock.now())
    count = Ticket.objects.filter(pk=ticket.pk, status__in=list(from_statuses)).update(**updates)
    if count != 1:
        current = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).first()
        label = str(Status(current).label) if current else "已删除"
        ticket.refresh_from_db()
        raise ConcurrentChange(f"该请求刚刚已被他人处理（当前状态：{label}），请刷新页面后再操作。")
    # Keep the instance (and its cached relations) in step without reloading it.
    expressions = [name for name, value in updates.items() if hasattr(value, "resolve_expression")]
    for name, value in updates.items():
        if name not in expressions:
            setattr(ticket, name, value)
    if expressions:
        ticket.refresh_from_db(fields=expressions)


def _log(action: str, *, actor, ticket: Ticket, changes: dict | None = None) -> None:
    log_action(f"ticket.{action}", actor=actor, obj=ticket, changes=changes or {})


# --- SLA clocks ---------------------------------------------------------------------------------


def sla_target(contract: Contract, priority: str) -> SlaTarget:
    return SlaTarget.objects.get(contract=contract, priority=priority)


def compute_deadlines(ticket: Ticket, *, calendar: WorkCalendar | None = None) -> None:
    """Set the request's deadlines from its confirmation (not saved); 待定 if the year is not loaded."""
    if ticket.confirmed_at is None:
        return
    contract = ticket.contract
    calendar = calendar or get_calendar(contract)
    per_day = contract.working_hours.minutes_per_day
    target = sla_target(contract, ticket.priority)
    try:
        due = rules.deadlines(
            calendar,
            start=ticket.confirmed_at,
            respond_minutes=target.respond_minutes(per_day),
            resolve_minutes=target.resolve_minutes(per_day),
            paused_minutes=ticket.paused_minutes,
            warning_percent=contract.sla_warning_percent,
        )
    except CalendarNotLoaded as exc:
        ticket.respond_due_at = ticket.resolve_due_at = ticket.resolve_warn_at = None
        ticket.due_pending_year = exc.year
        return
    ticket.respond_due_at = due.respond_due_at
    ticket.resolve_due_at = due.resolve_due_at
    ticket.resolve_warn_at = due.resolve_warn_at
    ticket.due_pending_year = None


def _pause_minutes(ticket: Ticket, since: dt.datetime | None, calendar: WorkCalendar | None) -> int:
    if since is None:
        return 0
    calendar = calendar or get_calendar(ticket.contract)
    try:
        return rules.pause_extension(
            calendar, paused_since=since, until=clock.now(), due_at=ticket.resolve_due_at
        )
    except CalendarNotLoaded:
        return 0


def recompute_pending_deadlines() -> int:
    """Deadlines that were 待定 because a calendar year was missing: compute those that now can be."""
    updated = 0
    calendars: dict[int, WorkCalendar] = {}
    for ticket in Ticket.objects.filter(due_pending_year__isnull=False).select_related("contract"):
        calendar = calendars.get(ticket.contract_id) or get_calendar(ticket.contract)
        calendars[ticket.contract_id] = calendar
        compute_deadlines(ticket, calendar=calendar)
        if ticket.due_pending_year is None:
            ticket.save(
                update_fields=["respond_due_at", "resolve_due_at", "resolve_warn_at", "due_pending_year"]
            )
            log_action(
                "ticket.deadlines",
                obj=ticket,
                changes={"respond_due_at": ticket.respond_due_at, "resolve_due_at": ticket.resolve_due_at},
            )
            updated += 1
    return updated


# --- filing and the bureau's decisions ---------------------------------------------------------------


def _validate_kind_fields(ticket: Ticket) -> None:
    errors: dict[str, list[str]] = {}
    if ticket.kind == Kind.POLICY and not ticket.policy_document.strip():
        errors["policy_document"] = ["政策调整请填写依据的政策文件（文号或名称）。"]
    if ticket.kind == Kind.DATA and not ticket.data_scope.strip():
        errors["data_scope"] = ["数据维护请说明数据范围（涉及的人员、险种、期间等）。"]
    if ticket.kind == Kind.BATCH:
        if not ticket.batch_type:
            errors["batch_type"] = ["请选择批量处理类型。"]
        if not ticket.affected_population.strip():
            errors["affected_population"] = ["请填写涉及人群或人数。"]
    if ticket.kind == Kind.INIT and not ticket.init_type:
        errors["init_type"] = ["请选择月度或年度初始化。"]
    if ticket.kind == Kind.UPGRADE and not ticket.upgrade_target:
        errors["upgrade_target"] = ["请选择升级对象（中心端或医院端）。"]
    if ticket.scope_id and ticket.scope.contract_id != ticket.contract_id:
        errors["scope"] = ["该系统不属于本合同的服务范围。"]
    if ticket.scope_id and not ticket.scope.is_active:
        errors["scope"] = ["该服务范围已停用。"]
    # Fields of other kinds are cleared so that a changed kind leaves nothing stale.
    if ticket.kind != Kind.POLICY:
        ticket.policy_document = ""
    if ticket.kind != Kind.DATA:
        ticket.data_scope = ""
    if ticket.kind != Kind.BATCH:
        ticket.batch_type = ""
        ticket.affected_population = ""
    if ticket.kind != Kind.INIT:
        ticket.init_type = ""
    if ticket.kind != Kind.UPGRADE:
        ticket.upgrade_target = ""
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def ticket_submit(*, actor, contract: Contract, **fields) -> Ticket:
    """A member of a department files a request for that department."""
    _require(policy.can_file(actor), "只有科室经办人员或科室负责人可以提交服务请求。")
    if not contract.is_current(clock.today()):
        raise ServiceError("该合同不在服务期内，不能再提交服务请求。请切换到当前合同。")
    fields = {k: v for k, v in fields.items() if k in TICKET_FIELDS and k != "department"}
    ticket = Ticket(contract=contract, department_id=actor.department_id, requester=actor, **fields)
    ticket.created_at = ticket.updated_at = clock.now()
    _validate_kind_fields(ticket)
    ticket.full_clean()
    ticket.save()
    _log("submit", actor=actor, ticket=ticket, changes=snapshot(ticket, TICKET_FIELDS))
    _notify(
        _heads(ticket.department_id),
        title=f"新服务请求待确认：{ticket.number}",
        ticket=ticket,
        kind="ticket.submitted",
    )
    return ticket


@transaction.atomic
def ticket_confirm(*, ticket: Ticket, actor, calendar: WorkCalendar | None = None) -> Ticket:
    """The department head (or bureau admin) confirms: the request goes to the vendor, clocks start."""
    _require(policy.can_confirm(actor, ticket), "只有本科室负责人或局信息化管理员可以确认待确认的请求。")
    now = clock.now()
    ticket.confirmed_at = now
    compute_deadlines(ticket, calendar=calendar)
    _claim(
        ticket,
        [Status.SUBMITTED],
        status=Status.CONFIRMED,
        confirmed_at=now,
        confirmed_by=actor,
        respond_due_at=ticket.respond_due_at,
        resolve_due_at=ticket.resolve_due_at,
        resolve_warn_at=ticket.resolve_warn_at,
        due_pending_year=ticket.due_pending_year,
    )
    _log(
        "confirm",
        actor=actor,
        ticket=ticket,
        changes={
            "status": [Status.SUBMITTED, Status.CONFIRMED],
            "respond_due_at": ticket.respond_due_at,
            "resolve_due_at": ticket.resolve_due_at,
            "due_pending_year": ticket.due_pending_year,
        },
    )
    _notify(
        _role(Role.PM), title=f"请求已确认，待分派：{ticket.number}", ticket=ticket, kind="ticket.confirmed"
    )
    return ticket


@transaction.atomic
def ticket_reject(*, ticket: Ticket, actor, reason: str) -> Ticket:
    _require(policy.can_reject(actor, ticket), "只有本科室负责人或局信息化管理员可以退回待确认的请求。")
    reason = _need_reason(reason, "退回")
    _claim(ticket, [Status.SUBMITTED], status=Status.REJECTED, end_reason=reason, closed_at=clock.now())
    _log(
        "reject",
        actor=actor,
        ticket=ticket,
        changes={"status": [Status.SUBMITTED, Status.REJECTED], "reason": reason},
    )
    _notify(
        [ticket.requester],
        title=f"请求被退回：{ticket.number}",
        body=reason,
        ticket=ticket,
        kind="ticket.rejected",
    )
    return ticket


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor, reason: str) -> Ticket:
    _require(
        policy.can_cancel(actor, ticket),
        "只有提出科室或局信息化管理员可以撤销，且工程师开始处理后不能撤销。",
    )
    reason = _need_reason(reason, "撤销")
    before = ticket.status
    _claim(ticket, policy.CANCELLABLE, status=Status.CANCELLED, end_reason=reason, closed_at=clock.now())
    _log(
        "cancel", actor=actor, ticket=ticket, changes={"status": [before, Status.CANCELLED], "reason": reason}
    )
    _notify(
        [ticket.requester, ticket.assignee],
        title=f"请求已撤销：{ticket.number}",
        body=reason,
        ticket=ticket,
        kind="ticket.cancelled",
    )
    return ticket


@transaction.atomic
def data_authorize(*, ticket: Ticket, actor, scope: str, approval_file=None) -> DataAuthorization:
    """Written authorization of data maintenance: who (the actor), when (now), scope, optional scan."""
    _require(
        policy.can_authorize(actor, ticket),
        "只有本科室负责人或局信息化管理员可以在开始处理前授权数据维护请求。",
    )
    scope = (scope or "").strip()
    if not scope:
        raise ServiceError({"scope": ["请填写授权范围。"]})
    authorization = DataAuthorization(
        ticket=ticket,
        authorized_by=actor,
        authorized_at=clock.now(),
        scope=scope,
        approval_file=approval_file or "",
    )
    authorization.full_clean(exclude=["ticket"])
    try:
        with transaction.atomic():
            authorization.save()
    except IntegrityError as exc:
        raise ConcurrentChange("该请求已经有人授权了，请刷新页面查看。") from exc
    _log(
        "authorize",
        actor=actor,
        ticket=ticket,
        changes={"scope": scope, "approval_file": authorization.approval_file.name or ""},
    )
    if ticket.assignee_id:
        _notify(
            [ticket.assignee],
            title=f"数据维护已授权：{ticket.number}",
            ticket=ticket,
            kind="ticket.authorized",
        )
    return authorization


# --- the vendor's work ----------------------------------------------------------------------------------


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor, assignee: User) -> Ticket:
    _require(policy.can_assign(actor, ticket), "只有项目经理可以分派尚未解决的请求。")
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
    if policy.is_vendor(actor) and ticket.assignee_id and ticket.assignee_id != actor.pk:
        raise ConcurrentChange(f"该请求刚刚已被 {ticket.assignee.display_name} 领取，您无需再处理。")
    _require(policy.can_claim(actor, ticket), "只能领取已确认且尚未分派的请求。")
    now = clock.now()
    count = Ticket.objects.filter(pk=ticket.pk, status=Status.CONFIRMED, assignee__isnull=True).update(
        status=Status.ASSIGNED, assignee=actor, assigned_at=now, updated_at=now
    )
    if count != 1:
        ticket.refresh_from_db()
        who = ticket.assignee.display_name if ticket.assignee_id else "他人"
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


def _mark_first_response(ticket: Ticket, actor) -> None:
    if ticket.first_response_at is not None:
        return
    now = clock.now()
    if Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(first_response_at=now):
        ticket.first_response_at = now
        _log(
            "respond",
            actor=actor,
            ticket=ticket,
            changes={"first_response_at": now, "late": ticket.response_late(now)},
        )


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor, note: str = "") -> Ticket:
    """The assignee starts work (counts as the first response). Data maintenance needs authorization."""
    _require(policy.can_start(actor, ticket), "只有处理人可以开始处理已分派的请求。")
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
    _require(policy.can_wait(actor, ticket), "只有处理人可以把处理中的请求设为等待甲方。")
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
    _require(policy.can_resume(actor, ticket), "只有处理人或提出科室可以恢复等待中的请求。")
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


def resolve_blockers(ticket: Ticket) -> list[str]:
    """What still stands between the request and its resolution (the gates of SPEC §4)."""
    blockers = []
    if ticket.kind == Kind.BATCH:
        done = set(ticket.batch_steps.values_list("step", flat=True))
        missing = [str(BatchStepKind(s).label) for s in BatchStepKind.values if s not in done]
        if missing:
            blockers.append("批量处理还缺少以下步骤的记录：" + "、".join(missing) + "。")
    if ticket.kind == Kind.UPGRADE:
        done = set(ticket.upgrade_steps.values_list("stage", flat=True))
        if UpgradeStage.ACCEPTED not in done:
            nxt = next((s for s in UPGRADE_STAGE_ORDER if s not in done), None)
            blockers.append(f"升级需求须经甲方确认升级后才能办结，当前待完成：{UpgradeStage(nxt).label}。")
    if ticket.kind == Kind.DATA and not policy.hasattr_authorization(ticket):
        blockers.append("数据维护请求没有书面授权。")
    return blockers


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, actor, resolution: str, calendar: WorkCalendar | None = None) -> Ticket:
    _require(policy.can_resolve(actor, ticket), "只有处理人可以办结处理中的请求。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError({"resolution": ["请填写处理结果（做了什么、结果如何）。"]})
    blockers = resolve_blockers(ticket)
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
    _require(policy.can_reopen(actor, ticket), "只有提出科室可以在签署前重新打开已解决的请求。")
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
    _require(policy.can_close(actor, ticket), "只有项目经理或局信息化管理员可以关闭已签署的请求。")
    _claim(ticket, [Status.SIGNED_OFF], status=Status.CLOSED, closed_at=clock.now())
    _log("close", actor=actor, ticket=ticket, changes={"status": [Status.SIGNED_OFF, Status.CLOSED]})
    return ticket


# --- comments, attachments, time ------------------------------------------------------------------------


@transaction.atomic
def comment_add(*, ticket: Ticket, actor, body: str, internal: bool = False) -> Comment:
    _require(policy.can_comment(actor, ticket), "您不能在该请求上留言。")
    body = (body or "").strip()
    if not body:
        raise ServiceError({"body": ["留言内容不能为空。"]})
    if internal and not policy.is_vendor(actor):
        raise TransitionNotAllowed("只有乙方人员可以发内部留言。")
    comment = Comment(ticket=ticket, author=actor, body=body, internal=internal, created_at=clock.now())
    comment.full_clean()
    comment.save()
    _log("comment", actor=actor, ticket=ticket, changes={"comment": comment.pk, "internal": internal})
    if (
        policy.is_vendor(actor)
        and not internal
        and ticket.status in {Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS}
    ):
        _mark_first_response(ticket, actor)
    if not internal:
        if policy.is_vendor(actor):
            _notify(
                [ticket.requester],
                title=f"工程师回复了请求 {ticket.number}",
                body=body[:200],
                ticket=ticket,
                kind="ticket.comment",
            )
        elif ticket.assignee_id:
            _notify(
                [ticket.assignee],
                title=f"甲方在请求 {ticket.number} 上留言",
                body=body[:200],
                ticket=ticket,
                kind="ticket.comment",
            )
    return comment


@transaction.atomic
def attachment_add(*, ticket: Ticket, actor, upload, internal: bool = False) -> Attachment:
    """Store a checked upload (type and size are checked by ``tickets.attachments.validate_upload``)."""
    from .attachments import validate_upload

    _require(policy.can_attach(actor, ticket), "该请求已结束或您无权上传附件。")
    if internal and not policy.is_vendor(actor):
        internal = False
    content_type = validate_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        file=upload,
        original_name=upload.name[:200],
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
        uploaded_at=clock.now(),
        internal=internal,
    )
    attachment.save()
    _log(
        "attach",
        actor=actor,
        ticket=ticket,
        changes={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "size": attachment.size,
            "internal": internal,
        },
    )
    return attachment


@transaction.atomic
def time_log(*, ticket: Ticket, actor, work_date: dt.date, minutes: int, note: str = "") -> TimeEntry:
    _require(policy.can_log_time(actor, ticket), "只有处理人可以登记该请求的工时。")
    if work_date > clock.today():
        raise ServiceError({"work_date": ["不能登记未来日期的工时。"]})
    if minutes is None or minutes < 1 or minutes > 24 * 60:
        raise ServiceError({"minutes": ["工时必须在 1 分钟到 24 小时之间。"]})
    entry = TimeEntry(
        ticket=ticket, engineer=actor, work_date=work_date, minutes=minutes, note=note.strip()[:200]
    )
    entry.full_clean()
    entry.save()
    Ticket.objects.filter(pk=ticket.pk).update(time_spent_minutes=F("time_spent_minutes") + minutes)
    ticket.refresh_from_db(fields=["time_spent_minutes"])
    _log(
        "time",
        actor=actor,
        ticket=ticket,
        changes={"work_date": work_date, "minutes": minutes, "note": entry.note},
    )
    return entry


# --- gates --------------------------------------------------------------------------------------------


@transaction.atomic
def batch_step_record(*, ticket: Ticket, actor, step: str, note: str = "", evidence=None) -> BatchStep:
    """Backup, test run, verification, recovery plan: each once, with who, when and a note or file."""
    _require(policy.can_record_batch_step(actor, ticket), "只有处理人可以在处理中记录批量处理步骤。")
    if step not in BatchStepKind.values:
        raise ServiceError({"step": ["未知的步骤。"]})
    note = (note or "").strip()
    if not note and not evidence:
        raise ServiceError({"note": ["请填写说明或上传证明材料（如备份文件清单、测试结果截图）。"]})
    if evidence:
        from .attachments import validate_upload

        validate_upload(evidence)
    row = BatchStep(
        ticket=ticket,
        step=step,
        recorded_by=actor,
        recorded_at=clock.now(),
        note=note,
        evidence=evidence or "",
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise ConcurrentChange(f"“{BatchStepKind(step).label}”已经记录过了。") from exc
    _log(
        "batch_step",
        actor=actor,
        ticket=ticket,
        changes={
            "step": step,
            "step_label": str(BatchStepKind(step).label),
            "note": note,
            "evidence": row.evidence.name or "",
        },
    )
    return row


def upgrade_window(contract: Contract, target: str) -> tuple[dt.time, dt.time]:
    start = (
        contract.upgrade_central_from if target == UpgradeTarget.CENTRAL else contract.upgrade_hospital_from
    )
    return start, contract.upgrade_window_until


def check_upgrade_window(ticket: Ticket, moment: dt.datetime) -> bool:
    """True if ``moment`` is inside the window, or the emergency exception is approved; else refuse."""
    if timezone_naive(moment):
        raise ServiceError({"window_start": ["时间缺少时区。"]})
    start, until = upgrade_window(ticket.contract, ticket.upgrade_target)
    local = clock.local(moment)
    if rules.in_upgrade_window(local, window_from=start, window_until=until):
        return False
    if ticket.emergency_approved_at is not None:
        return True
    raise ServiceError(
        {
            "window_start": [
                f"{UpgradeTarget(ticket.upgrade_target).label}升级只能在 {start:%H:%M} "
                f"至次日 {until:%H:%M} 之间开始，"
                f"{local:%Y-%m-%d %H:%M} 不在窗口内。确需紧急升级，请先申请紧急例外并经局信息化管理员批准。"
            ]
        }
    )


def timezone_naive(moment: dt.datetime) -> bool:
    return moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None


@transaction.atomic
def upgrade_step_record(
    *,
    ticket: Ticket,
    actor,
    stage: str,
    note: str = "",
    document=None,
    window_start: dt.datetime | None = None,
) -> UpgradeStep:
    """Record the next stage of an upgrade requirement, in order (SPEC §4)."""
    if stage not in UpgradeStage.values:
        raise ServiceError({"stage": ["未知的升级阶段。"]})
    _require(
        policy.can_record_upgrade_stage(actor, ticket, stage),
        "需求确认与升级确认由本科室负责人或局信息化管理员记录，其余阶段由处理人记录，且请求须在处理中。",
    )
    Ticket.objects.select_for_update().filter(pk=ticket.pk).first()  # serialise stages of one request
    done = {row.stage: row for row in ticket.upgrade_steps.all()}
    reschedule = stage == UpgradeStage.SCHEDULED and stage in done and UpgradeStage.DEPLOYED not in done
    expected = policy.next_upgrade_stage(ticket, set(done))
    if stage != expected and not reschedule:
        if stage in done:
            raise ConcurrentChange(f"“{UpgradeStage(stage).label}”已经记录过了。")
        raise ServiceError(
            f"升级须按顺序进行，下一步应为：{UpgradeStage(expected).label}。"
            if expected
            else "升级各阶段均已完成。"
        )
    note = (note or "").strip()
    if stage == UpgradeStage.REQUIREMENT and not (note or document):
        raise ServiceError({"note": ["请填写需求文档要点或上传需求文档。"]})
    if stage == UpgradeStage.SUBMITTED and not note:
        raise ServiceError({"note": ["请填写提交市信息中心的方式或编号。"]})
    emergency = False
    if stage in {UpgradeStage.SCHEDULED, UpgradeStage.DEPLOYED}:
        if window_start is None:
            raise ServiceError({"window_start": ["请填写升级开始时间。"]})
        if stage == UpgradeStage.SCHEDULED and window_start < clock.now():
            raise ServiceError({"window_start": ["计划升级时间不能早于现在。"]})
        if stage == UpgradeStage.DEPLOYED and window_start > clock.now():
            raise ServiceError({"window_start": ["实际部署时间不能晚于现在。"]})
        emergency = check_upgrade_window(ticket, window_start)
    if document:
        from .attachments import validate_upload

        validate_upload(document)
    if reschedule:
        row = done[stage]
        before = row.window_start
        row.window_start, row.note, row.emergency = window_start, note or row.note, emergency
        row.recorded_by, row.recorded_at = actor, clock.now()
        row.save()
        _log(
            "upgrade_reschedule",
            actor=actor,
            ticket=ticket,
            changes={"window_start": [before, window_start], "emergency": emergency},
        )
        return row
    row = UpgradeStep(
        ticket=ticket,
        stage=stage,
        recorded_by=actor,
        recorded_at=clock.now(),
        note=note,
        document=document or "",
        window_start=window_start,
        emergency=emergency,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise ConcurrentChange(f"“{UpgradeStage(stage).label}”已经记录过了。") from exc
    _log(
        "upgrade_step",
        actor=actor,
        ticket=ticket,
        changes={
            "stage": stage,
            "stage_label": str(UpgradeStage(stage).label),
            "note": note,
            "window_start": window_start,
            "emergency": emergency,
        },
    )
    if stage == UpgradeStage.REQUIREMENT:
        _notify(
            _heads(ticket.department_id),
            title=f"升级需求文档待确认：{ticket.number}",
            ticket=ticket,
            kind="ticket.upgrade",
        )
    elif stage == UpgradeStage.DEPLOYED:
        _notify(
            [ticket.requester, *_heads(ticket.department_id)],
            title=f"升级已部署，请确认：{ticket.number}",
            ticket=ticket,
            kind="ticket.upgrade",
        )
    return row


@transaction.atomic
def emergency_request(*, ticket: Ticket, actor, reason: str) -> Ticket:
    _require(policy.can_request_emergency(actor, ticket), "只有处理人可以为处理中的升级申请紧急例外。")
    reason = _need_reason(reason, "紧急升级申请")
    now = clock.now()
    count = Ticket.objects.filter(pk=ticket.pk, emergency_approved_at__isnull=True).update(
        emergency_reason=reason, emergency_requested_by=actor, emergency_requested_at=now, updated_at=now
    )
    if count != 1:
        raise ConcurrentChange("紧急例外已经批准，无需再申请。")
    ticket.refresh_from_db()
    _log("emergency_request", actor=actor, ticket=ticket, changes={"reason": reason})
    _notify(
        _role(Role.BUREAU_ADMIN),
        title=f"紧急升级例外待批准：{ticket.number}",
        body=reason,
        ticket=ticket,
        kind="ticket.emergency",
    )
    return ticket


@transaction.atomic
def emergency_approve(*, ticket: Ticket, actor) -> Ticket:
    _require(policy.can_approve_emergency(actor, ticket), "只有局信息化管理员可以批准已申请的紧急升级例外。")
    now = clock.now()
    count = (
        Ticket.objects.filter(pk=ticket.pk, emergency_approved_at__isnull=True)
        .exclude(emergency_reason="")
        .update(emergency_approved_by=actor, emergency_approved_at=now, updated_at=now)
    )
    if count != 1:
        raise ConcurrentChange("紧急例外刚刚已被批准。")
    ticket.refresh_from_db()
    _log("emergency_approve", actor=actor, ticket=ticket, changes={"reason": ticket.emergency_reason})
    _notify(
        [ticket.assignee],
        title=f"紧急升级例外已批准：{ticket.number}",
        ticket=ticket,
        kind="ticket.emergency",
    )
    return ticket


# --- sign-off forms -------------------------------------------------------------------------------------


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
                "assignee": t.assignee.display_name if t.assignee_id else "",
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
        day = clock.local(max(t.resolved_at for t in tickets)).date()
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
    _require(policy.can_issue_batch(actor), "只有乙方人员可以出具批量确认表。")
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


@transaction.atomic
def signoff_sign(
    *, signoff: SignOff, actor, method: str = SignOffMethod.PORTAL, note: str = "", scan=None
) -> SignOff:
    """The department signs the form in the portal, or uploads the scanned signed paper form."""
    _require(policy.can_sign(actor, signoff), "只有请求所属科室的人员可以签署待签署的确认表。")
    if method not in SignOffMethod.values:
        raise ServiceError({"method": ["请选择签署方式。"]})
    if method == SignOffMethod.SCAN:
        if not scan:
            raise ServiceError({"scan": ["请上传签字后的确认表扫描件。"]})
        from .attachments import validate_upload

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
            else list(
                User.objects.filter(
                    department=signoff.department, is_active=True, role__in=[Role.STAFF, Role.DEPT_HEAD]
                )
            )
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


def validation_messages(exc: ValidationError) -> list[str]:
    """Flat list of a ValidationError's messages (for ``messages.error``)."""
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
