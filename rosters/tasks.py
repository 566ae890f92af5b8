"""Scheduled jobs of the rosters app (declared in jinbao_service/schedule.py): each task is one call
to the service that decides and sends its reminders (``rosters/services/reminders.py`` says when and to
whom), safe to run twice."""

from __future__ import annotations

from common import clock
from jobs.runner import scheduled_task

from .services.reminders import CHANGE_JOB, DUTY_JOB, duty_list_reminders_send, staff_change_reminders_send


def staff_change_deadlines() -> str:
    return staff_change_reminders_send(today=clock.today())


def duty_list_due() -> str:
    return duty_list_reminders_send(today=clock.today(), now=clock.now())


staff_change_deadlines_task = scheduled_task(CHANGE_JOB)(staff_change_deadlines)
duty_list_due_task = scheduled_task(DUTY_JOB)(duty_list_due)

from .confidentiality import confidentiality_missing_task  # noqa: E402,F401  (issue 18: registers the job)
