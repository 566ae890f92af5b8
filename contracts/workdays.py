"""Chinese working days and working hours (RULES §3) — pure rules, no ORM.

``WorkCalendar`` answers every calendar question of the contract from two sources: the
``chinese_calendar`` package (years it publishes) and overrides loaded by the bureau admin, which
win. A year that neither knows raises ``CalendarNotLoaded``: callers show a pending state, never a
guess.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext_lazy

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_SCAN_DAYS = 3700  # no rule of the contract looks further than ten years ahead

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class CalendarNotLoaded(Exception):
    """The working-day calendar of ``year`` is neither published in the package nor loaded."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year} 年工作日历尚未加载")


@dataclass(frozen=True)
class Override:
    is_workday: bool
    name: str = ""


DAY_KIND_LABELS = {
    "workday": gettext_lazy("工作日"),
    "weekend": gettext_lazy("休息日"),
    "holiday": gettext_lazy("法定节假日"),
    "makeup": gettext_lazy("调休上班"),
}


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    kind: str  # "workday" | "weekend" | "holiday" | "makeup"
    name: str = ""
    overridden: bool = False

    @property
    def label(self) -> str:
        return str(DAY_KIND_LABELS[self.kind])


@dataclass(frozen=True)
class HolidayPeriod:
    name: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class WorkingHours:
    """Working periods of a working day, Shanghai wall-clock time (default 08:30–12:00, 13:30–17:30)."""

    periods: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(8, 30), dt.time(12, 0)),
        (dt.time(13, 30), dt.time(17, 30)),
    )

    def __post_init__(self):
        last = dt.time(0, 0)
        for start, end in self.periods:
            if not (last <= start < end):
                raise ValueError("working periods must be ordered and not overlap")
            last = end

    @property
    def minutes_per_day(self) -> int:
        return sum(_minutes(end) - _minutes(start) for start, end in self.periods)

    @property
    def day_end(self) -> dt.time:
        return self.periods[-1][1]


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def builtin_years() -> range:
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    def __init__(
        self,
        overrides: Mapping[dt.date, Override] | None = None,
        loaded_years: Iterable[int] = (),
        hours: WorkingHours | None = None,
    ):
        self.overrides = dict(overrides or {})
        self.loaded_years = frozenset(loaded_years)
        self.hours = hours or WorkingHours()
        self._builtin = builtin_years()
        self._cache: dict[dt.date, DayInfo] = {}
        self._periods: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = {}

    # --- days -------------------------------------------------------------------------------
    def knows_year(self, year: int) -> bool:
        return year in self._builtin or year in self.loaded_years

    def day(self, day: dt.date) -> DayInfo:
        if isinstance(day, dt.datetime):
            raise TypeError("pass a date, not a datetime")
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        info = self._compute(day)
        self._cache[day] = info
        return info

    def _compute(self, day: dt.date) -> DayInfo:
        weekend = day.weekday() >= 5
        override = self.overrides.get(day)
        if override is not None:
            if override.is_workday:
                kind = "makeup" if weekend else "workday"
            else:
                kind = "holiday" if (override.name or not weekend) else "weekend"
            return DayInfo(day, override.is_workday, kind, override.name, overridden=True)
        if day.year in self._builtin:
            if day in chinese_calendar.workdays:
                name = HOLIDAY_NAMES_ZH.get(chinese_calendar.workdays[day], "")
                return DayInfo(day, True, "makeup", name)
            if day in chinese_calendar.holidays:
                name = HOLIDAY_NAMES_ZH.get(chinese_calendar.holidays[day], "")
                return DayInfo(day, False, "holiday", name)
            return DayInfo(day, not weekend, "weekend" if weekend else "workday")
        if day.year in self.loaded_years:
            return DayInfo(day, not weekend, "weekend" if weekend else "workday")
        raise CalendarNotLoaded(day.year)

    def is_workday(self, day: dt.date) -> bool:
        return self.day(day).is_workday

    def workday_after(self, day: dt.date, n: int = 1) -> dt.date:
        """The n-th working day strictly after ``day``, whatever ``day`` is (RULES §3)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        current = day
        for _ in range(MAX_SCAN_DAYS):
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                n -= 1
                if n == 0:
                    return current
        raise ValueError("no working day found within ten years")

    def workday_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_workday(day) else self.workday_after(day, 1)

    def workday_before(self, day: dt.date, n: int = 1) -> dt.date:
        """The n-th working day strictly before ``day`` (``day`` itself for n = 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        for _ in range(MAX_SCAN_DAYS):
            if n == 0:
                return current
            current -= dt.timedelta(days=1)
            if self.is_workday(current):
                n -= 1
        raise ValueError("no working day found within ten years")

    def signoff_due(self, day: dt.date, workdays: int = 1) -> dt.date:
        """ "Same day or next working day": the sign-off is due by the end of this date."""
        return self.workday_after(day, workdays)

    def days(self, start: dt.date, end: dt.date) -> Iterator[DayInfo]:
        current = start
        while current <= end:
            yield self.day(current)
            current += dt.timedelta(days=1)

    def workdays_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from ``start`` to ``end``, both included."""
        return [info.date for info in self.days(start, end) if info.is_workday]

    def first_workday_of_month(self, year: int, month: int) -> dt.date:
        return self.workday_on_or_after(dt.date(year, month, 1))

    def last_workday_of_week(self, day: dt.date) -> dt.date | None:
        """The last working day of the ISO week containing ``day`` (None if the week has none)."""
        monday = day - dt.timedelta(days=day.weekday())
        found = None
        for info in self.days(monday, monday + dt.timedelta(days=6)):
            if info.is_workday:
                found = info.date
        return found

    # --- working time -------------------------------------------------------------------------
    def _periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's working periods (kept: a weekly report measures a thousand spans over the same
        few weeks, issue 14)."""
        periods = self._periods.get(day)
        if periods is None:
            periods = self._periods[day] = (
                [
                    (dt.datetime.combine(day, start, SHANGHAI), dt.datetime.combine(day, end, SHANGHAI))
                    for start, end in self.hours.periods
                ]
                if self.is_workday(day)
                else []
            )
        return periods

    def working_minutes(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working minutes between two aware datetimes (0 if ``end`` is not after ``start``)."""
        start, end = _local(start), _local(end)
        if end <= start:
            return 0
        total = 0.0
        day, last = start.date(), end.date()
        while day <= last:
            for p_start, p_end in self._periods_on(day):
                lo, hi = max(p_start, start), min(p_end, end)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
            day += ONE_DAY
        return int(total)

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The instant at which ``minutes`` of working time have passed since ``start``."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        start = _local(start)
        remaining = dt.timedelta(minutes=minutes)
        day = start.date()
        for _ in range(MAX_SCAN_DAYS):
            for p_start, p_end in self._periods_on(day):
                lo = max(p_start, start)
                if p_end <= lo:
                    continue
                available = p_end - lo
                if remaining <= available:
                    return lo + remaining
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("deadline beyond ten years")

    def next_working_instant(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` if it is inside working hours, else the start of the next working period."""
        return _local(moment) if self._inside(moment) else self._next_period_start(moment)

    def _inside(self, moment: dt.datetime) -> bool:
        moment = _local(moment)
        return any(lo <= moment < hi for lo, hi in self._periods_on(moment.date()))

    def _next_period_start(self, moment: dt.datetime) -> dt.datetime:
        moment = _local(moment)
        day = moment.date()
        for _ in range(MAX_SCAN_DAYS):
            for p_start, _p_end in self._periods_on(day):
                if p_start >= moment:
                    return p_start
            day += dt.timedelta(days=1)
        raise ValueError("no working period within ten years")

    # --- views of a year ------------------------------------------------------------------------
    def month_weeks(self, year: int, month: int) -> list[list[DayInfo | None]]:
        """Weeks (Monday first) of the month; days outside the month are None."""
        weeks = []
        for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([self.day(d) if d.month == month else None for d in week])
        return weeks

    def holiday_periods(self, year: int) -> list[HolidayPeriod]:
        """The statutory holidays of ``year``: runs of days off that contain a named holiday.

        A run belongs to the year of its last named day (New Year's Day 2024 runs from
        2023-12-30 to 2024-01-01 and belongs to 2024).
        """
        if not self.knows_year(year):
            raise CalendarNotLoaded(year)
        start = dt.date(year, 1, 1) - dt.timedelta(days=10)
        end = dt.date(year, 12, 31) + dt.timedelta(days=10)
        periods: list[HolidayPeriod] = []
        run: list[DayInfo] = []

        def close_run():
            named = [d for d in run if d.kind == "holiday" and d.name]
            if named and named[-1].date.year == year:
                names = list(dict.fromkeys(d.name for d in named))
                periods.append(HolidayPeriod("、".join(names), run[0].date, run[-1].date))

        current = start
        while current <= end:
            try:
                info = self.day(current)
            except CalendarNotLoaded:
                info = None
            if info is not None and not info.is_workday:
                run.append(info)
            else:
                if run:
                    close_run()
                run = []
            current += dt.timedelta(days=1)
        if run:
            close_run()
        return periods

    def year_summary(self, year: int) -> dict[str, int]:
        counts = {"workday": 0, "weekend": 0, "holiday": 0, "makeup": 0}
        for info in self.days(dt.date(year, 1, 1), dt.date(year, 12, 31)):
            counts[info.kind] += 1
        counts["working_days"] = counts["workday"] + counts["makeup"]
        return counts


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(SHANGHAI)


def add_months_clamped(day: dt.date, months: int = 1) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the month's end (RULES §3)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
