"""Score facts kept on write (issue 14): after every change of a request its ``ScoreFact`` row is
computed again from the request's row, so the score (``performance``) counts cases in SQL instead of
judging every request of a year in Python for each period.

``changed(action, id)`` is called by the ticket services (``_log``, after each change they audit;
it refreshes the row for the changes listed in ``FACT_ACTIONS``) and ``post_save`` of ``Ticket``
refreshes rows written by ``save()`` (submit, the deadline job, fixtures). ``rebuild()``
(and ``manage.py score_facts``) computes every row again, e.g. after rows were bulk-loaded.

The outcome rules mirror ``performance.rules`` (a request's first response / resolution by its
deadline; a deadline pending an unloaded year is met by work done in an earlier year): the tests in
``tests/performance/test_score_facts.py`` compare both on random histories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from common import clock

FOR, AGAINST, PENDING = "for", "against", "pending"
FIELDS = (
    "id",
    "contract_id",
    "kind",
    "status",
    "confirmed_at",
    "first_response_at",
    "respond_due_at",
    "resolved_at",
    "resolve_due_at",
    "due_pending_year",
    "rework_count",
)
UPDATE_FIELDS = (
    "contract",
    "data_maintenance",
    "ended",
    "confirmed_at",
    "resolved_at",
    "resolve_due_at",
    "response",
    "response_at",
    "completion",
    "completion_at",
    "resolution",
    "rework_count",
    "computed_at",
)
BATCH = 2000


def on_time(done_at: dt.datetime, due_at: dt.datetime | None, pending_year: int | None) -> bool | None:
    if due_at is not None:
        return done_at <= due_at
    if pending_year is not None and done_at.year < pending_year:
        return True
    return None


def step(done_at, due_at, pending_year) -> tuple[str, dt.datetime | None]:
    """(outcome, from when): done by the deadline counts for from the moment it was done; done late or
    not done counts against from the deadline; otherwise never decided ("", None)."""
    if done_at is not None:
        timely = on_time(done_at, due_at, pending_year)
        if timely is True:
            return FOR, done_at
        if timely is False:
            return AGAINST, due_at
        return "", None
    if due_at is not None:
        return AGAINST, due_at
    return "", None


def fact_values(row: tuple) -> dict:
    """The ScoreFact fields of one request (a tuple of ``FIELDS``)."""
    from .models import DATA_MAINTENANCE_KINDS, ENDED_STATUSES

    (
        pk,
        contract_id,
        kind,
        status,
        confirmed,
        responded,
        respond_due,
        resolved,
        resolve_due,
        year,
        rework,
    ) = row
    response, response_at = step(responded, respond_due, year)
    completion, completion_at = step(resolved, resolve_due, year)
    resolution = ""
    if resolved is not None:
        timely = on_time(resolved, resolve_due, year)
        resolution = PENDING if timely is None else AGAINST if (not timely or rework) else FOR
    return {
        "ticket_id": pk,
        "contract_id": contract_id,
        "data_maintenance": kind in DATA_MAINTENANCE_KINDS,
        "ended": status in ENDED_STATUSES,
        "confirmed_at": confirmed,
        "resolved_at": resolved,
        "resolve_due_at": resolve_due,
        "response": response,
        "response_at": response_at,
        "completion": completion,
        "completion_at": completion_at,
        "resolution": resolution,
        "rework_count": rework,
    }


def _write(ticket_model, fact_model, queryset) -> int:
    now = clock.now()
    facts = [fact_model(computed_at=now, **fact_values(row)) for row in queryset.values_list(*FIELDS)]
    if facts:
        fact_model.objects.bulk_create(
            facts, update_conflicts=True, unique_fields=["ticket"], update_fields=list(UPDATE_FIELDS)
        )
    return len(facts)


def refresh(ids: Iterable[int]) -> int:
    """Compute the facts of these requests again from their rows (two queries)."""
    from .models import ScoreFact, Ticket

    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return 0
    return _write(Ticket, ScoreFact, Ticket.objects.filter(pk__in=ids).order_by())


def rebuild(contract=None, *, ticket_model=None, fact_model=None) -> int:
    """Every request's facts (of one contract, or all), in batches; returns the rows written.
    The migration passes its historical models."""
    if ticket_model is None:
        from .models import ScoreFact, Ticket

        ticket_model, fact_model = Ticket, ScoreFact
    qs = ticket_model.objects.order_by("pk")
    if contract is not None:
        qs = qs.filter(contract=contract)
    written, last = 0, 0
    while True:
        ids = list(qs.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return written
        written += _write(ticket_model, fact_model, ticket_model.objects.filter(pk__in=ids).order_by())
        last = ids[-1]


# The audited changes of a request that touch what its facts are computed from (``FIELDS``): its
# status (ended), confirmation and deadlines, first response, resolution, rework. Others (assign,
# comment, time, steps...) do not; a first response they cause is audited as "respond".
FACT_ACTIONS = frozenset(
    {"confirm", "reject", "cancel", "respond", "resume", "resolve", "reopen", "priority"}
)


def changed(action: str, ticket_id: int) -> None:
    """Called by the ticket services after each audited change (``_log``)."""
    if action in FACT_ACTIONS:
        refresh([ticket_id])


def ticket_saved(sender, instance, raw=False, **kwargs) -> None:
    """``post_save`` of Ticket."""
    if not raw:
        refresh([instance.pk])
