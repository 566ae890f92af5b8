"""Writes of the performance app: adjust a part, lock and unlock the final score, the satisfaction
survey (send, answer, remind, close). Each runs in a transaction and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import cast

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import active_users
from common import clock, hooks
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, need_reason
from common.errors import require as _require
from common.notifications import notify
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from jobs.runner import remind_once

from . import rules, selectors
from .models import (
    LEVELS_NEEDING_COMMENT,
    SatisfactionLevel,
    ScoreAdjustment,
    ScoreLock,
    Survey,
    SurveyAnswer,
)
from .rules import Period

MIN_REASON = 4

SURVEY_JOB = "performance.satisfaction_survey"
LOOKBACK_DAYS = 120  # contracts that ended this recently may still have a survey to send or chase


def _reason(text: str, what: str) -> str:
    return need_reason(
        text, f"请填写{what}的理由（至少 {MIN_REASON} 个字）。", field=None, min_length=MIN_REASON
    )


def _lock_contract(contract: Contract) -> Contract:
    """Serialize score changes of one contract (adjust, lock, unlock) on its row."""
    return Contract.objects.select_for_update().get(pk=contract.pk)


# --- adjustments and the lock ---------------------------------------------------------------------------


@transaction.atomic
def score_adjust(
    *, contract: Contract, part: str, score: Decimal | None, reason: str, actor
) -> ScoreAdjustment:
    """Set one part of the contract period's score by hand (0..weight) with a written reason; ``score``
    None gives the part back to its formula. Refused while the final score is locked."""
    _require(actor.has_perm("performance.adjust_score"), "只有局信息化管理员可以调整得分。")
    if part not in rules.PART_KEYS:
        raise ServiceError("没有这个考核项。")
    reason = _reason(reason, "调整")
    contract = _lock_contract(contract)
    _require(
        selectors.lock_in_force(contract) is None,
        "最终得分已锁定，不能再调整；如确需调整，请先解锁并说明理由。",
    )
    weight = contract.weights[part]
    if score is not None:
        try:
            score = Decimal(score)
        except (InvalidOperation, TypeError) as exc:
            raise ServiceError("请输入数字形式的分数。") from exc
    errors = rules.adjustment_errors(score, weight)
    if errors:
        raise ServiceError({"score": errors})
    before = selectors.current_adjustments(contract).get(part)
    card = selectors.compute_card(
        contract, rules.contract_period(contract.start_on, contract.end_on), selectors.Evidence(contract)
    )
    computed = card.part(part).computed
    if score is None and before is None:
        raise ServiceError("该项没有生效的调整，无需取消。")
    row = ScoreAdjustment(
        contract=contract,
        part=part,
        score=score,
        computed=computed,
        reason=reason,
        created_by=actor,
        created_at=clock.now(),
    )
    row.full_clean()
    row.save()
    log_action(
        "score.adjust" if score is not None else "score.adjust_clear",
        actor=actor,
        obj=contract,
        changes={
            "part": part,
            "weight": weight,
            "computed": computed,
            "score": [before.score if before else None, score],
            "reason": reason,
        },
    )
    return row


@transaction.atomic
def score_lock(*, contract: Contract, actor, note: str = "") -> ScoreLock:
    """Freeze the contract period's final score: a snapshot of every part and the cases behind it."""
    _require(actor.has_perm("performance.lock_score"), "只有局信息化管理员可以锁定最终得分。")
    contract = _lock_contract(contract)
    today = clock.today()
    _require(
        today > contract.end_on,
        f"服务期至 {contract.end_on:%Y-%m-%d} 才结束，期满后才能锁定最终得分（现在可以查看暂定得分）。",
    )
    if selectors.lock_in_force(contract) is not None:
        raise ConcurrentChange("最终得分已经锁定（可能刚被其他人锁定），请刷新页面查看。")
    evidence = selectors.Evidence(contract)
    card = selectors.compute_card(
        contract,
        rules.contract_period(contract.start_on, contract.end_on),
        evidence,
        adjustments=selectors.current_adjustments(contract),
    )
    if card.pending_years:
        years = "、".join(str(y) for y in card.pending_years)
        raise ServiceError(f"{years} 年工作日历尚未加载，部分得分待定，不能锁定。请先加载该年放假安排。")
    if card.tier is None:
        raise ServiceError("合同的付款档位表为空，无法确定付款比例；请先在合同设置中填写档位。")
    snapshot = selectors.snapshot_of(card, evidence)
    lock = ScoreLock(
        contract=contract,
        total=cast(Decimal, card.total),  # known: no part is pending (checked above)
        pay_ratio=card.tier.pay_ratio,
        snapshot=snapshot,
        note=(note or "").strip(),
        locked_by=actor,
        locked_at=clock.now(),
    )
    try:
        with transaction.atomic():
            lock.save()
    except IntegrityError as exc:
        raise ConcurrentChange("最终得分已经锁定（可能刚被其他人锁定），请刷新页面查看。") from exc
    log_action(
        "score.lock",
        actor=actor,
        obj=contract,
        changes={
            "total": card.total,
            "pay_ratio": card.tier.pay_ratio,
            "parts": {p["key"]: p["score"] for p in snapshot["parts"]},
            "note": lock.note,
        },
    )
    return lock


