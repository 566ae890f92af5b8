"""Leave: requested by the person, approved or rejected by the approver, maybe covered by a substitute."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from common import clock
from common.audit import diff, log_action, snapshot
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.models import Contract

from .. import versions
from ..models import (
    LeaveRequest,
    RequestStatus,
    RosterEntry,
)
from ._base import VENDOR_ROLES, _d, _lock_person
from .approvals import _approvers_for, _check_approver


def _leave_contract(person: User, start: dt.date, end: dt.date) -> Contract:
    entries = list(
        RosterEntry.objects.filter(person=person, start_on__lte=end, end_on__gte=start).select_related(
            "contract"
        )
    )
    contracts = {e.contract_id: e.contract for e in entries}
    if not contracts:
        raise ServiceError({"start_on": f"{_d(start)} 至 {_d(end)} 期间您不在驻场名单上，无需请假。"})
    if len(contracts) > 1:
        raise ServiceError({"end_on": "请假期间跨越两个合同年度，请按合同分开申请。"})
    contract = next(iter(contracts.values()))
    if start < contract.start_on or end > contract.end_on:
        raise ServiceError({"end_on": "请假期间跨越合同服务期的起止日期，请按合同分开申请。"})
    return contract


def _check_has_working_days(person: User, contract: Contract, start: dt.date, end: dt.date) -> None:
    """Leave that covers no scheduled working day is refused (nothing to take leave from). With the
    calendar not loaded for the year the leave is accepted: it cannot be judged yet."""
    calendar = get_calendar(contract)
    if not all(calendar.knows_year(y) for y in range(start.year, end.year + 1)):
        return
    spans = [
        (e.start_on, e.end_on)
        for e in RosterEntry.objects.filter(person=person, start_on__lte=end, end_on__gte=start)
    ]
    if not any(lo <= day <= hi for day in calendar.workdays_between(start, end) for lo, hi in spans):
        raise ServiceError({"start_on": f"{_d(start)} 至 {_d(end)} 没有您需要驻场的工作日，无需请假。"})


def _check_substitute(substitute: User | None, person: User, start: dt.date, end: dt.date) -> None:
    if substitute is None:
        return
    if substitute.pk == person.pk:
        raise ServiceError({"substitute": "替岗人员不能是请假人本人。"})
    if substitute.role not in VENDOR_ROLES or not substitute.is_active:
        raise ServiceError({"substitute": f"{substitute.display_name} 不是在职的乙方驻场人员，不能替岗。"})
    clash = RosterEntry.objects.filter(person=substitute, start_on__lte=end, end_on__gte=start).first()
    if clash:
        raise ServiceError(
            {
                "substitute": f"{substitute.display_name} 在 {_d(max(start, clash.start_on))} "
                "本就在驻场名单上，不能再作为替岗人员（替岗须是额外到场的人员）。"
            }
        )
    busy = (
        LeaveRequest.objects.filter(
            substitute=substitute, status=RequestStatus.APPROVED, start_on__lte=end, end_on__gte=start
        )
        .exclude(person=person)
        .first()
    )
    if busy:
        raise ServiceError(
            {"substitute": f"{substitute.display_name} 在这段时间已为 {busy.person.display_name} 替岗。"}
        )


@transaction.atomic
def leave_request(
    *,
    person: User,
    kind: str,
    start_on: dt.date,
    end_on: dt.date,
    reason: str,
    substitute: User | None = None,
) -> LeaveRequest:
    _lock_person(person)
    if not reason or not reason.strip():
        raise ServiceError({"reason": "请填写请假事由。"})
    if end_on < start_on:
        raise ServiceError({"end_on": "结束日期不能早于开始日期。"})
    contract = _leave_contract(person, start_on, end_on)
    overlap = LeaveRequest.objects.filter(
        person=person,
        status__in=(RequestStatus.PENDING, RequestStatus.APPROVED),
        start_on__lte=end_on,
        end_on__gte=start_on,
    ).first()
    if overlap:
        raise ServiceError(
            {
                "start_on": f"与已有请假（{_d(overlap.start_on)} 至 {_d(overlap.end_on)}，"
                f"{overlap.get_status_display()}）重叠。"
            }
        )
    _check_has_working_days(person, contract, start_on, end_on)
    _check_substitute(substitute, person, start_on, end_on)
    leave = LeaveRequest(
        contract=contract,
        person=person,
        kind=kind,
        start_on=start_on,
        end_on=end_on,
        reason=reason.strip(),
        substitute=substitute,
        requested_at=clock.now(),
    )
    leave.full_clean()
    leave.save()
    log_action("leave.request", actor=person, obj=leave, changes=snapshot(leave))
    notify(
        _approvers_for(person),
        title=f"请假待审批：{person.display_name} {_d(start_on)} 至 {_d(end_on)}",
        body=leave.reason,
        url=reverse("rosters:leave_detail", args=[leave.pk]),
        kind="rosters.leave",
    )
    return leave


_UNCHANGED = object()


@transaction.atomic
def leave_decide(
    *, leave: LeaveRequest, approver: User, approve: bool, note: str = "", substitute=_UNCHANGED
) -> LeaveRequest:
    """Approve (optionally naming or changing the substitute) or reject (with a reason)."""
    _check_approver(approver, leave.person, "请假")
    note = (note or "").strip()
    if not approve and not note:
        raise ServiceError({"note": "驳回请假须说明理由。"})
    fields = {
        "status": RequestStatus.APPROVED if approve else RequestStatus.REJECTED,
        "decided_by": approver,
        "decided_at": clock.now(),
        "decision_note": note[:300],
    }
    if approve and substitute is not _UNCHANGED:
        _check_substitute(substitute, leave.person, leave.start_on, leave.end_on)
        fields["substitute"] = substitute
    elif approve and leave.substitute_id:
        _check_substitute(leave.substitute, leave.person, leave.start_on, leave.end_on)
    claimed = LeaveRequest.objects.filter(pk=leave.pk, status=RequestStatus.PENDING).update(**fields)
    if not claimed:
        current = LeaveRequest.objects.get(pk=leave.pk)
        raise ConcurrentChange(f"该请假已被处理（当前状态：{current.get_status_display()}），请刷新后查看。")
    versions.bump_people([leave.person_id], [leave.contract_id])  # update() sends no signal
    before = snapshot(leave)
    leave.refresh_from_db()
    log_action(
        "leave.approve" if approve else "leave.reject",
        actor=approver,
        obj=leave,
        changes=diff(before, snapshot(leave)),
    )
    verdict = "已批准" if approve else "已驳回"
    notify(
        [leave.person],
        title=f"您的请假{verdict}：{_d(leave.start_on)} 至 {_d(leave.end_on)}",
        body=note,
        url=reverse("rosters:leave_detail", args=[leave.pk]),
        kind="rosters.leave",
    )
    if approve and leave.substitute:
        notify(
            [leave.substitute],
            title=f"请您替岗：{leave.person.display_name} {_d(leave.start_on)} 至 {_d(leave.end_on)}",
            url=reverse("rosters:leave_detail", args=[leave.pk]),
            kind="rosters.leave",
        )
    return leave


@transaction.atomic
def leave_cancel(*, leave: LeaveRequest, actor: User) -> LeaveRequest:
    if actor.pk != leave.person_id:
        raise TransitionNotAllowed("只有请假人本人可以撤回请假申请。")
    claimed = LeaveRequest.objects.filter(pk=leave.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, decided_at=clock.now()
    )
    if not claimed:
        current = LeaveRequest.objects.get(pk=leave.pk)
        raise TransitionNotAllowed(f"该请假已{current.get_status_display()}，不能撤回。")
    versions.bump_people([leave.person_id], [leave.contract_id])  # update() sends no signal
    leave.refresh_from_db()
    log_action("leave.cancel", actor=actor, obj=leave, changes={"status": ["pending", "cancelled"]})
    return leave
