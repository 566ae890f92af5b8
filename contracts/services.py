"""Writes on contracts and the calendar. Each runs in a transaction and leaves an audit entry."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from common import clock, hooks
from common.audit import diff, log_action, snapshot
from common.errors import ServiceError

from . import rules
from .models import CalendarOverride, CalendarYear, Contract, Priority, ServiceScope, SlaTarget, TierBand
from .notice import NoticeDay

DEFAULT_SCOPES = [
    "城镇职工社会保险管理信息系统",
    "城乡居民社会保险管理信息系统",
    "退休人员管理信息系统",
    "业务档案一体化",
    "劳动就业",
    "公共服务",
    "政策差异化功能",
    "日常数据统计/数据维护",
    "其它业务需求",
]
DEFAULT_TIERS = [("85", "100"), ("75", "90"), ("70", "80"), ("65", "70"), ("60", "60"), ("0", "50")]
DEFAULT_SLA = {
    Priority.URGENT: (30, "minute", 4, "hour"),
    Priority.HIGH: (1, "hour", 1, "workday"),
    Priority.NORMAL: (4, "hour", 3, "workday"),
    Priority.LOW: (1, "workday", 10, "workday"),
}


def contract_terms_snapshot(contract: Contract) -> dict:
    """Everything an admin can edit, as JSON-able data, for the change history."""
    data = snapshot(
        contract,
        [f.name for f in contract._meta.concrete_fields if f.name not in {"id", "updated_at", "created_at"}],
    )
    data["tiers"] = [f"≥{t.min_score}:{t.pay_ratio}%" for t in contract.tiers.order_by("-min_score")]
    data["sla"] = [
        f"{s.priority}:{s.respond_amount}{s.respond_unit}/{s.resolve_amount}{s.resolve_unit}"
        for s in contract.sla_targets.order_by("priority")
    ]
    data["scopes"] = [f"{s.order}.{s.name}{'' if s.is_active else '(停用)'}" for s in contract.scopes.all()]
    return data


def check_payment_terms(contract: Contract) -> None:
    """The advance may not exceed what the lowest tier earns: else the final would have to be negative
    and advance + final = total × tier could not hold (RULES §7, issue 11)."""
    lowest = min((t.pay_ratio for t in contract.tiers.all()), default=None)
    if lowest is not None and contract.advance_ratio > lowest:
        raise ServiceError(
            {
                "advance_ratio": [
                    f"预付款比例 {contract.advance_ratio.normalize():f}% 高于付款档位表的最低付款比例"
                    f" {lowest.normalize():f}%：得分落在最低档时预付款将超过应付总额。"
                ]
            }
        )


def _check_related(contract: Contract) -> None:
    errors = rules.tier_table_errors([t.as_rule() for t in contract.tiers.all()])
    if errors:
        raise ServiceError({"__all__": errors})
    check_payment_terms(contract)
    minutes_per_day = contract.working_hours.minutes_per_day
    priorities = set()
    for target in contract.sla_targets.all():
        priorities.add(target.priority)
        if target.respond_minutes(minutes_per_day) > target.resolve_minutes(minutes_per_day):
            raise ServiceError(f"{target.get_priority_display()}优先级：响应时限不能长于解决时限。")
    missing = set(Priority.values) - priorities
    if missing:
        raise ServiceError(
            "每个优先级都需要服务时限：缺少 " + "、".join(str(Priority(p).label) for p in sorted(missing))
        )


@transaction.atomic
def contract_create_with_defaults(*, actor=None, **fields) -> Contract:
    """A new contract with the 2023 contract's default tiers, SLA targets and nine scopes."""
    contract = Contract(**fields)
    contract.full_clean()
    contract.save()
    TierBand.objects.bulk_create(
        TierBand(contract=contract, min_score=s, pay_ratio=r) for s, r in DEFAULT_TIERS
    )
    SlaTarget.objects.bulk_create(
        SlaTarget(
            contract=contract,
            priority=p,
            respond_amount=ra,
            respond_unit=ru,
            resolve_amount=sa,
            resolve_unit=su,
        )
        for p, (ra, ru, sa, su) in DEFAULT_SLA.items()
    )
    ServiceScope.objects.bulk_create(
        ServiceScope(contract=contract, order=i, name=name) for i, name in enumerate(DEFAULT_SCOPES, start=1)
    )
    _check_related(contract)
    log_action("contract.create", actor=actor, obj=contract, changes=contract_terms_snapshot(contract))
    return contract


