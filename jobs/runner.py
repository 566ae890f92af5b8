"""How a scheduled job runs: recorded in JobRun, safe to run twice, never sending a reminder twice."""

from __future__ import annotations

import datetime as dt
import functools
import traceback
from collections.abc import Callable, Iterable

from celery import shared_task
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import active_users
from common import clock
from common.notifications import notify

from .models import JobRun, Reminder


def people(*roles: str) -> list:
    """The active users of these roles: the recipients of a job's reminder."""
    return list(active_users(*roles))


def calendar_pending(job: str, today: dt.date, exc) -> str:
    """A job cannot tell working days in a year the calendar does not know: remind the bureau admin
    (once a day) to load it, and report the job as pending (``exc`` is a ``CalendarNotLoaded``)."""
    remind_once(
        job=job,
        key=f"calendar-missing:{exc.year}:{today.isoformat()}",
        recipients=people(Role.BUREAU_ADMIN),
        title=f"{exc.year} 年工作日历尚未加载，{job} 无法判断工作日",
        body="请在“工作日历”中加载国务院办公厅的放假安排；加载前相关期限显示为待定。",
        url=reverse("contracts:calendar") + f"?year={exc.year}",
        due_on=today,
    )
    return f"pending: {exc}"


def run_job(name: str, body: Callable[[], str], *, task_id: str = "") -> JobRun:
    """Run ``body`` (returning a one-line summary) and record the outcome; failures are re-raised
    so Celery's retry and redelivery apply."""
    run = JobRun.objects.create(job=name, task_id=task_id or "")
    try:
        summary = body()
    except Exception:
        JobRun.objects.filter(pk=run.pk).update(
            outcome=JobRun.Outcome.FAILED, finished_at=clock.now(), error=traceback.format_exc()[-4000:]
        )
        raise
    JobRun.objects.filter(pk=run.pk).update(
        outcome=JobRun.Outcome.OK, finished_at=clock.now(), summary=str(summary or "")[:300]
    )
    run.refresh_from_db()
    return run


def scheduled_task(name: str):
    """Declare the Celery task of a scheduled job. Tasks are acknowledged late and rejected when their
    worker dies, so a job killed mid-way is delivered again and finishes; reminders inside it are
    idempotent (``remind_once``)."""

    def decorator(fn: Callable[[], str]):
        @shared_task(name=name, bind=True, acks_late=True, reject_on_worker_lost=True)
        @functools.wraps(fn)
        def task(self, on: str | None = None):
            """``on`` (YYYY-MM-DD) runs the job as of that day at noon: catching up a missed day."""
            task_id = getattr(self.request, "id", "") or ""
            if on:
                with clock.frozen_at(clock.aware(dt.date.fromisoformat(on), 12, 0)):
                    run_job(name, fn, task_id=task_id)
            else:
                run_job(name, fn, task_id=task_id)
            return name

        task.job_body = fn
        return task

    return decorator


def remind_once(
    *,
    job: str,
    key: str,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    subject: str = "",
    due_on: dt.date | None = None,
) -> bool:
    """Send a reminder unless one with the same key was already sent. The key names the job, the
    subject and the due date (e.g. ``signoff_overdue:ticket-42:2023-03-06``). Returns True when sent.

    The Reminder row and the notifications are written in one transaction: a second beat, a retry or
    a concurrent worker hits the unique key and sends nothing; a worker that dies before the commit
    leaves nothing, and the redelivered task sends it.
    """
    full_key = f"{job}:{key}"[:200]
    people = [u for u in recipients if u is not None and u.is_active]
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    key=full_key,
                    job=job,
                    subject=(subject or key)[:120],
                    due_on=due_on,
                    title=title[:200],
                    recipients=len({u.pk for u in people}),
                )
        except IntegrityError:
            return False
        notify(people, title=title, body=body, url=url, kind=job)
    return True
