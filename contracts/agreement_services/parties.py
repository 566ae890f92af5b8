"""Each party's project contact (第九条): who is in charge on a given day, changed by written notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.audit import log_action
from common.errors import ServiceError, TransitionNotAllowed
from common.notifications import notify

from ..agreement import (
    ContactChange,
    Party,
    other_party,
)
from ..models import Contract

# --- parties and contacts (第九条) ----------------------------------------------------------------

PARTY_ROLE: dict[str, str] = {Party.CLIENT: Role.BUREAU_ADMIN, Party.VENDOR: Role.PM}


def party_of(user) -> str | None:
    """The party a user acts for on contract matters: the bureau admin for 甲方, the PM for 乙方."""
    if user.role == Role.BUREAU_ADMIN:
        return Party.CLIENT
    if user.role == Role.PM:
        return Party.VENDOR
    return None


@dataclass
class Contact:
    party: str
    name: str
    phone: str
    email: str
    user: object | None
    since: dt.date | None
    change: ContactChange | None

    @property
    def party_label(self) -> str:
        return str(Party(self.party).label)


def contact_on(contract: Contract, party: str, day: dt.date | None = None) -> Contact:
    """Who is the party's project contact on ``day``: the latest change in effect, else the contract's."""
    day = day or clock.today()
    change = (
        ContactChange.objects.filter(contract=contract, party=party, effective_on__lte=day)
        .select_related("user")
        .order_by("-effective_on", "-id")
        .first()
    )
    if change is not None:
        return Contact(
            party, change.name, change.phone, change.email, change.user, change.effective_on, change
        )
    prefix = "client" if party == Party.CLIENT else "vendor"
    return Contact(
        party,
        getattr(contract, f"{prefix}_contact"),
        getattr(contract, f"{prefix}_phone"),
        getattr(contract, f"{prefix}_email"),
        None,
        None,
        None,
    )


def party_recipients(contract: Contract, party: str, day: dt.date | None = None) -> list:
    """Who receives a notice meant for a party: its project contact (when they have an account) and
    the people who act for it (the bureau admins, or the PMs)."""
    from accounts.models import User

    contact = contact_on(contract, party, day)
    people = list(User.objects.filter(role=PARTY_ROLE[party], is_active=True))
    if contact.user is not None and contact.user not in people:
        people.insert(0, contact.user)
    return people


@transaction.atomic
def contact_change(
    *,
    contract: Contract,
    actor,
    name: str,
    notice_on: dt.date,
    effective_on: dt.date,
    phone: str = "",
    email: str = "",
    user=None,
    document=None,
) -> ContactChange:
    party = party_of(actor)
    if party is None:
        raise TransitionNotAllowed("只有局信息化管理员（甲方）或项目经理（乙方）可以登记本方项目联系人变更。")
    if effective_on < notice_on:
        raise ServiceError({"effective_on": ["生效日不能早于书面通知日。"]})
    if user is not None and party_of_account(user) != party:
        raise ServiceError({"user": ["接收通知的账号必须属于本方。"]})
    before = contact_on(contract, party, effective_on)
    row = ContactChange(
        contract=contract,
        party=party,
        name=name.strip(),
        phone=phone,
        email=email,
        user=user,
        notice_on=notice_on,
        effective_on=effective_on,
        document=document or "",
        recorded_by=actor,
    )
    row.full_clean()
    row.save()
    log_action(
        "contract.contact_change",
        actor=actor,
        obj=contract,
        changes={
            "party": party,
            "contact": [before.name, row.name],
            "notice_on": notice_on.isoformat(),
            "effective_on": effective_on.isoformat(),
        },
    )
    notify(
        party_recipients(contract, other_party(party)) + ([user] if user else []),
        title=f"{Party(party).label}项目联系人自 {effective_on:%Y-%m-%d} 起变更为 {row.name}",
        body=f"{contract.number}：原联系人 {before.name or '—'}；书面通知日 {notice_on:%Y-%m-%d}。",
        url=reverse("contracts:contacts"),
        kind="contract.contact_change",
    )
    return row


def party_of_account(user) -> str:
    return Party.VENDOR if user.role in {Role.ENGINEER, Role.PM} else Party.CLIENT
