"""Reads on service requests. Every queryset here is scoped to what the user may see (SPEC §1):
bureau staff and heads their department's, engineers the requests assigned to them plus the
confirmed unassigned pool they may claim, the PM and bureau admin all; other roles nothing.

Also the facts later apps read (performance, reports), so they need not know the model's details.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from common import clock
from common.models import AuditEntry

from . import policy
from .models import (
    ACTIVE_STATUSES,
    DATA_MAINTENANCE_KINDS,
    OPEN_STATUSES,
    Attachment,
    Comment,
    SignOff,
    SignOffStatus,
    Status,
    Ticket,
)

LIST_RELATED = ("department", "scope", "requester", "assignee", "contract")


def visible_tickets(user) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.role in policy.BUREAU_DEPT_ROLES:
        return qs.filter(department_id=user.department_id)
    if user.role in {Role.BUREAU_ADMIN, Role.PM}:
        return qs
    if user.role == Role.ENGINEER:
        return qs.filter(Q(assignee=user) | Q(status=Status.CONFIRMED, assignee__isnull=True))
    return qs.none()


def worklog_ticket_choices(user, *, linked=()) -> QuerySet[Ticket]:
    """Requests a person can name in a daily work log: those assigned to them (and any already linked)."""
    return (
        Ticket.objects.filter(Q(assignee=user) | Q(pk__in=[t.pk for t in linked]))
        .exclude(status__in=[Status.SUBMITTED, Status.REJECTED, Status.CANCELLED])
        .order_by("-id")
    )


def ticket_list(user, contract=None) -> QuerySet[Ticket]:
    qs = visible_tickets(user).select_related(*LIST_RELATED)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs


def ticket_for(user, pk: int) -> Ticket:
    """The request if the user may see it, else 404."""
    return get_object_or_404(
        visible_tickets(user).select_related(
            *LIST_RELATED, "confirmed_by", "emergency_approved_by", "signoff"
        ),
        pk=pk,
    )


def comments_for(user, ticket: Ticket) -> QuerySet[Comment]:
    qs = ticket.comments.select_related("author")
    return qs if policy.is_vendor(user) else qs.filter(internal=False)


def attachments_for(user, ticket: Ticket) -> QuerySet[Attachment]:
    qs = ticket.attachments.select_related("uploaded_by")
    return qs if policy.is_vendor(user) else qs.filter(internal=False)


def attachment_for(user, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("ticket"), pk=pk)
    if not policy.can_view(user, attachment.ticket) or (attachment.internal and not policy.is_vendor(user)):
        from django.http import Http404

        raise Http404
    return attachment


# Audit actions of a request shown on its timeline, with their label.
TIMELINE_LABELS = {
    "ticket.submit": "提交请求",
    "ticket.confirm": "确认请求",
    "ticket.reject": "退回请求",
    "ticket.cancel": "撤销请求",
    "ticket.authorize": "授权数据维护",
    "ticket.assign": "分派",
    "ticket.claim": "领取",
    "ticket.respond": "首次响应",
    "ticket.start": "开始处理",
    "ticket.wait": "等待甲方",
    "ticket.resume": "恢复处理",
    "ticket.resolve": "办结",
    "ticket.reopen": "重新打开（返工）",
    "ticket.close": "关闭",
    "ticket.comment": "留言",
    "ticket.attach": "上传附件",
    "ticket.time": "登记工时",
    "ticket.batch_step": "批量处理步骤",
    "ticket.upgrade_step": "升级阶段",
    "ticket.upgrade_reschedule": "调整升级时间",
    "ticket.emergency_request": "申请紧急升级例外",
    "ticket.emergency_approve": "批准紧急升级例外",
    "ticket.signoff": "签署服务内容确认表",
    "ticket.signoff_batch": "并入批量确认表",
    "ticket.deadlines": "计算期限（日历已加载）",
    "ticket.export": "导出",
}


def timeline(user, ticket: Ticket) -> list[dict]:
    """The request's history from the audit log (internal items hidden from the bureau)."""
    entries = (
        AuditEntry.objects.filter(object_type="tickets.ticket", object_id=str(ticket.pk))
        .select_related("actor")
        .order_by("seq")
    )
    comments = {c.pk: c for c in comments_for(user, ticket)}
    vendor = policy.is_vendor(user)
    rows = []
    for entry in entries:
        changes = entry.changes or {}
        if changes.get("internal") and not vendor:
            continue
        row = {
            "at": entry.created_at,
            "actor": entry.actor.display_name if entry.actor else entry.actor_name,
            "action": entry.action,
            "label": TIMELINE_LABELS.get(entry.action, entry.action),
            "changes": changes,
        }
        if entry.action == "ticket.comment":
            row["comment"] = comments.get(changes.get("comment"))
        rows.append(row)
    return rows


def assignable_users():
    from accounts.models import User

    return User.objects.filter(role__in=[Role.ENGINEER, Role.PM], is_active=True).order_by("role", "username")


def signoffs_for(user) -> QuerySet[SignOff]:
    qs = SignOff.objects.select_related("department", "signed_by", "issued_by")
    if user.role in policy.BUREAU_DEPT_ROLES:
        return qs.filter(department_id=user.department_id)
    if user.role in {Role.BUREAU_ADMIN, Role.PM, Role.ENGINEER}:
        return qs
    return qs.none()


def signoff_for(user, pk: int) -> SignOff:
    return get_object_or_404(signoffs_for(user).select_related("contract"), pk=pk)


