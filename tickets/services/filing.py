"""Filing a request and the bureau's decisions on it (confirm, reject, cancel)."""

from __future__ import annotations

from django.db import transaction

from accounts.roles import Role
from common import clock
from common.audit import snapshot
from common.errors import ServiceError, require
from contracts.models import Contract, Priority
from contracts.workdays import WorkCalendar

from .. import policy
from ..models import (
    FILER_FIELDS,
    TICKET_FIELDS,
    Kind,
    Status,
    Ticket,
)
from ._base import (
    _claim,
    _heads,
    _log,
    _need_reason,
    _notify,
    _role,
)
from .deadlines import compute_deadlines


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
    require(policy.can_file(actor), "只有科室经办人员或科室负责人可以提交服务请求。")
    if not contract.is_current(clock.today()):
        raise ServiceError("该合同不在服务期内，不能再提交服务请求。请切换到当前合同。")
    fields = {k: v for k, v in fields.items() if k in FILER_FIELDS}
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
    require(policy.can_confirm(actor, ticket), "只有本科室负责人或局信息化管理员可以确认待确认的请求。")
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
    require(policy.can_reject(actor, ticket), "只有本科室负责人或局信息化管理员可以退回待确认的请求。")
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
    require(
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


# The bureau decides how urgent a request is; the vendor works to the SLA of that priority.
PRIORITY_CHANGEABLE = frozenset(
    {Status.SUBMITTED, Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING}
)


@transaction.atomic
def ticket_priority_change(
    *, ticket: Ticket, actor, priority: str, calendar: WorkCalendar | None = None
) -> Ticket:
    """The bureau admin changes an open request's priority; a confirmed one's deadlines follow the
    new priority's SLA target (from its confirmation, with the paused time it already has)."""
    require(actor.role == Role.BUREAU_ADMIN, "只有局信息化管理员可以调整请求的优先级。")
    if priority not in Priority.values:
        raise ServiceError({"priority": ["请选择有效的优先级。"]})
    locked = Ticket.objects.select_for_update().select_related("contract").get(pk=ticket.pk)
    require(locked.status in PRIORITY_CHANGEABLE, "已解决、已关闭或已结束的请求不能再调整优先级。")
    before = locked.priority
    if before == priority:
        raise ServiceError({"priority": [f"请求 {locked.number} 已是该优先级。"]})
    old_due = locked.resolve_due_at
    locked.priority, locked.updated_at = priority, clock.now()
    compute_deadlines(locked, calendar=calendar)
    changed = (
        "priority",
        "respond_due_at",
        "resolve_due_at",
        "resolve_warn_at",
        "due_pending_year",
        "updated_at",
    )
    locked.save(update_fields=changed)
    for name in changed:
        setattr(ticket, name, getattr(locked, name))
    _log(
        "priority",
        actor=actor,
        ticket=ticket,
        changes={"priority": [before, priority], "resolve_due_at": [old_due, locked.resolve_due_at]},
    )
    return ticket
