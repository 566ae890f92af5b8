"""Written contract changes (第六条): proposal, the answer within its deadline, deemed acceptance, and
the settings change an accepted proposal applies."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext

from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify

from ..agreement import (
    ACCEPTED_CHANGE,
    ChangeStatus,
    ContractChange,
    ContractChangeAttachment,
    Party,
    other_party,
)
from ..calendar import get_calendar
from ..models import Contract, Priority, SlaTarget, SlaUnit
from ..workdays import CalendarNotLoaded, WorkCalendar
from .parties import party_of, party_recipients

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


MAX_CHANGE_ATTACHMENTS = 10  # files besides the scanned request; each within the upload size limit


def _field_label(name: str) -> str:
    """The verbose name of one of CHANGEABLE_FIELDS (all plain model fields, never relations)."""
    return str(cast(models.Field, Contract._meta.get_field(name)).verbose_name)


def setting_choices() -> list[tuple[str, str]]:
    choices = [("", gettext("（不涉及门户中的设置）"))]
    for name in CHANGEABLE_FIELDS:
        choices.append((name, _field_label(name)))
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
        label = _field_label(key)
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            raise ServiceError({"new_value": [f"{label}须为整数。"]})
        before = getattr(contract, key)
        setattr(contract, key, int(text))
        try:
            contract.full_clean()
        except Exception as exc:
            setattr(contract, key, before)
            raise ServiceError({"new_value": [f"{label}：{'；'.join(_messages(exc))}"]}) from exc
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


def _attach(change: ContractChange, uploads: list, actor) -> list[str]:
    """Store each further document of the proposal, checked like every upload; returns their names."""
    names = []
    for upload in uploads:
        row = ContractChangeAttachment(
            change=change, file=upload, name=(upload.name or "")[-200:], uploaded_by=actor
        )
        try:
            row.full_clean()
        except ValidationError as exc:
            raise ServiceError({"attachments": [f"{row.name}：{'；'.join(_messages(exc))}"]}) from exc
        row.save()
        names.append(row.name)
    return names


def _proposing_party(actor) -> str:
    party = party_of(actor)
    if party is None:
        raise TransitionNotAllowed("只有局信息化管理员（甲方）或项目经理（乙方）可以代表本方提出合同变更。")
    return party


def _check_proposal(
    contract: Contract, delivered_on: dt.date, setting: str, new_value: str, attachments
) -> None:
    if len(attachments) > MAX_CHANGE_ATTACHMENTS:
        raise ServiceError({"attachments": [f"附件最多 {MAX_CHANGE_ATTACHMENTS} 个。"]})
    if delivered_on > clock.today():
        raise ServiceError({"delivered_on": ["送达日不能晚于今天：请在书面请求送达对方后登记。"]})
    if setting:
        _setting_change(contract, setting, new_value, save=False)
    elif new_value.strip():
        raise ServiceError({"setting": ["填写了新值，请选择涉及的合同设置。"]})


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
    attachments=(),
) -> ContractChange:
    party = _proposing_party(actor)
    attachments = [f for f in attachments if f]
    _check_proposal(contract, delivered_on, setting, new_value, attachments)
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
    names = _attach(change, attachments, actor)
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
            "attachments": names,
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
    due_on = change.answer_due_on
    if due_on is None or today <= due_on:
        return None
    try:
        change = _claim(change, ChangeStatus.DEEMED, answered_at=clock.now())
    except ConcurrentChange:
        return None
    # The setting may no longer fit (changed meanwhile, now invalid): the change is still accepted by
    # silence, the setting is left as it is and the reason recorded for the parties to settle in writing.
    not_applied = ""
    try:
        with transaction.atomic():
            _apply(change, None)
    except ServiceError as exc:
        not_applied = "；".join(_messages(exc))
        change.applied = {
            "setting": change.setting,
            "label": setting_label(change.setting),
            "error": not_applied,
        }
        ContractChange.objects.filter(pk=change.pk).update(applied=change.applied)
    changes = {"status": ["proposed", "deemed"], "answer_due_on": due_on.isoformat()}
    if not_applied:
        changes["not_applied"] = not_applied
    log_action("contract_change.deemed", obj=change, changes=changes)
    if not change.setting:
        effect = ""
    elif not_applied:
        effect = (
            f"{setting_label(change.setting)} 未能自动修改为 {change.new_value}：{not_applied}"
            "请双方书面确认后在合同设置中处理。"
        )
    else:
        effect = f"{setting_label(change.setting)} 已改为 {change.new_value}。"
    for party in (Party.CLIENT, Party.VENDOR):
        notify(
            party_recipients(change.contract, party),
            title=f"合同变更“{change.title}”逾期未答复，视为同意（答复期限 {change.answer_due_on:%Y-%m-%d}）",
            body="按合同第六条，另一方未在期限内答复，视为同意变更。" + effect,
            url=_change_url(change),
            kind="contract_change.deemed",
        )
    return change


def setting_not_applied(change: ContractChange) -> str:
    """Why an accepted change's setting was left as it was (empty when applied or not a setting)."""
    return (change.applied or {}).get("error", "")


def recompute_pending_changes(*, actor=None) -> int:
    """Every answer deadline that was 待定 and can now be computed; returns how many. Called by the daily
    job and, through the ``calendar.loaded`` hook, in the same transaction as a year's load (issue 11)."""
    done = 0
    pending = ContractChange.objects.filter(status=ChangeStatus.PROPOSED, due_pending_year__isnull=False)
    for change in pending.select_related("contract").order_by("id"):
        fields = _due_fields(change.contract, change.delivered_on)
        if fields["due_pending_year"] is None:
            ContractChange.objects.filter(pk=change.pk).update(**fields)
            log_action(
                "contract_change.deadline",
                actor=actor,
                obj=change,
                changes={"answer_due_on": fields["answer_due_on"].isoformat(), "calendar_loaded": True},
            )
            done += 1
    return done


def fill_pending_changes(*, year: int, actor=None) -> int:
    """Hook ``calendar.loaded``: the year's notice is in, so pending answer deadlines are filled now."""
    return recompute_pending_changes(actor=actor)


def changes_for(contract: Contract):
    return ContractChange.objects.filter(contract=contract).select_related("proposed_by", "answered_by")


def change_attachments(change: ContractChange):
    return change.attachments.select_related("uploaded_by")


def is_accepted(change: ContractChange) -> bool:
    return change.status in ACCEPTED_CHANGE
