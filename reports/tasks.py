"""The weekly report draft (RULES §8): on the last working day of each ISO week, from 15:00, the week's
report is drafted from the portal's data and the PM is told
(``services.weekly_drafts_run``, which this job calls). A week with no working day (a holiday
week) gets no report; a missed run is caught up by the next run of the same week."""

from __future__ import annotations

from common import clock
from jobs.runner import scheduled_task

from . import services

JOB = services.DRAFT_JOB


def weekly_draft() -> str:
    return services.weekly_drafts_run(now=clock.now())


weekly_draft_task = scheduled_task(JOB)(weekly_draft)
