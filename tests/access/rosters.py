"""Who may call the rosters URLs. Objects belong to the world's engineer on the world's 2023 contract.

Owner-only actions (cancel one's own leave or correction, edit one's own work log) answer 403 to the
project manager, who sees the object but may not act on it; the bureau admin decides only the
project manager's own leave and corrections, so deciding an engineer's is 403 for them.
"""

import datetime as dt
from decimal import Decimal

from accounts.roles import Role
from common import clock

from . import Rule, once_per_world

ENGINEER = frozenset({Role.ENGINEER})
PM = frozenset({Role.PM})
ADMIN = frozenset({Role.BUREAU_ADMIN})
VENDOR = frozenset({Role.ENGINEER, Role.PM})
TEAM = frozenset({Role.PM, Role.BUREAU_ADMIN})
ROSTER_READERS = frozenset({Role.ENGINEER, Role.PM, Role.BUREAU_ADMIN})
GET_POST = ("GET", "POST")
POST = ("POST",)


def _entry(w):
    from rosters.models import Position, RosterEntry

    return RosterEntry.objects.get_or_create(
        contract=w.contract,
        person=w.users["engineer"],
        defaults={
            "position": Position.ENGINEER,
            "phone": "138 0000 0001",
            "start_on": dt.date(2023, 1, 1),
            "end_on": dt.date(2023, 12, 31),
        },
    )[0]


@once_per_world
def _leave(w):
    from rosters.models import LeaveRequest

    _entry(w)
    return LeaveRequest.objects.create(
        contract=w.contract,
        person=w.users["engineer"],
        start_on=dt.date(2023, 3, 6),
        end_on=dt.date(2023, 3, 6),
        reason="事假",
    )


@once_per_world
def _correction(w):
    from rosters.models import AttendanceCorrection

    _entry(w)
    return AttendanceCorrection.objects.create(
        contract=w.contract,
        person=w.users["engineer"],
        date=dt.date(2023, 3, 7),
        check_in_at=clock.aware(dt.date(2023, 3, 7), 8, 20),
        reason="忘记签到",
    )


@once_per_world
def _log(w):
    from rosters.models import WorkLog

    _entry(w)
    return WorkLog.objects.create(
        contract=w.contract,
        person=w.users["engineer"],
        date=dt.date(2023, 3, 8),
        hours=Decimal("8"),
        content="处理养老待遇问题",
    )


@once_per_world
def _change(w):
    from rosters.models import ChangeKind, ChangeStatus, StaffChange

    return StaffChange.objects.create(
        contract=w.contract,
        kind=ChangeKind.DEMAND,
        status=ChangeStatus.DEMANDED,
        leaving_entry=_entry(w),
        demand_reason="多次未按时响应",
    )


@once_per_world
def _item(w):
    from rosters.models import HandoverItem

    return HandoverItem.objects.create(change=_change(w), order=1, title="文档移交")


@once_per_world
def _duty(w):
    from rosters.models import DutyList

    return DutyList.objects.create(
        contract=w.contract, holiday_name="清明节", start_on=dt.date(2023, 4, 5), end_on=dt.date(2023, 4, 5)
    )


@once_per_world
def _meeting(w):
    from rosters.models import WeeklyMeeting

    return WeeklyMeeting.objects.create(
        contract=w.contract,
        week_start=dt.date(2023, 3, 6),
        held_on=dt.date(2023, 3, 10),
        summary="本周工作总结",
        recorded_by=w.users["pm"],
    )


@once_per_world
def _key_day(w):
    from rosters.models import KeyDay, KeyDaySource

    return KeyDay.objects.create(
        contract=w.contract, date=dt.date(2023, 3, 20), source=KeyDaySource.MANUAL, reason="升级后"
    )


