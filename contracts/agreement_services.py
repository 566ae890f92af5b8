"""Writes and reads of the rest of the contract (issue 18 items 3–6): written changes (第六条),
confidentiality undertakings and incidents (第五条, 第八条(1)), termination notices (第八条, 第十条)
and project contacts (第九条). Each write is atomic, validated and audited; the other party is told.

Scheduled parts (deemed acceptance of changes, missing undertakings) run in jobs/contract_jobs.py and
rosters/confidentiality.py, which call down into this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from accounts.roles import Role
from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify

from .agreement import (
    ACCEPTED_CHANGE,
    ChangeStatus,
    ConfidentialityUndertaking,
    ContactChange,
    ContractChange,
    ContractIncident,
    IncidentKind,
    Party,
    TerminationBasis,
    TerminationNotice,
    TerminationStatus,
    other_party,
    penalty,
)
from .calendar import get_calendar
from .models import Contract, Priority, SlaTarget, SlaUnit
from .workdays import CalendarNotLoaded, WorkCalendar

# --- parties and contacts (第九条) ----------------------------------------------------------------

PARTY_ROLE = {Party.CLIENT: Role.BUREAU_ADMIN, Party.VENDOR: Role.PM}


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


# --- written changes (第六条) ----------------------------------------------------------------------

# Settings a change may carry (applied when accepted). Contract fields are numbers of the settings page.
CHANGEABLE_FIELDS = [
    "min_engineers_on_site",
    "pm_min_on_site_months",
    "staff_change_notice_months",
    "signoff_due_workdays",
    "duty_list_lead_workdays",
    "advance_due_workdays",
    "final_due_workdays",
    "remote_support_response_hours",
    "onsite_support_response_hours",
]
UNIT_WORDS = {
    "minute": SlaUnit.MINUTE,
    "分钟": SlaUnit.MINUTE,
    "hour": SlaUnit.HOUR,
    "小时": SlaUnit.HOUR,
    "workday": SlaUnit.WORKDAY,
    "工作日": SlaUnit.WORKDAY,
}


def setting_choices() -> list[tuple[str, str]]:
    choices = [("", gettext("（不涉及门户中的设置）"))]
    for name in CHANGEABLE_FIELDS:
        choices.append((name, str(Contract._meta.get_field(name).verbose_name)))
    for priority in Priority:
        p = str(priority.label)
        choices.append((f"sla:{priority.value}:respond", gettext("服务时限 · %(p)s · 响应") % {"p": p}))
        choices.append((f"sla:{priority.value}:resolve", gettext("服务时限 · %(p)s · 解决") % {"p": p}))
    return choices


def setting_label(key: str) -> str:
    return dict(setting_choices()).get(key, key)


def _parse_sla(value: str) -> tuple[int, str]:
    text = value.strip().replace("\u3000", " ")
    for word, unit in UNIT_WORDS.items():
        if text.endswith(word):
            number = text[: -len(word)].strip()
            if number.isascii() and number.isdigit() and 1 <= int(number) <= 10000:
                return int(number), unit
    raise ServiceError({"new_value": ["服务时限写作“数量 单位”，如 30 分钟、4 小时、1 工作日。"]})


def _setting_change(contract: Contract, key: str, value: str, *, save: bool) -> tuple[str, str]:
    """Validate (and with ``save`` apply) one setting change; returns (before, after) as text."""
    if key in CHANGEABLE_FIELDS:
        field = Contract._meta.get_field(key)
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            raise ServiceError({"new_value": [f"{field.verbose_name}须为整数。"]})
        before = getattr(contract, key)
        setattr(contract, key, int(text))
        try:
            contract.full_clean()
        except Exception as exc:
            setattr(contract, key, before)
            raise ServiceError({"new_value": [f"{field.verbose_name}：{'；'.join(_messages(exc))}"]}) from exc
        if save:
            contract.save(update_fields=[key, "updated_at"])
        else:
            setattr(contract, key, before)
        return str(before), text
    if key.startswith("sla:") and key.count(":") == 2:
        _, priority, part = key.split(":")
        target = SlaTarget.objects.filter(contract=contract, priority=priority).first()
        if target is None or part not in {"respond", "resolve"}:
            raise ServiceError({"setting": ["未知的合同设置。"]})
        amount, unit = _parse_sla(value)
        before = target.respond_display if part == "respond" else target.resolve_display
        setattr(target, f"{part}_amount", amount)
        setattr(target, f"{part}_unit", unit)
        minutes = contract.working_hours.minutes_per_day
        if target.respond_minutes(minutes) > target.resolve_minutes(minutes):
            raise ServiceError({"new_value": ["响应时限不能长于解决时限。"]})
        if save:
            target.save(update_fields=[f"{part}_amount", f"{part}_unit"])
        after = target.respond_display if part == "respond" else target.resolve_display
        return before, after
    raise ServiceError({"setting": ["未知的合同设置。"]})


def _messages(exc) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(getattr(exc, "messages", [str(exc)]))


def answer_due(contract: Contract, delivered_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last day to answer: ``change_answer_days`` calendar days after delivery (民法典 第二百零一条:
    counted from the next day); a last day that is not a working day moves to the next working day
    (第二百零三条). Raises ``CalendarNotLoaded`` for a year the calendar does not know."""
    day = delivered_on + dt.timedelta(days=contract.change_answer_days)
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _due_fields(contract: Contract, delivered_on: dt.date, calendar: WorkCalendar | None = None) -> dict:
    try:
        return {
            "answer_due_on": answer_due(contract, delivered_on, calendar or get_calendar(contract)),
            "due_pending_year": None,
        }
    except CalendarNotLoaded as exc:
        return {"answer_due_on": None, "due_pending_year": exc.year}


