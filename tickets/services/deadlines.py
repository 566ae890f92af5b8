"""SLA clocks: a request's deadlines from its confirmation, pauses, and deadlines left 待定."""

from __future__ import annotations

import datetime as dt

from common import clock
from common.audit import log_action
from contracts.calendar import get_calendar
from contracts.models import Contract, SlaTarget
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from .. import rules, targets
from ..models import (
    Ticket,
)


def sla_target(contract: Contract, priority: str) -> SlaTarget:
    return SlaTarget.objects.get(contract=contract, priority=priority)


def compute_deadlines(ticket: Ticket, *, calendar: WorkCalendar | None = None) -> None:
    """Set the request's deadlines from its confirmation (not saved); 待定 if the year is not loaded."""
    if ticket.confirmed_at is None:
        return
    contract = ticket.contract
    calendar = calendar or get_calendar(contract)
    per_day = contract.working_hours.minutes_per_day
    target = sla_target(contract, ticket.priority)
    try:
        due = rules.deadlines(
            calendar,
            start=ticket.confirmed_at,
            respond_minutes=target.respond_minutes(per_day),
            resolve_minutes=targets.resolve_minutes(contract, ticket.kind, target, per_day),
            paused_minutes=ticket.paused_minutes,
            warning_percent=contract.sla_warning_percent,
        )
    except CalendarNotLoaded as exc:
        ticket.respond_due_at = ticket.resolve_due_at = ticket.resolve_warn_at = None
        ticket.due_pending_year = exc.year
        return
    ticket.respond_due_at = due.respond_due_at
    ticket.resolve_due_at = due.resolve_due_at
    ticket.resolve_warn_at = due.resolve_warn_at
    ticket.due_pending_year = None


def _pause_minutes(ticket: Ticket, since: dt.datetime | None, calendar: WorkCalendar | None) -> int:
    if since is None:
        return 0
    calendar = calendar or get_calendar(ticket.contract)
    try:
        return rules.pause_extension(
            calendar, paused_since=since, until=clock.now(), due_at=ticket.resolve_due_at
        )
    except CalendarNotLoaded:
        return 0


def recompute_pending_deadlines() -> int:
    """Deadlines that were 待定 because a calendar year was missing: compute those that now can be."""
    updated = 0
    calendars: dict[int, WorkCalendar] = {}
    for ticket in Ticket.objects.filter(due_pending_year__isnull=False).select_related("contract"):
        calendar = calendars.get(ticket.contract_id) or get_calendar(ticket.contract)
        calendars[ticket.contract_id] = calendar
        compute_deadlines(ticket, calendar=calendar)
        if ticket.due_pending_year is None:
            ticket.updated_at = clock.now()  # the statistics' version sees the new deadlines
            ticket.save(
                update_fields=[
                    "respond_due_at",
                    "resolve_due_at",
                    "resolve_warn_at",
                    "due_pending_year",
                    "updated_at",
                ]
            )
            log_action(
                "ticket.deadlines",
                obj=ticket,
                changes={"respond_due_at": ticket.respond_due_at, "resolve_due_at": ticket.resolve_due_at},
            )
            updated += 1
    return updated
