"""Statistics of a month or a year, the statistics page's years and the home page's weekly panel.

Stored figures (issue 14: the page took ~250 ms at 20,000 requests a year, nearly all SQL). The counts of
a period come from the requests filed in it, the requests resolved in it, the time entries and the work
logs dated in it (``_counts``: per kind, priority, system, department, month, person — ids and keys,
no names). For a period that has ended they are stored (``StoredStatistics``) with a version of their
inputs and served from there while the version still matches:

- requests filed in the period and requests resolved in it: count and newest ``updated_at`` of each
  (every write of a field read here sets ``Ticket.updated_at``; indexes ``ticket_filed_ver_idx`` and
  ``ticket_resolved_ver_idx`` answer from the index);
- time entries dated in the period, of any contract: count and last id (they are only ever added);
- the contract's work logs dated in the period: count and newest ``updated_at``.

A request resolved, reopened or re-prioritised, a time entry or a work log added or edited changes the
version, so the next view computes the counts again and replaces the stored row. The version is read
on every view (four index-only queries), the counts are never served stale. Figures are stored only
when the newest change is older than ``SETTLE`` (a change stamped before the newest one but committed
after the counts were read would otherwise leave the version unchanged) and the period is over: the
current month or year is computed live (it changes all day, its attendance counts up to yesterday).

Everything else is read live on every view, stored period or not: the names (system, department,
person: renames show at once; rows are ordered in Python the same way either way), the attendance (its
inputs — roster, check-ins, leave, key days, calendar — are many and cheap to read; "calendar not
loaded" stays 待定 until it is), the remote/on-site support sessions and the required-by figures (their
"open late" depends on the requests' current status, whatever their period).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from accounts.models import Department, User
from common import clock
from contracts.models import Contract, Priority, ServiceScope
from contracts.workdays import CalendarNotLoaded
from rosters import selectors as roster_selectors
from rosters.models import Position, WorkLog
from tickets.models import (
    Kind,
    Ticket,
    TimeEntry,
)
from tickets.support import required_by_figures, support_figures

from ..models import StoredStatistics, WeeklyReport
from ._common import _end_of, _hours, _labelled, _ratio
from .access import week_of

SETTLE = dt.timedelta(minutes=5)  # longer than any transaction writing a request

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
    counts = period_counts(contract, year=year, month=month)
    scopes = dict(
        ServiceScope.objects.filter(pk__in=[k for k, _n in counts["by_scope"]]).values_list("pk", "name")
    )
    departments = dict(
        Department.objects.filter(pk__in=[k for k, _n in counts["by_department"]]).values_list("pk", "name")
    )
    sla_rows = _sla_rows(counts["sla"])
    total_resolved = sum(r["resolved"] for r in sla_rows)
    total_on_time = sum(r["on_time"] for r in sla_rows)
    trend = counts["trend"]
    return {
        "year": year,
        "month": month,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "opened": counts["opened"],
        "resolved": total_resolved,
        "on_time": total_on_time,
        "on_time_ratio": _ratio(total_on_time, total_resolved),
        "by_kind": _labelled(counts["by_kind"], dict(Kind.choices)),
        "by_scope": _by_name(counts["by_scope"], scopes),
        "by_department": _by_name(counts["by_department"], departments),
        "by_priority": _labelled(counts["by_priority"], dict(Priority.choices)),
        "sla": sla_rows,
        "trend": trend
        and [
            {"month": m, "label": f"{m}月", "opened": opened, "resolved": resolved}
            for m, (opened, resolved) in enumerate(trend, start=1)
        ],
        "attendance": _period_attendance(contract, start, end),
        "workload": _workload(counts),
        "support": support_figures(contract, start, end),
        "required_by": required_by_figures(contract, start, end, as_of=min(clock.now(), _end_of(end))),
    }


def _by_name(pairs: list[list[int]], names: dict[int, str]) -> list[dict]:
    """``[{"label", "count"}]`` by name (rows of the same name added up), most first, then by name."""
    counts: dict[str, int] = defaultdict(int)
    for key, n in pairs:
        counts[names.get(key) or _("（未指定）")] += n
    return [
        {"label": label, "count": n} for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def period_counts(contract: Contract, *, year: int, month: int | None = None) -> dict:
    """The period's counts: stored ones while their version matches, else computed (and stored if the
    period is over and settled). See the module's docstring."""
    start, end = period_bounds(year, month)
    now = clock.now()
    if _end_of(end) > now:
        return _counts(contract, start, end, trend=not month)
    version, newest = _version(contract, start, end)
    stored = StoredStatistics.objects.filter(contract=contract, year=year, month=month or 0).first()
    if stored is not None and stored.version == version:
        return stored.counts
    counts = _counts(contract, start, end, trend=not month)
    if newest is None or newest < now - SETTLE:
        try:
            with transaction.atomic():
                StoredStatistics.objects.update_or_create(
                    contract=contract,
                    year=year,
                    month=month or 0,
                    defaults={"version": version, "counts": counts, "computed_at": now},
                )
        except IntegrityError:  # stored by another view at the same moment
            pass
    return counts