def _change_url(change: ContractChange) -> str:
    return reverse("contracts:change_detail", args=[change.pk])


@transaction.atomic
def change_propose(
    *,
    contract: Contract,
    actor,
    title: str,
    text: str,
    delivered_on: dt.date,
    document=None,
    setting: str = "",
    new_value: str = "",
) -> ContractChange:
    party = party_of(actor)
    if party is None:
        raise TransitionNotAllowed("只有局信息化管理员（甲方）或项目经理（乙方）可以代表本方提出合同变更。")
    if delivered_on > clock.today():
        raise ServiceError({"delivered_on": ["送达日不能晚于今天：请在书面请求送达对方后登记。"]})
    if setting:
        _setting_change(contract, setting, new_value, save=False)
    elif new_value.strip():
        raise ServiceError({"setting": ["填写了新值，请选择涉及的合同设置。"]})
    change = ContractChange(
        contract=contract,
        party=party,
        proposed_by=actor,
        delivered_on=delivered_on,
        title=title.strip(),
        text=text.strip(),
        document=document or "",
        setting=setting,
        new_value=new_value.strip(),
        **_due_fields(contract, delivered_on),
    )
    change.full_clean()
    change.save()
    log_action(
        "contract_change.propose",
        actor=actor,
        obj=change,
        changes={
            "contract": contract.number,
            "party": party,
            "title": change.title,
            "setting": setting,
            "new_value": change.new_value,
            "delivered_on": delivered_on.isoformat(),
            "answer_due_on": change.answer_due_on.isoformat() if change.answer_due_on else "待定",
        },
    )
    due = f"{change.answer_due_on:%Y-%m-%d}" if change.answer_due_on else "待定（工作日历未加载）"
    notify(
        party_recipients(contract, other_party(party)),
        title=f"{Party(party).label}提出合同变更：{change.title}，请于 {due} 前答复",
        body="按合同第六条，逾期未答复视为同意变更。",
        url=_change_url(change),
        kind="contract_change.propose",
    )
    return change


def _claim(change: ContractChange, status: str, **fields) -> ContractChange:
    count = ContractChange.objects.filter(pk=change.pk, status=ChangeStatus.PROPOSED).update(
        status=status, **fields
    )
    if count != 1:
        raise ConcurrentChange("该变更请求已被答复、撤回或视为同意，请刷新页面。")
    change.refresh_from_db()
    return change


