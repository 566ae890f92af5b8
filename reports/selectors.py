"""Reads of the reports app: the weekly report's figures, statistics of a month or a year, and the
reports a user may see.

The figures are plain JSON-ready dicts (labels already rendered): a draft stores them on the report
and publishing freezes them, so nothing here is read again for a published report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from common import clock, figures
from contracts.calendar import get_calendar
from contracts.models import Contract, Priority
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from rosters import selectors as roster_selectors
from rosters.models import Position, WorkLog
from tickets.models import (
    OPEN_STATUSES,
    Kind,
    SignOff,
    SignOffStatus,
    Ticket,
    TimeEntry,
    UpgradeStep,
)
from tickets.rules import format_minutes
from tickets.support import required_by_figures, support_figures

from .models import ReportStatus, WeeklyReport

LIST_LIMIT = 30  # rows of a list inside the report (overdue requests, upgrades); the count says the rest


# --- who sees which report ---------------------------------------------------------------------------------


def report_list(user, contract: Contract | None) -> QuerySet[WeeklyReport]:
    """The contract's reports, newest week first. Readers of drafts are those who may edit them (the PM);
    everyone else with the view permission sees published reports only."""
    qs = WeeklyReport.objects.filter(contract=contract).select_related("contract", "published_by")
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


# --- the weekly report's figures ----------------------------------------------------------------------------


def weekly_figures(contract: Contract, week_start: dt.date, *, calendar: WorkCalendar | None = None) -> dict:
    """Everything the weekly report shows about one ISO week, from the portal's own data."""
    calendar = calendar or get_calendar(contract)
    start, end = week_start, week_start + dt.timedelta(days=6)
    as_of = _as_of(end)
    tickets = Ticket.objects.filter(contract=contract)
    kinds = dict(Kind.choices)

    opened = tickets.filter(created_at__gte=clock.aware(start), created_at__lt=as_of)
    resolved = list(
        tickets.filter(resolved_at__gte=clock.aware(start), resolved_at__lt=as_of).only(
            "id", "kind", "confirmed_at", "resolved_at", "resolve_due_at", "paused_minutes", "created_at"
        )
    )
    responded = list(
        tickets.filter(first_response_at__gte=clock.aware(start), first_response_at__lt=as_of).only(
            "id", "confirmed_at", "first_response_at", "respond_due_at"
        )
    )
    overdue = (
        tickets.filter(
            Q(status__in=OPEN_STATUSES, resolve_due_at__lt=as_of)
            | Q(resolved_at__gte=as_of, resolve_due_at__lt=as_of)
        )
        .filter(created_at__lt=as_of)
        .select_related("assignee", "department")
        .order_by("resolve_due_at")
    )
    overdue_count = overdue.count()

    by_kind_opened = Counter(opened.values_list("kind", flat=True))
    by_kind_resolved = Counter(t.kind for t in resolved)
    by_scope = list(opened.values("scope__name").annotate(n=Count("id")).order_by("-n", "scope__name"))
    resolved_on_time = sum(1 for t in resolved if t.resolve_due_at and t.resolved_at <= t.resolve_due_at)
    responded_on_time = sum(
        1 for t in responded if t.respond_due_at and t.first_response_at <= t.respond_due_at
    )
    try:
        response_avg, response_cases = _durations(calendar, responded, "first_response_at")
        resolution_avg, resolution_cases = _durations(calendar, resolved, "resolved_at")
        durations_pending = ""
    except CalendarNotLoaded as exc:
        response_avg = resolution_avg = None
        response_cases, resolution_cases = len(responded), len(resolved)
        durations_pending = _("%(year)s 年工作日历未加载，处理时长待定") % {"year": exc.year}

    figures = {
        "as_of": _fmt(as_of),
        "requests": {
            "opened": opened.count(),
            "resolved": len(resolved),
            "resolved_on_time": resolved_on_time,
            "resolved_on_time_ratio": _ratio(resolved_on_time, len(resolved)),
            "overdue": overdue_count,
            "open_at_end": tickets.filter(status__in=OPEN_STATUSES, created_at__lt=as_of).count(),
            "by_kind": [
                {
                    "key": key,
                    "label": str(label),
                    "opened": by_kind_opened.get(key, 0),
                    "resolved": by_kind_resolved.get(key, 0),
                }
                for key, label in kinds.items()
                if by_kind_opened.get(key) or by_kind_resolved.get(key)
            ],
            "by_scope": [
                {"label": row["scope__name"] or _("（未指定）"), "count": row["n"]} for row in by_scope
            ],
            "overdue_list": [
                {
                    "number": t.number,
                    "title": t.title,
                    "department": t.department.name if t.department_id else "",
                    "assignee": t.assignee.display_name if t.assignee_id else _("未分派"),
                    "due": _fmt(t.resolve_due_at),
                    "status": t.get_status_display(),
                }
                for t in overdue[:LIST_LIMIT]
            ],
        },
        "times": {
            "response_avg": format_minutes(response_avg) if response_avg is not None else "—",
            "response_avg_minutes": response_avg,
            "response_cases": response_cases,
            "responded_on_time": responded_on_time,
            "response_on_time_ratio": _ratio(responded_on_time, len(responded)),
            "resolution_avg": format_minutes(resolution_avg) if resolution_avg is not None else "—",
            "resolution_avg_minutes": resolution_avg,
            "resolution_cases": resolution_cases,
            "pending": durations_pending,
        },
        "signoffs": _signoff_figures(contract, start, end, as_of),
        "upgrades": _upgrade_figures(contract, start, as_of),
        "attendance": _attendance_figures(contract, start, end, calendar),
        "worklogs": _worklog_figures(contract, start, end, calendar),
        "meeting": _meeting_figures(contract, start),
        # issue 18: remote/on-site support (一.5(1)) and the bureau's required-by dates (一.5(5))
        "support": support_figures(contract, start, end),
        "required_by": required_by_figures(contract, start, end, as_of=as_of),
    }
    return figures


