"""Work logs that were expected but not written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import User
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import WorkCalendar

from .. import rules
from ..models import (
    Attendance,
    RosterEntry,
    WorkLog,
)
from ._base import default_through
from .roster import _approved_leaves, _leave_days, _spans


@dataclass(frozen=True)
class MissingLog:
    person: User
    date: dt.date


def missing_logs(
    contract: Contract,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    calendar: WorkCalendar | None = None,
    person: User | None = None,
) -> list[MissingLog]:
    """Days before today on which a log was expected but none was written: every scheduled working day
    not on approved leave, and every day with a check-in. Newest first. May raise CalendarNotLoaded."""
    start = max(start or contract.start_on, contract.start_on)
    end = min(end or contract.end_on, contract.end_on)
    last = default_through(end)
    if last < start:
        return []
    query = RosterEntry.objects.filter(
        contract=contract, start_on__lte=last, end_on__gte=start
    ).select_related("person")
    if person is not None:
        query = query.filter(person=person)
    entries = list(query)
    people = {e.person_id: e.person for e in entries}
    if person is not None:
        people.setdefault(person.pk, person)
    calendar = calendar or get_calendar(contract)
    workdays = calendar.workdays_between(start, last)
    spans = _spans(entries)
    covered_days, uncovered, _ = _leave_days(_approved_leaves(people, start, last), start, last)
    expected: set[tuple[int, dt.date]] = set()
    for pid in people:
        on_leave = covered_days[pid] | uncovered[pid]
        expected |= {(pid, d) for d in workdays if rules.covered(d, spans[pid]) and d not in on_leave}
    expected |= set(
        Attendance.objects.filter(
            contract=contract, person_id__in=people, date__range=(start, last)
        ).values_list("person_id", "date")
    )
    logged = set(
        WorkLog.objects.filter(person_id__in=people, date__range=(start, last)).values_list(
            "person_id", "date"
        )
    )
    return [
        MissingLog(people[pid], day)
        for pid, day in sorted(expected - logged, key=lambda k: (k[1], k[0]), reverse=True)
        if pid in people
    ]
