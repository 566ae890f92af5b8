"""The rules of RULES §5 as pure functions (no ORM): attendance rate, staffing rule, PM months, the
staff-change notice period, holiday-duty deadlines and key days.

Attendance rate = attended person-days / scheduled person-days, where *scheduled* = working days on
which the person is on the roster, and *attended* = scheduled days with a check-in, or covered by
approved leave with a named substitute. Approved leave without a substitute and days with neither
count as scheduled but not attended.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from django.utils.translation import gettext

from contracts.workdays import SHANGHAI, HolidayPeriod, WorkCalendar, add_months_clamped

ONE_DAY = dt.timedelta(days=1)
RATIO_PLACES = Decimal("0.0001")
PERCENT_PLACES = Decimal("0.01")


@dataclass(frozen=True, order=True)
class Span:
    """An inclusive run of days (a roster period or a leave)."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("span ends before it starts")

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def clip(self, start: dt.date, end: dt.date) -> Span | None:
        lo, hi = max(self.start, start), min(self.end, end)
        return Span(lo, hi) if lo <= hi else None


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union of spans: overlapping or adjacent ones become one."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end + ONE_DAY:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def covered(day: dt.date, spans: Iterable[Span]) -> bool:
    return any(span.covers(day) for span in spans)


# --- attendance ------------------------------------------------------------------------------


class DayStatus(StrEnum):
    PRESENT = "present"  # checked in
    COVERED = "covered"  # approved leave with a substitute: counts as attended
    LEAVE = "leave"  # approved leave without a substitute: not attended
    ABSENT = "absent"  # neither

    @property
    def attended(self) -> bool:
        return self in (DayStatus.PRESENT, DayStatus.COVERED)

    @property
    def label(self) -> str:
        return {
            DayStatus.PRESENT: "出勤",
            DayStatus.COVERED: "请假（有替岗）",
            DayStatus.LEAVE: "请假（无替岗）",
            DayStatus.ABSENT: "缺勤",
        }[self]


@dataclass(frozen=True)
class PersonDay:
    """One scheduled person-day and how it counts: the unit behind every attendance figure."""

    person_id: int
    date: dt.date
    status: DayStatus
    key_day: bool = False

    @property
    def attended(self) -> bool:
        return self.status.attended

    @property
    def month(self) -> tuple[int, int]:
        return (self.date.year, self.date.month)


@dataclass(frozen=True)
class Rate:
    """attended / scheduled person-days. ``ratio`` is None when nothing was scheduled ("no cases")."""

    attended: int = 0
    scheduled: int = 0

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.attended + other.attended, self.scheduled + other.scheduled)

    @property
    def missed(self) -> int:
        return self.scheduled - self.attended

    @property
    def ratio(self) -> Decimal | None:
        if not self.scheduled:
            return None
        return (Decimal(self.attended) / Decimal(self.scheduled)).quantize(RATIO_PLACES, ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        if not self.scheduled:
            return None
        return (Decimal(100 * self.attended) / Decimal(self.scheduled)).quantize(
            PERCENT_PLACES, ROUND_HALF_UP
        )


def day_status(*, checked_in: bool, leave: bool, substitute: bool) -> DayStatus:
    if checked_in:
        return DayStatus.PRESENT
    if leave:
        return DayStatus.COVERED if substitute else DayStatus.LEAVE
    return DayStatus.ABSENT


def person_days(
    *,
    person_id: int,
    roster: Iterable[Span],
    workdays: Iterable[dt.date],
    checkins: Iterable[dt.date] = (),
    covered_leave: Iterable[dt.date] = (),
    uncovered_leave: Iterable[dt.date] = (),
    key_days: Iterable[dt.date] = (),
) -> list[PersonDay]:
    """The scheduled person-days of one person: each day of ``workdays`` that a roster span covers."""
    spans = merge_spans(roster)
    checked, with_sub, without_sub, key = (
        set(checkins),
        set(covered_leave),
        set(uncovered_leave),
        set(key_days),
    )
    result = []
    for day in sorted(workdays):
        if not covered(day, spans):
            continue
        status = day_status(
            checked_in=day in checked, leave=day in with_sub or day in without_sub, substitute=day in with_sub
        )
        result.append(PersonDay(person_id, day, status, key_day=day in key))
    return result


def rate(days: Iterable[PersonDay]) -> Rate:
    attended = scheduled = 0
    for day in days:
        scheduled += 1
        attended += day.attended
    return Rate(attended, scheduled)


K = TypeVar("K", bound=Hashable)


def rates_by(days: Iterable[PersonDay], key: Callable[[PersonDay], K]) -> dict[K, Rate]:
    grouped: dict[K, Rate] = defaultdict(Rate)
    for day in days:
        grouped[key(day)] += Rate(int(day.attended), 1)
    return dict(grouped)


# --- staffing rule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingDay:
    """One working day against the staffing rule.

    ``rostered`` are the engineers on the roster; ``on_site`` the rostered engineers who attended
    (checked in, or on leave covered by a substitute) — None for days not yet past.
    """

    date: dt.date
    required: int
    rostered: tuple[int, ...]
    on_site: tuple[int, ...] | None
    pm_rostered: bool = False
    key_day: bool = False

    @property
    def planned_ok(self) -> bool:
        return len(self.rostered) >= self.required

    @property
    def actual_ok(self) -> bool:
        return self.on_site is None or len(self.on_site) >= self.required

    @property
    def ok(self) -> bool:
        return self.planned_ok and self.actual_ok

    @property
    def counted(self) -> int:
        return len(self.rostered) if self.on_site is None else len(self.on_site)

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.counted)

    @property
    def past(self) -> bool:
        return self.on_site is not None