def _version(contract: Contract, start: dt.date, end: dt.date) -> tuple[str, dt.datetime | None]:
    """A hash of the period's inputs (counts, newest changes), and the newest change among them."""
    lo, hi = clock.aware(start), _end_of(end)
    filed = Ticket.objects.filter(contract=contract, created_at__gte=lo, created_at__lt=hi).aggregate(
        n=Count("*"), at=Max("updated_at")
    )
    resolved = Ticket.objects.filter(contract=contract, resolved_at__gte=lo, resolved_at__lt=hi).aggregate(
        n=Count("*"), at=Max("updated_at")
    )
    entries = TimeEntry.objects.filter(work_date__gte=start, work_date__lte=end).aggregate(
        n=Count("*"), last=Max("id")
    )
    logs = WorkLog.objects.filter(contract=contract, date__gte=start, date__lte=end).aggregate(
        n=Count("*"), at=Max("updated_at")
    )
    parts = [filed, resolved, entries, logs]
    text = json.dumps(parts, sort_keys=True, default=lambda v: v.isoformat() if v else None)
    changes = [p["at"] for p in (filed, resolved, logs) if p["at"] is not None]
    return hashlib.sha256(text.encode()).hexdigest(), max(changes, default=None)


def _counts(contract: Contract, start: dt.date, end: dt.date, *, trend: bool) -> dict:
    """The period's counts, JSON-ready (ids and keys, no names): two grouped queries over its requests
    (filed; resolved) and one over its time entries and work logs each."""
    lo, hi = clock.aware(start), _end_of(end)
    months = [[0, 0] for _m in range(12)]
    opened, by = _filed_counts(contract, lo, hi, months)
    sla, resolved_by = _resolved_counts(contract, lo, hi, months)
    minutes_by = _sum_by(
        TimeEntry.objects.filter(ticket__contract=contract, work_date__gte=start, work_date__lte=end),
        "engineer_id",
        "minutes",
    )
    hours_by = _sum_by(
        WorkLog.objects.filter(contract=contract, date__gte=start, date__lte=end), "person_id", "hours"
    )
    return {
        "opened": opened,
        "by_kind": dict(by["kind"]),
        "by_priority": dict(by["priority"]),
        "by_scope": sorted([k, n] for k, n in by["scope"].items()),
        "by_department": sorted([k, n] for k, n in by["department"].items()),
        "sla": sla,
        "trend": months if trend else None,
        "resolved_by": sorted([k, n] for k, n in resolved_by.items()),
        "minutes_by": sorted([k, m or 0] for k, m in minutes_by.items()),
        "log_hours_by": sorted([k, _hours(h)] for k, h in hours_by.items()),
    }


def _sum_by(rows, key: str, field: str) -> dict:
    """``{key: sum of field}`` over ``rows``, one grouped query."""
    return dict(rows.values(key).annotate(total=Sum(field)).order_by().values_list(key, "total"))


