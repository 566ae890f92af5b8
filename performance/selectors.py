"""Reads of the score and the surveys.

The score is computed from live data: the ticket parts are counted in SQL from the score facts kept
on write (``tickets.ScoreFact``, ``facts.ticket_counts``: one query for the contract period and every
month of the trend); ``Evidence`` loads the survey answers and the attendance report once, and the
requests' cases one by one only for a drill-down or a lock's snapshot. A locked contract period reads
its stored snapshot instead.

For other apps: ``final_score(contract)`` → ``ScoreCard`` of the contract period (locked or
provisional) with ``total``, ``tier`` and ``locked``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import active_users
from common import clock
from contracts.calendar import get_calendar
from contracts.models import SCORE_PARTS, Contract
from contracts.rules import Tier
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from rosters.selectors import RATE_POSITIONS, attendance_report
from tickets.models import DATA_MAINTENANCE_KINDS, ENDED_STATUSES, Ticket
from tickets.selectors import contract_tickets

from . import facts, rules
from .models import SatisfactionLevel, ScoreAdjustment, ScoreLock, Survey, SurveyAnswer
from .rules import Case, Outcome, PartResult, Period, PeriodKind

PART_LABELS = {key: str(label) for key, label in SCORE_PARTS}
PART_HINTS = {
    "data_maintenance": gettext_lazy("数据维护与批量处理请求：按期解决且无返工的比例"),
    "responsiveness": gettext_lazy("期内确认的请求：在响应时限内首次响应的比例"),
    "completion": gettext_lazy("期内确认（或结转）的请求：在解决期限内完成的比例"),
    "satisfaction": gettext_lazy("科室负责人满意度调查：“满意”与“非常满意”的比例"),
    "attendance": gettext_lazy("驻场工程师出勤率：出勤人日 / 应出勤人日"),
}
ATTENDANCE_LABELS = {
    "present": "出勤",
    "covered": "请假（有替岗）",
    "leave": "请假（无替岗）",
    "absent": "缺勤",
}


# --- evidence ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFact:
    id: int
    survey_start: dt.date
    survey_end: dt.date
    level: str


class Evidence:
    """Everything the score of one contract rests on, loaded lazily and once."""

    def __init__(self, contract: Contract, *, now: dt.datetime | None = None, calendar=None):
        self.contract = contract
        self.now = now or clock.now()
        self._calendar = calendar

    @cached_property
    def calendar(self) -> WorkCalendar:
        return self._calendar or get_calendar(self.contract)

    @cached_property
    def tickets(self) -> list[rules.TicketFacts]:
        rows = contract_tickets(self.contract).values_list(
            "id",
            "kind",
            "status",
            "confirmed_at",
            "first_response_at",
            "respond_due_at",
            "resolved_at",
            "resolve_due_at",
            "due_pending_year",
            "rework_count",
        )
        return [
            rules.TicketFacts(
                id=pk,
                data_maintenance=kind in DATA_MAINTENANCE_KINDS,
                ended=status in ENDED_STATUSES,
                confirmed_at=confirmed,
                first_response_at=responded,
                respond_due_at=respond_due,
                resolved_at=resolved,
                resolve_due_at=resolve_due,
                due_pending_year=pending_year,
                rework_count=rework,
            )
            for (
                pk,
                kind,
                status,
                confirmed,
                responded,
                respond_due,
                resolved,
                resolve_due,
                pending_year,
                rework,
            ) in rows
        ]

    @cached_property
    def answers(self) -> list[AnswerFact]:
        rows = SurveyAnswer.objects.filter(survey__contract=self.contract).values_list(
            "id", "survey__period_start", "survey__period_end", "level"
        )
        return [AnswerFact(pk, start, end, level) for pk, start, end, level in rows]

    @cached_property
    def attendance(self):
        """The engineers' attendance report of the whole contract so far, or the CalendarNotLoaded."""
        through = min(self.contract.end_on, clock.local(self.now).date() - dt.timedelta(days=1))
        try:
            return attendance_report(
                self.contract, through=through, calendar=self.calendar, positions=RATE_POSITIONS
            )
        except CalendarNotLoaded as exc:
            return exc

    def window(self, period: Period) -> rules.Window:
        return rules.window(period.start, period.end, self.now, clock.SHANGHAI)

    @cached_property
    def _counts(self) -> dict:
        return {}

    def prefetch(self, periods: Iterable[Period]) -> None:
        """Count the ticket parts of these periods in one query (``facts.ticket_counts``)."""
        wanted = {p.key: self.window(p) for p in periods if p.key not in self._counts}
        if not wanted:
            return
        counts = facts.ticket_counts(self.contract.pk, wanted)
        for key in wanted:
            self._counts[key] = {part: counts.get((key, part), (0, 0, 0)) for part in rules.TICKET_PARTS}

    def ticket_result(self, part: str, period: Period, weight: int) -> PartResult:
        """A ticket part's result from the stored score facts (the same figures as ``cases``)."""
        self.prefetch([period])
        achieved, against, pending = self._counts[period.key][part]
        counted = achieved + against
        return PartResult(
            part, weight, achieved, counted, pending, rules.part_score(weight, achieved, counted)
        )

    def cases(self, part: str, period: Period) -> list[Case]:
        """The cases of ``part`` in ``period``; raises CalendarNotLoaded for attendance days of an
        unknown year."""
        if part in rules.TICKET_PARTS:
            return rules.ticket_cases(part, self.tickets, self.window(period))
        if part == "satisfaction":
            labels = dict(SatisfactionLevel.choices)
            return [
                rules.satisfaction_case(str(a.id), a.level, str(labels.get(a.level, a.level)))
                for a in self.answers
                if period.overlaps(a.survey_start, a.survey_end)
            ]
        if part == "attendance":
            report = self.attendance
            if isinstance(report, CalendarNotLoaded):
                raise report
            return [
                rules.attendance_case(
                    d.person_id, d.date, d.attended, ATTENDANCE_LABELS.get(str(d.status), str(d.status))
                )
                for d in report.days
                if period.contains(d.date)
            ]
        raise ValueError(part)


