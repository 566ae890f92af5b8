"""Who may do what to a request, in which state (RULES §1, §4). No writes here.

Services refuse with these answers (and a message saying why); templates use ``actions_for`` to
show only the buttons that would work. Role permissions (``tickets.confirm_ticket`` …) are checked
by the views first; these functions add the department, assignee and state rules. The visibility
rule (``visible_q``) is the one both the querysets of ``selectors`` and ``can_view`` use.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.roles import BUREAU_WIDE_READERS, Role

from .models import (
    UPGRADE_STAGE_ORDER,
    BatchStepKind,
    Kind,
    SignOff,
    SignOffStatus,
    Status,
    Ticket,
    UpgradeStage,
)

BUREAU_DEPT_ROLES = {Role.STAFF, Role.DEPT_HEAD}
VENDOR_ROLES = {Role.ENGINEER, Role.PM}
TICKET_ROLES = {Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM}

CANCELLABLE = {Status.SUBMITTED, Status.CONFIRMED, Status.ASSIGNED}
ASSIGNABLE = {Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING}
AUTHORIZABLE = {Status.SUBMITTED, Status.CONFIRMED, Status.ASSIGNED}


def in_department(user, department_id) -> bool:
    return user.role in BUREAU_DEPT_ROLES and user.department_id == department_id


def is_head_of(user, department_id) -> bool:
    return user.role == Role.DEPT_HEAD and user.department_id == department_id


# Matches no row (``Q()`` would match every row).
NOTHING = Q(pk__in=[])


def visible_q(user) -> Q:
    """Which requests the user may see (RULES §1), as a ``Q`` on ``Ticket``: the one visibility rule.

    Bureau staff and heads: their department's; the bureau admin, the PM and the bureau's system
    account: all; engineers: those assigned to them and the confirmed unassigned pool they may claim;
    anyone else: none. ``selectors.visible_tickets`` filters with it and ``can_view`` evaluates it on
    one request (``q_matches``), so the list and the object check cannot drift apart.
    """
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.role in BUREAU_DEPT_ROLES:
        return Q(department_id=user.department_id)
    if user.role in BUREAU_WIDE_READERS:
        return Q()
    if user.role == Role.ENGINEER:
        return Q(assignee_id=user.pk) | Q(status=Status.CONFIRMED, assignee_id__isnull=True)
    return NOTHING


def q_matches(q: Q, obj) -> bool:
    """Evaluate a ``Q`` of plain field lookups (exact, ``isnull``, ``in``) on an instance in memory."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(q_matches(child, obj))
            continue
        if not isinstance(child, tuple | list):  # an expression (Exists, …), not a field lookup
            raise ValueError(f"q_matches does not evaluate {child!r}")
        lookup, value = child
        field, _, op = lookup.partition("__")
        actual = getattr(obj, field)
        if op == "":
            results.append(actual == value)
        elif op == "isnull":
            results.append((actual is None) == value)
        elif op == "in":
            results.append(actual in value)
        else:
            raise ValueError(f"q_matches does not evaluate the lookup {lookup!r}")
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


def can_view(user, ticket: Ticket) -> bool:
    return q_matches(visible_q(user), ticket)


def is_vendor(user) -> bool:
    return user.role in VENDOR_ROLES


def is_assignee(user, ticket: Ticket) -> bool:
    return user.role in VENDOR_ROLES and ticket.assignee_id == user.pk


def can_file(user) -> bool:
    return user.role in BUREAU_DEPT_ROLES and user.department_id is not None


def can_confirm(user, ticket: Ticket) -> bool:
    return ticket.status == Status.SUBMITTED and (
        is_head_of(user, ticket.department_id) or user.role == Role.BUREAU_ADMIN
    )


can_reject = can_confirm


def can_authorize(user, ticket: Ticket) -> bool:
    return (
        ticket.kind == Kind.DATA
        and ticket.status in AUTHORIZABLE
        and (is_head_of(user, ticket.department_id) or user.role == Role.BUREAU_ADMIN)
    )


def can_assign(user, ticket: Ticket) -> bool:
    return user.role == Role.PM and ticket.status in ASSIGNABLE


def can_claim(user, ticket: Ticket) -> bool:
    return user.role in VENDOR_ROLES and ticket.status == Status.CONFIRMED and ticket.assignee_id is None


def can_start(user, ticket: Ticket) -> bool:
    return is_assignee(user, ticket) and ticket.status == Status.ASSIGNED


def can_wait(user, ticket: Ticket) -> bool:
    return is_assignee(user, ticket) and ticket.status == Status.IN_PROGRESS


def can_resume(user, ticket: Ticket) -> bool:
    return ticket.status == Status.WAITING and (
        is_assignee(user, ticket) or in_department(user, ticket.department_id)
    )


def can_resolve(user, ticket: Ticket) -> bool:
    return is_assignee(user, ticket) and ticket.status == Status.IN_PROGRESS


def can_reopen(user, ticket: Ticket) -> bool:
    return ticket.status == Status.RESOLVED and in_department(user, ticket.department_id)


