"""Querysets scoped to what the user may see (views never query the models directly)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Role
from contracts.models import Contract

from ..models import (
    AttendanceCorrection,
    ChangeStatus,
    DutyList,
    LeaveRequest,
    RequestStatus,
    StaffChange,
    WeeklyMeeting,
    WorkLog,
)
from ._base import TEAM_PERM


def _sees_team(user: User) -> bool:
    return user.has_perm(TEAM_PERM)


def leave_queryset(user: User, contract: Contract | None = None):
    qs = LeaveRequest.objects.select_related("person", "substitute", "decided_by", "contract")
    if not _sees_team(user):
        qs = qs.filter(Q(person=user) | Q(substitute=user))
    return qs.filter(contract=contract) if contract is not None else qs


def correction_queryset(user: User, contract: Contract | None = None):
    qs = AttendanceCorrection.objects.select_related("person", "decided_by")
    if not _sees_team(user):
        qs = qs.filter(person=user)
    return qs.filter(contract=contract) if contract is not None else qs


def worklog_queryset(user: User, contract: Contract | None = None):
    qs = WorkLog.objects.select_related("person").prefetch_related("tickets")
    if not user.has_perm("rosters.view_team_worklogs"):
        qs = qs.filter(person=user)
    return qs.filter(contract=contract) if contract is not None else qs


def change_queryset(user: User | None, contract: Contract | None = None):
    qs = StaffChange.objects.select_related(
        "leaving_entry__person", "incoming_person", "contract", "demanded_by", "applied_by", "decided_by"
    )
    return qs.filter(contract=contract) if contract is not None else qs


def duty_queryset(user: User):
    return DutyList.objects.select_related("contract", "submitted_by")


def meeting_queryset(user: User, contract: Contract | None = None):
    qs = WeeklyMeeting.objects.select_related("recorded_by", "contract")
    return qs.filter(contract=contract) if contract is not None else qs


def get_for(queryset, pk: int):
    return get_object_or_404(queryset, pk=pk)


def meeting_for_week(contract: Contract, day: dt.date) -> WeeklyMeeting | None:
    """The weekly quality meeting of the ISO week containing ``day`` (for the weekly report)."""
    monday = day - dt.timedelta(days=day.weekday())
    return (
        WeeklyMeeting.objects.filter(contract=contract, week_start=monday)
        .prefetch_related("attendees", "action_items__owner")
        .first()
    )


def pending_approvals(user: User, contract: Contract | None = None) -> dict:
    """Leave and corrections waiting for this user's decision (PM: engineers'; bureau admin: the PM's)."""
    if user.role == Role.PM:
        requester = ~Q(person__role=Role.PM)
    elif user.role == Role.BUREAU_ADMIN:
        requester = Q(person__role=Role.PM)
    else:
        return {"leaves": [], "corrections": []}
    leaves = LeaveRequest.objects.filter(requester, status=RequestStatus.PENDING).exclude(person=user)
    corrections = AttendanceCorrection.objects.filter(requester, status=RequestStatus.PENDING).exclude(
        person=user
    )
    if contract is not None:
        leaves, corrections = leaves.filter(contract=contract), corrections.filter(contract=contract)
    return {
        "leaves": list(leaves.select_related("person", "substitute").order_by("start_on")),
        "corrections": list(corrections.select_related("person").order_by("date")),
    }


def open_changes(contract: Contract):
    return change_queryset(None, contract).filter(
        status__in=(ChangeStatus.DEMANDED, ChangeStatus.SUBMITTED, ChangeStatus.APPROVED)
    )
