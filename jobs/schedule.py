"""Every periodic job of the contract is declared in one list (``settings.JINBAO_SCHEDULE``, by
default ``jinbao_service.schedule.SCHEDULE``) and mirrored into django-celery-beat, where the bureau
can change a time or pause a job in the admin. Jobs run daily and decide from the working-day
calendar whether today is their day, so a month whose first day is a holiday is handled by the
calendar, not by the crontab."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class JobSpec:
    name: str  # also the Celery task name
    title: str
    when: str  # in words, for the jobs page
    audience: str
    crontab: dict = field(default_factory=lambda: {"minute": "0", "hour": "8"})

    def crontab_fields(self) -> dict:
        return {
            "minute": "0",
            "hour": "*",
            "day_of_week": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            **self.crontab,
        }


def schedule() -> list[JobSpec]:
    return list(import_string(settings.JINBAO_SCHEDULE))


def job_spec(name: str) -> JobSpec | None:
    return next((job for job in schedule() if job.name == name), None)


def sync_schedule(using: str = "default") -> None:
    """Create the beat entry of every declared job. An existing entry keeps the time and the
    enabled flag the bureau set in the admin; only its task name and description follow the code."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for job in schedule():
        existing = PeriodicTask.objects.using(using).filter(name=job.name).first()
        if existing:
            if existing.task != job.name or existing.description != str(job.title):
                existing.task, existing.description = job.name, str(job.title)
                existing.save(update_fields=["task", "description"])
            continue
        cron, _ = CrontabSchedule.objects.using(using).get_or_create(
            timezone=settings.TIME_ZONE, **job.crontab_fields()
        )
        PeriodicTask.objects.using(using).create(
            name=job.name, task=job.name, crontab=cron, description=str(job.title), kwargs=json.dumps({})
        )


def next_run(periodic_task, now: dt.datetime) -> dt.datetime | None:
    """When beat will next start this entry (None if paused)."""
    if periodic_task is None or not periodic_task.enabled:
        return None
    schedule_obj = periodic_task.schedule
    last = periodic_task.last_run_at or now
    moment = now + schedule_obj.remaining_estimate(last)
    # remaining_estimate() measures from its own "now", a little later than ours: the sum lands
    # a few microseconds before the minute (07:59:59.99 for 08:00). Crontab entries fire on whole
    # minutes, so round to the nearest one.
    return (moment + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)
