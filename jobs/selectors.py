from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django_celery_beat.models import PeriodicTask

from common import clock

from .models import InitializationRecord, JobRun
from .schedule import JobSpec, next_run, schedule


@dataclass
class JobRow:
    spec: JobSpec
    periodic: PeriodicTask | None
    last_run: JobRun | None
    next_run: object
    failures: int


def job_rows() -> list[JobRow]:
    """One row per declared job: its beat entry, last run, next run and recent failures (a fixed
    number of queries whatever the history length)."""
    specs = schedule()
    names = [s.name for s in specs]
    periodic = {p.name: p for p in PeriodicTask.objects.filter(name__in=names).select_related("crontab")}
    # one query for the last run of every job (a window over the runs; the history is a few rows a day)
    last_runs = {
        run.job: run
        for run in JobRun.objects.filter(job__in=names)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("job")], order_by=[F("started_at").desc(), F("id").desc()]
            )
        )
        .filter(rank=1)
    }
    since = clock.now() - dt.timedelta(days=30)
    failures: dict[str, int] = {}
    for job in JobRun.objects.filter(
        job__in=names, outcome=JobRun.Outcome.FAILED, started_at__gte=since
    ).values_list("job", flat=True):
        failures[job] = failures.get(job, 0) + 1
    now = clock.now()
    return [
        JobRow(
            spec,
            periodic.get(spec.name),
            last_runs.get(spec.name),
            next_run(periodic.get(spec.name), now),
            failures.get(spec.name, 0),
        )
        for spec in specs
    ]


def recent_failures(limit: int = 20):
    return JobRun.objects.filter(outcome=JobRun.Outcome.FAILED)[:limit]


def initialization_records(contract):
    return InitializationRecord.objects.filter(contract=contract).select_related("confirmed_by")


def home_initializations(request, contract):
    """Initializations still waiting for confirmation (hidden when there are none)."""
    if contract is None:
        return None
    pending = list(initialization_records(contract).filter(confirmed_at__isnull=True)[:5])
    if not pending:
        return None
    return {"pending": pending}


def delivery_status() -> dict:
    """What waits to be sent, for the jobs page (three queries): tasks in the outbox (the broker was
    away) and e-mails not yet accepted by the mail server (retried with back-off, or refused for good)."""
    from django.db.models import Count, Min, Q

    from common.models import Notification, OutboxMessage

    outbox = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    unsent = Notification.objects.filter(email=True, emailed_at__isnull=True)
    tried = list(
        unsent.filter(email_attempts__gt=0).select_related("recipient").order_by("email_retry_at", "-pk")[:20]
    )
    return {
        "outbox": outbox,
        "mail_pending": unsent.filter(~Q(email_attempts__gt=0, email_retry_at__isnull=True)).count(),
        "mail_retrying": [n for n in tried if n.email_retry_at is not None][:10],
        "mail_failed": [n for n in tried if n.email_retry_at is None][:10],
    }
