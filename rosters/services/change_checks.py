"""The checks of a staff change before it is saved: the leaving person, the replacement, the dates
and the roster. Each refusal is a ``ServiceError`` whose messages name the form field they belong to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from accounts.models import User
from common.errors import ServiceError
from contracts.models import Contract

from .. import rules
from ..models import OPEN_CHANGE_STATUSES, ChangeKind, RosterEntry, StaffChange
from ._base import POSITION_ROLE, _d

AddError = Callable[[str, str], None]  # add(field, message): one more error for a form field


def _check_proposal(
    *,
    contract: Contract,
    kind: str,
    leaving: RosterEntry,
    incoming: User | None,
    incoming_start_on: dt.date | None,
    effective_on: dt.date | None,
    today: dt.date,
    exclude_change: int | None = None,
) -> tuple[User, dt.date]:
    """Refuse a proposal that breaks a rule; return the incoming person and the effective date."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if incoming is None:
        add("incoming_person", "请选择接替人员。")
    if effective_on is None:
        add("effective_on", "请填写变动生效日期。")
    if errors:
        raise ServiceError(errors)
    assert incoming is not None and effective_on is not None  # noqa: S101 — narrowed above
    _check_incoming_person(add, incoming=incoming, leaving=leaving)
    _check_effective_on(
        add, contract=contract, kind=kind, leaving=leaving, effective_on=effective_on, today=today
    )
    start = incoming_start_on or effective_on
    _check_incoming_start(add, contract=contract, start=start, effective_on=effective_on, today=today)
    if not errors:
        _check_roster_clash(add, incoming=incoming, leaving=leaving, start=start)
    others = StaffChange.objects.filter(leaving_entry=leaving, status__in=OPEN_CHANGE_STATUSES)
    if exclude_change is not None:
        others = others.exclude(pk=exclude_change)
    other = others.exists()
    if other:
        add("leaving_entry", f"{leaving.person.display_name} 已有进行中的人员变动。")
    if errors:
        raise ServiceError(errors)
    return incoming, effective_on


def _check_incoming_person(add: AddError, *, incoming: User, leaving: RosterEntry) -> None:
    """The replacement is someone else, active, in the role of the leaving person's position."""
    if incoming.pk == leaving.person_id:
        add("incoming_person", "接替人员不能是离场人员本人。")
    elif incoming.role != POSITION_ROLE[leaving.position] or not incoming.is_active:
        add(
            "incoming_person",
            f"{incoming.display_name} 不是在职的{POSITION_ROLE[leaving.position].label}，"
            f"不能接替{leaving.get_position_display()}岗位。",
        )


def _check_effective_on(
    add: AddError,
    *,
    contract: Contract,
    kind: str,
    leaving: RosterEntry,
    effective_on: dt.date,
    today: dt.date,
) -> None:
    """An application gives the contract's notice; a demanded change takes effect from today on; either
    falls inside the leaving person's period on site."""
    if kind == ChangeKind.APPLICATION:
        earliest = rules.earliest_effective_date(today, contract.staff_change_notice_months)
        if effective_on < earliest:
            add(
                "effective_on",
                f"人员变动须提前 {contract.staff_change_notice_months} 个月书面申请："
                f"今天（{_d(today)}）申请，生效日期最早为 {_d(earliest)}。",
            )
    elif effective_on < today:
        add("effective_on", "生效日期不能早于今天。")
    if effective_on <= leaving.start_on or effective_on > leaving.end_on:
        add(
            "effective_on",
            f"生效日期须在离场人员的驻场期内"
            f"（{_d(leaving.start_on + dt.timedelta(days=1))} 至 {_d(leaving.end_on)}）。",
        )


def _check_incoming_start(
    add: AddError, *, contract: Contract, start: dt.date, effective_on: dt.date, today: dt.date
) -> None:
    if start > effective_on:
        add("incoming_start_on", "接替人员到岗日期不能晚于变动生效日期。")
    if start < today:
        add("incoming_start_on", "接替人员到岗日期不能早于今天。")
    if start < contract.start_on:
        add("incoming_start_on", "接替人员到岗日期不能早于合同开始日期。")


def _check_roster_clash(add: AddError, *, incoming: User, leaving: RosterEntry, start: dt.date) -> None:
    """The replacement is not already on the roster during the time they would take over."""
    clash = RosterEntry.objects.filter(
        person=incoming, start_on__lte=leaving.end_on, end_on__gte=start
    ).first()
    if clash:
        add(
            "incoming_person",
            f"{incoming.display_name} 在 {_d(clash.start_on)} 至 {_d(clash.end_on)} 已在驻场名单上。",
        )


def _check_leaving(contract: Contract, leaving: RosterEntry, today: dt.date) -> None:
    if leaving.contract_id != contract.pk:
        raise ServiceError({"leaving_entry": "离场人员不在本合同的驻场名单上。"})
    if leaving.end_on < today:
        raise ServiceError(
            {"leaving_entry": f"{leaving.person.display_name} 的驻场期已于 {_d(leaving.end_on)} 结束。"}
        )
