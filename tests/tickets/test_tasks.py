"""The scheduled jobs of the tickets app are declared for beat and are safe to run twice."""

import pytest

from common import clock
from tickets import tasks
from tickets.models import Status

from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


def test_periodic_jobs_are_declared():
    from jobs.schedule import schedule

    names = {job.name for job in schedule()}
    assert {"tickets.signoff_overdue", "tickets.pending_deadlines"} <= names


def test_late_signoff_reminder_runs_once(world):
    advance(world, submit(world), Status.RESOLVED)  # due 2023-03-07
    with clock.frozen_at(at(2023, 3, 9, 8, 5)):
        assert tasks.signoff_overdue() == "1 late sign-off forms reminded"
        assert tasks.signoff_overdue() == "0 late sign-off forms reminded"
    assert world.staff.notifications.filter(kind="tickets.signoff_overdue").count() == 1
    assert world.dept_head.notifications.filter(kind="tickets.signoff_overdue").count() == 1


def test_late_signoff_reminder_is_not_sent_twice_even_if_the_flag_is_lost(world):
    from tickets.models import SignOff

    advance(world, submit(world), Status.RESOLVED)
    with clock.frozen_at(at(2023, 3, 9, 8, 5)):
        tasks.signoff_overdue()
        SignOff.objects.update(late_notified_at=None)  # as if the flag had not been written
        assert tasks.signoff_overdue() == "0 late sign-off forms reminded"
    assert world.staff.notifications.filter(kind="tickets.signoff_overdue").count() == 1
