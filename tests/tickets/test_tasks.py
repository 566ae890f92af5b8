"""The scheduled jobs of the tickets app are declared for beat and are safe to run twice."""

import pytest

from common import clock
from tickets import tasks
from tickets.models import Status

from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


def test_periodic_jobs_are_declared():
    from jinbao_service.schedule import beat_schedule

    names = {entry["task"] for entry in beat_schedule().values()}
    assert {"tickets.tasks.remind_late_signoffs", "tickets.tasks.recompute_pending_deadlines"} <= names


def test_late_signoff_reminder_runs_once(world):
    advance(world, submit(world), Status.RESOLVED)  # due 2023-03-07
    with clock.frozen_at(at(2023, 3, 9, 8, 5)):
        assert tasks.remind_late_signoffs() == 1
        assert tasks.remind_late_signoffs() == 0
    assert world.staff.notifications.filter(kind="signoff.late").count() == 1
    assert world.dept_head.notifications.filter(kind="signoff.late").count() == 1
