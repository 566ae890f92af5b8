"""Deadlines that were 待定 because their year's calendar was missing, filled the moment the bureau admin
loads that year (hook ``calendar.loaded`` of ``contracts.services.calendar_load_year``, same transaction;
issue 11). The hourly ``tickets.pending_deadlines`` job still runs the same code as a safety net.

- requests: response and resolution deadlines (``services.recompute_pending_deadlines``);
- remote / on-site support sessions: the response deadline (``support.recompute_pending_support``);
- sign-off forms: the due date (same day or next working day after the last resolution). A pending form
  then shows its date, is flagged late and reminded by ``tickets.signoff_overdue``; a form signed while
  its date was 待定 gets the date and its late flag as it was on the day it was signed.
"""

from __future__ import annotations

from common import clock
from common.audit import log_action
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from . import services, support
from .models import SignOff, SignOffStatus, Ticket


def fill_signoff_due(signoff: SignOff, calendar: WorkCalendar, *, actor=None) -> bool:
    """Compute a sign-off form's pending due date if its year is now known; returns True if filled."""
    resolved = [t.resolved_at for t in Ticket.objects.filter(signoff=signoff) if t.resolved_at]
    if not resolved:
        return False
    day = clock.local(max(resolved)).date()
    try:
        due_on = calendar.signoff_due(day, signoff.contract.signoff_due_workdays)
    except CalendarNotLoaded as exc:
        if exc.year != signoff.due_pending_year:
            SignOff.objects.filter(pk=signoff.pk).update(due_pending_year=exc.year)
        return False
    late = signoff.late
    if signoff.status == SignOffStatus.SIGNED and signoff.signed_at is not None:
        late = clock.local(signoff.signed_at).date() > due_on
    snapshot = {**signoff.snapshot, "due_on": due_on.isoformat()}
    if signoff.status == SignOffStatus.SIGNED:
        snapshot["late"] = late
    claimed = SignOff.objects.filter(pk=signoff.pk, due_on__isnull=True).update(
        due_on=due_on, due_pending_year=None, late=late, snapshot=snapshot
    )
    if claimed != 1:
        return False
    log_action(
        "signoff.due",
        actor=actor,
        obj=signoff,
        changes={"due_on": due_on, "calendar_loaded": signoff.due_pending_year, "late": late},
    )
    signoff.due_on, signoff.due_pending_year, signoff.late, signoff.snapshot = due_on, None, late, snapshot
    return True


def fill_pending(*, year: int | None = None, actor=None) -> int:
    """Every request deadline and sign-off due date that can now be computed; returns how many."""
    filled = services.recompute_pending_deadlines() + support.recompute_pending_support()
    calendars: dict[int, WorkCalendar] = {}
    pending = (
        SignOff.objects.filter(due_on__isnull=True, due_pending_year__isnull=False)
        .exclude(status=SignOffStatus.VOID)
        .select_related("contract")
        .order_by("id")
    )
    for signoff in pending:
        calendar = calendars.get(signoff.contract_id) or get_calendar(signoff.contract)
        calendars[signoff.contract_id] = calendar
        filled += fill_signoff_due(signoff, calendar, actor=actor)
    return filled
