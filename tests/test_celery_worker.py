"""A real Celery worker, on the broker in use (filesystem by default, Redis in CI), runs a task."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from common.models import Notification
from jinbao_service.celery import app

from .factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_a_notification_email():
    user = make_user("pm")
    note = Notification.objects.create(recipient=user, title="周报草稿已生成")
    queue = f"test-{uuid.uuid4().hex[:8]}"  # parallel test processes must not take each other's tasks
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        app.send_task("common.tasks.send_notification_emails", args=[[note.pk]], queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            note.refresh_from_db()
            if note.emailed_at:
                break
            time.sleep(0.2)
    assert note.emailed_at is not None, "the worker did not run the task within 30 s"


def test_worker_runs_a_scheduled_reminder_end_to_end():
    from jobs.models import InitializationRecord, JobRun, Reminder

    from .factories import make_contract

    make_contract()
    pm = make_user("pm")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        # the first working day of October 2023 is the make-up Saturday after National Day
        app.send_task("jobs.monthly_initialization", kwargs={"on": "2023-10-07"}, queue=queue)
        app.send_task("jobs.monthly_initialization", kwargs={"on": "2023-10-07"}, queue=queue)  # a retry
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and JobRun.objects.filter(outcome="ok").count() < 2:
            time.sleep(0.2)
    assert JobRun.objects.filter(job="jobs.monthly_initialization", outcome="ok").count() == 2
    assert Reminder.objects.filter(job="jobs.monthly_initialization").count() == 1
    assert InitializationRecord.objects.get().due_on.isoformat() == "2023-10-07"
    assert Notification.objects.filter(recipient=pm, kind="jobs.monthly_initialization").count() == 1
