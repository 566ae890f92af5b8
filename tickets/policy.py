"""Who may do what to a request, in which state (SPEC §1, §4). No writes here.

Services refuse with these answers (and a message saying why); templates use ``actions_for`` to
show only the buttons that would work. Role permissions (``tickets.confirm_ticket`` …) are checked
by the views first; these functions add the department, assignee and state rules.
"""

from __future__ import annotations

from accounts.roles import Role

from .models import (
    UPGRADE_STAGE_ORDER,
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


def can_view(user, ticket: Ticket) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in BUREAU_DEPT_ROLES:
        return user.department_id == ticket.department_id
    if user.role in {Role.BUREAU_ADMIN, Role.PM}:
        return True
    if user.role == Role.ENGINEER:
        return ticket.assignee_id == user.pk or (
            ticket.status == Status.CONFIRMED and ticket.assignee_id is None
        )
    return False


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


def can_view_signoff(user, signoff: SignOff) -> bool:
    if user.role in BUREAU_DEPT_ROLES:
        return user.department_id == signoff.department_id
    return user.role in {Role.BUREAU_ADMIN, Role.PM, Role.ENGINEER}


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


def hasattr_authorization(ticket: Ticket) -> bool:
    try:
        return ticket.authorization is not None
    except Ticket.authorization.RelatedObjectDoesNotExist:
        return False
