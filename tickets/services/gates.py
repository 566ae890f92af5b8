"""Gates before a request may be worked or resolved: data authorization, batch steps, upgrade stages
and the emergency exception to the upgrade window."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from accounts.roles import Role
from common import clock
from common.errors import ConcurrentChange, ServiceError, require
from common.uploads import validate_upload

from .. import policy, recorded_times, rules
from ..models import (
    BatchStep,
    BatchStepKind,
    DataAuthorization,
    Ticket,
    UpgradeStage,
    UpgradeStep,
)
from ._base import (
    _heads,
    _log,
    _need_reason,
    _notify,
    _role,
)


@transaction.atomic
def data_authorize(*, ticket: Ticket, actor, scope: str, approval_file=None) -> DataAuthorization:
    """Written authorization of data maintenance: who (the actor), when (now), scope, optional scan."""
    require(
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


@transaction.atomic
def batch_step_record(*, ticket: Ticket, actor, step: str, note: str = "", evidence=None) -> BatchStep:
    """Backup, test run, verification, recovery plan: each once, with who, when and a note or file."""
    require(policy.can_record_batch_step(actor, ticket), "只有处理人可以在处理中记录批量处理步骤。")
    if step not in BatchStepKind.values:
        raise ServiceError({"step": ["未知的步骤。"]})
    note = (note or "").strip()
    if not note and not evidence:
        raise ServiceError({"note": ["请填写说明或上传证明材料（如备份文件清单、测试结果截图）。"]})
    if evidence:
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


def _upgrade_order(ticket: Ticket, stage: str, done: dict) -> bool:
    """Whether recording ``stage`` now reschedules the planned window; refuses a stage out of order."""
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
    return reschedule


def _upgrade_inputs(ticket: Ticket, stage: str, note: str, document, window_start) -> bool:
    """Check what the stage needs; returns whether its window is an emergency one."""
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
        if stage == UpgradeStage.DEPLOYED:
            recorded_times.check_moment(ticket, window_start, field="window_start", what="实际部署时间")
        emergency = rules.check_upgrade_window(ticket, window_start)
    if document:
        validate_upload(document)
    return emergency


def _upgrade_reschedule(
    row: UpgradeStep, ticket: Ticket, actor, note: str, window_start, emergency
) -> UpgradeStep:
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


def _upgrade_notify(ticket: Ticket, stage: str) -> None:
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
    """Record the next stage of an upgrade requirement, in order (RULES §4)."""
    if stage not in UpgradeStage.values:
        raise ServiceError({"stage": ["未知的升级阶段。"]})
    require(
        policy.can_record_upgrade_stage(actor, ticket, stage),
        "需求确认与升级确认由本科室负责人或局信息化管理员记录，其余阶段由处理人记录，且请求须在处理中。",
    )
    Ticket.objects.select_for_update().filter(pk=ticket.pk).first()  # serialise stages of one request
    done = {row.stage: row for row in ticket.upgrade_steps.all()}
    reschedule = _upgrade_order(ticket, stage, done)
    note = (note or "").strip()
    emergency = _upgrade_inputs(ticket, stage, note, document, window_start)
    if reschedule:
        return _upgrade_reschedule(done[stage], ticket, actor, note, window_start, emergency)
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
    _upgrade_notify(ticket, stage)
    return row


@transaction.atomic
def emergency_request(*, ticket: Ticket, actor, reason: str) -> Ticket:
    require(policy.can_request_emergency(actor, ticket), "只有处理人可以为处理中的升级申请紧急例外。")
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
    require(policy.can_approve_emergency(actor, ticket), "只有局信息化管理员可以批准已申请的紧急升级例外。")
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