def _filed_counts(
    contract: Contract, lo: dt.datetime, hi: dt.datetime, months: list[list[int]]
) -> tuple[int, dict[str, dict]]:
    """Requests filed in [lo, hi): the total and the counts by kind, priority, scope and department (one
    grouped query); each month's count is added to ``months[m][0]``."""
    tz = clock.local(clock.now()).tzinfo
    filed = (
        Ticket.objects.filter(contract=contract, created_at__gte=lo, created_at__lt=hi)
        .annotate(m=ExtractMonth("created_at", tzinfo=tz))
        .values("kind", "priority", "scope_id", "department_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    by: dict[str, dict] = {key: defaultdict(int) for key in ("kind", "priority", "scope", "department")}
    opened = 0
    for row in filed:
        opened += row["n"]
        for key, field in (("kind", "kind"), ("priority", "priority"), ("scope", "scope_id")):
            by[key][row[field]] += row["n"]
        by["department"][row["department_id"]] += row["n"]
        months[row["m"] - 1][0] += row["n"]
    return opened, by


def _resolved_counts(
    contract: Contract, lo: dt.datetime, hi: dt.datetime, months: list[list[int]]
) -> tuple[dict[str, list[int]], dict[int, int]]:
    """Requests resolved in [lo, hi): per kind [resolved, on time, responded, responded on time] and per
    assignee how many (one grouped query); each month's count is added to ``months[m][1]``."""
    tz = clock.local(clock.now()).tzinfo
    resolved = (
        Ticket.objects.filter(contract=contract, resolved_at__gte=lo, resolved_at__lt=hi)
        .annotate(m=ExtractMonth("resolved_at", tzinfo=tz))
        .values("kind", "assignee_id", "m")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(resolve_due_at__isnull=False, resolved_at__lte=F("resolve_due_at"))),
            responded=Count("id", filter=Q(first_response_at__isnull=False)),
            responded_on_time=Count(
                "id", filter=Q(respond_due_at__isnull=False, first_response_at__lte=F("respond_due_at"))
            ),
        )
        .order_by()
    )
    sla: dict[str, list[int]] = {}
    resolved_by: dict[int, int] = defaultdict(int)
    for row in resolved:
        totals = sla.setdefault(row["kind"], [0, 0, 0, 0])
        for i, field in enumerate(("n", "on_time", "responded", "responded_on_time")):
            totals[i] += row[field]
        if row["assignee_id"] is not None:
            resolved_by[row["assignee_id"]] += row["n"]
        months[row["m"] - 1][1] += row["n"]
    return sla, resolved_by


def _sla_rows(sla: dict[str, list[int]]) -> list[dict]:
    """Per kind of request resolved in the period: how many, how many on time, and the responses."""
    rows = []
    for key, label in Kind.choices:
        if key not in sla:
            continue
        n, on_time, responded, responded_on_time = sla[key]
        rows.append(
            {
                "key": key,
                "label": str(label),
                "resolved": n,
                "on_time": on_time,
                "ratio": _ratio(on_time, n),
                "responded": responded,
                "responded_on_time": responded_on_time,
                "response_ratio": _ratio(responded_on_time, responded),
            }
        )
    return rows


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


def _workload(counts: dict) -> list[dict]:
    """Per vendor person: requests resolved (as assignee), time recorded on requests, work-log hours."""
    ids = {k for key in ("resolved_by", "minutes_by", "log_hours_by") for k, _v in counts[key]}
    names = {
        pk: full_name or username
        for pk, username, full_name in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "full_name"
        )
    }
    rows: dict[str, dict] = defaultdict(
        lambda: {"resolved": 0, "ticket_hours": Decimal("0"), "log_hours": Decimal("0")}
    )
    for pk, n in counts["resolved_by"]:
        rows[names[pk]]["resolved"] = n
    for pk, m in counts["minutes_by"]:
        rows[names[pk]]["ticket_hours"] = (Decimal(m) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    for pk, h in counts["log_hours_by"]:
        rows[names[pk]]["log_hours"] = Decimal(h)
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
