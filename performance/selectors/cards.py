"""Score cards: computed, adjusted, locked (a frozen snapshot), by period, with their cases and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import cast

from django.db.models import QuerySet

from accounts.models import User
from common import clock
from contracts.models import Contract
from contracts.rules import Tier
from contracts.workdays import CalendarNotLoaded
from tickets.models import Ticket

from .. import rules
from ..models import ScoreAdjustment, ScoreLock, SurveyAnswer
from ..rules import Case, Outcome, PartResult, Period, PeriodKind
from .evidence import PART_HINTS, PART_LABELS, Evidence

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
        return rules.total_score(p.score for p in self.parts if p.score is not None)

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
                cast(Decimal, row.score),  # current_adjustments leaves out the rows that cleared a part
                row.reason,
                row.created_by.display_name,
                row.created_at,
                row.computed,
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
    if card.tier is None or card.total is None:
        raise ValueError(
            "a snapshot needs a complete card: its tier and total known (score_lock checks first)"
        )
    parts = []
    for line in card.parts:
        result = line.result
        if result is None:
            raise ValueError(f"a snapshot needs every part computed: {line.key} is pending a calendar year")
        cases = evidence.cases(line.key, card.period)
        parts.append(
            {
                "key": line.key,
                "label": line.label,
                "weight": line.weight,
                "achieved": result.achieved,
                "counted": result.counted,
                "pending": result.pending,
                "computed": str(result.score),
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
    tiers = contract_tiers(contract)
    months = evidence.months_begun
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