def _signoff_figures(contract, start, end, as_of) -> dict:
    signoffs = SignOff.objects.filter(contract=contract).exclude(status=SignOffStatus.VOID)
    outstanding = signoffs.filter(issued_at__lt=as_of).filter(
        Q(signed_at__isnull=True) | Q(signed_at__gte=as_of)
    )
    late = outstanding.filter(due_on__lt=clock.local(as_of).date())
    signed = signoffs.filter(signed_at__gte=clock.aware(start), signed_at__lt=as_of)
    return {
        "issued": signoffs.filter(issued_at__gte=clock.aware(start), issued_at__lt=as_of).count(),
        "signed": signed.count(),
        "signed_late": signed.filter(late=True).count(),
        "outstanding": outstanding.count(),
        "outstanding_late": late.count(),
        "late_list": [
            {"department": s.department.name, "due_on": s.due_on.isoformat() if s.due_on else "", "id": s.pk}
            for s in late.select_related("department").order_by("due_on")[:LIST_LIMIT]
        ],
    }


def _upgrade_figures(contract, start, as_of) -> list[dict]:
    steps = (
        UpgradeStep.objects.filter(
            ticket__contract=contract, recorded_at__gte=clock.aware(start), recorded_at__lt=as_of
        )
        .select_related("ticket", "recorded_by")
        .order_by("recorded_at")
    )
    return [
        {
            "number": s.ticket.number,
            "title": s.ticket.title,
            "target": s.ticket.get_upgrade_target_display(),
            "stage": s.get_stage_display(),
            "at": _fmt(s.window_start or s.recorded_at),
            "emergency": s.emergency,
        }
        for s in steps[:LIST_LIMIT]
    ]


def _attendance_figures(contract, start, end, calendar) -> dict:
    through = min(end, clock.today())
    if through < start or end < contract.start_on or start > contract.end_on:
        return {"counted": False, "people": [], "ratio": None, "attended": 0, "scheduled": 0, "pending": ""}
    try:
        report = roster_selectors.attendance_report(
            contract,
            start=start,
            end=end,
            through=through,
            calendar=calendar,
            positions=roster_selectors.RATE_POSITIONS,
        )
    except CalendarNotLoaded as exc:
        return {
            "counted": False,
            "people": [],
            "ratio": None,
            "attended": 0,
            "scheduled": 0,
            "pending": _("%(year)s 年工作日历未加载，出勤率待定") % {"year": exc.year},
        }
    people = []
    for row in report.person_rows:
        rate = row["rate"]
        people.append(
            {
                "name": row["person"].display_name,
                "position": str(dict(Position.choices).get(row["position"], row["position"])),
                "attended": rate.attended,
                "scheduled": rate.scheduled,
                "ratio": _ratio(rate.attended, rate.scheduled),
            }
        )
    overall = report.overall
    return {
        "counted": True,
        "through": report.through.isoformat() if report.through else "",
        "people": people,
        "attended": overall.attended,
        "scheduled": overall.scheduled,
        "ratio": _ratio(overall.attended, overall.scheduled),
        "pending": "",
    }