@transaction.atomic
def score_unlock(*, contract: Contract, actor, reason: str) -> ScoreLock:
    _require(actor.has_perm("performance.lock_score"), "只有局信息化管理员可以解锁最终得分。")
    reason = _reason(reason, "解锁")
    contract = _lock_contract(contract)
    lock = selectors.lock_in_force(contract)
    if lock is None:
        raise ConcurrentChange("最终得分没有锁定（可能刚被其他人解锁），请刷新页面查看。")
    hooks.run("score.before_unlock", contract=contract)  # payments refuses once the final is paid
    claimed = ScoreLock.objects.filter(pk=lock.pk, unlocked_at__isnull=True).update(
        unlocked_at=clock.now(), unlocked_by=actor, unlock_reason=reason
    )
    if claimed != 1:
        raise ConcurrentChange("最终得分刚被其他人解锁，请刷新页面查看。")
    lock.refresh_from_db()
    log_action(
        "score.unlock",
        actor=actor,
        obj=contract,
        changes={"total": lock.total, "locked_at": lock.locked_at, "reason": reason},
    )
    return lock


# --- the satisfaction survey ----------------------------------------------------------------------------


def survey_title(contract: Contract, period: Period) -> str:
    return f"{period.label}满意度调查"


def survey_due(
    contract: Contract, period: Period, calendar: WorkCalendar
) -> tuple[dt.date | None, int | None]:
    """The answer deadline: the contract's N-th working day after the period ends, or pending."""
    try:
        return calendar.workday_after(period.end, contract.survey_answer_workdays), None
    except CalendarNotLoaded as exc:
        return None, exc.year


def _survey_url(survey: Survey) -> str:
    return reverse("performance:survey_answer", args=[survey.pk])


def _heads():
    return list(selectors.department_heads())


@transaction.atomic
def survey_send(
    *, contract: Contract, period: Period, actor=None, calendar: WorkCalendar | None = None
) -> Survey:
    """Send the survey of ``period`` to every department head (by the bureau admin, or by the scheduled
    job when ``actor`` is None). One survey per period: a second send is refused."""
    if actor is not None:
        _require(actor.has_perm("performance.manage_survey"), "只有局信息化管理员可以发出满意度调查。")
    valid = {p.key for p in rules.survey_periods(contract.start_on, contract.end_on, contract.survey_period)}
    valid.add(rules.contract_period(contract.start_on, contract.end_on).key)
    if period.key not in valid:
        raise ServiceError("调查期间不在本合同的服务期内。")
    if period.start > clock.today():
        raise ServiceError(f"{period.label}尚未开始，不能发出调查。")
    calendar = calendar or get_calendar(contract)
    due_on, pending_year = survey_due(contract, period, calendar)
    survey = Survey(
        contract=contract,
        period_start=period.start,
        period_end=period.end,
        title=survey_title(contract, period),
        sent_at=clock.now(),
        sent_by=actor,
        due_on=due_on,
        due_pending_year=pending_year,
    )
    try:
        with transaction.atomic():
            survey.full_clean(validate_constraints=False)
            survey.save()
    except IntegrityError as exc:
        raise ConcurrentChange(f"{period.label}的满意度调查已经发出。") from exc
    heads = _heads()
    due_text = (
        f"请于 {due_on:%Y-%m-%d} 前答复" if due_on else f"答复期限待定（{pending_year} 年日历尚未加载）"
    )
    notify(
        heads,
        title=f"请填写{survey.title}",
        body=f"合同 {contract.number}：{period.label}乙方服务满意度，五级评价并可填写意见。{due_text}。",
        url=_survey_url(survey),
        kind="performance.survey",
    )
    log_action(
        "survey.send",
        actor=actor,
        obj=survey,
        changes={
            "period": [period.start, period.end],
            "due_on": due_on,
            "due_pending_year": pending_year,
            "recipients": len(heads),
            "by_job": actor is None,
        },
    )
    return survey


