"""The satisfaction survey's scheduled job (declared in jinbao_service/schedule.py): a call of
``services.surveys_run``, which decides and sends; safe to run twice.

Every day it (1) sends the survey of each period whose last working day has come (catching up a missed
day, as long as the answer deadline has not passed), (2) reminds, once, each department head who has not
answered by the last working day before the deadline, (3) tells the bureau admin, once, when a deadline
passed with answers missing, and (4) computes deadlines that were pending an unloaded calendar year.
"""

from __future__ import annotations

from common import clock
from jobs.runner import scheduled_task

from . import services

JOB = services.SURVEY_JOB


def satisfaction_survey() -> str:
    return services.surveys_run(today=clock.today())


satisfaction_survey_task = scheduled_task(JOB)(satisfaction_survey)
