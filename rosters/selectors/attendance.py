"""The attendance rate of RULES §5 per person, per month and per contract, with the days behind it.

Kept across requests (issue 14): the report's days, positions and people's ids are stored in Django's
cache under (contract, its inputs' token, start, end, through, positions, person, the calendar's
fingerprint). The token (``rosters.versions``) is read from the database at every use, one query,
*before* the inputs: it is replaced in the transaction of every write to an input (roster entries,
check-ins, leave, key days, deployed upgrades), so an entry stored under an older token is never
found again, whichever process (gunicorn worker) stored it. The calendar (overrides, loaded years,
working hours) is in the key itself. A report with no counted day yet, and an unknown year
(``CalendarNotLoaded``, raised before the cache is read), are computed as before; people are loaded
when a page reads ``report.people``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache

from accounts.models import User
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from .. import rules, versions
from ..models import (
    Attendance,
    Position,
    RosterEntry,
)
from ._base import default_through
from .keydays import key_dates
from .roster import _approved_leaves, _leave_days, _spans

# Whom "出勤率" counts on every page: the on-site engineers, as the contract's score does ("驻场工程师日常
# 出勤率"). The project manager's days are shown on the attendance pages ("含项目经理"), never under
# that name (issue 16, item 10: the home page counted the PM and differed from the score).
RATE_POSITIONS: tuple[str, ...] = (Position.ENGINEER,)


CACHE_SECONDS = 24 * 3600
_STATUSES = {str(status): status for status in rules.DayStatus}


class People(Mapping[int, User]):
    """The report's people by id, in roster order, read from the database when first used."""

    def __init__(self, ids: Iterable[int]):
        self.ids = list(ids)
        self._loaded: dict[int, User] | None = None

    def _people(self) -> dict[int, User]:
        if self._loaded is None:
            found = User.objects.in_bulk(self.ids)
            self._loaded = {pk: found[pk] for pk in self.ids if pk in found}
        return self._loaded

    def __getitem__(self, pk: int) -> User:
        return self._people()[pk]

    def __contains__(self, pk: object) -> bool:
        return pk in self.ids

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class AttendanceReport:
    contract: Contract
    start: dt.date
    end: dt.date
    through: dt.date | None  # last counted day; None when no day is counted yet
    people: Mapping[int, User]
    days: list[rules.PersonDay]
    positions: dict[int, str] = field(default_factory=dict)

    @cached_property
    def overall(self) -> rules.Rate:
        return rules.rate(self.days)

    @cached_property
    def by_person(self) -> dict[int, rules.Rate]:
        return rules.rates_by(self.days, lambda d: d.person_id)

    @cached_property
    def by_month(self) -> dict[tuple[int, int], rules.Rate]:
        return rules.rates_by(self.days, lambda d: d.month)

    @cached_property
    def by_person_month(self) -> dict[tuple[int, tuple[int, int]], rules.Rate]:
        return rules.rates_by(self.days, lambda d: (d.person_id, d.month))

    @property
    def months(self) -> list[tuple[int, int]]:
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append((current.year, current.month))
            current = (current + dt.timedelta(days=32)).replace(day=1)
        return months

    def days_for(
        self,
        *,
        person_id: int | None = None,
        month: tuple[int, int] | None = None,
        status: rules.DayStatus | None = None,
        attended: bool | None = None,
    ) -> list[rules.PersonDay]:
        """The person-days behind a figure: ``days_for(person_id=7, month=(2023, 6), attended=False)``."""
        return [
            d
            for d in self.days
            if (person_id is None or d.person_id == person_id)
            and (month is None or d.month == month)
            and (status is None or d.status == status)
            and (attended is None or d.attended == attended)
        ]

    @property
    def person_rows(self) -> list[dict]:
        """For tables: each person with their contract rate and monthly rates."""
        rows = []
        for pid, person in sorted(
            self.people.items(), key=lambda kv: (self.positions.get(kv[0], ""), kv[1].username)
        ):
            rows.append(
                {
                    "person": person,
                    "position": self.positions.get(pid, ""),
                    "rate": self.by_person.get(pid, rules.Rate()),
                    "months": [
                        (f"{y}-{m:02d}", self.by_person_month.get((pid, (y, m)), rules.Rate()))
                        for y, m in self.months
                    ],
                }
            )
        return rows

    @property
    def month_totals(self) -> list[rules.Rate]:
        return [self.by_month.get(m, rules.Rate()) for m in self.months]


