from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    # one indexed query per declared job: the count depends on the schedule, not on the history
    last_runs = {
        name: JobRun.objects.filter(job=name).order_by("-started_at", "-id").first() for name in names
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
