"""The weekly report's figures: requests, sign-offs, upgrades, attendance, work logs and the meeting."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q, QuerySet, Sum, Window
from django.utils.translation import gettext as _

from common import clock
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar
from rosters import selectors as roster_selectors
from rosters.models import Position, WorkLog
from tickets.models import (
    OPEN_STATUSES,
    Kind,
    SignOff,
    SignOffStatus,
    Ticket,
    UpgradeStep,
)
from tickets.rules import format_minutes
from tickets.support import required_by_figures, support_figures

from ._common import LIST_LIMIT, _as_of, _durations, _fmt, _hours, _ratio

# --- the weekly report's figures ----------------------------------------------------------------------------


def weekly_figures(contract: Contract, week_start: dt.date, *, calendar: WorkCalendar | None = None) -> dict:
    """Everything the weekly report shows about one ISO week, from the portal's own data."""
    calendar = calendar or get_calendar(contract)
    start, end = week_start, week_start + dt.timedelta(days=6)
    as_of = _as_of(end)
    tickets = Ticket.objects.filter(contract=contract)
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
    return {
        "as_of": _fmt(as_of),
        "requests": _request_figures(tickets, start, as_of, resolved),
        "times": _time_figures(calendar, responded, resolved),
        "signoffs": _signoff_figures(contract, start, end, as_of),
        "upgrades": _upgrade_figures(contract, start, as_of),
        "attendance": _attendance_figures(contract, start, end, calendar),
        "worklogs": _worklog_figures(contract, start, end, calendar),
        "meeting": _meeting_figures(contract, start),
        # issue 18: remote/on-site support (一.5(1)) and the bureau's required-by dates (一.5(5))
        "support": support_figures(contract, start, end),
        "required_by": required_by_figures(contract, start, end, as_of=as_of),
    }


def _request_figures(tickets, start: dt.date, as_of: dt.datetime, resolved: list) -> dict:
    """Requests filed and resolved in the week, by kind and system; those overdue at its end."""
    opened = tickets.filter(created_at__gte=clock.aware(start), created_at__lt=as_of)
    # The first overdue ones, each carrying how many there are: one read of the week's deadlines, not
    # a count and then the list (issue 14: each walked ~10,000 later resolutions of a past week).
    overdue = list(overdue_at(tickets, as_of).annotate(total=Window(Count("pk")))[:LIST_LIMIT])
    by_kind_opened = Counter(opened.values_list("kind", flat=True))
    by_kind_resolved = Counter(t.kind for t in resolved)
    by_scope = list(opened.values("scope__name").annotate(n=Count("id")).order_by("-n", "scope__name"))
    resolved_on_time = sum(1 for t in resolved if t.resolve_due_at and t.resolved_at <= t.resolve_due_at)
    return {
        "opened": sum(by_kind_opened.values()),
        "resolved": len(resolved),
        "resolved_on_time": resolved_on_time,
        "resolved_on_time_ratio": _ratio(resolved_on_time, len(resolved)),
        "overdue": overdue[0].total if overdue else 0,
        "open_at_end": tickets.filter(status__in=OPEN_STATUSES, created_at__lt=as_of).count(),
        "by_kind": [
            {
                "key": key,
                "label": str(label),
                "opened": by_kind_opened.get(key, 0),
                "resolved": by_kind_resolved.get(key, 0),
            }
            for key, label in Kind.choices
            if by_kind_opened.get(key) or by_kind_resolved.get(key)
        ],
        "by_scope": [{"label": row["scope__name"] or _("（未指定）"), "count": row["n"]} for row in by_scope],
        "overdue_list": [
            {
                "number": t.number,
                "title": t.title,
                "department": t.department.name if t.department_id else "",
                "assignee": t.assignee.display_name if t.assignee else _("未分派"),
                "due": _fmt(t.resolve_due_at),
                "status": t.get_status_display(),
            }
            for t in overdue
        ],
    }


def overdue_at(tickets: QuerySet[Ticket], as_of: dt.datetime) -> QuerySet[Ticket]:
    """Requests past their deadline at ``as_of`` (open then, or resolved later), soonest due first
    (index ``ticket_contract_due_idx``)."""
    return (
        tickets.filter(
            Q(status__in=OPEN_STATUSES, resolve_due_at__lt=as_of)
            | Q(resolved_at__gte=as_of, resolve_due_at__lt=as_of)
        )
        .filter(created_at__lt=as_of)
        .select_related("assignee", "department")
        .order_by("resolve_due_at")
    )


def _time_figures(calendar: WorkCalendar, responded: list, resolved: list) -> dict:
    """Average response and resolution times in working time, and how many were on time."""
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
    return {
        "response_avg": format_minutes(response_avg) if response_avg is not None else "—",
        "response_avg_minutes": response_avg,
        "response_cases": response_cases,
        "responded_on_time": responded_on_time,
        "response_on_time_ratio": _ratio(responded_on_time, len(responded)),
        "resolution_avg": format_minutes(resolution_avg) if resolution_avg is not None else "—",
        "resolution_avg_minutes": resolution_avg,
        "resolution_cases": resolution_cases,
        "pending": durations_pending,
    }


def _signoff_figures(contract, start, end, as_of) -> dict:
    signoffs = SignOff.objects.filter(contract=contract).exclude(status=SignOffStatus.VOID)
    outstanding = Q(issued_at__lt=as_of) & (Q(signed_at__isnull=True) | Q(signed_at__gte=as_of))
    late = outstanding & Q(due_on__lt=clock.local(as_of).date())
    signed = Q(signed_at__gte=clock.aware(start), signed_at__lt=as_of)
    # One pass over the forms for the five counts (five COUNT queries took 28 ms at 200k, issue 14).
    figures = signoffs.aggregate(
        issued=Count("pk", filter=Q(issued_at__gte=clock.aware(start), issued_at__lt=as_of)),
        signed=Count("pk", filter=signed),
        signed_late=Count("pk", filter=signed & Q(late=True)),
        outstanding=Count("pk", filter=outstanding),
        outstanding_late=Count("pk", filter=late),
    )
    return {
        **figures,
        "late_list": [
            {"department": s.department.name, "due_on": s.due_on.isoformat() if s.due_on else "", "id": s.pk}
            for s in signoffs.filter(late).select_related("department").order_by("due_on")[:LIST_LIMIT]
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
    through = roster_selectors.default_through(end)  # today is not over: up to yesterday, as every page
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
                "owner": a.owner.display_name if a.owner else "",
                "due_on": a.due_on.isoformat() if a.due_on else "",
                "done": a.done,
            }
            for a in meeting.action_items.all()
        ],
    }
