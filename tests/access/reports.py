"""Who may call the weekly report and statistics URLs. The PM drafts, edits and publishes; the bureau
admin reads reports and statistics; engineers read published reports (they attend the weekly meeting).
Reports are the contract's, not a department's: no department role may open them."""

import datetime as dt

from accounts.roles import Role

from . import Rule

READERS = frozenset({Role.PM, Role.BUREAU_ADMIN, Role.ENGINEER})
PM = frozenset({Role.PM})
STATS = frozenset({Role.PM, Role.BUREAU_ADMIN})


def _report(w, *, published: bool = False):
    from reports.models import ReportStatus, WeeklyReport

    report, _created = WeeklyReport.objects.get_or_create(
        contract=w.contract,
        week_start=dt.date(2023, 3, 6),
        defaults={
            "status": ReportStatus.PUBLISHED if published else ReportStatus.DRAFT,
            "summary": "本周小结",
            "next_week_plan": "下周计划",
        },
    )
    if published and not report.is_published:
        report.status = ReportStatus.PUBLISHED
        report.save(update_fields=["status"])
    return {"pk": report.pk}


RULES = {
    "reports:weekly_list": Rule(READERS),
    "reports:weekly_draft": Rule(PM, methods=("POST",), data=lambda w: {"day": "2023-03-06"}),
    "reports:weekly_detail": Rule(READERS, kwargs=lambda w: _report(w, published=True)),
    "reports:weekly_edit": Rule(PM, methods=("GET", "POST"), kwargs=_report),
    "reports:weekly_refresh": Rule(PM, methods=("POST",), kwargs=_report),
    "reports:weekly_publish": Rule(PM, methods=("POST",), kwargs=_report),
    "reports:weekly_pdf": Rule(READERS, kwargs=lambda w: _report(w, published=True)),
    "reports:statistics": Rule(STATS),
    "reports:statistics_export": Rule(STATS),
}
