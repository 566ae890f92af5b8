"""Services of the rosters app: each rule refuses with a message the user can act on, and every state
change is claimed atomically and audited."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.roles import Role
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.models import AuditEntry, Notification
from contracts.calendar import get_calendar
from contracts.models import CalendarOverride
from rosters import services
from rosters.models import (
    Attendance,
    AttendanceSource,
    ChangeStatus,
    DutyStatus,
    KeyDaySource,
    LeaveKind,
    Position,
    RequestStatus,
    RosterEntry,
    WorkLog,
)
from rosters.selectors import contract_holidays, meeting_for_week

from ..factories import make_contract, make_user
from .conftest import at, on

d = dt.date


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- roster ----------------------------------------------------------------------------------


def test_roster_refuses_wrong_role_overlap_and_dates_outside_the_contract(team):
    with on(2022, 12, 29):
        with pytest.raises(ServiceError) as exc:
            services.roster_add(
                contract=team.contract,
                person=team.pm,
                position=Position.ENGINEER,
                phone="1",
                start_on=d(2023, 6, 1),
                end_on=d(2023, 6, 30),
                actor=team.pm,
            )
        assert "不能登记为驻场工程师" in messages(exc)
        with pytest.raises(ServiceError) as exc:
            services.roster_add(
                contract=team.contract,
                person=team.eng,
                position=Position.ENGINEER,
                phone="1",
                start_on=d(2023, 6, 1),
                end_on=d(2023, 6, 30),
                actor=team.pm,
            )
        assert "驻场期不能重叠" in messages(exc)
        with pytest.raises(ServiceError) as exc:
            services.roster_add(
                contract=team.contract,
                person=team.spare,
                position=Position.ENGINEER,
                phone="1",
                start_on=d(2023, 6, 1),
                end_on=d(2024, 1, 5),
                actor=team.pm,
            )
        assert "合同服务期内" in messages(exc)


def test_a_roster_period_reaching_into_the_past_needs_a_reason_and_is_flagged(team):
    with on(2023, 3, 1), pytest.raises(ServiceError) as exc:
        services.roster_add(
            contract=team.contract,
            person=team.spare,
            position=Position.ENGINEER,
            phone="1",
            start_on=d(2023, 2, 1),
            end_on=d(2023, 6, 30),
            actor=team.pm,
        )
    assert "说明原因" in messages(exc)
    with on(2023, 3, 1):
        entry = services.roster_add(
            contract=team.contract,
            person=team.spare,
            position=Position.ENGINEER,
            phone="1",
            start_on=d(2023, 2, 1),
            end_on=d(2023, 6, 30),
            actor=team.pm,
            note="2 月起已到岗，补登",
        )
    audit = AuditEntry.objects.get(action="roster.add", object_id=str(entry.pk))
    assert audit.changes["retroactive"] is True
    assert Notification.objects.filter(recipient=team.admin, title__contains="追溯调整").exists()
    with on(2023, 3, 1), pytest.raises(ServiceError) as exc:
        services.roster_update(
            entry=entry,
            actor=team.pm,
            start_on=d(2023, 2, 15),
            end_on=d(2023, 6, 30),
            phone="1",
            note=entry.note,
        )
    assert "说明修改原因" in messages(exc)
    with on(2023, 3, 1):  # changing only future days needs no reason
        services.roster_update(
            entry=entry,
            actor=team.pm,
            start_on=d(2023, 2, 1),
            end_on=d(2023, 5, 31),
            phone="2",
            note=entry.note,
        )
    assert AuditEntry.objects.filter(action="roster.update", object_id=str(entry.pk)).latest("seq").changes[
        "end_on"
    ] == ["2023-06-30", "2023-05-31"]


# --- check-in / check-out ---------------------------------------------------------------------------


def test_check_in_once_a_day_at_server_time_and_check_out_once(team):
    with on(2023, 3, 6, 8, 21):
        record = services.check_in(person=team.eng)
    assert record.check_in_at == at(2023, 3, 6, 8, 21) and record.contract == team.contract
    with on(2023, 3, 6, 8, 22), pytest.raises(ServiceError) as exc:
        services.check_in(person=team.eng)
    assert "已于 08:21 签到" in messages(exc)
    with on(2023, 3, 6, 17, 40):
        services.check_out(person=team.eng)
    with on(2023, 3, 6, 17, 41), pytest.raises(ServiceError) as exc:
        services.check_out(person=team.eng)
    assert "已于 17:40 签退" in messages(exc)
    assert AuditEntry.objects.filter(action="attendance.check_in", actor=team.eng).count() == 1
    assert AuditEntry.objects.filter(action="attendance.check_out", actor=team.eng).count() == 1


def test_two_clicks_at_once_record_one_check_in(team, monkeypatch):
    """The other click lands between this one's check and its insert: the unique constraint refuses the
    second row and the user is told, not shown an error page. (Here both rows share one transaction, so
    the simulated first click is rolled back with the refusal; in production it was committed.)"""
    from common import clock
    from rosters.services import attendance

    real = attendance._require_basis

    def racing(person, day, **kwargs):
        basis = real(person, day, **kwargs)
        Attendance.objects.create(contract=basis.contract, person=person, date=day, check_in_at=clock.now())
        return basis

    monkeypatch.setattr(attendance, "_require_basis", racing)
    with on(2023, 3, 6, 8, 21), pytest.raises(ConcurrentChange) as exc:
        services.check_in(person=team.eng)
    assert "已经签到" in messages(exc)


def test_check_out_without_check_in_is_refused(team):
    with on(2023, 3, 6, 17, 40), pytest.raises(ServiceError) as exc:
        services.check_out(person=team.eng)
    assert "尚未签到" in messages(exc)


def test_check_in_refused_on_a_holiday_unless_on_the_duty_list(team):
    with on(2023, 4, 5, 8, 30), pytest.raises(ServiceError) as exc:
        services.check_in(person=team.eng)
    assert "法定节假日" in messages(exc) and "清明节" in messages(exc)
    with on(2023, 4, 2, 9, 0):
        holiday = next(p for p in contract_holidays(team.contract, get_calendar())[0] if p.name == "清明节")
        duty = services.duty_list_start(contract=team.contract, holiday=holiday, actor=team.pm)
        services.duty_list_save(
            duty_list=duty, rows=[services.DutyRow(d(2023, 4, 5), team.eng, "1")], actor=team.pm
        )
    with on(2023, 4, 5, 9, 0):
        assert services.check_in(person=team.eng).date == d(2023, 4, 5)


def test_check_in_on_a_make_up_working_day(team):
    with on(2023, 1, 28, 8, 15):  # Saturday worked for 春节
        assert services.check_in(person=team.eng).date == d(2023, 1, 28)


def test_check_in_refused_when_not_on_the_roster(team):
    with on(2023, 3, 6, 8, 30), pytest.raises(ServiceError) as exc:
        services.check_in(person=team.spare)
    assert "不在驻场名单上" in messages(exc)
    with on(2023, 5, 8, 8, 30), pytest.raises(ServiceError):
        services.check_in(person=team.pm)  # the PM's period ended on April 30


def test_check_in_is_recorded_when_the_calendar_year_is_not_loaded(world):
    contract = make_contract(start_on=d(2027, 1, 1), end_on=d(2027, 12, 31), signed_on=d(2026, 12, 20))
    with on(2026, 12, 20):
        services.roster_add(
            contract=contract,
            person=world.users["engineer"],
            position=Position.ENGINEER,
            phone="1",
            start_on=d(2027, 1, 1),
            end_on=d(2027, 12, 31),
            actor=world.users["pm"],
        )
    with on(2027, 3, 1, 8, 20):
        record = services.check_in(person=world.users["engineer"])
    assert record.contract == contract


# --- leave ------------------------------------------------------------------------------------------


def _leave(team, person=None, start=None, end=None, substitute=None):
    start = start or d(2023, 3, 8)
    with on(2023, 3, 1):
        return services.leave_request(
            person=person or team.eng,
            kind=LeaveKind.PERSONAL,
            start_on=start,
            end_on=end or start,
            reason="家中有事",
            substitute=substitute,
        )


def test_an_engineer_cannot_approve_their_own_leave_nor_a_colleagues(team):
    leave = _leave(team)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.leave_decide(leave=leave, approver=team.eng, approve=True)
    assert "不能审批自己的请假" in messages(exc)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.leave_decide(leave=leave, approver=team.eng2, approve=True)
    assert "由项目经理审批" in messages(exc)
    with pytest.raises(TransitionNotAllowed):
        services.leave_decide(leave=leave, approver=team.admin, approve=True)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING
    with on(2023, 3, 2):
        services.leave_decide(leave=leave, approver=team.pm, approve=True)
    leave.refresh_from_db()
    assert (leave.status, leave.decided_by) == (RequestStatus.APPROVED, team.pm)
    assert AuditEntry.objects.filter(action="leave.approve", actor=team.pm, object_id=str(leave.pk)).exists()
    assert Notification.objects.filter(recipient=team.eng, title__contains="已批准").exists()


def test_the_project_managers_own_leave_goes_to_the_bureau_admin(team):
    leave = _leave(team, person=team.pm)
    assert Notification.objects.filter(recipient=team.admin, title__contains="请假待审批").exists()
    with pytest.raises(TransitionNotAllowed) as exc:
        services.leave_decide(leave=leave, approver=team.pm, approve=True)
    assert "不能审批自己的请假" in messages(exc)
    services.leave_decide(leave=leave, approver=team.admin, approve=True)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.APPROVED


def test_rejecting_needs_a_reason(team):
    leave = _leave(team)
    with pytest.raises(ServiceError) as exc:
        services.leave_decide(leave=leave, approver=team.pm, approve=False)
    assert "须说明理由" in messages(exc)
    services.leave_decide(leave=leave, approver=team.pm, approve=False, note="关键日需全员在岗")
    leave.refresh_from_db()
    assert leave.status == RequestStatus.REJECTED


def test_two_approvers_at_once_the_second_is_told(team):
    leave = _leave(team, person=team.pm)
    stale = type(leave).objects.get(pk=leave.pk)
    other_admin = make_user(Role.BUREAU_ADMIN, username="admin_two")
    services.leave_decide(leave=leave, approver=team.admin, approve=True)
    with pytest.raises(ConcurrentChange) as exc:
        services.leave_decide(leave=stale, approver=other_admin, approve=False, note="不同意")
    assert "已批准" in messages(exc)
    stale.refresh_from_db()
    assert stale.status == RequestStatus.APPROVED


def test_leave_refuses_overlap_and_a_substitute_already_on_the_roster(team):
    _leave(team, start=d(2023, 3, 8), end=d(2023, 3, 10))
    with pytest.raises(ServiceError) as exc:
        _leave(team, start=d(2023, 3, 10))
    assert "重叠" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        _leave(team, start=d(2023, 3, 20), substitute=team.eng2)
    assert "本就在驻场名单上" in messages(exc)
    with pytest.raises(ServiceError) as exc:
        _leave(team, person=team.spare)
    assert "不在驻场名单上" in messages(exc)
    leave = _leave(team, start=d(2023, 3, 20), substitute=team.spare)
    assert leave.substitute == team.spare
    with pytest.raises(ServiceError) as exc:  # a weekend, or the 清明 holiday: nothing to take leave from
        _leave(team, start=d(2023, 3, 25), end=d(2023, 3, 26))
    assert "无需请假" in messages(exc)
    with pytest.raises(ServiceError):
        _leave(team, start=d(2023, 4, 5))


def test_a_named_substitute_may_check_in_on_the_covered_day(team):
    leave = _leave(team, start=d(2023, 3, 20), substitute=team.spare)
    services.leave_decide(leave=leave, approver=team.pm, approve=True)
    with on(2023, 3, 20, 8, 25):
        record = services.check_in(person=team.spare)
    assert record.contract == team.contract
    entry = AuditEntry.objects.get(action="attendance.check_in", actor=team.spare)
    assert entry.changes["substituting"] == leave.pk


def test_only_the_requester_cancels_a_pending_leave(team):
    leave = _leave(team)
    with pytest.raises(TransitionNotAllowed):
        services.leave_cancel(leave=leave, actor=team.pm)
    services.leave_cancel(leave=leave, actor=team.eng)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.CANCELLED
    with pytest.raises(TransitionNotAllowed):
        services.leave_cancel(leave=leave, actor=team.eng)


# --- corrections -----------------------------------------------------------------------------------


def test_a_correction_needs_a_reason_and_an_approval_and_keeps_the_old_times(team):
    with on(2023, 3, 6, 8, 10):
        services.check_in(person=team.eng)
    with on(2023, 3, 7, 8, 40):
        with pytest.raises(ServiceError) as exc:
            services.correction_request(
                person=team.eng,
                date=d(2023, 3, 6),
                check_in=dt.time(8, 10),
                check_out=dt.time(17, 45),
                reason="",
            )
        assert "更正理由" in messages(exc)
        with pytest.raises(ServiceError) as exc:
            services.correction_request(
                person=team.eng, date=d(2023, 3, 8), check_in=dt.time(8, 10), check_out=None, reason="明天的"
            )
        assert "未来日期" in messages(exc)
        correction = services.correction_request(
            person=team.eng,
            date=d(2023, 3, 6),
            check_in=dt.time(8, 10),
            check_out=dt.time(17, 45),
            reason="离开时忘记签退",
        )
    record = Attendance.objects.get(person=team.eng, date=d(2023, 3, 6))
    assert record.check_out_at is None  # nothing changes before the approval
    with pytest.raises(TransitionNotAllowed):
        services.correction_decide(correction=correction, approver=team.eng, approve=True)
    with pytest.raises(TransitionNotAllowed):
        services.correction_decide(correction=correction, approver=team.eng2, approve=True)
    with on(2023, 3, 7, 9, 0):
        services.correction_decide(correction=correction, approver=team.pm, approve=True)
    record.refresh_from_db()
    assert record.check_out_at == at(2023, 3, 6, 17, 45) and record.source == AttendanceSource.CORRECTION
    audit = AuditEntry.objects.get(action="attendance.correct")
    assert audit.actor == team.pm
    assert audit.changes["check_out_at"] == [None, "2023-03-06T17:45:00+08:00"]
    assert audit.changes["reason"] == "离开时忘记签退"
    correction.refresh_from_db()
    assert correction.previous["check_in_at"] == "2023-03-06T08:10:00+08:00"


def test_an_approved_correction_creates_a_forgotten_day(team):
    with on(2023, 3, 7, 8, 40):
        correction = services.correction_request(
            person=team.eng,
            date=d(2023, 3, 6),
            check_in=dt.time(8, 20),
            check_out=dt.time(17, 30),
            reason="忘记签到，门禁有记录",
        )
        services.correction_decide(correction=correction, approver=team.pm, approve=True)
    assert Attendance.objects.get(person=team.eng, date=d(2023, 3, 6)).check_in_at == at(2023, 3, 6, 8, 20)


# --- work logs ---------------------------------------------------------------------------------------


def test_work_log_once_a_day_edited_only_by_its_author(team):
    with on(2023, 3, 6, 17, 30):
        log = services.worklog_create(
            person=team.eng, date=d(2023, 3, 6), hours=Decimal("8"), content="处理请求", references="JT-1"
        )
        with pytest.raises(ServiceError) as exc:
            services.worklog_create(
                person=team.eng, date=d(2023, 3, 6), hours=Decimal("1"), content="再写一条"
            )
        assert "已有您的工作日志" in messages(exc)
        with pytest.raises(ServiceError):
            services.worklog_create(person=team.eng, date=d(2023, 3, 7), hours=Decimal("8"), content="明天")
        with pytest.raises(ServiceError):
            services.worklog_create(person=team.spare, date=d(2023, 3, 6), hours=Decimal("8"), content="x")
        with pytest.raises(TransitionNotAllowed):
            services.worklog_update(log=log, actor=team.pm, hours=Decimal("2"), content="改别人的")
        services.worklog_update(log=log, actor=team.eng, hours=Decimal("7.5"), content="处理请求并回访")
    log.refresh_from_db()
    assert log.hours == Decimal("7.5")
    assert AuditEntry.objects.get(action="worklog.update").changes["hours"] == ["8.0", "7.5"]
    assert WorkLog.objects.count() == 1


# --- staff changes -----------------------------------------------------------------------------------


def _apply(team, effective, start=None, notice_now=(2023, 1, 31)):
    with on(*notice_now, 10, 0):
        return services.change_apply(
            contract=team.contract,
            leaving_entry=team.entries["eng2"],
            incoming_person=team.spare,
            incoming_start_on=start,
            effective_on=effective,
            reason="调回总部",
            actor=team.pm,
        )


def test_the_notice_rule_at_month_end_names_the_earliest_allowed_date(team):
    with pytest.raises(ServiceError) as exc:
        _apply(team, d(2023, 2, 27))
    assert "生效日期最早为 2023-02-28" in messages(exc)
    assert exc.value.error_dict["effective_on"]
    change = _apply(team, d(2023, 2, 28))
    assert change.status == ChangeStatus.SUBMITTED and change.applied_on == d(2023, 1, 31)


@pytest.mark.parametrize(
    ("today", "months", "too_early", "earliest"),
    [
        ((2023, 3, 31), 1, d(2023, 4, 29), d(2023, 4, 30)),
        ((2023, 5, 15), 1, d(2023, 6, 14), d(2023, 6, 15)),
        ((2023, 8, 31), 2, d(2023, 10, 30), d(2023, 10, 31)),
    ],
)
def test_the_notice_period_comes_from_the_contract(team, today, months, too_early, earliest):
    type(team.contract).objects.filter(pk=team.contract.pk).update(staff_change_notice_months=months)
    team.contract.refresh_from_db()
    team.entries["eng2"].contract = team.contract
    with pytest.raises(ServiceError) as exc:
        _apply(team, too_early, notice_now=today)
    assert f"提前 {months} 个月" in messages(exc) and f"最早为 {earliest:%Y-%m-%d}" in messages(exc)
    assert _apply(team, earliest, notice_now=today).effective_on == earliest


def test_approval_handover_and_confirmation_end_the_leaving_roster(team):
    change = _apply(team, d(2023, 3, 1), start=d(2023, 2, 20))
    with on(2023, 2, 2):
        services.change_decide(change=change, actor=team.admin, approve=True, note="同意")
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    incoming = change.incoming_entry
    assert (incoming.person, incoming.start_on, incoming.position) == (
        team.spare,
        d(2023, 2, 20),
        Position.ENGINEER,
    )
    # the leaving person stays on the roster until the bureau confirms the handover
    assert RosterEntry.objects.get(pk=team.entries["eng2"].pk).end_on == d(2023, 12, 31)
    with on(2023, 2, 27), pytest.raises(ServiceError) as exc:
        services.change_confirm(change=change, actor=team.admin)
    assert "交接清单尚未全部完成" in messages(exc)
    with on(2023, 2, 27):
        services.handover_item_add(change=change, title="移交批量调资脚本", actor=team.pm)
        for item in change.handover_items.all():
            services.handover_item_set(item=item, actor=team.pm, done=True)
        services.change_confirm(change=change, actor=team.admin, note="交接完整")
    assert RosterEntry.objects.get(pk=team.entries["eng2"].pk).end_on == d(2023, 2, 28)
    change.refresh_from_db()
    assert change.status == ChangeStatus.COMPLETED and change.confirmed_by == team.admin
    assert AuditEntry.objects.filter(action="staff_change.confirm").exists()
    with pytest.raises(TransitionNotAllowed):
        services.handover_item_set(item=change.handover_items.first(), actor=team.pm, done=False)


def test_approving_after_the_leaving_period_ended_is_refused(team):
    change = _apply(team, d(2023, 3, 1))
    with on(2024, 1, 3), pytest.raises(TransitionNotAllowed) as exc:
        services.change_decide(change=change, actor=team.admin, approve=True)
    assert "驻场期已于 2023-12-31 结束" in messages(exc)
    change.refresh_from_db()
    assert change.status == ChangeStatus.SUBMITTED


def test_a_late_confirmation_keeps_the_person_until_it_comes(team):
    change = _apply(team, d(2023, 3, 1))
    with on(2023, 2, 2):
        services.change_decide(change=change, actor=team.admin, approve=True)
    for item in change.handover_items.all():
        services.handover_item_set(item=item, actor=team.pm, done=True)
    with on(2023, 3, 8):
        services.change_confirm(change=change, actor=team.admin)
    assert RosterEntry.objects.get(pk=team.entries["eng2"].pk).end_on == d(2023, 3, 8)


def test_deciding_twice_is_refused(team):
    change = _apply(team, d(2023, 3, 1))
    stale = type(change).objects.get(pk=change.pk)
    with on(2023, 2, 1):
        services.change_decide(change=change, actor=team.admin, approve=True)
        with pytest.raises(ConcurrentChange):
            services.change_decide(change=stale, actor=team.admin, approve=False, note="不同意")
    assert RosterEntry.objects.filter(person=team.spare).count() == 1


def test_the_bureau_demands_a_replacement_which_starts_the_same_flow(team):
    with on(2023, 5, 10):
        with pytest.raises(ServiceError):
            services.change_demand(
                contract=team.contract, leaving_entry=team.entries["eng2"], reason="", actor=team.admin
            )
        change = services.change_demand(
            contract=team.contract,
            leaving_entry=team.entries["eng2"],
            reason="多次未按时响应紧急请求",
            actor=team.admin,
        )
    assert change.status == ChangeStatus.DEMANDED
    assert Notification.objects.filter(recipient=team.pm, title__contains="要求更换").exists()
    with on(2023, 5, 11):
        with pytest.raises(ServiceError) as exc:  # no notice period, but not in the past
            services.change_propose(
                change=change, incoming_person=team.spare, effective_on=d(2023, 5, 10), actor=team.pm
            )
        assert "不能早于今天" in messages(exc)
        services.change_propose(
            change=change, incoming_person=team.spare, effective_on=d(2023, 5, 22), actor=team.pm
        )
    with on(2023, 5, 12):
        services.change_decide(
            change=change, actor=team.admin, approve=False, note="请换一位熟悉居民险的工程师"
        )
    change.refresh_from_db()
    assert change.status == ChangeStatus.DEMANDED  # the demand still stands
    other = make_user(Role.ENGINEER, username="engineer_other")
    with on(2023, 5, 15):
        services.change_propose(
            change=change, incoming_person=other, effective_on=d(2023, 5, 29), actor=team.pm
        )
        services.change_decide(change=change, actor=team.admin, approve=True)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.incoming_entry.person == other
    with pytest.raises(TransitionNotAllowed):
        services.change_withdraw(change=change, actor=team.pm)


def test_a_roster_period_under_an_open_change_is_not_edited_directly(team):
    _apply(team, d(2023, 3, 1))
    entry = team.entries["eng2"]
    with on(2023, 2, 1), pytest.raises(TransitionNotAllowed) as exc:
        services.roster_update(
            entry=entry, actor=team.pm, start_on=entry.start_on, end_on=d(2023, 2, 15), phone=entry.phone
        )
    assert "变动流程" in messages(exc)
    with on(2023, 2, 1):  # the phone may still change
        services.roster_update(
            entry=entry, actor=team.pm, start_on=entry.start_on, end_on=entry.end_on, phone="139 0000 0000"
        )
    assert RosterEntry.objects.get(pk=entry.pk).phone == "139 0000 0000"


def test_one_open_change_per_person_and_an_application_can_be_withdrawn(team):
    change = _apply(team, d(2023, 3, 1))
    with pytest.raises(ServiceError) as exc:
        _apply(team, d(2023, 3, 15))
    assert "已有进行中的人员变动" in messages(exc)
    services.change_withdraw(change=change, actor=team.pm)
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
    assert _apply(team, d(2023, 3, 15)).status == ChangeStatus.SUBMITTED


# --- holiday duty ------------------------------------------------------------------------------------


def _holiday(team, name):
    return next(p for p in contract_holidays(team.contract, get_calendar())[0] if p.name == name)


def test_a_duty_list_needs_every_day_covered_and_is_flagged_when_late(team):
    labour = _holiday(team, "劳动节")  # 2023-04-29 .. 05-03
    with on(2023, 4, 26, 15, 0):
        duty = services.duty_list_start(contract=team.contract, holiday=labour, actor=team.pm)
        services.duty_list_save(
            duty_list=duty, rows=[services.DutyRow(d(2023, 4, 29), team.eng, "138")], actor=team.pm
        )
        with pytest.raises(ServiceError) as exc:
            services.duty_list_submit(duty_list=duty, actor=team.pm)
        assert "04月30日" in messages(exc)
        rows = [
            services.DutyRow(labour.start + dt.timedelta(days=i), team.eng if i % 2 else team.eng2, "")
            for i in range(labour.days)
        ]
        services.duty_list_save(duty_list=duty, rows=rows, actor=team.pm)
        services.duty_list_submit(duty_list=duty, actor=team.pm)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.SUBMITTED and not duty.is_late
    assert duty.assignments.count() == 5
    assert Notification.objects.filter(recipient=team.admin, title__contains="劳动节值班表已提交").exists()

    qingming = _holiday(team, "清明节")
    with on(2023, 4, 5, 9, 40):
        late = services.duty_list_start(contract=team.contract, holiday=qingming, actor=team.pm)
        services.duty_list_save(
            duty_list=late, rows=[services.DutyRow(d(2023, 4, 5), team.eng, "1")], actor=team.pm
        )
        services.duty_list_submit(duty_list=late, actor=team.pm)
    late.refresh_from_db()
    assert late.is_late and late.due_at == at(2023, 4, 5, 0, 0)
    assert AuditEntry.objects.get(action="duty.submit", object_id=str(late.pk)).changes["late"] is True


def test_an_amendment_after_submission_must_keep_every_day_covered_and_is_audited(team):
    qingming = _holiday(team, "清明节")
    with on(2023, 4, 3):
        duty = services.duty_list_start(contract=team.contract, holiday=qingming, actor=team.pm)
        services.duty_list_save(
            duty_list=duty, rows=[services.DutyRow(d(2023, 4, 5), team.eng, "1")], actor=team.pm
        )
        services.duty_list_submit(duty_list=duty, actor=team.pm)
        with pytest.raises(ServiceError):
            services.duty_list_save(duty_list=duty, rows=[], actor=team.pm)
        services.duty_list_save(
            duty_list=duty, rows=[services.DutyRow(d(2023, 4, 5), team.eng2, "2")], actor=team.pm
        )
    assert AuditEntry.objects.filter(action="duty.amend", object_id=str(duty.pk)).exists()
    with pytest.raises(ConcurrentChange):
        services.duty_list_submit(duty_list=duty, actor=team.pm)


def test_the_duty_deadline_comes_from_the_contract(team):
    type(team.contract).objects.filter(pk=team.contract.pk).update(duty_list_lead_workdays=2)
    spring = _holiday(team, "春节")  # starts Saturday 2023-01-21: due by the end of Thursday the 19th
    with on(2023, 1, 20, 10, 0):
        duty = services.duty_list_start(contract=team.contract, holiday=spring, actor=team.pm)
        services.duty_list_save(
            duty_list=duty,
            rows=[
                services.DutyRow(spring.start + dt.timedelta(days=i), team.eng, "1")
                for i in range(spring.days)
            ],
            actor=team.pm,
        )
        services.duty_list_submit(duty_list=duty, actor=team.pm)
    duty.refresh_from_db()
    assert duty.due_at == at(2023, 1, 20, 0, 0) and duty.is_late


# --- weekly meetings and key days -----------------------------------------------------------------------


def test_one_meeting_a_week_found_by_any_day_of_it(team):
    with on(2023, 3, 10, 17, 0):
        meeting = services.meeting_record(
            contract=team.contract,
            held_on=d(2023, 3, 10),
            summary="本周处理请求 12 项",
            actor=team.pm,
            attendees=[team.eng, team.admin],
            decisions="按时报送值班表",
            items=[services.ActionItemData("补充报表口径", owner=team.eng, due_on=d(2023, 3, 15))],
        )
        with pytest.raises(ServiceError) as exc:
            services.meeting_record(
                contract=team.contract, held_on=d(2023, 3, 8), summary="重复", actor=team.pm
            )
        assert "这一周已有例会记录" in messages(exc)
    assert meeting.week_start == d(2023, 3, 6)
    assert meeting_for_week(team.contract, d(2023, 3, 12)) == meeting
    assert meeting_for_week(team.contract, d(2023, 3, 13)) is None
    item = meeting.action_items.get()
    with on(2023, 3, 17):
        services.meeting_update(
            meeting=meeting,
            held_on=d(2023, 3, 10),
            summary="本周处理请求 12 项",
            actor=team.pm,
            attendees=[team.eng],
            items=[
                services.ActionItemData("补充报表口径", owner=team.eng, done=True, pk=item.pk),
                services.ActionItemData("跟进接口联调"),
            ],
        )
    assert [(i.pk == item.pk, i.done) for i in meeting.action_items.order_by("id")] == [
        (True, True),
        (False, False),
    ]
    assert AuditEntry.objects.filter(action="meeting.update").exists()


def test_key_days_must_be_working_days_in_the_contract(team):
    with pytest.raises(ServiceError):
        services.key_day_mark(contract=team.contract, date=d(2023, 3, 18), reason="周六", actor=team.admin)
    with pytest.raises(ServiceError):
        services.key_day_mark(contract=team.contract, date=d(2024, 3, 18), reason="合同外", actor=team.admin)
    key_day = services.key_day_mark(
        contract=team.contract,
        date=d(2023, 3, 20),
        reason="升级后第一个工作日",
        source=KeyDaySource.UPGRADE,
        actor=None,
    )
    with pytest.raises(ServiceError):
        services.key_day_mark(
            contract=team.contract,
            date=d(2023, 3, 20),
            reason="again",
            source=KeyDaySource.UPGRADE,
            actor=None,
        )
    services.key_day_unmark(key_day=key_day, actor=team.admin)
    assert AuditEntry.objects.filter(action="key_day.unmark").exists()


def test_calendar_overrides_change_what_is_a_working_day(team):
    """A day the bureau admin marks as a working day (e.g. a new notice) is one for check-in too."""
    CalendarOverride.objects.create(date=d(2023, 3, 11), is_workday=True, name="调休")
    with on(2023, 3, 11, 8, 30):
        assert services.check_in(person=team.eng).date == d(2023, 3, 11)