RULES = {
    "rosters:roster": Rule(ROSTER_READERS),
    "rosters:roster_add": Rule(PM, methods=GET_POST),
    "rosters:roster_edit": Rule(PM, methods=GET_POST, kwargs=lambda w: {"pk": _entry(w).pk}),
    "rosters:staffing": Rule(TEAM),
    "rosters:check_in": Rule(VENDOR, methods=POST),
    "rosters:check_out": Rule(VENDOR, methods=POST),
    "rosters:my_attendance": Rule(VENDOR),
    "rosters:attendance_month": Rule(TEAM),
    "rosters:attendance_rates": Rule(TEAM),
    "rosters:leave_list": Rule(ROSTER_READERS),
    "rosters:leave_create": Rule(VENDOR, methods=GET_POST),
    "rosters:leave_detail": Rule(ROSTER_READERS, kwargs=lambda w: {"pk": _leave(w).pk}),
    "rosters:leave_decide": Rule(PM, methods=POST, kwargs=lambda w: {"pk": _leave(w).pk}),
    "rosters:leave_cancel": Rule(ENGINEER, methods=POST, kwargs=lambda w: {"pk": _leave(w).pk}),
    "rosters:correction_list": Rule(ROSTER_READERS),
    "rosters:correction_create": Rule(VENDOR, methods=GET_POST),
    "rosters:correction_decide": Rule(PM, methods=POST, kwargs=lambda w: {"pk": _correction(w).pk}),
    "rosters:correction_cancel": Rule(ENGINEER, methods=POST, kwargs=lambda w: {"pk": _correction(w).pk}),
    "rosters:worklog_list": Rule(ROSTER_READERS),
    "rosters:worklog_create": Rule(VENDOR, methods=GET_POST),
    "rosters:worklog_edit": Rule(ENGINEER, methods=GET_POST, kwargs=lambda w: {"pk": _log(w).pk}),
    "rosters:change_list": Rule(TEAM),
    "rosters:change_create": Rule(PM, methods=GET_POST),
    "rosters:change_demand": Rule(ADMIN, methods=GET_POST),
    "rosters:change_detail": Rule(TEAM, kwargs=lambda w: {"pk": _change(w).pk}),
    "rosters:change_propose": Rule(PM, methods=GET_POST, kwargs=lambda w: {"pk": _change(w).pk}),
    "rosters:change_decide": Rule(ADMIN, methods=POST, kwargs=lambda w: {"pk": _change(w).pk}),
    "rosters:change_withdraw": Rule(PM, methods=POST, kwargs=lambda w: {"pk": _change(w).pk}),
    "rosters:handover_add": Rule(PM, methods=POST, kwargs=lambda w: {"pk": _change(w).pk}),
    "rosters:handover_toggle": Rule(PM, methods=POST, kwargs=lambda w: {"pk": _item(w).pk}),
    "rosters:change_confirm": Rule(ADMIN, methods=POST, kwargs=lambda w: {"pk": _change(w).pk}),
    "rosters:duty_list": Rule(ROSTER_READERS),
    "rosters:duty_start": Rule(PM, methods=POST),
    "rosters:duty_detail": Rule(ROSTER_READERS, kwargs=lambda w: {"pk": _duty(w).pk}),
    "rosters:duty_edit": Rule(PM, methods=GET_POST, kwargs=lambda w: {"pk": _duty(w).pk}),
    "rosters:duty_submit": Rule(PM, methods=POST, kwargs=lambda w: {"pk": _duty(w).pk}),
    "rosters:meeting_list": Rule(ROSTER_READERS),
    "rosters:meeting_create": Rule(PM, methods=GET_POST),
    "rosters:meeting_detail": Rule(ROSTER_READERS, kwargs=lambda w: {"pk": _meeting(w).pk}),
    "rosters:meeting_edit": Rule(PM, methods=GET_POST, kwargs=lambda w: {"pk": _meeting(w).pk}),
    "rosters:key_days": Rule(ROSTER_READERS),
    "rosters:key_day_add": Rule(ADMIN, methods=POST),
    "rosters:key_day_delete": Rule(ADMIN, methods=POST, kwargs=lambda w: {"pk": _key_day(w).pk}),
    # the home panels loaded after the page: only the role whose home shows the panel
    "rosters:home_team": Rule(PM),
    "rosters:home_bureau": Rule(ADMIN),
    "rosters:home_records": Rule(ENGINEER),
}