# --- score cards ------------------------------------------------------------------------------------------


@dataclass
class Adjusted:
    score: Decimal
    reason: str
    by: str
    at: dt.datetime | str
    computed: Decimal | None = None


@dataclass
class PartLine:
    key: str
    weight: int
    result: PartResult | None  # None while its data waits for an unloaded calendar year
    not_loaded: int | None = None
    adjustment: Adjusted | None = None

    @property
    def label(self) -> str:
        return PART_LABELS[self.key]

    @property
    def hint(self) -> str:
        return str(PART_HINTS[self.key])  # in the language of the request

    @property
    def computed(self) -> Decimal | None:
        return self.result.score if self.result else None

    @property
    def score(self) -> Decimal | None:
        if self.adjustment is not None:
            return self.adjustment.score
        return self.computed

    @property
    def no_cases(self) -> bool:
        return self.result is not None and self.result.no_cases


@dataclass
class ScoreCard:
    contract: Contract
    period: Period
    parts: list[PartLine]
    tiers: list[Tier]
    as_of: dt.datetime
    lock: ScoreLock | None = None
    pending_years: list[int] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.lock is not None

    @property
    def provisional(self) -> bool:
        return self.lock is None

    @cached_property
    def total(self) -> Decimal | None:
        if self.lock is not None:
            return self.lock.total
        if any(p.score is None for p in self.parts):
            return None
        return rules.total_score(p.score for p in self.parts)

    @cached_property
    def tier(self) -> Tier | None:
        if self.lock is not None:
            return Tier(Decimal(self.lock.snapshot["tier"]["min_score"]), self.lock.pay_ratio)
        if self.total is None or not self.tiers:
            return None
        return rules.tier_of(self.total, self.tiers)

    def part(self, key: str) -> PartLine:
        return next(p for p in self.parts if p.key == key)


def contract_tiers(contract: Contract) -> list[Tier]:
    return [t.as_rule() for t in contract.tiers.all()]


def lock_in_force(contract: Contract) -> ScoreLock | None:
    return (
        ScoreLock.objects.filter(contract=contract, unlocked_at__isnull=True)
        .select_related("locked_by")
        .first()
    )


