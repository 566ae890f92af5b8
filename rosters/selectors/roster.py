"""Roster entries and the approved leave behind them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from contracts.models import Contract

from .. import rules
from ..models import (
    LeaveRequest,
    RequestStatus,
    RosterEntry,
)
from ._base import _days


def roster_entries(contract: Contract):
    return (
        RosterEntry.objects.filter(contract=contract)
        .select_related("person")
        .order_by("position", "start_on", "person__username")
    )


def roster_on(contract: Contract, day: dt.date) -> list[RosterEntry]:
    return list(roster_entries(contract).filter(start_on__lte=day, end_on__gte=day))


def _spans(entries: Iterable[RosterEntry]) -> dict[int, list[rules.Span]]:
    spans: dict[int, list[rules.Span]] = defaultdict(list)
    for entry in entries:
        spans[entry.person_id].append(rules.Span(entry.start_on, entry.end_on))
    return spans


def _leave_days(leaves: Iterable[LeaveRequest], start: dt.date, end: dt.date):
    """Approved leave expanded into days: (covered[pid], uncovered[pid], leave_by[(pid, day)])."""
    covered_days: dict[int, set[dt.date]] = defaultdict(set)
    uncovered: dict[int, set[dt.date]] = defaultdict(set)
    by_day: dict[tuple[int, dt.date], LeaveRequest] = {}
    for leave in leaves:
        for day in _days(max(leave.start_on, start), min(leave.end_on, end)):
            (covered_days if leave.substitute_id else uncovered)[leave.person_id].add(day)
            by_day[(leave.person_id, day)] = leave
    return covered_days, uncovered, by_day


def _approved_leaves(person_ids: Iterable[int], start: dt.date, end: dt.date):
    return LeaveRequest.objects.filter(
        person_id__in=list(person_ids), status=RequestStatus.APPROVED, start_on__lte=end, end_on__gte=start
    ).select_related("substitute")