def _worklog_figures(contract, start, end, calendar) -> dict:
    logs = WorkLog.objects.filter(contract=contract, date__gte=start, date__lte=end)
    per_person = (
        logs.values("person__full_name", "person__username")
        .annotate(n=Count("id"), hours=Sum("hours"))
        .order_by("person__username")
    )
    try:
        missing = roster_selectors.missing_logs(contract, start=start, end=end, calendar=calendar)
        pending = ""
    except CalendarNotLoaded as exc:
        missing, pending = [], _("%(year)s 年工作日历未加载") % {"year": exc.year}
    return {
        "count": logs.count(),
        "hours": _hours(logs.aggregate(h=Sum("hours"))["h"]),
        "people": [
            {
                "name": row["person__full_name"] or row["person__username"],
                "logs": row["n"],
                "hours": _hours(row["hours"]),
            }
            for row in per_person
        ],
        "missing": [
            {"name": m.person.display_name, "date": m.date.isoformat()}
            for m in sorted(missing, key=lambda m: (m.date, m.person.username))
        ],
        "pending": pending,
    }


def _meeting_figures(contract, week_start) -> dict | None:
    meeting = roster_selectors.meeting_for_week(contract, week_start)
    if meeting is None:
        return None
    return {
        "id": meeting.pk,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "attendees": "、".join(
            [u.display_name for u in meeting.attendees.all()]
            + ([meeting.other_attendees] if meeting.other_attendees else [])
        ),
        "summary": meeting.summary,
        "decisions": meeting.decisions,
        "actions": [
            {
                "description": a.description,
                "owner": a.owner.display_name if a.owner_id else "",
                "due_on": a.due_on.isoformat() if a.due_on else "",
                "done": a.done,
            }
            for a in meeting.action_items.all()
        ],
    }


# --- statistics of a month or a year ------------------------------------------------------------------------


def period_bounds(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    if month:
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def statistics(contract: Contract, *, year: int, month: int | None = None) -> dict:
    """Requests by kind, scope, department and priority; SLA attainment by kind; attendance; workload
    per engineer, for one month or one year of the contract (days outside the contract count nothing)."""
    start, end = period_bounds(year, month)
    tickets = Ticket.objects.filter(
        contract=contract, created_at__gte=clock.aware(start), created_at__lt=_end_of(end)
    )
    resolved = Ticket.objects.filter(
        contract=contract, resolved_at__gte=clock.aware(start), resolved_at__lt=_end_of(end)
    )

    def grouped(field: str) -> dict:
        return {row[field]: row["n"] for row in tickets.values(field).annotate(n=Count("id"))}

    by_kind = _labelled(grouped("kind"), dict(Kind.choices))
    by_priority = _labelled(grouped("priority"), dict(Priority.choices))
    by_scope = [
        {"label": row["scope__name"] or _("（未指定）"), "count": row["n"]}
        for row in tickets.values("scope__name").annotate(n=Count("id")).order_by("-n", "scope__name")
    ]
    by_department = [
        {"label": row["department__name"] or _("（未指定）"), "count": row["n"]}
        for row in tickets.values("department__name")
        .annotate(n=Count("id"))
        .order_by("-n", "department__name")
    ]

    sla_rows = []
    resolved_stats = {
        row["kind"]: row
        for row in resolved.values("kind").annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(resolve_due_at__isnull=False, resolved_at__lte=F("resolve_due_at"))),
            responded=Count("id", filter=Q(first_response_at__isnull=False)),
            responded_on_time=Count(
                "id", filter=Q(respond_due_at__isnull=False, first_response_at__lte=F("respond_due_at"))
            ),
        )
    }
    for key, label in Kind.choices:
        row = resolved_stats.get(key)
        if not row:
            continue
        sla_rows.append(
            {
                "key": key,
                "label": str(label),
                "resolved": row["n"],
                "on_time": row["on_time"],
                "ratio": _ratio(row["on_time"], row["n"]),
                "responded": row["responded"],
                "responded_on_time": row["responded_on_time"],
                "response_ratio": _ratio(row["responded_on_time"], row["responded"]),
            }
        )
    total_resolved = sum(r["resolved"] for r in sla_rows)
    total_on_time = sum(r["on_time"] for r in sla_rows)

    trend = _monthly_trend(contract, year) if not month else None
    return {
        "year": year,
        "month": month,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "opened": tickets.count(),
        "resolved": total_resolved,
        "on_time": total_on_time,
        "on_time_ratio": _ratio(total_on_time, total_resolved),
        "by_kind": by_kind,
        "by_scope": by_scope,
        "by_department": by_department,
        "by_priority": by_priority,
        "sla": sla_rows,
        "trend": trend,
        "attendance": _period_attendance(contract, start, end),
        "workload": _workload(contract, start, end),
        "support": support_figures(contract, start, end),
        "required_by": required_by_figures(contract, start, end, as_of=min(clock.now(), _end_of(end))),
    }


