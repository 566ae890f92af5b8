"""Payment due and overdue reminders (declared in jinbao_service/schedule.py): a call of
``services.reminders_send``, which decides and sends; safe to run twice.

Each day, for every instalment not paid in full whose due date is known: from the contract's
``payment_reminder_workdays``-th working day before the due date, finance is reminded once that it is
due; the day after the due date, finance and the bureau admin are told once that it is overdue; on the
day it becomes ``termination_months`` months late, once more (the vendor may now terminate and the
penalty is due). Each reminder is keyed by contract, instalment and due date, so it goes out once even
if the job runs twice or a worker dies; a missed day is caught up at the next run.
"""

from __future__ import annotations

from common import clock
from jobs.runner import scheduled_task

from . import services

JOB = services.REMINDER_JOB


def payment_reminders() -> str:
    return services.reminders_send(today=clock.today())


payment_reminders_task = scheduled_task(JOB)(payment_reminders)
