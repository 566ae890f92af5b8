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
