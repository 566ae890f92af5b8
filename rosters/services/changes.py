"""Staff changes: the vendor's application (with notice) or the bureau's demand; the bureau's approval;
the handover checklist; the bureau's confirmation before the person leaves."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from common import clock
from common.audit import diff, log_action, snapshot
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify
from contracts.models import Contract

from ..models import (
    OPEN_CHANGE_STATUSES,
    ChangeKind,
    ChangeStatus,
    HandoverItem,
    RosterEntry,
    StaffChange,
)
from ._base import (
    DEFAULT_HANDOVER_ITEMS,
    ROSTER_AUDIT_FIELDS,
    _d,
    _lock_person,
    _users_with_role,
)
from .change_checks import _check_leaving, _check_proposal

CHANGE_AUDIT_FIELDS = [
    "kind",
    "status",
    "leaving_entry",
    "incoming_person",
    "incoming_phone",
    "incoming_start_on",
    "effective_on",
    "applied_on",
    "reason",
    "demand_reason",
]


@transaction.atomic
def change_apply(
    *,
    contract: Contract,
    leaving_entry: RosterEntry,
    incoming_person: User | None,
    effective_on: dt.date | None,
    reason: str,
    actor: User,
    incoming_phone: str = "",
    incoming_start_on: dt.date | None = None,
) -> StaffChange:
    """The vendor's written application (at least the contract's notice before the change)."""
    now = clock.now()
    today = clock.local(now).date()
    _check_leaving(contract, leaving_entry, today)
    if not reason or not reason.strip():
        raise ServiceError({"reason": "请填写变动理由。"})
    incoming_person, effective_on = _check_proposal(
        contract=contract,
        kind=ChangeKind.APPLICATION,
        leaving=leaving_entry,
        incoming=incoming_person,
        incoming_start_on=incoming_start_on,
        effective_on=effective_on,
        today=today,
    )
    change = StaffChange(
        contract=contract,
        kind=ChangeKind.APPLICATION,
        status=ChangeStatus.SUBMITTED,
        leaving_entry=leaving_entry,
        incoming_person=incoming_person,
        incoming_phone=(incoming_phone or incoming_person.phone).strip(),
        incoming_start_on=incoming_start_on or effective_on,
        effective_on=effective_on,
        applied_on=today,
        reason=reason.strip(),
        applied_by=actor,
        applied_at=now,
        created_at=now,
    )
    change.full_clean()
    change.save()
    log_action("staff_change.apply", actor=actor, obj=change, changes=snapshot(change, CHANGE_AUDIT_FIELDS))
    _notify_bureau_change(
        change, f"人员变动申请待审批：{leaving_entry.person.display_name} → {incoming_person.display_name}"
    )
    return change


@transaction.atomic
def change_demand(*, contract: Contract, leaving_entry: RosterEntry, reason: str, actor: User) -> StaffChange:
    """The bureau demands that a person be replaced; the vendor answers with a proposal."""
    now = clock.now()
    today = clock.local(now).date()
    _check_leaving(contract, leaving_entry, today)
    if not reason or len(reason.strip()) < 4:
        raise ServiceError({"reason": "请写明要求更换的理由。"})
    if StaffChange.objects.filter(leaving_entry=leaving_entry, status__in=OPEN_CHANGE_STATUSES).exists():
        raise ServiceError({"leaving_entry": f"{leaving_entry.person.display_name} 已有进行中的人员变动。"})
    change = StaffChange(
        contract=contract,
        kind=ChangeKind.DEMAND,
        status=ChangeStatus.DEMANDED,
        leaving_entry=leaving_entry,
        demand_reason=reason.strip(),
        demanded_by=actor,
        demanded_at=now,
        created_at=now,
    )
    change.full_clean()
    change.save()
    log_action("staff_change.demand", actor=actor, obj=change, changes=snapshot(change, CHANGE_AUDIT_FIELDS))
    notify(
        _users_with_role(Role.PM),
        title=f"甲方要求更换驻场人员：{leaving_entry.person.display_name}",
        body=change.demand_reason,
        url=reverse("rosters:change_detail", args=[change.pk]),
        kind="rosters.change",
    )
    return change


@transaction.atomic
def change_propose(
    *,
    change: StaffChange,
    incoming_person: User | None,
    effective_on: dt.date | None,
    actor: User,
    reason: str = "",
    incoming_phone: str = "",
    incoming_start_on: dt.date | None = None,
) -> StaffChange:
    """The vendor names the replacement for a demanded change (no notice period: the bureau asked)."""
    change = (
        StaffChange.objects.select_for_update().select_related("leaving_entry", "contract").get(pk=change.pk)
    )
    if change.status != ChangeStatus.DEMANDED:
        raise TransitionNotAllowed(f"该变动当前状态为“{change.get_status_display()}”，不能提出接替人选。")
    now = clock.now()
    today = clock.local(now).date()
    incoming_person, effective_on = _check_proposal(
        contract=change.contract,
        kind=ChangeKind.DEMAND,
        leaving=change.leaving_entry,
        incoming=incoming_person,
        incoming_start_on=incoming_start_on,
        effective_on=effective_on,
        today=today,
        exclude_change=change.pk,
    )
    before = snapshot(change, CHANGE_AUDIT_FIELDS)
    change.incoming_person = incoming_person
    change.incoming_phone = (incoming_phone or incoming_person.phone).strip()
    change.incoming_start_on = incoming_start_on or effective_on
    change.effective_on = effective_on
    change.reason = (reason or "").strip()
    change.applied_on, change.applied_by, change.applied_at = today, actor, now
    change.status = ChangeStatus.SUBMITTED
    change.full_clean()
    change.save()
    log_action(
        "staff_change.propose",
        actor=actor,
        obj=change,
        changes=diff(before, snapshot(change, CHANGE_AUDIT_FIELDS)),
    )
    _notify_bureau_change(
        change, f"更换人选待审批：{change.leaving_entry.person.display_name} → {incoming_person.display_name}"
    )
    return change


def _notify_bureau_change(change: StaffChange, title: str) -> None:
    notify(
        _users_with_role(Role.BUREAU_ADMIN),
        title=title,
        body=change.reason,
        url=reverse("rosters:change_detail", args=[change.pk]),
        kind="rosters.change",
    )


@transaction.atomic
def change_decide(*, change: StaffChange, actor: User, approve: bool, note: str = "") -> StaffChange:
    """The bureau approves (the incoming person goes on the roster, the handover checklist opens) or
    rejects with a reason (a demanded change goes back to waiting for another proposal)."""
    note = (note or "").strip()
    if not approve and not note:
        raise ServiceError({"note": "驳回须说明理由。"})
    change = StaffChange.objects.select_related("leaving_entry", "incoming_person", "contract").get(
        pk=change.pk
    )
    if approve:
        new_status = ChangeStatus.APPROVED
    else:
        new_status = ChangeStatus.DEMANDED if change.kind == ChangeKind.DEMAND else ChangeStatus.REJECTED
    now = clock.now()
    claimed = StaffChange.objects.filter(pk=change.pk, status=ChangeStatus.SUBMITTED).update(
        status=new_status, decided_by=actor, decided_at=now, decision_note=note[:300]
    )
    if not claimed:
        current = StaffChange.objects.get(pk=change.pk)
        raise ConcurrentChange(
            f"该变动当前状态为“{current.get_status_display()}”，不能审批（可能已被他人处理）。"
        )
    if approve:
        _start_handover(change, actor=actor, now=now)
    change.refresh_from_db()
    log_action(
        "staff_change.approve" if approve else "staff_change.reject",
        actor=actor,
        obj=change,
        changes={"status": ["submitted", new_status], "note": note},
    )
    notify(
        _users_with_role(Role.PM),
        title=f"人员变动{'已批准，请开展交接' if approve else '被驳回'}："
        f"{change.leaving_entry.person.display_name}",
        body=note,
        url=reverse("rosters:change_detail", args=[change.pk]),
        kind="rosters.change",
    )
    return change


def _proposed(change: StaffChange) -> tuple[User, dt.date]:
    """The incoming person and the effective date of a submitted change (``_check_proposal`` made sure
    of both when it was applied or proposed)."""
    if change.incoming_person is None or change.effective_on is None:
        raise TransitionNotAllowed("该变动没有接替人员或生效日期。")
    return change.incoming_person, change.effective_on


def _start_handover(change: StaffChange, *, actor: User, now: dt.datetime) -> RosterEntry:
    """An approved change puts the incoming person on the roster until the leaving person's last day
    and opens the default handover checklist."""
    leaving = change.leaving_entry
    incoming, effective_on = _proposed(change)
    _lock_person(incoming)
    start = max(change.incoming_start_on or effective_on, clock.local(now).date())
    if start > leaving.end_on:
        raise TransitionNotAllowed(
            f"{leaving.person.display_name} 的驻场期已于 {_d(leaving.end_on)} 结束，无须再批准人员变动。"
        )
    clash = RosterEntry.objects.filter(
        person=incoming, start_on__lte=leaving.end_on, end_on__gte=start
    ).first()
    if clash:
        raise ServiceError(f"{incoming.display_name} 在 {_d(clash.start_on)} 起已在驻场名单上，不能批准。")
    entry = RosterEntry.objects.create(
        contract=change.contract,
        person=incoming,
        position=leaving.position,
        phone=change.incoming_phone or incoming.phone or "—",
        start_on=start,
        end_on=leaving.end_on,
        note=f"接替 {leaving.person.display_name}（人员变动 #{change.pk}）",
        created_by=actor,
        created_at=now,
    )
    log_action(
        "roster.add",
        actor=actor,
        obj=entry,
        changes={**snapshot(entry, ROSTER_AUDIT_FIELDS), "staff_change": change.pk},
    )
    StaffChange.objects.filter(pk=change.pk).update(incoming_entry=entry)
    HandoverItem.objects.bulk_create(
        HandoverItem(change=change, order=i, title=title) for i, title in enumerate(DEFAULT_HANDOVER_ITEMS, 1)
    )
    return entry


@transaction.atomic
def change_withdraw(*, change: StaffChange, actor: User) -> StaffChange:
    if change.kind != ChangeKind.APPLICATION:
        raise TransitionNotAllowed("甲方要求的更换不能由乙方撤回。")
    claimed = StaffChange.objects.filter(pk=change.pk, status=ChangeStatus.SUBMITTED).update(
        status=ChangeStatus.WITHDRAWN
    )
    if not claimed:
        raise TransitionNotAllowed("只有待审批的申请可以撤回。")
    change.refresh_from_db()
    log_action(
        "staff_change.withdraw", actor=actor, obj=change, changes={"status": ["submitted", "withdrawn"]}
    )
    return change


def _open_handover(item_change_id: int) -> StaffChange:
    change = StaffChange.objects.select_for_update().get(pk=item_change_id)
    if change.status != ChangeStatus.APPROVED:
        raise TransitionNotAllowed(f"该变动当前状态为“{change.get_status_display()}”，交接清单不能再修改。")
    return change


@transaction.atomic
def handover_item_set(*, item: HandoverItem, actor: User, done: bool, note: str = "") -> HandoverItem:
    _open_handover(item.change_id)
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, ["done", "note"])
    item.done = done
    item.note = (note or "").strip()[:300] or item.note
    item.done_by = actor if done else None
    item.done_at = clock.now() if done else None
    item.save()
    log_action(
        "staff_change.handover_item",
        actor=actor,
        obj=item.change,
        changes={"item": item.title, **diff(before, snapshot(item, ["done", "note"]))},
    )
    return item


@transaction.atomic
def handover_item_add(*, change: StaffChange, title: str, actor: User) -> HandoverItem:
    change = _open_handover(change.pk)
    title = (title or "").strip()
    if not title:
        raise ServiceError({"title": "请填写交接事项。"})
    order = (change.handover_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = HandoverItem(change=change, order=order, title=title[:200])
    item.full_clean()
    item.save()
    log_action("staff_change.handover_item_add", actor=actor, obj=change, changes={"item": item.title})
    return item


@transaction.atomic
def change_confirm(*, change: StaffChange, actor: User, note: str = "") -> StaffChange:
    """The bureau inspects and confirms the handover; only then the leaving person's roster ends
    (on the day before the change takes effect, or today if the confirmation comes later)."""
    change = StaffChange.objects.select_for_update().select_related("leaving_entry").get(pk=change.pk)
    if change.status != ChangeStatus.APPROVED:
        raise TransitionNotAllowed(f"该变动当前状态为“{change.get_status_display()}”，不能确认交接。")
    open_items = list(change.handover_items.filter(done=False).values_list("title", flat=True))
    if open_items:
        raise ServiceError("交接清单尚未全部完成：" + "；".join(open_items))
    now = clock.now()
    today = clock.local(now).date()
    claimed = StaffChange.objects.filter(pk=change.pk, status=ChangeStatus.APPROVED).update(
        status=ChangeStatus.COMPLETED,
        confirmed_by=actor,
        confirmed_at=now,
        confirmation_note=(note or "").strip()[:300],
    )
    if not claimed:
        raise ConcurrentChange("该交接已被确认。")
    leaving = RosterEntry.objects.select_for_update().get(pk=change.leaving_entry_id)
    before = snapshot(leaving, ROSTER_AUDIT_FIELDS)
    last_day = max(_proposed(change)[1] - dt.timedelta(days=1), today)
    leaving.end_on = max(leaving.start_on, min(leaving.end_on, last_day))
    leaving.save(update_fields=["end_on"])
    log_action(
        "roster.update",
        actor=actor,
        obj=leaving,
        changes={**diff(before, snapshot(leaving, ROSTER_AUDIT_FIELDS)), "staff_change": change.pk},
    )
    change.refresh_from_db()
    log_action(
        "staff_change.confirm",
        actor=actor,
        obj=change,
        changes={"status": ["approved", "completed"], "leaving_until": leaving.end_on, "note": note},
    )
    notify(
        _users_with_role(Role.PM),
        title=f"交接已确认：{leaving.person.display_name} 驻场至 {_d(leaving.end_on)}",
        url=reverse("rosters:change_detail", args=[change.pk]),
        kind="rosters.change",
    )
    return change