def current_adjustments(contract: Contract) -> dict[str, ScoreAdjustment]:
    """The adjustment in force per part (the latest row of each part, unless it cleared the part)."""
    latest: dict[str, ScoreAdjustment] = {}
    for row in ScoreAdjustment.objects.filter(contract=contract).select_related("created_by"):
        latest.setdefault(row.part, row)
    return {part: row for part, row in latest.items() if row.score is not None}


def compute_card(
    contract: Contract,
    period: Period,
    evidence: Evidence,
    *,
    adjustments: dict[str, ScoreAdjustment] | None = None,
    tiers: list[Tier] | None = None,
) -> ScoreCard:
    """The live (provisional) score of ``period``; adjustments apply to the contract period only."""
    lines = []
    pending: set[int] = set()
    weights = contract.weights
    for key in rules.PART_KEYS:
        try:
            if key in rules.TICKET_PARTS:
                result = evidence.ticket_result(key, period, weights[key])
            else:
                result = rules.part_result(key, weights[key], evidence.cases(key, period))
            line = PartLine(key, weights[key], result)
        except CalendarNotLoaded as exc:
            line = PartLine(key, weights[key], None, not_loaded=exc.year)
            pending.add(exc.year)
        row = (adjustments or {}).get(key) if period.kind == PeriodKind.CONTRACT else None
        if row is not None:
            line.adjustment = Adjusted(
                row.score, row.reason, row.created_by.display_name, row.created_at, row.computed
            )
        lines.append(line)
    return ScoreCard(
        contract,
        period,
        lines,
        tiers if tiers is not None else contract_tiers(contract),
        evidence.now,
        pending_years=sorted(pending),
    )


def card_from_snapshot(contract: Contract, lock: ScoreLock) -> ScoreCard:
    snap = lock.snapshot
    lines = []
    for part in snap["parts"]:
        result = PartResult(
            part["key"],
            part["weight"],
            part["achieved"],
            part["counted"],
            part["pending"],
            Decimal(part["computed"]),
        )
        adjustment = None
        if part.get("adjustment"):
            a = part["adjustment"]
            adjustment = Adjusted(
                Decimal(a["score"]),
                a["reason"],
                a["by"],
                a["at"],
                Decimal(a["computed"]) if a.get("computed") else None,
            )
        lines.append(PartLine(part["key"], part["weight"], result, adjustment=adjustment))
    period = rules.contract_period(dt.date.fromisoformat(snap["start"]), dt.date.fromisoformat(snap["end"]))
    tiers = [Tier(Decimal(t[0]), Decimal(t[1])) for t in snap["tiers"]]
    return ScoreCard(contract, period, lines, tiers, lock.locked_at, lock=lock)


def score_card(contract: Contract, period: Period | None = None, *, evidence: Evidence | None = None):
    """The score of ``period`` (default: the contract period): the locked snapshot if there is one."""
    period = period or rules.contract_period(contract.start_on, contract.end_on)
    if period.kind == PeriodKind.CONTRACT:
        lock = lock_in_force(contract)
        if lock is not None:
            return card_from_snapshot(contract, lock)
    evidence = evidence or Evidence(contract)
    return compute_card(contract, period, evidence, adjustments=current_adjustments(contract))


def final_score(contract: Contract, *, evidence: Evidence | None = None) -> ScoreCard:
    """The contract period's score as payments read it: locked, or provisional."""
    return score_card(contract, evidence=evidence)


def snapshot_of(card: ScoreCard, evidence: Evidence) -> dict:
    """What a lock stores: every part with its figures and the cases behind it."""
    parts = []
    for line in card.parts:
        cases = evidence.cases(line.key, card.period)
        parts.append(
            {
                "key": line.key,
                "label": line.label,
                "weight": line.weight,
                "achieved": line.result.achieved,
                "counted": line.result.counted,
                "pending": line.result.pending,
                "computed": str(line.result.score),
                "score": str(line.score),
                "adjustment": None
                if line.adjustment is None
                else {
                    "score": str(line.adjustment.score),
                    "reason": line.adjustment.reason,
                    "by": line.adjustment.by,
                    "at": clock.local(line.adjustment.at).isoformat()
                    if isinstance(line.adjustment.at, dt.datetime)
                    else line.adjustment.at,
                    "computed": str(line.adjustment.computed) if line.adjustment.computed is not None else "",
                },
                "cases": [[c.ref, str(c.outcome), c.reason] for c in cases],
            }
        )
    people = {}
    if not isinstance(evidence.attendance, CalendarNotLoaded):
        people = {str(pk): person.display_name for pk, person in evidence.attendance.people.items()}
    return {
        "start": card.period.start.isoformat(),
        "end": card.period.end.isoformat(),
        "computed_at": clock.local(evidence.now).isoformat(),
        "parts": parts,
        "total": str(card.total),
        "tier": {"min_score": str(card.tier.min_score), "pay_ratio": str(card.tier.pay_ratio)},
        "tiers": [[str(t.min_score), str(t.pay_ratio)] for t in card.tiers],
        "people": people,
    }


