"""Check-in and check-out at server time, and corrections of a day (only with a reason and an approval)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import overload

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from common import clock
from common.audit import jsonable, log_action, snapshot
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from ..models import (
    Attendance,
    AttendanceCorrection,
    AttendanceSource,
    DutyAssignment,
    LeaveRequest,
    RequestStatus,
    RosterEntry,
)
from ._base import _d, _hm, _lock_person
from .approvals import _approvers_for, _check_approver


@dataclass(frozen=True)
class Basis:
    """Why a person may record attendance on a day: on the roster, or a named substitute."""

    contract: Contract
    entry: RosterEntry | None = None
    substituting: LeaveRequest | None = None


def attendance_basis(person: User, day: dt.date) -> Basis | None:
    entry = (
        RosterEntry.objects.filter(person=person, start_on__lte=day, end_on__gte=day)
        .select_related("contract")
        .first()
    )
    if entry:
        return Basis(entry.contract, entry=entry)
    leave = (
        LeaveRequest.objects.filter(
            substitute=person, status=RequestStatus.APPROVED, start_on__lte=day, end_on__gte=day
        )
        .select_related("contract", "person")
        .first()
    )
    if leave:
        return Basis(leave.contract, substituting=leave)
    return None


def _on_duty(person: User, contract: Contract, day: dt.date) -> bool:
    return DutyAssignment.objects.filter(duty_list__contract=contract, day=day, person=person).exists()


def _require_basis(person: User, day: dt.date, *, who: str = "您") -> Basis:
    basis = attendance_basis(person, day)
    if basis is None:
        raise ServiceError(f"{who}在 {_d(day)} 不在驻场名单上，也不是请假人员的替岗，不能记录考勤。")
    return basis


def _require_workday_or_duty(person: User, basis: Basis, day: dt.date, calendar: WorkCalendar) -> bool:
    """True when the day is a working day; a rest day only for people on that day's duty list.

    With the calendar not loaded for the year, attendance is still recorded (it is a fact); the
    figures that need working days show the pending state instead."""
    try:
        info = calendar.day(day)
    except CalendarNotLoaded:
        return True
    if info.is_workday:
        return True
    if _on_duty(person, basis.contract, day):
        return False
    name = f"（{info.name}）" if info.name else ""
    raise ServiceError(
        f"{_d(day)} 是{info.label}{name}，不是工作日，无需签到。节假日值班人员须先由项目经理列入值班表。"
    )


@transaction.atomic
def check_in(*, person: User) -> Attendance:
    """Record arrival at server time. Once a day; the second click is told when the first one was."""
    now = clock.now()
    today = clock.local(now).date()
    _lock_person(person)
    existing = Attendance.objects.filter(person=person, date=today).first()
    if existing:
        raise ServiceError(f"您今天已于 {_hm(existing.check_in_at)} 签到，无需重复签到。")
    basis = _require_basis(person, today)
    calendar = get_calendar(basis.contract)
    _require_workday_or_duty(person, basis, today, calendar)
    record = Attendance(contract=basis.contract, person=person, date=today, check_in_at=now)
    record.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ConcurrentChange("您今天已经签到（另一次点击已先完成）。") from exc
    log_action(
        "attendance.check_in",
        actor=person,
        obj=record,
        changes={
            "date": _d(today),
            "check_in_at": record.check_in_at,
            "substituting": basis.substituting.pk if basis.substituting else None,
        },
    )
    return record


@transaction.atomic
def check_out(*, person: User) -> Attendance:
    now = clock.now()
    today = clock.local(now).date()
    record = Attendance.objects.filter(person=person, date=today).first()
    if record is None:
        raise ServiceError("您今天尚未签到，不能签退。忘记签到请提交考勤更正。")
    if record.check_out_at:
        raise ServiceError(f"您今天已于 {_hm(record.check_out_at)} 签退。")
    claimed = Attendance.objects.filter(pk=record.pk, check_out_at__isnull=True).update(check_out_at=now)
    if not claimed:
        raise ConcurrentChange("您今天已经签退（另一次点击已先完成）。")
    record.refresh_from_db()
    log_action(
        "attendance.check_out", actor=person, obj=record, changes={"check_out_at": record.check_out_at}
    )
    return record


@overload
def _at(day: dt.date, time: dt.time) -> dt.datetime: ...
@overload
def _at(day: dt.date, time: None) -> None: ...
@overload
def _at(day: dt.date, time: dt.time | None) -> dt.datetime | None: ...
def _at(day: dt.date, time: dt.time | None) -> dt.datetime | None:
    return None if time is None else dt.datetime.combine(day, time, clock.SHANGHAI)


@transaction.atomic
def correction_request(
    *,
    person: User,
    date: dt.date,
    check_in: dt.time,
    check_out: dt.time | None,
    reason: str,
) -> AttendanceCorrection:
    """Ask to set one of one's own days; applied only when approved."""
    now = clock.now()
    if date > clock.local(now).date():
        raise ServiceError({"date": "不能更正未来日期的考勤。"})
    if not reason or len(reason.strip()) < 4:
        raise ServiceError({"reason": "请写明更正理由（至少 4 个字）。"})
    basis = _require_basis(person, date)
    try:
        _require_workday_or_duty(person, basis, date, get_calendar(basis.contract))
    except ServiceError as exc:
        raise ServiceError({"date": exc.messages}) from exc
    check_in_at, check_out_at = _at(date, check_in), _at(date, check_out)
    if check_out_at and check_out_at < check_in_at:
        raise ServiceError({"check_out": "签退时间不能早于签到时间。"})
    if check_in_at > now or (check_out_at and check_out_at > now):
        raise ServiceError({"check_in": "更正后的时间不能晚于现在。"})
    _lock_person(person)
    if AttendanceCorrection.objects.filter(person=person, date=date, status=RequestStatus.PENDING).exists():
        raise ServiceError({"date": "该日已有待审批的更正申请，请等待审批或先撤回。"})
    correction = AttendanceCorrection(
        contract=basis.contract,
        person=person,
        date=date,
        check_in_at=check_in_at,
        check_out_at=check_out_at,
        reason=reason.strip(),
        requested_at=now,
    )
    correction.full_clean()
    correction.save()
    log_action("attendance.correction_request", actor=person, obj=correction, changes=snapshot(correction))
    notify(
        _approvers_for(person),
        title=f"考勤更正待审批：{person.display_name} {_d(date)}",
        body=correction.reason,
        url=reverse("rosters:correction_list") + "?status=pending",
        kind="rosters.correction",
    )
    return correction


