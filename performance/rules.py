"""The five-part score of RULES §6 as pure functions (no ORM).

Part score = weight × share, where share = cases for / cases counted. A part with no counted case
scores full marks and says "no cases". Total = sum of the part scores, rounded half-up to 2 decimals.
The tier comes from ``contracts.rules.tier_for`` with the contract's tier table.

Each part is decided case by case (``Case``: a reference, for / against / not counted, and why), so
every figure can show what counted for and against it. Periods are the contract period, its calendar
quarters and months, clipped to the contract.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeGuard

from django.utils.translation import gettext

from contracts.rules import SCORE_PARTS, Tier, tier_for

PART_PLACES = Decimal("0.0001")
TOTAL_PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
SHANGHAI_MIDNIGHT = dt.time(0, 0)

PART_KEYS = tuple(key for key, _label in SCORE_PARTS)  # declared once, in contracts.rules
TICKET_PARTS = PART_KEYS[:3]  # the parts decided from service requests


# --- periods ---------------------------------------------------------------------------------------------


class PeriodKind(StrEnum):
    CONTRACT = "contract"
    QUARTER = "quarter"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: dt.date
    end: dt.date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.CONTRACT:
            return "contract"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.CONTRACT:
            return gettext("服务期 %(start)s 至 %(end)s") % {
                "start": f"{self.start:%Y-%m-%d}",
                "end": f"{self.end:%Y-%m-%d}",
            }
        if self.kind == PeriodKind.QUARTER:
            return gettext("%(year)s 年第 %(q)s 季度") % {
                "year": self.start.year,
                "q": (self.start.month - 1) // 3 + 1,
            }
        return gettext("%(year)s 年 %(month)s 月") % {"year": self.start.year, "month": self.start.month}

    @property
    def short_label(self) -> str:
        if self.kind == PeriodKind.CONTRACT:
            return gettext("全服务期")
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and start <= self.end


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def months(start: dt.date, end: dt.date) -> list[Period]:
    """The calendar months of [start, end], clipped to it."""
    result = []
    year, month = start.year, start.month
    while dt.date(year, month, 1) <= end:
        lo = max(start, dt.date(year, month, 1))
        hi = min(end, _month_end(year, month))
        result.append(Period(PeriodKind.MONTH, lo, hi))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def quarters(start: dt.date, end: dt.date) -> list[Period]:
    """The calendar quarters of [start, end], clipped to it."""
    result = []
    year, quarter = start.year, (start.month - 1) // 3
    while dt.date(year, quarter * 3 + 1, 1) <= end:
        first = dt.date(year, quarter * 3 + 1, 1)
        last = _month_end(year, quarter * 3 + 3)
        result.append(Period(PeriodKind.QUARTER, max(start, first), min(end, last)))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return result


def contract_period(start: dt.date, end: dt.date) -> Period:
    return Period(PeriodKind.CONTRACT, start, end)


def parse_period(key: str, start: dt.date, end: dt.date) -> Period | None:
    """The period named by ``key`` ("contract", "2023-Q2", "2023-06") inside [start, end], else None."""
    if key in ("", "contract"):
        return contract_period(start, end)
    for period in (*quarters(start, end), *months(start, end)):
        if period.key == key:
            return period
    return None


def survey_periods(start: dt.date, end: dt.date, frequency: str) -> list[Period]:
    """The periods a satisfaction survey covers: each month, each quarter, or the whole contract."""
    if frequency == "month":
        return months(start, end)
    if frequency == "quarter":
        return quarters(start, end)
    return [contract_period(start, end)]


# --- cases ----------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    FOR = "for"  # counts, and counts in favour (on time, satisfied, attended)
    AGAINST = "against"  # counts against
    PENDING = "pending"  # not counted (yet): not due, or its deadline is pending

    @property
    def label(self) -> str:
        labels = {Outcome.FOR: "计为达标", Outcome.AGAINST: "计为未达标", Outcome.PENDING: "未计入"}
        return gettext(labels[self])


@dataclass(frozen=True)
class Case:
    ref: str  # ticket id, answer id, or "person_id:YYYY-MM-DD"
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class TicketFacts:
    """What the score needs of one service request (plain values: the rules stay free of the ORM)."""

    id: int
    data_maintenance: bool
    ended: bool  # rejected or cancelled
    confirmed_at: dt.datetime | None
    first_response_at: dt.datetime | None
    respond_due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    due_pending_year: int | None = None
    rework_count: int = 0


@dataclass(frozen=True)
class Window:
    """An evaluation window: [start_at, end_at) in aware datetimes, judged as of ``as_of`` (≤ end_at)."""

    start_at: dt.datetime
    end_at: dt.datetime
    as_of: dt.datetime


def window(start: dt.date, end: dt.date, now: dt.datetime, tz) -> Window:
    start_at = dt.datetime.combine(start, SHANGHAI_MIDNIGHT, tz)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), SHANGHAI_MIDNIGHT, tz)
    return Window(start_at, end_at, min(now, end_at))


def on_time(done_at: dt.datetime, due_at: dt.datetime | None, pending_year: int | None) -> bool | None:
    """Done by the deadline? A deadline pending an unloaded year lies after every day of the known
    years, so work done in an earlier year was on time; otherwise it cannot be judged yet (None)."""
    if due_at is not None:
        return done_at <= due_at
    if pending_year is not None and done_at.year < pending_year:
        return True
    return None


def _before(moment: dt.datetime | None, limit: dt.datetime) -> TypeGuard[dt.datetime]:
    """``moment`` is known and earlier than ``limit`` (a TypeGuard: the caller may use it as a datetime)."""
    return moment is not None and moment < limit


def data_maintenance_case(t: TicketFacts, w: Window) -> Case | None:
    """Data maintenance (数据维护 and 批量处理): resolved in the period by the deadline and without rework
    counts for; resolved late or after rework, or still open past a deadline falling in the period,
    against. Other requests are not cases of this part in this period."""
    if not t.data_maintenance or t.ended:
        return None
    ref = str(t.id)
    if t.resolved_at is not None and w.start_at <= t.resolved_at < w.as_of:
        timely = on_time(t.resolved_at, t.resolve_due_at, t.due_pending_year)
        if timely is None:
            return Case(ref, Outcome.PENDING, "解决期限待定（日历未加载）")
        if not timely:
            return Case(ref, Outcome.AGAINST, "超过解决期限")
        if t.rework_count:
            return Case(ref, Outcome.AGAINST, f"返工 {t.rework_count} 次")
        return Case(ref, Outcome.FOR, "按期解决，无返工")
    unresolved = not _before(t.resolved_at, w.as_of)
    if unresolved and t.resolve_due_at is not None and w.start_at <= t.resolve_due_at < w.as_of:
        return Case(ref, Outcome.AGAINST, "超过解决期限仍未解决")
    return None


def response_case(t: TicketFacts, w: Window) -> Case | None:
    """Responsiveness: requests confirmed in the period, first responded to by the response deadline."""
    if t.ended or t.confirmed_at is None or not (w.start_at <= t.confirmed_at < w.end_at):
        return None
    ref = str(t.id)
    if _before(t.first_response_at, w.as_of):
        timely = on_time(t.first_response_at, t.respond_due_at, t.due_pending_year)
        if timely is None:
            return Case(ref, Outcome.PENDING, "响应期限待定（日历未加载）")
        return Case(ref, Outcome.FOR, "按时响应") if timely else Case(ref, Outcome.AGAINST, "响应超时")
    if t.respond_due_at is not None and t.respond_due_at < w.as_of:
        return Case(ref, Outcome.AGAINST, "超过响应期限仍未响应")
    return Case(ref, Outcome.PENDING, "尚未响应，未到响应期限")


def completion_case(t: TicketFacts, w: Window) -> Case | None:
    """Completion: requests confirmed in the period, or confirmed before it and still open at its start
    (carried in), resolved by their deadline. Open ones not yet due are not counted."""
    if t.ended or t.confirmed_at is None:
        return None
    confirmed_in = w.start_at <= t.confirmed_at < w.end_at
    carried_in = t.confirmed_at < w.start_at and not _before(t.resolved_at, w.start_at)
    if not (confirmed_in or carried_in):
        return None
    ref = str(t.id)
    if _before(t.resolved_at, w.as_of):
        timely = on_time(t.resolved_at, t.resolve_due_at, t.due_pending_year)
        if timely is None:
            return Case(ref, Outcome.PENDING, "解决期限待定（日历未加载）")
        return Case(ref, Outcome.FOR, "按期完成") if timely else Case(ref, Outcome.AGAINST, "超期完成")
    if t.resolve_due_at is not None and t.resolve_due_at < w.as_of:
        return Case(ref, Outcome.AGAINST, "超过解决期限仍未完成")
    return Case(ref, Outcome.PENDING, "在办，未到解决期限")


TICKET_RULES = {
    "data_maintenance": data_maintenance_case,
    "responsiveness": response_case,
    "completion": completion_case,
}


def ticket_cases(part: str, tickets: Iterable[TicketFacts], w: Window) -> list[Case]:
    rule = TICKET_RULES[part]
    return [case for t in tickets if (case := rule(t, w)) is not None]


# Satisfaction: the 5-level scale; 满意 and 非常满意 count for.
SATISFIED_LEVELS = frozenset({"very_satisfied", "satisfied"})


def satisfaction_case(ref: str, level: str, label: str) -> Case:
    return Case(ref, Outcome.FOR if level in SATISFIED_LEVELS else Outcome.AGAINST, label)


def attendance_case(person_id: int, day: dt.date, attended: bool, label: str) -> Case:
    return Case(f"{person_id}:{day.isoformat()}", Outcome.FOR if attended else Outcome.AGAINST, label)


# --- scores ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    key: str
    weight: int
    achieved: int  # cases for
    counted: int  # cases for + against
    pending: int  # cases not counted
    score: Decimal  # weight × share, 4 places half-up; full marks when nothing counted

    @property
    def no_cases(self) -> bool:
        return self.counted == 0

    @property
    def against(self) -> int:
        return self.counted - self.achieved

    @property
    def share(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.achieved) / Decimal(self.counted)).quantize(SHARE_PLACES, ROUND_HALF_UP)


def part_score(weight: int | Decimal, achieved: int, counted: int) -> Decimal:
    """weight × achieved / counted, or the full weight when there is no case."""
    if achieved < 0 or counted < 0 or achieved > counted:
        raise ValueError("achieved must be within 0..counted")
    weight = Decimal(weight)
    if counted == 0:
        return weight.quantize(PART_PLACES)
    return (weight * achieved / counted).quantize(PART_PLACES, ROUND_HALF_UP)


def part_result(key: str, weight: int, cases: Iterable[Case]) -> PartResult:
    achieved = counted = pending = 0
    for case in cases:
        if case.outcome == Outcome.PENDING:
            pending += 1
            continue
        counted += 1
        achieved += case.outcome == Outcome.FOR
    return PartResult(key, weight, achieved, counted, pending, part_score(weight, achieved, counted))


def total_score(scores: Iterable[Decimal]) -> Decimal:
    """The sum of the part scores, rounded half-up to 2 decimals."""
    return sum((Decimal(s) for s in scores), Decimal("0")).quantize(TOTAL_PLACES, ROUND_HALF_UP)


def adjustment_errors(value: Decimal | None, weight: int) -> list[str]:
    """Why an adjusted part score is not acceptable (None clears an adjustment)."""
    if value is None:
        return []
    errors = []
    if value < 0 or value > weight:
        errors.append(f"调整后的分数必须在 0 到 {weight} 分之间。")
    if value != value.quantize(TOTAL_PLACES):
        errors.append("调整后的分数最多保留两位小数。")
    return errors


def tier_of(total: Decimal, tiers: Sequence[Tier]) -> Tier:
    return tier_for(total, tiers)