@transaction.atomic
def survey_answer(*, survey: Survey, respondent, level: str, comment: str = "") -> SurveyAnswer:
    """A department head answers once; a second answer (a double click, two tabs) is refused."""
    _require(
        respondent.role == Role.DEPT_HEAD and respondent.department_id is not None,
        "只有科室负责人可以答复满意度调查。",
    )
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require(survey.is_open, "本期满意度调查已关闭，不能再答复。")
    if level not in SatisfactionLevel.values:
        raise ServiceError({"level": ["请选择满意程度。"]})
    comment = (comment or "").strip()
    if level in LEVELS_NEEDING_COMMENT and not comment:
        raise ServiceError({"comment": ["选择“不满意”或“非常不满意”时，请写明原因，便于乙方改进。"]})
    now = clock.now()
    answer = SurveyAnswer(
        survey=survey,
        respondent=respondent,
        department_id=respondent.department_id,
        level=level,
        comment=comment,
        answered_at=now,
        late=answered_late(now, survey.due_on),
    )
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError as exc:
        raise ConcurrentChange("您已答复过本期满意度调查，答复提交后不能更改。") from exc
    log_action(
        "survey.answer",
        actor=respondent,
        obj=survey,
        changes={
            "level": level,
            "comment": comment,
            "department": respondent.department_id,
            "late": answer.late,
        },
    )
    return answer


def answered_late(answered_at: dt.datetime, due_on: dt.date | None) -> bool:
    """After the deadline day (Asia/Shanghai); never while the deadline is 待定."""
    return due_on is not None and clock.local(answered_at).date() > due_on


@transaction.atomic
def survey_remind(*, survey: Survey, actor) -> int:
    """The bureau admin reminds the heads who have not answered yet; returns how many were reminded."""
    _require(actor.has_perm("performance.manage_survey"), "只有局信息化管理员可以催办满意度调查。")
    _require(survey.is_open, "本期满意度调查已关闭。")
    answered = set(survey.answers.values_list("respondent_id", flat=True))
    missing = [u for u in _heads() if u.pk not in answered]
    if not missing:
        raise ServiceError("所有科室负责人都已答复，无需催办。")
    due = f"答复期限 {survey.due_on:%Y-%m-%d}。" if survey.due_on else ""
    notify(
        missing,
        title=f"催办：请填写{survey.title}",
        body=f"局信息化管理员提醒您填写满意度调查。{due}",
        url=_survey_url(survey),
        kind="performance.survey_reminder",
    )
    log_action("survey.remind", actor=actor, obj=survey, changes={"reminded": [u.pk for u in missing]})
    return len(missing)


@transaction.atomic
def survey_close(*, survey: Survey, actor) -> Survey:
    _require(actor.has_perm("performance.manage_survey"), "只有局信息化管理员可以关闭满意度调查。")
    claimed = Survey.objects.filter(pk=survey.pk, closed_at__isnull=True).update(
        closed_at=clock.now(), closed_by=actor
    )
    if claimed != 1:
        raise ConcurrentChange("本期满意度调查已经关闭。")
    survey.refresh_from_db()
    log_action(
        "survey.close", actor=actor, obj=survey, changes={"answers": survey.answers.count(), "closed": True}
    )
    return survey


@transaction.atomic
def survey_fill_due(*, survey: Survey, calendar: WorkCalendar) -> bool:
    """Compute a deadline shown as pending once its year's calendar is loaded."""
    if survey.due_on is not None or survey.due_pending_year is None:
        return False
    period = Period(rules.PeriodKind.CONTRACT, survey.period_start, survey.period_end)
    due_on, pending = survey_due(survey.contract, period, calendar)
    if due_on is None:
        return False
    claimed = Survey.objects.filter(pk=survey.pk, due_on__isnull=True).update(
        due_on=due_on, due_pending_year=None
    )
    if claimed != 1:
        return False
    # answers given while the deadline was unknown are marked now if they came after it
    late = [a.pk for a in survey.answers.all() if answered_late(a.answered_at, due_on) and not a.late]
    SurveyAnswer.objects.filter(pk__in=late).update(late=True)
    log_action(
        "survey.due",
        obj=survey,
        changes={"due_on": due_on, "calendar_loaded": pending is None, "late_answers": late},
    )
    survey.due_on, survey.due_pending_year = due_on, None
    return True