def can_cancel(user, ticket: Ticket) -> bool:
    return ticket.status in CANCELLABLE and (
        in_department(user, ticket.department_id) or user.role == Role.BUREAU_ADMIN
    )


def can_close(user, ticket: Ticket) -> bool:
    return ticket.status == Status.SIGNED_OFF and user.role in {Role.PM, Role.BUREAU_ADMIN}


def can_comment(user, ticket: Ticket) -> bool:
    return user.role in TICKET_ROLES and can_view(user, ticket)


def can_attach(user, ticket: Ticket) -> bool:
    return can_comment(user, ticket) and ticket.status not in {
        Status.CLOSED,
        Status.REJECTED,
        Status.CANCELLED,
    }


def can_log_time(user, ticket: Ticket) -> bool:
    return is_assignee(user, ticket) and ticket.status in {
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING,
        Status.RESOLVED,
    }


def can_record_batch_step(user, ticket: Ticket) -> bool:
    return ticket.kind == Kind.BATCH and is_assignee(user, ticket) and ticket.status == Status.IN_PROGRESS


def next_upgrade_stage(ticket: Ticket, done: set[str]) -> str | None:
    for stage in UPGRADE_STAGE_ORDER:
        if stage not in done:
            return stage
    return None


# Stages the bureau records (confirmation of the requirement and of the deployed upgrade).
BUREAU_UPGRADE_STAGES = {UpgradeStage.CONFIRMED, UpgradeStage.ACCEPTED}


def can_record_upgrade_stage(user, ticket: Ticket, stage: str) -> bool:
    if ticket.kind != Kind.UPGRADE or ticket.status != Status.IN_PROGRESS:
        return False
    if stage in BUREAU_UPGRADE_STAGES:
        return is_head_of(user, ticket.department_id) or user.role == Role.BUREAU_ADMIN
    return is_assignee(user, ticket)


def can_request_emergency(user, ticket: Ticket) -> bool:
    return (
        ticket.kind == Kind.UPGRADE
        and is_assignee(user, ticket)
        and ticket.status == Status.IN_PROGRESS
        and ticket.emergency_approved_at is None
    )


def can_approve_emergency(user, ticket: Ticket) -> bool:
    return (
        user.role == Role.BUREAU_ADMIN
        and ticket.kind == Kind.UPGRADE
        and ticket.status == Status.IN_PROGRESS
        and bool(ticket.emergency_reason)
        and ticket.emergency_approved_at is None
    )


def can_sign(user, signoff: SignOff) -> bool:
    return signoff.status == SignOffStatus.PENDING and in_department(user, signoff.department_id)


def can_issue_batch(user) -> bool:
    return user.role in VENDOR_ROLES


def actions_for(user, ticket: Ticket) -> dict[str, bool]:
    """Which buttons the detail page shows."""
    return {
        "confirm": can_confirm(user, ticket),
        "reject": can_reject(user, ticket),
        "authorize": can_authorize(user, ticket) and not hasattr_authorization(ticket),
        "assign": can_assign(user, ticket),
        "claim": can_claim(user, ticket),
        "start": can_start(user, ticket),
        "wait": can_wait(user, ticket),
        "resume": can_resume(user, ticket),
        "resolve": can_resolve(user, ticket),
        "reopen": can_reopen(user, ticket),
        "cancel": can_cancel(user, ticket),
        "close": can_close(user, ticket),
        "comment": can_comment(user, ticket),
        "attach": can_attach(user, ticket),
        "log_time": can_log_time(user, ticket),
        "batch_step": can_record_batch_step(user, ticket),
        "request_emergency": can_request_emergency(user, ticket),
        "approve_emergency": can_approve_emergency(user, ticket),
        "internal": is_vendor(user),
    }


def resolve_blockers(ticket: Ticket) -> list[str]:
    """What still stands between the request and its resolution (the gates of RULES §4)."""
    blockers = []
    if ticket.kind == Kind.BATCH:
        done = set(ticket.batch_steps.values_list("step", flat=True))
        missing = [str(BatchStepKind(s).label) for s in BatchStepKind.values if s not in done]
        if missing:
            blockers.append("批量处理还缺少以下步骤的记录：" + "、".join(missing) + "。")
    if ticket.kind == Kind.UPGRADE:
        done = set(ticket.upgrade_steps.values_list("stage", flat=True))
        if UpgradeStage.ACCEPTED not in done:
            # ACCEPTED itself is in the order and not done, so there is always a next stage.
            nxt = next(s for s in UPGRADE_STAGE_ORDER if s not in done)
            blockers.append(f"升级需求须经甲方确认升级后才能办结，当前待完成：{UpgradeStage(nxt).label}。")
    if ticket.kind == Kind.DATA and not hasattr_authorization(ticket):
        blockers.append("数据维护请求没有书面授权。")
    return blockers


def hasattr_authorization(ticket: Ticket) -> bool:
    try:
        return ticket.authorization is not None
    except Ticket.authorization.RelatedObjectDoesNotExist:
        return False