@transaction.atomic
def contract_save(*, form, formsets: Sequence, actor) -> Contract:
    """Save the settings page (contract form and its tier, SLA and scope formsets) as one change."""
    creating = form.instance.pk is None
    before = {} if creating else contract_terms_snapshot(Contract.objects.get(pk=form.instance.pk))
    contract = form.save()
    for formset in formsets:
        formset.instance = contract
        formset.save()
    contract.full_clean()
    _check_related(contract)
    if not creating:
        hooks.run("contract.terms_saved", contract=contract)  # payments: nothing paid above what is due
    after = contract_terms_snapshot(contract)
    if creating:
        log_action("contract.create", actor=actor, obj=contract, changes=after)
    else:
        changes = diff(before, after)
        if changes:
            log_action("contract.update", actor=actor, obj=contract, changes=changes)
    return contract


@transaction.atomic
def contract_copy(
    *, source: Contract, number: str, name: str, signed_on, start_on, end_on, actor
) -> Contract:
    """Next year's contract: a copy of every term of ``source`` with a new number and period."""
    terms = {
        f.name: getattr(source, f.name)
        for f in Contract._meta.concrete_fields
        if f.name
        not in {"id", "created_at", "updated_at", "number", "name", "signed_on", "start_on", "end_on"}
    }
    contract = Contract(
        number=number, name=name, signed_on=signed_on, start_on=start_on, end_on=end_on, **terms
    )
    contract.full_clean()
    contract.save()
    TierBand.objects.bulk_create(
        TierBand(contract=contract, min_score=t.min_score, pay_ratio=t.pay_ratio) for t in source.tiers.all()
    )
    SlaTarget.objects.bulk_create(
        SlaTarget(
            contract=contract,
            priority=s.priority,
            respond_amount=s.respond_amount,
            respond_unit=s.respond_unit,
            resolve_amount=s.resolve_amount,
            resolve_unit=s.resolve_unit,
        )
        for s in source.sla_targets.all()
    )
    ServiceScope.objects.bulk_create(
        ServiceScope(contract=contract, order=s.order, name=s.name, is_active=s.is_active)
        for s in source.scopes.all()
    )
    _check_related(contract)
    log_action(
        "contract.create",
        actor=actor,
        obj=contract,
        changes={"copied_from": source.number, **contract_terms_snapshot(contract)},
    )
    return contract


@transaction.atomic
def calendar_load_year(*, year: int, days: Sequence[NoticeDay], source: str, actor) -> CalendarYear:
    """Load a year's notice: its overrides replace that year's previous ones; the year becomes known."""
    before = [
        f"{o.date}:{'班' if o.is_workday else '休'}:{o.name}"
        for o in CalendarOverride.objects.filter(date__year=year).order_by("date")
    ]
    CalendarOverride.objects.filter(date__year=year).delete()
    CalendarOverride.objects.bulk_create(
        CalendarOverride(
            date=d.date, is_workday=d.is_workday, name=d.name, note=source[:200], created_by=actor
        )
        for d in days
    )
    calendar_year, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source[:200], "loaded_by": actor, "loaded_at": clock.now()}
    )
    after = [f"{d.date}:{'班' if d.is_workday else '休'}:{d.name}" for d in days]
    log_action(
        "calendar.load_year",
        actor=actor,
        obj=calendar_year,
        changes={"year": year, "source": source, "days": [before, after]},
    )
    # Every deadline that was 待定 (requests, sign-off forms, surveys) is filled now, in this transaction;
    # payment due dates are computed on reading. (The higher apps declare the hook: common.hooks.)
    hooks.run("calendar.loaded", year=year, actor=actor)
    return calendar_year