def survey_fill_pending(*, year: int | None = None, actor=None) -> int:
    """Hook ``calendar.loaded``: every open or closed survey whose deadline was 待定 gets it now, in the
    transaction that loads the year (issue 11); the daily survey job no longer has to catch up."""
    filled = 0
    calendar = get_calendar()
    for survey in Survey.objects.filter(due_on__isnull=True, due_pending_year__isnull=False).select_related(
        "contract"
    ):
        filled += survey_fill_due(survey=survey, calendar=calendar)
    return filled


# --- the daily survey job (performance.satisfaction_survey) ---------------------------------------------


def _send_due_surveys(today: dt.date, calendar) -> tuple[int, list[int]]:
    sent, pending_years = 0, []
    contracts = Contract.objects.filter(
        start_on__lte=today, end_on__gte=today - dt.timedelta(days=LOOKBACK_DAYS)
    )
    for contract in contracts:
        existing = set(Survey.objects.filter(contract=contract).values_list("period_start", "period_end"))
        for period in rules.survey_periods(contract.start_on, contract.end_on, contract.survey_period):
            if (period.start, period.end) in existing or period.start > today:
                continue
            try:
                last_workday = calendar.workday_before(period.end + dt.timedelta(days=1))
            except CalendarNotLoaded as exc:
                pending_years.append(exc.year)
                continue
            if today < last_workday:
                continue
            due_on, _pending = survey_due(contract, period, calendar)
            if due_on is not None and today > due_on:
                continue  # too late to ask: the bureau admin may still send it by hand
            try:
                survey_send(contract=contract, period=period, actor=None, calendar=calendar)
            except ConcurrentChange:
                continue  # sent meanwhile by the bureau admin or another worker
            sent += 1
    return sent, pending_years


def _chase(today: dt.date, calendar) -> tuple[int, int]:
    reminded = overdue = 0
    heads = list(selectors.department_heads())
    admins = list(active_users(Role.BUREAU_ADMIN))
    for survey in Survey.objects.filter(closed_at__isnull=True).select_related("contract"):
        if survey.due_on is None:
            if survey.due_pending_year is not None and calendar.knows_year(survey.due_pending_year):
                survey_fill_due(survey=survey, calendar=calendar)
            if survey.due_on is None:
                continue
        answered = set(survey.answers.values_list("respondent_id", flat=True))
        missing = [u for u in heads if u.pk not in answered]
        if not missing:
            continue
        url = reverse("performance:survey_answer", args=[survey.pk])
        try:
            chase_from = calendar.workday_before(survey.due_on)
        except CalendarNotLoaded:
            chase_from = survey.due_on
        if chase_from <= today <= survey.due_on:
            for head in missing:
                reminded += remind_once(
                    job=SURVEY_JOB,
                    key=f"survey-{survey.pk}:head-{head.pk}:{survey.due_on}",
                    recipients=[head],
                    title=f"提醒：{survey.title}将于 {survey.due_on:%m 月 %d 日}截止",
                    body="您尚未答复本期乙方服务满意度调查，请在截止前填写。",
                    url=url,
                    subject=f"survey {survey.pk} head {head.pk}",
                    due_on=survey.due_on,
                )
        elif today > survey.due_on:
            overdue += remind_once(
                job=SURVEY_JOB,
                key=f"survey-{survey.pk}:overdue:{survey.due_on}",
                recipients=admins,
                title=f"{survey.title}已截止，{len(missing)} 位科室负责人未答复",
                body="未答复：" + "、".join(f"{u.department}（{u.display_name}）" for u in missing),
                url=reverse("performance:survey_detail", args=[survey.pk]),
                subject=f"survey {survey.pk} overdue",
                due_on=survey.due_on,
            )
    return reminded, overdue


def surveys_run(*, today: dt.date) -> str:
    """The satisfaction survey's daily work (the job ``performance.satisfaction_survey``, described in
    performance/tasks.py): send what is due, chase and report what is late; returns the summary."""
    calendar = get_calendar()
    sent, pending_years = _send_due_surveys(today, calendar)
    reminded, overdue = _chase(today, calendar)
    summary = f"{sent} surveys sent, {reminded} heads reminded, {overdue} overdue notices"
    if pending_years:
        summary += f"; calendar pending for {sorted(set(pending_years))}"
    return summary
