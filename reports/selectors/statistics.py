"""Statistics of a month or a year, the statistics page's years and the home page's weekly panel."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from common import clock
from contracts.models import Contract, Priority
from contracts.workdays import CalendarNotLoaded
from rosters import selectors as roster_selectors
from rosters.models import Position, WorkLog
from tickets.models import (
    Kind,
    Ticket,
    TimeEntry,
)
from tickets.support import required_by_figures, support_figures

from ..models import WeeklyReport
from ._common import _end_of, _hours, _labelled, _ratio
from .access import week_of

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

    sla_rows = _sla_rows(resolved)
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


def _sla_rows(resolved) -> list[dict]:
    """Per kind of request resolved in the period: how many, how many on time, and the responses."""
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
    rows = []
    for key, label in Kind.choices:
        row = resolved_stats.get(key)
        if not row:
            continue
        rows.append(
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
    return rows


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
    # this week's report and the one before it, in one query
    last_two = list(
        WeeklyReport.objects.filter(contract=contract, week_start__lte=week).order_by("-week_start")[:2]
    )
    report = last_two.pop(0) if last_two and last_two[0].week_start == week else None
    recent = last_two[0] if last_two else None
    return {"report": report, "week_start": week, "recent": recent}
