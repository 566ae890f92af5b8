"""Request templates and recurring requests (issue 17 item 6).

The bureau admin keeps templates (kind, system, text, kind fields, in whose name). A template with a
recurrence is filed by beat (``tickets.recurring_requests``, daily) on the working-day calendar:
monthly on the first working day of the month, yearly on the first working day of its month —
exactly once per period (``RecurringRun`` is unique per template and period, claimed before filing),
catching up a missed day later in the same period. A period whose year has no calendar is left
pending (CalendarNotLoaded) and filed once the bureau admin loads the year.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import Role
from common import clock
from common.audit import log_action, snapshot
from common.errors import ServiceError, TransitionNotAllowed, error_messages
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from . import policy, services
from .models import Recurrence, RecurringRun, RequestTemplate, Ticket

FIELDS = [
    "name",
    "kind",
    "scope",
    "priority",
    "title",
    "description",
    "batch_type",
    "affected_population",
    "init_type",
    "data_scope",
    "policy_document",
    "upgrade_target",
    "requester",
    "recurrence",
    "month",
    "active",
]
TICKET_FIELDS = [
    "kind",
    "scope",
    "priority",
    "title",
    "description",
    "batch_type",
    "affected_population",
    "init_type",
    "data_scope",
    "policy_document",
    "upgrade_target",
]


def can_manage(user) -> bool:
    return user.role == Role.BUREAU_ADMIN


def _check(template: RequestTemplate) -> None:
    if not policy.can_file(template.requester):
        raise ServiceError({"requester": ["请选择一位在岗的科室经办人员或科室负责人。"]})
    if template.recurrence != Recurrence.YEARLY:
        template.month = None
    template.full_clean()


@transaction.atomic
def template_save(*, actor, contract, template: RequestTemplate | None = None, **fields) -> RequestTemplate:
    if not can_manage(actor):
        raise TransitionNotAllowed("只有局信息化管理员可以维护请求模板。")
    created = template is None
    template = template or RequestTemplate(contract=contract, created_by=actor)
    before = {} if created else snapshot(template, FIELDS)
    for k, v in fields.items():
        if k in FIELDS:
            setattr(template, k, v)
    _check(template)
    template.save()
    after = snapshot(template, FIELDS)
    log_action(
        "ticket.template_create" if created else "ticket.template_edit",
        actor=actor,
        obj=template,
        changes=after if created else {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]},
    )
    return template


def file_from_template(*, actor, template: RequestTemplate) -> Ticket:
    """Someone of a department files the template's request now, in their own name."""
    data = {k: getattr(template, k) for k in TICKET_FIELDS}
    return services.ticket_submit(actor=actor, contract=template.contract, **data)


def period_due(template: RequestTemplate, today: dt.date, calendar) -> tuple[str, dt.date] | None:
    """(period key, the day it is due) of the period ``today`` falls in, or None if not recurring."""
    if template.recurrence == Recurrence.MONTHLY:
        return f"{today:%Y-%m}", calendar.first_workday_of_month(today.year, today.month)
    if template.recurrence == Recurrence.YEARLY and template.month == today.month:
        # Caught up within its month only: a template made in November does not file July's request.
        return str(today.year), calendar.first_workday_of_month(today.year, template.month)
    return None


def file_recurring(*, today: dt.date | None = None) -> dict[str, int]:
    """File the recurring requests due by ``today`` (beat, daily). Safe to run any number of times."""
    today = today or clock.today()
    counts = {"filed": 0, "pending": 0, "failed": 0}
    templates = (
        RequestTemplate.objects.filter(active=True)
        .exclude(recurrence="")
        .select_related("contract", "requester", "scope")
        .order_by("pk")
    )
    calendars: dict[int, WorkCalendar] = {}
    for template in templates:
        contract = template.contract
        if not contract.is_current(today):
            continue
        calendar = calendars.get(contract.pk) or calendars.setdefault(contract.pk, get_calendar(contract))
        try:
            due = period_due(template, today, calendar)
        except CalendarNotLoaded:
            counts["pending"] += 1  # the year's calendar is missing: wait, never guess
            continue
        if due is None or today < due[1]:
            continue
        period = due[0]
        if RecurringRun.objects.filter(template=template, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = RecurringRun.objects.create(template=template, period=period)
                try:
                    with transaction.atomic():
                        ticket = file_from_template(actor=template.requester, template=template)
                except ValidationError as exc:
                    run.note = "；".join(error_messages(exc))[:200]
                    run.save(update_fields=["note"])
                    counts["failed"] += 1
                else:
                    run.ticket = ticket
                    run.save(update_fields=["ticket"])
                    counts["filed"] += 1
                log_action(
                    "ticket.recurring",
                    obj=template,
                    changes={"period": period, "ticket": run.ticket_id, "note": run.note},
                )
        except IntegrityError:  # another worker claimed this period first
            continue
    return counts
