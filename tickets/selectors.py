"""Reads on service requests. Every queryset here is scoped to what the user may see (RULES §1):
bureau staff and heads their department's, engineers the requests assigned to them plus the
confirmed unassigned pool they may claim, the PM and bureau admin all; other roles nothing.

Also the facts later apps read (performance, reports), so they need not know the model's details.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import BUREAU_WIDE_READERS, Role
from accounts.selectors import active_users, users_by_id
from common import clock
from common.models import AuditEntry

from . import policy, rules
from .models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    QUEUE_STATUSES,
    UPGRADE_STAGE_ORDER,
    Attachment,
    BatchStepKind,
    Comment,
    DataAuthorization,
    Kind,
    SignOff,
    SignOffStatus,
    Status,
    Ticket,
    UpgradeStage,
    UpgradeTarget,
)

LIST_RELATED = ("department", "scope", "requester", "assignee", "contract")


def visible_tickets(user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(policy.visible_q(user))


WORKLOG_RECENT_DAYS = 30


def worklog_ticket_choices(user, *, linked=()) -> QuerySet[Ticket]:
    """Requests a person can name in a daily work log: their open ones and those they resolved in the
    last 30 days (and any already linked), not years of old requests."""
    recent = clock.now() - dt.timedelta(days=WORKLOG_RECENT_DAYS)
    mine = Q(assignee=user) & (Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=recent))
    return (
        Ticket.objects.filter(mine | Q(pk__in=[t.pk for t in linked]))
        .exclude(status__in=[Status.SUBMITTED, Status.REJECTED, Status.CANCELLED])
        .order_by("-id")
    )


def ticket_list(user, contract=None) -> QuerySet[Ticket]:
    qs = visible_tickets(user).select_related(*LIST_RELATED)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs


# A request's people, read by ``ticket_for`` in a query of their own.
PEOPLE = ("requester", "assignee", "confirmed_by", "emergency_approved_by")


def ticket_for(user, pk: int) -> Ticket:
    """The request if the user may see it, else 404; its contract, department, system, sign-off form
    and people loaded. The people come in a second query: joined with the rest (eight joins),
    PostgreSQL spent ~3 ms planning a 0.3 ms read on every request page and action (issue 14)."""
    ticket = get_object_or_404(
        visible_tickets(user).select_related("contract", "department", "scope", "signoff"), pk=pk
    )
    people = users_by_id(getattr(ticket, f"{name}_id") for name in PEOPLE)
    for name in PEOPLE:
        person = people.get(getattr(ticket, f"{name}_id"))
        if person is not None:
            setattr(ticket, name, person)
    return ticket


def comments_for(user, ticket: Ticket) -> QuerySet[Comment]:
    qs = ticket.comments.select_related("author")
    return qs if policy.is_vendor(user) else qs.filter(internal=False)


def attachments_for(user, ticket: Ticket) -> QuerySet[Attachment]:
    qs = ticket.attachments.select_related("uploaded_by")
    return qs if policy.is_vendor(user) else qs.filter(internal=False)


def attachment_for(user, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("ticket"), pk=pk)
    if not policy.can_view(user, attachment.ticket) or (attachment.internal and not policy.is_vendor(user)):
        raise Http404
    return attachment


# Audit actions of a request shown on its timeline, with their label.
TIMELINE_LABELS = {
    "ticket.submit": _("提交请求"),
    "ticket.confirm": _("确认请求"),
    "ticket.reject": _("退回请求"),
    "ticket.cancel": _("撤销请求"),
    "ticket.authorize": _("授权数据维护"),
    "ticket.assign": _("分派"),
    "ticket.claim": _("领取"),
    "ticket.respond": _("首次响应"),
    "ticket.start": _("开始处理"),
    "ticket.wait": _("等待甲方"),
    "ticket.resume": _("恢复处理"),
    "ticket.resolve": _("办结"),
    "ticket.reopen": _("重新打开（返工）"),
    "ticket.close": _("关闭"),
    "ticket.comment": _("留言"),
    "ticket.attach": _("上传附件"),
    "ticket.time": _("登记工时"),
    "ticket.batch_step": _("批量处理步骤"),
    "ticket.upgrade_step": _("升级阶段"),
    "ticket.upgrade_reschedule": _("调整升级时间"),
    "ticket.emergency_request": _("申请紧急升级例外"),
    "ticket.emergency_approve": _("批准紧急升级例外"),
    "ticket.signoff": _("签署服务内容确认表"),
    "ticket.signoff_batch": _("并入批量确认表"),
    "ticket.deadlines": _("计算期限（日历已加载）"),
    "ticket.export": _("导出"),
    "ticket.link": _("关联请求"),
    "ticket.merge": _("合并为重复请求"),
}


def timeline(user, ticket: Ticket, comments: list[Comment] | None = None) -> list[dict]:
    """The request's history from the audit log (internal items hidden from the bureau); ``comments``:
    the ones this user may read, when the caller has them already."""
    entries = (
        AuditEntry.objects.filter(object_type="tickets.ticket", object_id=str(ticket.pk))
        .select_related("actor")
        .order_by("seq")
    )
    by_pk = {c.pk: c for c in (comments if comments is not None else comments_for(user, ticket))}
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
            comment_pk = changes.get("comment")
            row["comment"] = by_pk.get(comment_pk) if comment_pk is not None else None
        rows.append(row)
    return rows


def assignable_users():
    return active_users(Role.ENGINEER, Role.PM).order_by("role", "username")


def signoffs_for(user) -> QuerySet[SignOff]:
    """Sign-off forms visible exactly to those who may see all of their requests.

    Every request on a form is of the form's department, so bureau staff and heads see their
    department's forms (void ones included, whose requests were released); the bureau-wide readers
    see all; anyone else (an engineer) the forms that hold at least one request they may see and
    none they may not.
    """
    qs = SignOff.objects.select_related("department", "signed_by", "issued_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.role in policy.BUREAU_DEPT_ROLES:
        return qs.filter(department_id=user.department_id)
    if user.role in BUREAU_WIDE_READERS:
        return qs
    rule = policy.visible_q(user)
    seen = Ticket.objects.filter(rule).filter(signoff__isnull=False).values("signoff_id")
    hidden = Ticket.objects.exclude(rule).filter(signoff__isnull=False).values("signoff_id")
    return qs.filter(pk__in=seen).exclude(pk__in=hidden)


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


def _gates(user, ticket: Ticket) -> dict:
    """The gates of the request's kind (``detail/gates.html``): the data authorization, the batch
    steps, the upgrade stages. Each is read only for the kind whose page shows it (issue 14: three
    reads saved on the other kinds' pages)."""
    upgrade = ticket.kind == Kind.UPGRADE
    batch_steps = (
        {row.step: row for row in ticket.batch_steps.select_related("recorded_by")}
        if ticket.kind == Kind.BATCH
        else {}
    )
    upgrade_steps = (
        {row.stage: row for row in ticket.upgrade_steps.select_related("recorded_by")} if upgrade else {}
    )
    next_stage = policy.next_upgrade_stage(ticket, set(upgrade_steps)) if upgrade else None
    authorization = (
        DataAuthorization.objects.filter(ticket=ticket).select_related("authorized_by").first()
        if ticket.kind == Kind.DATA
        else None
    )
    return {
        "authorization": authorization,
        "batch_rows": [
            {"step": s, "label": BatchStepKind(s).label, "row": batch_steps.get(s)}
            for s in BatchStepKind.values
        ],
        "batch_missing": [s for s in BatchStepKind.values if s not in batch_steps],
        "upgrade_rows": [
            {"stage": stage, "label": UpgradeStage(stage).label, "row": upgrade_steps.get(stage)}
            for stage in UPGRADE_STAGE_ORDER
        ],
        "next_stage": next_stage,
        "next_stage_label": UpgradeStage(next_stage).label if next_stage else "",
        "can_next_stage": next_stage is not None
        and policy.can_record_upgrade_stage(user, ticket, next_stage),
        "can_reschedule": (
            upgrade
            and UpgradeStage.SCHEDULED in upgrade_steps
            and UpgradeStage.DEPLOYED not in upgrade_steps
            and policy.can_record_upgrade_stage(user, ticket, UpgradeStage.SCHEDULED)
        ),
        "stage_needs_time": next_stage in {UpgradeStage.SCHEDULED, UpgradeStage.DEPLOYED},
        "window": (
            rules.upgrade_window(ticket.contract, ticket.upgrade_target)
            if upgrade and ticket.upgrade_target
            else None
        ),
        "upgrade_target_label": UpgradeTarget(ticket.upgrade_target).label if ticket.upgrade_target else "",
    }


def ticket_detail(user, ticket: Ticket) -> dict:
    """What the detail page shows of a request for this user, besides its forms: the buttons that
    would work, the history, comments, attachments, the gates (authorization, batch steps, upgrade
    stages) and the SLA facts."""
    actions = policy.actions_for(user, ticket)
    comments = list(comments_for(user, ticket))  # once, for the history and the list
    return {
        "ticket": ticket,
        "actions": actions,
        "timeline": timeline(user, ticket, comments),
        "comments": comments,
        "attachments": attachments_for(user, ticket),
        "time_entries": ticket.time_entries.select_related("engineer") if policy.is_vendor(user) else None,
        **_gates(user, ticket),
        "blockers": policy.resolve_blockers(ticket) if actions["resolve"] else [],
        "now": clock.now(),
        "today": clock.today(),
        "signoff": ticket.signoff,
        # The form this user would sign for this resolved request: the page's first, primary action.
        "signoff_to_sign": (
            ticket.signoff
            if ticket.signoff is not None
            and user.has_perm("tickets.signoff_ticket")
            and policy.can_sign(user, ticket.signoff)
            else None
        ),
    }


# --- home panels -----------------------------------------------------------------------------------------


def _counts(qs: QuerySet[Ticket], now) -> dict:
    # Only unfinished and resolved requests count for anything here: read those alone, by the status
    # indexes (an engineer's panel counted through all their closed requests, 13 ms at 200k, issue 14).
    return qs.filter(status__in=[*ACTIVE_STATUSES, Status.RESOLVED]).aggregate(
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


def _panel(
    request,
    contract,
    *,
    queue_filter: Q,
    title: str | Promise,
    queue_title: str | Promise,
    extra: dict | None = None,
    queue_counted_by: tuple[str, ...] = (),
):
    """``queue_counted_by``: counts of ``_counts`` that together cover the queue; when they are all
    zero the queue is empty and is not asked for (issue 14: one query less on a quiet home page)."""
    if contract is None:
        return None
    user = request.user
    now = clock.now()
    base = ticket_list(user, contract)
    counts = _counts(base, now)
    if queue_counted_by and not any(counts[key] for key in queue_counted_by):
        queue = []
    else:
        # Every queue is within QUEUE_STATUSES; saying so lets PostgreSQL use its partial index.
        # The queue shows the request's own columns only: without the list's five joins (planning
        # them cost PostgreSQL ~2 ms of each home page).
        queue = list(
            base.filter(status__in=QUEUE_STATUSES)
            .filter(queue_filter)
            .select_related(None)
            .order_by("resolve_due_at", "created_at")[:8]
        )
    context = {
        "title": title,
        "queue_title": queue_title,
        "counts": counts,
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
        title=_("本科室服务请求"),
        queue_title=_("进行中的请求"),
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
        title=_("本科室服务请求"),
        queue_title=_("待我确认 / 授权"),
    )


def home_engineer(request, contract):
    user = request.user
    return _panel(
        request,
        contract,
        queue_filter=Q(assignee=user, status__in=OPEN_STATUSES)
        | Q(status=Status.CONFIRMED, assignee__isnull=True),
        title=_("我的服务请求"),
        queue_title=_("我的待办与待领取"),
    )


def home_pm(request, contract):
    signoffs = SignOff.objects.filter(contract=contract, status=SignOffStatus.PENDING).aggregate(
        outstanding=Count("id"), late=Count("id", filter=Q(due_on__lt=clock.today()))
    )
    extra = {"signoffs_outstanding": signoffs["outstanding"], "signoffs_late": signoffs["late"]}
    return _panel(
        request,
        contract,
        queue_filter=Q(status=Status.CONFIRMED, assignee__isnull=True)
        | Q(status__in=OPEN_STATUSES, resolve_due_at__lt=clock.now()),
        title=_("全部服务请求"),
        queue_title=_("待分派 / 已超期"),
        extra=extra,
        queue_counted_by=("unassigned", "overdue"),  # the same two filters as the queue's
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
        title=_("全部服务请求"),
        queue_title=_("待确认 / 紧急例外待批 / 已超期"),
    )


# --- facts for performance and reports ----------------------------------------------------------------------


def contract_tickets(contract) -> QuerySet[Ticket]:
    """Every request of a contract (no user scoping: for scheduled jobs and score computation)."""
    return Ticket.objects.filter(contract=contract)


def signoffs_outstanding(contract) -> QuerySet[SignOff]:
    return SignOff.objects.filter(contract=contract, status=SignOffStatus.PENDING)
