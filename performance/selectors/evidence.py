"""The score's part labels and hints, and the evidence a score card is computed from."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext_lazy

from common import clock
from contracts.calendar import get_calendar
from contracts.models import SCORE_PARTS, Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from rosters.selectors import RATE_POSITIONS, attendance_report
from tickets.models import DATA_MAINTENANCE_KINDS, ENDED_STATUSES
from tickets.selectors import contract_tickets

from .. import facts, rules
from ..models import SatisfactionLevel, SurveyAnswer
from ..rules import Case, PartResult, Period

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

    @cached_property
    def months_begun(self) -> list[Period]:
        """The months of the contract begun so far (the trend's)."""
        today = clock.local(self.now).date()
        return [m for m in rules.months(self.contract.start_on, self.contract.end_on) if m.start <= today]

    def prefetch(self, periods: Iterable[Period]) -> None:
        """Count the ticket parts of these periods in one query (``facts.ticket_counts``)."""
        wanted = {p.key: self.window(p) for p in periods if p.key not in self._counts}
        if not wanted:
            return
        counts = facts.ticket_counts(self.contract.pk, wanted)
        for key in wanted:
            self._counts[key] = {part: counts.get((key, part), (0, 0, 0)) for part in rules.TICKET_PARTS}

    def ticket_result(self, part: str, period: Period, weight: int) -> PartResult:
        """A ticket part's result from the stored score facts (the same figures as ``cases``). The
        first one counts the contract period and the months begun as well: the query reads the facts
        once whatever the number of periods, and a page showing the score mostly shows the trend."""
        if period.key not in self._counts:
            contract = rules.contract_period(self.contract.start_on, self.contract.end_on)
            self.prefetch([period, contract, *self.months_begun])
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
            days, cases = self._attendance_cases
            return cases[bisect.bisect_left(days, period.start) : bisect.bisect_right(days, period.end)]
        raise ValueError(part)

    @cached_property
    def _attendance_cases(self) -> tuple[list[dt.date], list[Case]]:
        """Every attendance case of the contract once, in date order, with their dates (a period's cases
        are a slice: the score and the trend's thirteen periods share them)."""
        report = self.attendance
        if isinstance(report, CalendarNotLoaded):
            raise report
        days = sorted(report.days, key=lambda d: d.date)  # already in date order: kept stable
        return [d.date for d in days], [
            rules.attendance_case(
                d.person_id, d.date, d.attended, ATTENDANCE_LABELS.get(str(d.status), str(d.status))
            )
            for d in days
        ]
