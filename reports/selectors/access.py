"""Which weekly reports a user may see, and the week a day falls in."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from contracts.models import Contract

from ..models import ReportStatus, WeeklyReport

# --- who sees which report ---------------------------------------------------------------------------------


def report_list(user, contract: Contract | None) -> QuerySet[WeeklyReport]:
    """The contract's reports, newest week first. Readers of drafts are those who may edit them (the PM);
    everyone else with the view permission sees published reports only."""
    qs = (
        WeeklyReport.objects.filter(contract=contract)
        .select_related("contract", "published_by")
        .defer("snapshot")  # the published copy (the biggest JSON of a row) is read on the report's page only
    )
    if not user.has_perm("reports.change_weeklyreport"):
        qs = qs.filter(status=ReportStatus.PUBLISHED)
    return qs.order_by("-week_start")


def report_for(user, pk: int) -> WeeklyReport:
    qs = WeeklyReport.objects.select_related("contract", "published_by", "drafted_by", "updated_by")
    if not user.has_perm("reports.change_weeklyreport"):
        qs = qs.filter(status=ReportStatus.PUBLISHED)
    return get_object_or_404(qs, pk=pk)


def week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())