def _apply(change: ContractChange, actor) -> None:
    """Apply the accepted change's setting, linked to the change in the contract's history."""
    if not change.setting:
        return
    contract = Contract.objects.select_for_update().get(pk=change.contract_id)
    before, after = _setting_change(contract, change.setting, change.new_value, save=True)
    applied = {
        "setting": change.setting,
        "label": setting_label(change.setting),
        "before": before,
        "after": after,
    }
    ContractChange.objects.filter(pk=change.pk).update(applied=applied, applied_at=clock.now())
    log_action(
        "contract.update",
        actor=actor,
        obj=contract,
        changes={change.setting: [before, after], "via": f"{change.number} {change.title}"},
    )


@transaction.atomic
def change_answer(*, change: ContractChange, actor, agree: bool, answer: str = "") -> ContractChange:
    party = party_of(actor)
    if party is None or party == change.party:
        raise TransitionNotAllowed(
            "变更请求由对方答复：甲方的请求由项目经理答复，乙方的请求由局信息化管理员答复。"
        )
    if not agree and not answer.strip():
        raise ServiceError({"answer": ["拒绝变更必须写明理由。"]})
    today = clock.today()
    if change.answer_due_on is not None and today > change.answer_due_on:
        raise TransitionNotAllowed(
            f"答复期限 {change.answer_due_on:%Y-%m-%d} 已过，按合同第六条视为同意，不能再答复。"
        )
    status = ChangeStatus.AGREED if agree else ChangeStatus.REFUSED
    change = _claim(change, status, answered_by=actor, answered_at=clock.now(), answer=answer.strip())
    if agree:
        _apply(change, actor)
    log_action(
        "contract_change.answer",
        actor=actor,
        obj=change,
        changes={"status": [ChangeStatus.PROPOSED, status], "answer": change.answer},
    )
    notify(
        party_recipients(change.contract, change.party),
        title=f"合同变更“{change.title}”：{Party(party).label}{ChangeStatus(status).label}",
        body=change.answer,
        url=_change_url(change),
        kind="contract_change.answer",
    )
    return change


@transaction.atomic
def change_withdraw(*, change: ContractChange, actor) -> ContractChange:
    if party_of(actor) != change.party:
        raise TransitionNotAllowed("只有提出方可以撤回变更请求。")
    change = _claim(change, ChangeStatus.WITHDRAWN)
    log_action(
        "contract_change.withdraw", actor=actor, obj=change, changes={"status": ["proposed", "withdrawn"]}
    )
    notify(
        party_recipients(change.contract, other_party(change.party)),
        title=f"合同变更“{change.title}”已由{Party(change.party).label}撤回",
        url=_change_url(change),
        kind="contract_change.withdraw",
    )
    return change


@transaction.atomic
def change_deem_accepted(*, change: ContractChange, today: dt.date) -> ContractChange | None:
    """Silence past the deadline counts as consent (第六条): called by the daily job."""
    if change.answer_due_on is None or today <= change.answer_due_on:
        return None
    try:
        change = _claim(change, ChangeStatus.DEEMED, answered_at=clock.now())
    except ConcurrentChange:
        return None
    _apply(change, None)
    log_action(
        "contract_change.deemed",
        obj=change,
        changes={"status": ["proposed", "deemed"], "answer_due_on": change.answer_due_on.isoformat()},
    )
    for party in (Party.CLIENT, Party.VENDOR):
        notify(
            party_recipients(change.contract, party),
            title=f"合同变更“{change.title}”逾期未答复，视为同意（答复期限 {change.answer_due_on:%Y-%m-%d}）",
            body="按合同第六条，另一方未在期限内答复，视为同意变更。"
            + (f"{setting_label(change.setting)} 已改为 {change.new_value}。" if change.setting else ""),
            url=_change_url(change),
            kind="contract_change.deemed",
        )
    return change


def recompute_pending_changes() -> int:
    done = 0
    for change in ContractChange.objects.filter(status=ChangeStatus.PROPOSED, due_pending_year__isnull=False):
        fields = _due_fields(change.contract, change.delivered_on)
        if fields["due_pending_year"] is None:
            ContractChange.objects.filter(pk=change.pk).update(**fields)
            done += 1
    return done


def changes_for(contract: Contract):
    return ContractChange.objects.filter(contract=contract).select_related("proposed_by", "answered_by")


def is_accepted(change: ContractChange) -> bool:
    return change.status in ACCEPTED_CHANGE


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

INCIDENT_FAULT = {IncidentKind.CONDITIONS: Party.CLIENT}


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