def staffing_days(
    *,
    workdays: Iterable[dt.date],
    required: int,
    engineers: Mapping[int, Sequence[Span]],
    attended: Mapping[int, Iterable[dt.date]],
    through: dt.date | None,
    pm_spans: Sequence[Span] = (),
    key_days: Iterable[dt.date] = (),
) -> list[StaffingDay]:
    """Each working day with who was (or is planned to be) on site; days after ``through`` are planned."""
    attended_sets = {pid: set(days) for pid, days in attended.items()}
    key = set(key_days)
    result = []
    for day in sorted(workdays):
        rostered = tuple(sorted(pid for pid, spans in engineers.items() if covered(day, spans)))
        on_site = None
        if through is not None and day <= through:
            on_site = tuple(pid for pid in rostered if day in attended_sets.get(pid, ()))
        result.append(
            StaffingDay(
                date=day,
                required=required,
                rostered=rostered,
                on_site=on_site,
                pm_rostered=covered(day, pm_spans),
                key_day=day in key,
            )
        )
    return result


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` inclusive (Jan 1–Mar 31 is 3; month ends clamp)."""
    months = 0
    while add_months_clamped(start, months + 1) <= end + ONE_DAY:
        months += 1
    return months


@dataclass(frozen=True)
class PmMonths:
    required: int
    served: int  # whole months on site up to ``through``
    planned: int  # whole months on the roster for the whole contract
    contract_over: bool

    @property
    def met(self) -> bool:
        return self.served >= self.required

    @property
    def status(self) -> str:
        """met | on_track | at_risk | breached"""
        if self.met:
            return "met"
        if self.contract_over:
            return "breached"
        return "on_track" if self.planned >= self.required else "at_risk"


def pm_months(
    spans: Iterable[Span], *, contract_start: dt.date, contract_end: dt.date, through: dt.date, required: int
) -> PmMonths:
    """Months the project manager is on site: whole calendar months of each (merged) roster period.

    A remainder shorter than a month is not counted, so the rule is only reported met when it surely is.
    """
    merged = [c for s in merge_spans(spans) if (c := s.clip(contract_start, contract_end))]
    planned = sum(whole_months(s.start, s.end) for s in merged)
    served = sum(whole_months(c.start, c.end) for s in merged if (c := s.clip(contract_start, through)))
    return PmMonths(required=required, served=served, planned=planned, contract_over=through >= contract_end)


# --- staff changes ---------------------------------------------------------------------------


def earliest_effective_date(applied_on: dt.date, notice_months: int) -> dt.date:
    """The earliest effective date of a staff change applied for on ``applied_on`` (month ends clamp:
    applying on 2023-01-31 with one month's notice allows 2023-02-28)."""
    return add_months_clamped(applied_on, notice_months)


# --- holiday duty ----------------------------------------------------------------------------


def duty_due_at(calendar: WorkCalendar, holiday_start: dt.date, lead_workdays: int) -> dt.datetime:
    """When a holiday's duty list is due: before the holiday starts (``lead_workdays`` = 0), or by the
    end of the N-th working day before it. May raise CalendarNotLoaded."""
    if lead_workdays <= 0:
        return dt.datetime.combine(holiday_start, dt.time(0, 0), SHANGHAI)
    day = calendar.workday_before(holiday_start, lead_workdays)
    return dt.datetime.combine(day + ONE_DAY, dt.time(0, 0), SHANGHAI)


@dataclass(frozen=True)
class DutyState:
    due_at: dt.datetime
    submitted_at: dt.datetime | None

    @property
    def late(self) -> bool:
        """Submitted after the deadline."""
        return self.submitted_at is not None and self.submitted_at > self.due_at

    def overdue(self, now: dt.datetime) -> bool:
        """Not submitted and the deadline has passed."""
        return self.submitted_at is None and now > self.due_at


# --- key days ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyDayReason:
    date: dt.date
    reason: str
    source: str  # "holiday" | "manual" | "upgrade"
    ref: int | None = field(default=None, compare=False)


def holiday_key_days(calendar: WorkCalendar, periods: Iterable[HolidayPeriod]) -> list[KeyDayReason]:
    """The first working day after each holiday (RULES §5: it needs full attendance)."""
    return [
        KeyDayReason(
            calendar.workday_after(p.end), gettext("%(name)s后第一个工作日") % {"name": p.name}, "holiday"
        )
        for p in periods
    ]


def first_workday_after(calendar: WorkCalendar, moment: dt.datetime) -> dt.date:
    """The first working day whose working hours start after ``moment`` (e.g. an upgrade finished at
    02:00 on a working day → that day; finished at 20:00 → the next working day)."""
    local = moment.astimezone(SHANGHAI)
    day = local.date()
    if calendar.is_workday(day) and local.time() < calendar.hours.periods[0][0]:
        return day
    return calendar.workday_after(day, 1)