def part_cases(contract: Contract, period: Period, part: str, *, evidence: Evidence | None = None):
    """(cases, lock) behind one figure: from the lock's snapshot for a locked contract period."""
    if period.kind == PeriodKind.CONTRACT:
        lock = lock_in_force(contract)
        if lock is not None:
            stored = next(p for p in lock.snapshot["parts"] if p["key"] == part)
            return [Case(ref, Outcome(outcome), reason) for ref, outcome, reason in stored["cases"]], lock
    evidence = evidence or Evidence(contract)
    return evidence.cases(part, period), None


@dataclass
class CaseRow:
    case: Case
    ticket: object = None
    answer: object = None
    person: str = ""
    day: dt.date | None = None


def case_rows(part: str, cases: Iterable[Case], *, people: dict[str, str] | None = None) -> list[CaseRow]:
    """Display rows for a page of cases: one query for the requests or answers behind them."""
    cases = list(cases)
    rows = [CaseRow(c) for c in cases]
    if part in rules.TICKET_PARTS:
        tickets = Ticket.objects.select_related("department", "assignee").in_bulk([int(c.ref) for c in cases])
        for row in rows:
            row.ticket = tickets.get(int(row.case.ref))
    elif part == "satisfaction":
        answers = SurveyAnswer.objects.select_related("survey", "department", "respondent").in_bulk(
            [int(c.ref) for c in cases]
        )
        for row in rows:
            row.answer = answers.get(int(row.case.ref))
    else:
        people = dict(people or {})
        wanted = {c.ref.split(":")[0] for c in cases} - set(people)
        if wanted:
            for user in User.objects.filter(pk__in=[int(p) for p in wanted]):
                people[str(user.pk)] = user.display_name
        for row in rows:
            person_id, day = row.case.ref.split(":")
            row.person = people.get(person_id, person_id)
            row.day = dt.date.fromisoformat(day)
    return rows


def periods_of(contract: Contract) -> dict[str, list[Period]]:
    return {
        "contract": [rules.contract_period(contract.start_on, contract.end_on)],
        "quarters": rules.quarters(contract.start_on, contract.end_on),
        "months": rules.months(contract.start_on, contract.end_on),
    }


def period_or_404(contract: Contract, key: str) -> Period:
    from django.http import Http404

    period = rules.parse_period(key or "contract", contract.start_on, contract.end_on)
    if period is None:
        raise Http404("no such period")
    return period


def monthly_trend(contract: Contract, evidence: Evidence) -> list[ScoreCard]:
    """The provisional score of each month begun so far (months not begun are left out)."""
    today = clock.local(evidence.now).date()
    tiers = contract_tiers(contract)
    months = [m for m in rules.months(contract.start_on, contract.end_on) if m.start <= today]
    evidence.prefetch([rules.contract_period(contract.start_on, contract.end_on), *months])
    return [compute_card(contract, month, evidence, tiers=tiers) for month in months]


def adjustment_history(contract: Contract) -> QuerySet[ScoreAdjustment]:
    return ScoreAdjustment.objects.filter(contract=contract).select_related("created_by")


def lock_history(contract: Contract) -> QuerySet[ScoreLock]:
    return ScoreLock.objects.filter(contract=contract).select_related("locked_by", "unlocked_by")


@dataclass(frozen=True)
class HistoryEvent:
    at: dt.datetime
    kind: str  # "adjust", "lock" or "unlock"
    obj: object


