"""Reads of the reports app: the weekly report's figures, statistics of a month or a year, and the
reports a user may see.

The figures are plain JSON-ready dicts (labels already rendered): a draft stores them on the report
and publishing freezes them, so nothing here is read again for a published report.

Modules: ``access`` (who sees which report), ``weekly`` (the weekly report's figures), ``statistics``
(a month or a year, and the home page's weekly panel), ``_common`` (helpers both use). Import from
``reports.selectors``.
"""

from ._common import LIST_LIMIT
from .access import report_for, report_list, week_of
from .statistics import home_weekly, period_bounds, statistics, statistics_years
from .weekly import weekly_figures

__all__ = [
    "LIST_LIMIT",
    "home_weekly",
    "period_bounds",
    "report_for",
    "report_list",
    "statistics",
    "statistics_years",
    "week_of",
    "weekly_figures",
]
