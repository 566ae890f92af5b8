"""The roster: who is on site for the contract, in which position, with which phone, for which period."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from common import clock
from common.audit import diff, log_action, snapshot
from common.errors import ServiceError, TransitionNotAllowed
from common.notifications import notify
from contracts.models import Contract

from ..models import (
    OPEN_CHANGE_STATUSES,
    Position,
    RosterEntry,
    StaffChange,
)
from ._base import POSITION_ROLE, ROSTER_AUDIT_FIELDS, _d, _lock_person, _users_with_role


def _check_roster_person(person: User, position: str) -> None:
    expected = POSITION_ROLE.get(position)
    if expected is None:
        raise ServiceError({"position": "请选择岗位。"})
    if not person.is_active:
        raise ServiceError({"person": f"{person.display_name} 的账号已停用。"})
    if person.role != expected:
        raise ServiceError(
            {
                "person": f"{person.display_name} 的角色是“{person.role_label}”，"
                f"不能登记为{Position(position).label}。"
            }
        )


def _check_no_overlap(person: User, start: dt.date, end: dt.date, exclude_pk: int | None = None) -> None:
    overlapping = RosterEntry.objects.filter(person=person, start_on__lte=end, end_on__gte=start)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.select_related("contract").first()
    if clash:
        raise ServiceError(
            {
                "start_on": f"{person.display_name} 在 {_d(clash.start_on)} 至 {_d(clash.end_on)} 已在"
                f"{clash.contract.number}的驻场名单上，驻场期不能重叠。"
            }
        )


def _check_in_contract(contract: Contract, start: dt.date, end: dt.date, field: str = "start_on") -> None:
    if start < contract.start_on or end > contract.end_on:
        raise ServiceError(
            {field: f"驻场期须在合同服务期内（{_d(contract.start_on)} 至 {_d(contract.end_on)}）。"}
        )


def _touches_past(start: dt.date, today: dt.date) -> bool:
    return start < today


@transaction.atomic
def roster_add(
    *,
    contract: Contract,
    person: User,
    position: str,
    start_on: dt.date,
    end_on: dt.date,
    actor: User,
    phone: str = "",
    note: str = "",
) -> RosterEntry:
    """Put a person on the roster for a period. Periods that reach into the past need a note (why)."""
    _lock_person(person)
    _check_roster_person(person, position)
    entry = RosterEntry(
        contract=contract,
        person=person,
        position=position,
        phone=(phone or person.phone).strip(),
        start_on=start_on,
        end_on=end_on,
        note=note.strip(),
        created_by=actor,
    )
    if not entry.phone:
        raise ServiceError({"phone": "请填写驻场联系电话。"})
    entry.full_clean()
    _check_in_contract(contract, start_on, end_on)
    _check_no_overlap(person, start_on, end_on)
    retroactive = _touches_past(start_on, clock.today())
    if retroactive and not entry.note:
        raise ServiceError({"note": "驻场期包含已过去的日期，会影响出勤统计：请在备注中说明原因。"})
    entry.save()
    log_action(
        "roster.add",
        actor=actor,
        obj=entry,
        changes={**snapshot(entry, ROSTER_AUDIT_FIELDS), "retroactive": retroactive},
    )
    if retroactive:
        _notify_retroactive(entry, actor)
    return entry


@transaction.atomic
def roster_update(
    *,
    entry: RosterEntry,
    actor: User,
    start_on: dt.date,
    end_on: dt.date,
    phone: str,
    note: str = "",
) -> RosterEntry:
    """Change a period, phone or note. Changing which past days are covered needs a note."""
    _lock_person(entry.person)
    entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(entry, ROSTER_AUDIT_FIELDS)
    today = clock.today()
    if (start_on, end_on) != (entry.start_on, entry.end_on) and StaffChange.objects.filter(
        leaving_entry=entry, status__in=OPEN_CHANGE_STATUSES
    ).exists():
        raise TransitionNotAllowed("该驻场安排有进行中的人员变动，驻场期由变动流程确定，不能直接修改。")
    old_past = (entry.start_on, min(entry.end_on, today - dt.timedelta(days=1)))
    new_past = (start_on, min(end_on, today - dt.timedelta(days=1)))
    past_changed = (old_past[0] < today or new_past[0] < today) and old_past != new_past
    entry.start_on, entry.end_on, entry.phone, entry.note = start_on, end_on, phone.strip(), note.strip()
    if not entry.phone:
        raise ServiceError({"phone": "请填写驻场联系电话。"})
    entry.full_clean()
    _check_in_contract(entry.contract, start_on, end_on)
    _check_no_overlap(entry.person, start_on, end_on, exclude_pk=entry.pk)
    if past_changed and note.strip() == before["note"]:
        raise ServiceError({"note": "修改涉及已过去的日期，会影响出勤统计：请在备注中说明修改原因。"})
    entry.save()
    changes = diff(before, snapshot(entry, ROSTER_AUDIT_FIELDS))
    if changes:
        log_action("roster.update", actor=actor, obj=entry, changes={**changes, "retroactive": past_changed})
        if past_changed:
            _notify_retroactive(entry, actor)
    return entry


def _notify_retroactive(entry: RosterEntry, actor: User) -> None:
    notify(
        _users_with_role(Role.BUREAU_ADMIN),
        title=f"驻场名单追溯调整：{entry.person.display_name}",
        body=f"{actor.display_name} 调整了已过去日期的驻场安排"
        f"（{_d(entry.start_on)} 至 {_d(entry.end_on)}）。说明：{entry.note}",
        url=reverse("rosters:roster"),
        kind="rosters.roster",
    )
