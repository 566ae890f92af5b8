"""Confidentiality undertakings and incidents (第五条, 第八条(1))."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.audit import log_action
from common.errors import ServiceError, TransitionNotAllowed
from common.notifications import notify

from ..agreement import (
    ConfidentialityUndertaking,
    ContractIncident,
    IncidentKind,
    Party,
    penalty,
)
from ..models import Contract
from .parties import party_of, party_recipients

# --- confidentiality (第五条) -----------------------------------------------------------------------


@transaction.atomic
def undertaking_record(
    *, contract: Contract, actor, person, signed_on: dt.date, document, note: str = ""
) -> ConfidentialityUndertaking:
    if actor.role not in {Role.PM, Role.BUREAU_ADMIN}:
        raise TransitionNotAllowed("只有项目经理或局信息化管理员可以登记保密承诺书。")
    if person.role not in {Role.ENGINEER, Role.PM}:
        raise ServiceError({"person": ["保密承诺书登记的是乙方人员。"]})
    if signed_on > clock.today():
        raise ServiceError({"signed_on": ["签署日期不能晚于今天。"]})
    if ConfidentialityUndertaking.objects.filter(contract=contract, person=person).exists():
        raise ServiceError({"person": ["此人在本合同下已登记保密承诺书。"]})
    row = ConfidentialityUndertaking(
        contract=contract, person=person, signed_on=signed_on, document=document, note=note, recorded_by=actor
    )
    row.full_clean()
    row.save()
    log_action(
        "confidentiality.undertaking",
        actor=actor,
        obj=row,
        changes={"contract": contract.number, "person": person.username, "signed_on": signed_on.isoformat()},
    )
    return row


def vendor_people():
    from accounts.models import User

    return User.objects.filter(role__in=[Role.ENGINEER, Role.PM], is_active=True).order_by("username")


def undertaking_register(contract: Contract, people=None) -> list[dict]:
    """Every active vendor person (or ``people``) with their undertaking or its absence."""
    rows = {
        u.person_id: u
        for u in ConfidentialityUndertaking.objects.filter(contract=contract).select_related("person")
    }
    people = list(people if people is not None else vendor_people())
    for u in rows.values():
        if u.person not in people:
            people.append(u.person)
    return [
        {"person": p, "undertaking": rows.get(p.pk), "until": contract.confidentiality_until} for p in people
    ]


# --- incidents (第五条 4, 第八条(1)) -------------------------------------------------------------------

INCIDENT_FAULT: dict[str, str] = {IncidentKind.CONDITIONS: Party.CLIENT}


@transaction.atomic
def incident_record(
    *,
    contract: Contract,
    actor,
    kind: str,
    occurred_on: dt.date,
    what: str,
    informed: str,
    party_at_fault: str = "",
) -> ContractIncident:
    if party_of(actor) is None:
        raise TransitionNotAllowed("只有局信息化管理员或项目经理可以登记违约事件。")
    party_at_fault = INCIDENT_FAULT.get(kind, party_at_fault)
    if party_at_fault not in Party.values:
        raise ServiceError({"party_at_fault": ["请选择涉及方。"]})
    if occurred_on > clock.today():
        raise ServiceError({"occurred_on": ["发生日期不能晚于今天。"]})
    row = ContractIncident(
        contract=contract,
        kind=kind,
        party_at_fault=party_at_fault,
        occurred_on=occurred_on,
        what=what.strip(),
        informed=informed.strip(),
        penalty_ratio=contract.breach_penalty_ratio,
        penalty_amount=penalty(contract.total_amount, contract.breach_penalty_ratio),
        reported_by=actor,
    )
    row.full_clean()
    row.save()
    log_action(
        "contract.incident",
        actor=actor,
        obj=row,
        changes={
            "kind": kind,
            "party_at_fault": party_at_fault,
            "occurred_on": occurred_on.isoformat(),
            "penalty": str(row.penalty_amount),
        },
    )
    for party in (Party.CLIENT, Party.VENDOR):
        notify(
            party_recipients(contract, party),
            title=f"{contract.number} 登记违约事件：{row.get_kind_display()}",
            body=f"{row.get_party_at_fault_display()}可能须支付违约金 {row.penalty_amount} 元（合同总额的 "
            f"{row.penalty_ratio.normalize():f}%）。",
            url=reverse("contracts:incidents"),
            kind="contract.incident",
        )
    return row