def score_history(contract: Contract, *, limit: int = 30) -> list[HistoryEvent]:
    """Adjustments, locks and unlocks of the final score in one list, newest first."""
    events = [HistoryEvent(a.created_at, "adjust", a) for a in adjustment_history(contract)[:limit]]
    for lock in lock_history(contract)[:limit]:
        events.append(HistoryEvent(lock.locked_at, "lock", lock))
        if lock.unlocked_at:
            events.append(HistoryEvent(lock.unlocked_at, "unlock", lock))
    events.sort(key=lambda e: (e.at, e.kind != "adjust"), reverse=True)
    return events[:limit]


# --- surveys ----------------------------------------------------------------------------------------------


def surveys_for(user, contract: Contract | None = None) -> QuerySet[Survey]:
    """Surveys the user may open: results readers see all; a department head those sent (to answer)."""
    qs = Survey.objects.select_related("contract", "sent_by", "closed_by")
    if contract is not None:
        qs = qs.filter(contract=contract)
    if user.has_perm("performance.view_survey_results") or user.has_perm("performance.answer_survey"):
        return qs
    return qs.none()


def survey_for(user, pk: int) -> Survey:
    return get_object_or_404(surveys_for(user), pk=pk)


def survey_list(user, contract: Contract) -> QuerySet[Survey]:
    return surveys_for(user, contract).annotate(
        answer_count=Count("answers", distinct=True),
        satisfied_count=Count(
            "answers", filter=Q(answers__level__in=sorted(rules.SATISFIED_LEVELS)), distinct=True
        ),
    )


def own_answer(user, survey: Survey) -> SurveyAnswer | None:
    return SurveyAnswer.objects.filter(survey=survey, respondent=user).first()


def own_answers(user, surveys: Iterable[Survey]) -> dict[int, SurveyAnswer]:
    return {
        a.survey_id: a
        for a in SurveyAnswer.objects.filter(respondent=user, survey__in=[s.pk for s in surveys])
    }


def department_heads() -> QuerySet[User]:
    return active_users(Role.DEPT_HEAD).select_related("department")


def survey_answers(survey: Survey) -> QuerySet[SurveyAnswer]:
    return survey.answers.select_related("respondent", "department").order_by("department__order", "id")


@dataclass
class SurveyResults:
    survey: Survey
    counts: list[tuple[str, str, int]]  # (level, label, count), best first
    total: int
    satisfied: int
    missing: list[User]
    late: int = 0  # answers after the deadline: counted, marked for the record

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.satisfied) / self.total).quantize(Decimal("0.1"))


def survey_results(survey: Survey) -> SurveyResults:
    by_level = dict(survey.answers.values_list("level").annotate(n=Count("id")))
    counts = [(level, str(label), by_level.get(level, 0)) for level, label in SatisfactionLevel.choices]
    answered = set(survey.answers.values_list("respondent_id", flat=True))
    missing = [u for u in department_heads().order_by("department__order") if u.pk not in answered]
    satisfied = sum(n for level, _label, n in counts if level in rules.SATISFIED_LEVELS)
    late = survey.answers.filter(late=True).count()
    return SurveyResults(survey, counts, sum(by_level.values()), satisfied, missing, late)


def open_surveys_for_head(user) -> list[Survey]:
    """Open surveys a department head has not answered yet."""
    return list(
        Survey.objects.filter(closed_at__isnull=True)
        .exclude(answers__respondent=user)
        .select_related("contract")
        .order_by("period_end")
    )


# --- home panels ------------------------------------------------------------------------------------------


def home_score(request, contract) -> dict | None:
    """The home page shows a placeholder that loads the score panel once the page is up (htmx), so the
    home page itself does not compute the score."""
    if contract is None or not request.user.has_perm("performance.view_score"):
        return None
    return {
        "title": "绩效得分",
        "icon": "speedometer2",
        "url_name": "performance:home_panel",
        "testid": "score-panel",
    }


def home_score_panel(contract) -> dict:
    """The contract period's score so far, part by part (bureau admin, PM)."""
    return {"card": score_card(contract), "contract": contract}


def home_head_survey(request, contract) -> dict | None:
    """Surveys waiting for the department head's answer."""
    pending = open_surveys_for_head(request.user)
    return {"pending": pending, "today": clock.today()}