def batchable_tickets(user, contract) -> QuerySet[Ticket]:
    """Resolved requests whose form is not signed yet (for a batch form), grouped by department."""
    return (
        ticket_list(user, contract)
        .filter(status=Status.RESOLVED, signoff__status=SignOffStatus.PENDING)
        .select_related("signoff")
        .order_by("department__order", "resolved_at")
    )


# --- home panels -----------------------------------------------------------------------------------------


def _counts(qs: QuerySet[Ticket], now) -> dict:
    return qs.aggregate(
        active=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        submitted=Count("id", filter=Q(status=Status.SUBMITTED)),
        unassigned=Count("id", filter=Q(status=Status.CONFIRMED, assignee__isnull=True)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, resolve_due_at__lt=now)),
        due_soon=Count(
            "id", filter=Q(status__in=OPEN_STATUSES, resolve_warn_at__lte=now, resolve_due_at__gte=now)
        ),
        resolved=Count("id", filter=Q(status=Status.RESOLVED)),
        waiting=Count("id", filter=Q(status=Status.WAITING)),
    )


def _panel(request, contract, *, queue_filter: Q, title: str, queue_title: str, extra: dict | None = None):
    if contract is None:
        return None
    user = request.user
    now = clock.now()
    base = ticket_list(user, contract)
    queue = list(base.filter(queue_filter).order_by("resolve_due_at", "created_at")[:8])
    context = {
        "title": title,
        "queue_title": queue_title,
        "counts": _counts(base, now),
        "queue": queue,
        "now": now,
    }
    context.update(extra or {})
    return context


def home_staff(request, contract):
    user = request.user
    pending_signoffs = signoffs_for(user).filter(status=SignOffStatus.PENDING, contract=contract)
    return _panel(
        request,
        contract,
        queue_filter=Q(status__in=[*ACTIVE_STATUSES, Status.RESOLVED]),
        title="本科室服务请求",
        queue_title="进行中的请求",
        extra={
            "pending_signoffs": list(pending_signoffs.order_by("due_on")[:5]),
            "pending_signoff_count": pending_signoffs.count(),
            "today": clock.today(),
        },
    )


def home_head(request, contract):
    return _panel(
        request,
        contract,
        queue_filter=Q(status=Status.SUBMITTED)
        | Q(kind="data", authorization__isnull=True, status__in=policy.AUTHORIZABLE),
        title="本科室服务请求",
        queue_title="待我确认 / 授权",
    )


def home_engineer(request, contract):
    user = request.user
    return _panel(
        request,
        contract,
        queue_filter=Q(assignee=user, status__in=OPEN_STATUSES)
        | Q(status=Status.CONFIRMED, assignee__isnull=True),
        title="我的服务请求",
        queue_title="我的待办与待领取",
    )


def home_pm(request, contract):
    extra = {
        "signoffs_outstanding": SignOff.objects.filter(
            contract=contract, status=SignOffStatus.PENDING
        ).count(),
        "signoffs_late": SignOff.objects.filter(
            contract=contract, status=SignOffStatus.PENDING, due_on__lt=clock.today()
        ).count(),
    }
    return _panel(
        request,
        contract,
        queue_filter=Q(status=Status.CONFIRMED, assignee__isnull=True)
        | Q(status__in=OPEN_STATUSES, resolve_due_at__lt=clock.now()),
        title="全部服务请求",
        queue_title="待分派 / 已超期",
        extra=extra,
    )


def home_bureau_admin(request, contract):
    return _panel(
        request,
        contract,
        queue_filter=Q(status=Status.SUBMITTED)
        | Q(
            emergency_requested_at__isnull=False,
            emergency_approved_at__isnull=True,
            status=Status.IN_PROGRESS,
        )
        | Q(status__in=OPEN_STATUSES, resolve_due_at__lt=clock.now()),
        title="全部服务请求",
        queue_title="待确认 / 紧急例外待批 / 已超期",
    )


# --- facts for performance and reports ----------------------------------------------------------------------


def contract_tickets(contract) -> QuerySet[Ticket]:
    """Every request of a contract (no user scoping: for scheduled jobs and score computation)."""
    return Ticket.objects.filter(contract=contract)


def data_maintenance_cases(contract, start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    """Data-maintenance and batch requests resolved in the period (SPEC §6 part 1).

    A case scores when ``resolved_at <= resolve_due_at`` and ``rework_count == 0``.
    """
    return contract_tickets(contract).filter(
        kind__in=DATA_MAINTENANCE_KINDS, resolved_at__date__gte=start, resolved_at__date__lte=end
    )


def responsiveness_cases(contract, start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    """Requests confirmed in the period (SPEC §6 part 2); on time when responded by ``respond_due_at``."""
    return contract_tickets(contract).filter(confirmed_at__date__gte=start, confirmed_at__date__lte=end)


def completion_cases(contract, start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    """Requests confirmed in the period or carried in open (SPEC §6 part 3)."""
    return (
        contract_tickets(contract)
        .filter(
            Q(confirmed_at__date__gte=start, confirmed_at__date__lte=end)
            | Q(confirmed_at__date__lt=start)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__date__gte=start))
            & ~Q(status__in=[Status.CANCELLED, Status.REJECTED])
        )
        .exclude(status__in=[Status.CANCELLED, Status.REJECTED])
    )


def signoffs_outstanding(contract) -> QuerySet[SignOff]:
    return SignOff.objects.filter(contract=contract, status=SignOffStatus.PENDING)
