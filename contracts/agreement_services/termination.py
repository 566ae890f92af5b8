"""Termination notices (第八条, 第十条): effective date, settlement, confirmation, withdrawal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify

from ..agreement import (
    Party,
    TerminationBasis,
    TerminationNotice,
    TerminationStatus,
    other_party,
    penalty,
)
from ..models import Contract
from .parties import party_of, party_recipients

# --- termination (第八条, 第十条) ------------------------------------------------------------------------


def termination_effective_on(contract: Contract, basis: str, given_on: dt.date) -> dt.date:
    """第八条(3): ``termination_notice_days`` days after the written notice; otherwise the day the notice
    reaches the other party (民法典 第五百六十五条)."""
    if basis == TerminationBasis.EARLY:
        return given_on + dt.timedelta(days=contract.termination_notice_days)
    return given_on


def termination_settlement(contract: Contract, basis: str, party: str, effective_on: dt.date) -> dict:
    """What the termination leads to (the penalty, who pays it, the service fee earned to the end date
    for reference); outstanding instalments and late fees are on the payments page."""
    days = (contract.end_on - contract.start_on).days + 1
    served = max(0, min((effective_on - contract.start_on).days, days))
    pro_rata = (contract.total_amount * served / days).quantize(Decimal("0.01"))
    payer: str
    if basis == TerminationBasis.LATE_PAYMENT:
        payer, ratio, clause = Party.CLIENT, contract.termination_penalty_ratio, "第八条(2)"
    elif basis == TerminationBasis.EARLY:
        payer, ratio, clause = party, contract.early_termination_penalty_ratio, "第八条(3)"
    else:
        payer, ratio, clause = "", Decimal("0"), "第十条"
    return {
        "clause": clause,
        "penalty_payer": payer,
        "penalty_payer_label": str(Party(payer).label) if payer else "",
        "penalty_ratio": str(ratio),
        "penalty": str(penalty(contract.total_amount, ratio)),
        "served_days": served,
        "period_days": days,
        "pro_rata_fee": str(pro_rata),
    }


@transaction.atomic
def termination_give(
    *, contract: Contract, actor, basis: str, given_on: dt.date, reason: str, document=None
) -> TerminationNotice:
    party = party_of(actor)
    if party is None:
        raise TransitionNotAllowed("只有局信息化管理员（甲方）或项目经理（乙方）可以登记解除/终止通知。")
    if basis == TerminationBasis.LATE_PAYMENT and party != Party.VENDOR:
        raise ServiceError({"basis": ["第八条(2)的解除权属于乙方。"]})
    if given_on > clock.today():
        raise ServiceError({"given_on": ["送达日不能晚于今天。"]})
    if (
        TerminationNotice.objects.filter(contract=contract)
        .exclude(status=TerminationStatus.WITHDRAWN)
        .exists()
    ):
        raise ServiceError("本合同已有有效的解除/终止通知。")
    effective_on = termination_effective_on(contract, basis, given_on)
    row = TerminationNotice(
        contract=contract,
        basis=basis,
        party=party,
        given_on=given_on,
        effective_on=effective_on,
        reason=reason.strip(),
        document=document or "",
        settlement=termination_settlement(contract, basis, party, effective_on),
        given_by=actor,
    )
    row.full_clean()
    row.save()
    log_action(
        "contract.termination",
        actor=actor,
        obj=row,
        changes={
            "basis": basis,
            "party": party,
            "given_on": given_on.isoformat(),
            "effective_on": effective_on.isoformat(),
            "settlement": row.settlement,
        },
    )
    notify(
        party_recipients(contract, other_party(party)),
        title=f"{Party(party).label}发出合同解除/终止通知，生效日 {effective_on:%Y-%m-%d}",
        body=f"{row.get_basis_display()}：{row.reason}"
        + ("（须经对方确认）" if row.needs_confirmation else ""),
        url=reverse("contracts:terminations"),
        kind="contract.termination",
    )
    return row


@transaction.atomic
def termination_confirm(*, notice: TerminationNotice, actor) -> TerminationNotice:
    party = party_of(actor)
    if party is None or party == notice.party:
        raise TransitionNotAllowed("提前终止须由对方确认。")
    if notice.basis != TerminationBasis.EARLY:
        raise ServiceError("只有第八条(3)的提前终止需要对方确认。")
    count = TerminationNotice.objects.filter(pk=notice.pk, status=TerminationStatus.GIVEN).update(
        status=TerminationStatus.CONFIRMED, confirmed_by=actor, confirmed_at=clock.now()
    )
    if count != 1:
        raise ConcurrentChange("该通知已被确认或撤回，请刷新页面。")
    notice.refresh_from_db()
    log_action(
        "contract.termination_confirm", actor=actor, obj=notice, changes={"status": ["given", "confirmed"]}
    )
    notify(
        party_recipients(notice.contract, notice.party),
        title=f"{Party(party).label}已确认提前终止，生效日 {notice.effective_on:%Y-%m-%d}",
        url=reverse("contracts:terminations"),
        kind="contract.termination",
    )
    return notice


@transaction.atomic
def termination_withdraw(*, notice: TerminationNotice, actor) -> TerminationNotice:
    if party_of(actor) != notice.party:
        raise TransitionNotAllowed("只有通知方可以撤回。")
    if notice.effective_on <= clock.today():
        raise ServiceError("已生效的解除/终止不能撤回。")
    count = (
        TerminationNotice.objects.filter(pk=notice.pk)
        .exclude(status=TerminationStatus.WITHDRAWN)
        .update(status=TerminationStatus.WITHDRAWN)
    )
    if count != 1:
        raise ConcurrentChange("该通知已撤回。")
    notice.refresh_from_db()
    log_action("contract.termination_withdraw", actor=actor, obj=notice, changes={"status": "withdrawn"})
    notify(
        party_recipients(notice.contract, other_party(notice.party)),
        title=f"{Party(notice.party).label}已撤回合同解除/终止通知",
        url=reverse("contracts:terminations"),
        kind="contract.termination",
    )
    return notice


def active_termination(contract: Contract) -> TerminationNotice | None:
    return (
        TerminationNotice.objects.filter(contract=contract)
        .exclude(status=TerminationStatus.WITHDRAWN)
        .order_by("-given_on")
        .first()
    )
