"""Holiday duty lists: one per statutory holiday, due before the holiday starts; a late one is flagged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from common import clock
from common.audit import log_action, snapshot
from common.errors import ConcurrentChange, ServiceError
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, HolidayPeriod, WorkCalendar

from .. import rules
from ..models import (
    DutyAssignment,
    DutyList,
    DutyStatus,
    RosterEntry,
)
from ._base import VENDOR_ROLES, _d, _users_with_role


@dataclass(frozen=True)
class DutyRow:
    day: dt.date
    person: User
    phone: str = ""
    note: str = ""


@transaction.atomic
def duty_list_start(*, contract: Contract, holiday: HolidayPeriod, actor: User) -> DutyList:
    """The duty list of a holiday of the calendar, created when the PM first opens it."""
    if not (contract.start_on <= holiday.start <= contract.end_on):
        raise ServiceError(f"{holiday.name}（{_d(holiday.start)} 起）不在本合同的服务期内。")
    duty, created = DutyList.objects.get_or_create(
        contract=contract,
        start_on=holiday.start,
        defaults={"holiday_name": holiday.name, "end_on": holiday.end, "created_at": clock.now()},
    )
    if created:
        log_action(
            "duty.start",
            actor=actor,
            obj=duty,
            changes=snapshot(duty, ["holiday_name", "start_on", "end_on"]),
        )
    return duty


def _duty_rows_errors(duty: DutyList, rows: Sequence[DutyRow]) -> list[str]:
    errors = []
    seen = set()
    for row in rows:
        if not (duty.start_on <= row.day <= duty.end_on):
            errors.append(
                f"{_d(row.day)} 不在{duty.holiday_name}假期内（{_d(duty.start_on)} 至 {_d(duty.end_on)}）。"
            )
        if row.person.role not in VENDOR_ROLES or not row.person.is_active:
            errors.append(f"{row.person.display_name} 不是在职的乙方驻场人员。")
        if not row.phone.strip():
            errors.append(f"请填写 {row.person.display_name} 的联系电话。")
        key = (row.day, row.person.pk)
        if key in seen:
            errors.append(f"{_d(row.day)} {row.person.display_name} 重复安排。")
        seen.add(key)
    return errors


def _uncovered_days(duty: DutyList, rows: Iterable[DutyRow]) -> list[dt.date]:
    days = {row.day for row in rows}
    current, missing = duty.start_on, []
    while current <= duty.end_on:
        if current not in days:
            missing.append(current)
        current += dt.timedelta(days=1)
    return missing


@transaction.atomic
def duty_list_save(*, duty_list: DutyList, rows: Sequence[DutyRow], actor: User, note: str = "") -> DutyList:
    """Replace the list's assignments. After submission every day must stay covered (an amendment)."""
    duty = DutyList.objects.select_for_update().get(pk=duty_list.pk)
    on_site_phones = dict(
        RosterEntry.objects.filter(
            contract=duty.contract_id, start_on__lte=duty.end_on, end_on__gte=duty.start_on
        ).values_list("person_id", "phone")
    )
    rows = [
        DutyRow(
            r.day,
            r.person,
            (r.phone or on_site_phones.get(r.person.pk) or r.person.phone or "").strip(),
            (r.note or "").strip(),
        )
        for r in rows
    ]
    errors = _duty_rows_errors(duty, rows)
    if duty.status == DutyStatus.SUBMITTED:
        missing = _uncovered_days(duty, rows)
        if missing:
            errors.append(
                "值班表已提交，修改后每一天仍须有人值班："
                + "、".join(f"{d:%m-%d}" for d in missing)
                + " 无人。"
            )
    if errors:
        raise ServiceError(errors)
    before = [
        f"{a.day}:{a.person.username}:{a.phone}:{a.note}" for a in duty.assignments.select_related("person")
    ]
    note_before = duty.note
    duty.assignments.all().delete()
    DutyAssignment.objects.bulk_create(
        DutyAssignment(duty_list=duty, day=r.day, person=r.person, phone=r.phone[:30], note=r.note[:100])
        for r in sorted(rows, key=lambda r: (r.day, r.person.pk))
    )
    duty.note = (note or "").strip()[:300]
    duty.save(update_fields=["note"])
    after = [
        f"{r.day}:{r.person.username}:{r.phone}:{r.note}"
        for r in sorted(rows, key=lambda r: (r.day, r.person.pk))
    ]
    changes: dict[str, list] = {}
    if before != after:
        changes["assignments"] = [before, after]
    if note_before != duty.note:
        changes["note"] = [note_before, duty.note]
    if changes:
        log_action(
            "duty.amend" if duty.status == DutyStatus.SUBMITTED else "duty.save",
            actor=actor,
            obj=duty,
            changes=changes,
        )
    return duty


@transaction.atomic
def duty_list_submit(*, duty_list: DutyList, actor: User, calendar: WorkCalendar | None = None) -> DutyList:
    """Submit to the bureau. Every holiday day needs someone; a list after its deadline is flagged late."""
    duty = DutyList.objects.select_related("contract").get(pk=duty_list.pk)
    rows = [DutyRow(a.day, a.person, a.phone) for a in duty.assignments.select_related("person")]
    missing = _uncovered_days(duty, rows)
    if missing:
        raise ServiceError("以下日期还没有安排值班人员：" + "、".join(f"{d:%m月%d日}" for d in missing))
    calendar = calendar or get_calendar(duty.contract)
    try:
        due_at = rules.duty_due_at(calendar, duty.start_on, duty.contract.duty_list_lead_workdays)
    except CalendarNotLoaded:
        due_at = dt.datetime.combine(duty.start_on, dt.time(0, 0), clock.SHANGHAI)
    now = clock.now()
    claimed = DutyList.objects.filter(pk=duty.pk, status=DutyStatus.DRAFT).update(
        status=DutyStatus.SUBMITTED, submitted_by=actor, submitted_at=now, due_at=due_at
    )
    if not claimed:
        raise ConcurrentChange("该值班表已提交。")
    duty.refresh_from_db()
    log_action(
        "duty.submit",
        actor=actor,
        obj=duty,
        changes={"submitted_at": now, "due_at": due_at, "late": duty.is_late, "assignments": len(rows)},
    )
    notify(
        _users_with_role(Role.BUREAU_ADMIN),
        title=f"{duty.holiday_name}值班表已提交{'（逾期）' if duty.is_late else ''}",
        url=reverse("rosters:duty_detail", args=[duty.pk]),
        kind="rosters.duty",
    )
    return duty
