"""Helpers shared by the rosters selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from common import clock

ONE_DAY = dt.timedelta(days=1)
TEAM_PERM = "rosters.view_team_attendance"


def _days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    current = start
    while current <= end:
        yield current
        current += ONE_DAY


def default_through(end: dt.date) -> dt.date:
    """The last day that counts: yesterday (today is not over), or ``end`` when it is earlier."""
    return min(end, clock.today() - ONE_DAY)
