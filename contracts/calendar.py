"""The one calendar service of the project: a ``WorkCalendar`` built from the package and the
bureau admin's overrides. Every due date, SLA clock and attendance figure asks it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .models import CalendarOverride, CalendarYear
from .workdays import CalendarNotLoaded, Override, WorkCalendar, WorkingHours

if TYPE_CHECKING:
    from .models import Contract

__all__ = ["CalendarDays", "CalendarNotLoaded", "calendar_days", "get_calendar"]


CalendarDays = tuple[dict[dt.date, Override], list[int]]


def get_calendar(
    contract: Contract | None = None,
    *,
    hours: WorkingHours | None = None,
    days: CalendarDays | None = None,
) -> WorkCalendar:
    """A calendar with the contract's working hours (or the default 08:30–12:00, 13:30–17:30).

    Two small queries (``calendar_days``), unless ``days`` read earlier are passed; build one per
    request or per job and reuse it.
    """
    overrides, loaded = days if days is not None else calendar_days()
    if hours is None and contract is not None:
        hours = contract.working_hours
    return WorkCalendar(overrides=overrides, loaded_years=loaded, hours=hours)


def calendar_days() -> CalendarDays:
    """The project's own calendar: its override days and the years it has loaded (every contract's
    calendar shares them; only the working hours differ)."""
    overrides = {
        row.date: Override(row.is_workday, row.name)
        for row in CalendarOverride.objects.only("date", "is_workday", "name")
    }
    return overrides, list(CalendarYear.objects.values_list("year", flat=True))
