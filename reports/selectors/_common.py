"""Small helpers the weekly report and the statistics share (ratios, hours, moments, durations)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from common import clock, figures
from contracts.workdays import WorkCalendar

LIST_LIMIT = 30  # rows of a list inside the report (overdue requests, upgrades); the count says the rest


# --- small helpers ------------------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> str | None:
    """A percentage with one decimal as text (JSON keeps it exact), or None when there is nothing."""
    value = figures.percent(part, whole)
    return None if value is None else str(value)


def _hours(value) -> str:
    """Hours with one decimal as text (SQLite's SUM drops the decimal places PostgreSQL keeps)."""
    return str(Decimal(value or 0).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _end_of(day: dt.date) -> dt.datetime:
    return clock.aware(day + dt.timedelta(days=1))


def _as_of(end: dt.date) -> dt.datetime:
    """The instant the figures describe: the end of the period, or now if the period is not over."""
    return min(_end_of(end), clock.now())


def _fmt(moment: dt.datetime | None) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _labelled(counts: dict, labels: dict) -> list[dict]:
    """``[{"key", "label", "count"}]`` in the order of ``labels``, zero rows left out."""
    return [
        {"key": key, "label": str(label), "count": counts[key]}
        for key, label in labels.items()
        if counts.get(key)
    ]


def _durations(calendar: WorkCalendar, tickets, until_field: str) -> tuple[int | None, int]:
    """Average working minutes from confirmation to ``until_field`` (pauses on the bureau deducted for
    resolution), and the number of cases measured."""
    total = cases = 0
    for t in tickets:
        end = getattr(t, until_field)
        if not t.confirmed_at or not end:
            continue
        minutes = calendar.working_minutes(t.confirmed_at, end)
        if until_field == "resolved_at":
            minutes = max(0, minutes - (t.paused_minutes or 0))
        total += minutes
        cases += 1
    return (total // cases if cases else None), cases