def _monthly_trend(contract, year: int) -> list[dict]:
    from django.db.models.functions import ExtractMonth

    tz = clock.local(clock.now()).tzinfo
    base = Ticket.objects.filter(contract=contract)
    opened = dict(
        base.filter(created_at__year=year)
        .annotate(m=ExtractMonth("created_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    resolved = dict(
        base.filter(resolved_at__year=year)
        .annotate(m=ExtractMonth("resolved_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    return [
        {"month": m, "label": f"{m}月", "opened": opened.get(m, 0), "resolved": resolved.get(m, 0)}
        for m in range(1, 13)
    ]


def _period_attendance(contract, start, end) -> dict:
    start, end = max(start, contract.start_on), min(end, contract.end_on)
    if start > end or start > clock.today() - dt.timedelta(days=1):
        return {"counted": False, "pending": "", "ratio": None, "people": [], "months": []}
    try:
        report = roster_selectors.attendance_report(
            contract, start=start, end=end, positions=roster_selectors.RATE_POSITIONS
        )
    except CalendarNotLoaded as exc:
        return {
            "counted": False,
            "pending": _("%(year)s 年工作日历未加载，出勤率待定") % {"year": exc.year},
            "ratio": None,
            "people": [],
            "months": [],
        }
    months = [
        {"label": f"{y}-{m:02d}", "ratio": _ratio(rate.attended, rate.scheduled)}
        for (y, m), rate in zip(report.months, report.month_totals, strict=True)
    ]
    return {
        "counted": True,
        "pending": "",
        "ratio": _ratio(report.overall.attended, report.overall.scheduled),
        "attended": report.overall.attended,
        "scheduled": report.overall.scheduled,
        "people": [
            {
                "name": row["person"].display_name,
                "position": str(dict(Position.choices).get(row["position"], row["position"])),
                "attended": row["rate"].attended,
                "scheduled": row["rate"].scheduled,
                "ratio": _ratio(row["rate"].attended, row["rate"].scheduled),
            }
            for row in report.person_rows
        ],
        "months": months,
    }


def _workload(contract, start, end) -> list[dict]:
    """Per vendor person: requests resolved (as assignee), time recorded on requests, work-log hours."""
    rows: dict[str, dict] = defaultdict(
        lambda: {"resolved": 0, "ticket_hours": Decimal("0"), "log_hours": Decimal("0")}
    )
    for row in (
        Ticket.objects.filter(
            contract=contract,
            assignee__isnull=False,
            resolved_at__gte=clock.aware(start),
            resolved_at__lt=_end_of(end),
        )
        .values("assignee__username", "assignee__full_name")
        .annotate(n=Count("id"))
    ):
        rows[row["assignee__full_name"] or row["assignee__username"]]["resolved"] = row["n"]
    for row in (
        TimeEntry.objects.filter(ticket__contract=contract, work_date__gte=start, work_date__lte=end)
        .values("engineer__username", "engineer__full_name")
        .annotate(m=Sum("minutes"))
    ):
        rows[row["engineer__full_name"] or row["engineer__username"]]["ticket_hours"] = (
            Decimal(row["m"] or 0) / 60
        ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    for row in (
        WorkLog.objects.filter(contract=contract, date__gte=start, date__lte=end)
        .values("person__username", "person__full_name")
        .annotate(h=Sum("hours"))
    ):
        rows[row["person__full_name"] or row["person__username"]]["log_hours"] = row["h"] or Decimal("0")
    return [
        {
            "name": name,
            "resolved": data["resolved"],
            "ticket_hours": _hours(data["ticket_hours"]),
            "log_hours": _hours(data["log_hours"]),
        }
        for name, data in sorted(rows.items())
    ]


def statistics_years(contract: Contract) -> list[int]:
    return list(range(contract.start_on.year, contract.end_on.year + 1))


def home_weekly(request, contract) -> dict | None:
    """The PM's panel: this week's report (drafted or not, published or not)."""
    if contract is None:
        return None
    week = week_of(clock.today())
    if week + dt.timedelta(days=6) < contract.start_on or week > contract.end_on:
        return None
    report = WeeklyReport.objects.filter(contract=contract, week_start=week).first()
    recent = (
        WeeklyReport.objects.filter(contract=contract, week_start__lt=week).order_by("-week_start").first()
    )
    return {"report": report, "week_start": week, "recent": recent}