def attendance_report(
    contract: Contract,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    through: dt.date | None = None,
    calendar: WorkCalendar | None = None,
    positions: Iterable[str] | None = None,
    person: User | None = None,
) -> AttendanceReport:
    """Attendance of the contract's roster over [start, end] (default: the whole contract), counted up
    to ``through`` (default: yesterday). Raises CalendarNotLoaded for a counted day of an unknown year."""
    start = max(start or contract.start_on, contract.start_on)
    end = min(end or contract.end_on, contract.end_on)
    last = min(end, through or default_through(end))
    if last < start:
        return _report(contract, start, end, last, None, positions, person)
    calendar = calendar or get_calendar(contract)
    for year in range(start.year, last.year + 1):
        if not calendar.knows_year(year):
            raise CalendarNotLoaded(year)
    wanted = None if positions is None else tuple(sorted(set(positions)))
    token = versions.token(contract.pk)  # before the inputs: a write after it makes a new token
    key = "rosters.attendance:" + ":".join(
        str(part)
        for part in (
            contract.pk,
            token,
            start.isoformat(),
            end.isoformat(),
            last.isoformat(),
            ",".join(wanted) if wanted is not None else "*",
            person.pk if person is not None else "*",
            calendar_fingerprint(calendar),
        )
    )
    cached = cache.get(key)
    if cached is not None:
        ids, position_of, rows = cached
        days = [rules.PersonDay(pid, dt.date.fromordinal(o), _STATUSES[st], k) for pid, o, st, k in rows]
        return AttendanceReport(contract, start, end, last, People(ids), days, position_of)
    report = _report(contract, start, end, last, calendar, wanted, person)
    rows = [(d.person_id, d.date.toordinal(), str(d.status), d.key_day) for d in report.days]
    cache.set(key, (list(report.people), report.positions, rows), CACHE_SECONDS)
    return report


def calendar_fingerprint(calendar: WorkCalendar) -> str:
    """A digest of what the calendar answers from (kept on the calendar: built once per request)."""
    found = getattr(calendar, "_attendance_fingerprint", None)
    if found is None:
        text = repr(
            (
                sorted((day.toordinal(), o.is_workday, o.name) for day, o in calendar.overrides.items()),
                sorted(calendar.loaded_years),
                sorted(calendar._builtin),
                calendar.hours,
            )
        )
        found = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        calendar._attendance_fingerprint = found  # type: ignore[attr-defined]
    return found


def _report(
    contract: Contract,
    start: dt.date,
    end: dt.date,
    last: dt.date,
    calendar: WorkCalendar | None,
    positions: Iterable[str] | None,
    person: User | None,
) -> AttendanceReport:
    """The report computed from the database (``calendar`` is None only when no day is counted)."""
    query = RosterEntry.objects.filter(
        contract=contract, start_on__lte=end, end_on__gte=start
    ).select_related("person")
    if positions is not None:
        query = query.filter(position__in=list(positions))
    if person is not None:
        query = query.filter(person=person)
    entries = list(query)
    people = {e.person_id: e.person for e in entries}
    position_of = {e.person_id: e.position for e in sorted(entries, key=lambda e: e.start_on)}
    if last < start or calendar is None:
        return AttendanceReport(contract, start, end, None, people, [], position_of)
    if not entries:
        return AttendanceReport(contract, start, end, last, people, [], position_of)
    workdays = calendar.workdays_between(start, last)
    checkins: dict[int, set[dt.date]] = defaultdict(set)
    for pid, day in Attendance.objects.filter(person_id__in=people, date__range=(start, last)).values_list(
        "person_id", "date"
    ):
        checkins[pid].add(day)
    covered_days, uncovered, _by_day = _leave_days(_approved_leaves(people, start, last), start, last)
    keys = key_dates(contract, calendar, start, last)
    spans = _spans(e for e in entries)
    days: list[rules.PersonDay] = []
    for pid in people:
        days += rules.person_days(
            person_id=pid,
            roster=list(spans[pid]),
            workdays=workdays,
            checkins=checkins[pid],
            covered_leave=covered_days[pid],
            uncovered_leave=uncovered[pid],
            key_days=keys,
        )
    days.sort(key=lambda d: (d.date, d.person_id))
    return AttendanceReport(contract, start, end, last, people, days, position_of)
