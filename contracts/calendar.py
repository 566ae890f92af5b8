"""The one calendar service of the project: a ``WorkCalendar`` built from the package and the
bureau admin's overrides. Every due date, SLA clock and attendance figure asks it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import CalendarOverride, CalendarYear
from .workdays import CalendarNotLoaded, Override, WorkCalendar, WorkingHours

if TYPE_CHECKING:
    from .models import Contract

__all__ = ["CalendarNotLoaded", "get_calendar"]


def get_calendar(contract: Contract | None = None, *, hours: WorkingHours | None = None) -> WorkCalendar:
    """A calendar with the contract's working hours (or the default 08:30–12:00, 13:30–17:30).

    Two small queries; build one per request or per job and reuse it.
    """
    overrides = {
        row.date: Override(row.is_workday, row.name)
        for row in CalendarOverride.objects.only("date", "is_workday", "name")
    }
    loaded = CalendarYear.objects.values_list("year", flat=True)
    if hours is None and contract is not None:
        hours = contract.working_hours
    return WorkCalendar(overrides=overrides, loaded_years=loaded, hours=hours)