@transaction.atomic
def correction_decide(
    *, correction: AttendanceCorrection, approver: User, approve: bool, note: str = ""
) -> AttendanceCorrection:
    """Approve (the attendance record is set as requested, old values kept) or reject with a reason."""
    _check_approver(approver, correction.person, "考勤更正")
    note = (note or "").strip()
    if not approve and not note:
        raise ServiceError({"note": "驳回更正须说明理由。"})
    now = clock.now()
    claimed = AttendanceCorrection.objects.filter(pk=correction.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.REJECTED,
        decided_by=approver,
        decided_at=now,
        decision_note=note[:300],
    )
    if not claimed:
        current = AttendanceCorrection.objects.get(pk=correction.pk)
        raise ConcurrentChange(f"该更正已被处理（当前状态：{current.get_status_display()}），请刷新后查看。")
    correction.refresh_from_db()
    if not approve:
        log_action("attendance.correction_reject", actor=approver, obj=correction, changes={"note": note})
    else:
        _lock_person(correction.person)
        record = Attendance.objects.filter(person=correction.person, date=correction.date).first()
        before = (
            {"check_in_at": record.check_in_at, "check_out_at": record.check_out_at, "source": record.source}
            if record
            else {}
        )
        if record is None:
            record = Attendance(contract=correction.contract, person=correction.person, date=correction.date)
        record.check_in_at = correction.check_in_at
        record.check_out_at = correction.check_out_at
        record.source = AttendanceSource.CORRECTION
        record.full_clean(validate_constraints=False)
        record.save()
        AttendanceCorrection.objects.filter(pk=correction.pk).update(previous=_jsonable(before))
        correction.refresh_from_db()
        log_action(
            "attendance.correct",
            actor=approver,
            obj=record,
            changes={
                "correction": correction.pk,
                "requested_by": correction.person.username,
                "reason": correction.reason,
                "check_in_at": [before.get("check_in_at"), record.check_in_at],
                "check_out_at": [before.get("check_out_at"), record.check_out_at],
            },
        )
    notify(
        [correction.person],
        title=f"考勤更正{'已批准' if approve else '已驳回'}：{_d(correction.date)}",
        body=note,
        url=reverse("rosters:correction_list"),
        kind="rosters.correction",
    )
    return correction


def _jsonable(data: dict) -> dict:
    return jsonable(data)


@transaction.atomic
def correction_cancel(*, correction: AttendanceCorrection, actor: User) -> AttendanceCorrection:
    if actor.pk != correction.person_id:
        raise TransitionNotAllowed("只有申请人本人可以撤回更正申请。")
    claimed = AttendanceCorrection.objects.filter(pk=correction.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, decided_at=clock.now()
    )
    if not claimed:
        raise TransitionNotAllowed("该更正已处理，不能撤回。")
    correction.refresh_from_db()
    log_action("attendance.correction_cancel", actor=actor, obj=correction)
    return correction
