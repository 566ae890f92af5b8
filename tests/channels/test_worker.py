"""A real Celery worker on the broker in use relays a robot delivery to the local receiver, once."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.roles import Role
from channels.models import Delivery, Robot
from common.notifications import notify
from jinbao_service.celery import app

from ..factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_relays_a_delivery_once(receiver, queued):
    pm = make_user(Role.PM)
    Robot.objects.create(name="项目群", webhook_url=receiver.url(), role=Role.PM)
    notify([pm], title="分派给您的请求：R-2023-0009", url="/tickets/9/", kind="ticket.assigned")
    (delivery,) = Delivery.objects.all()
    assert queued == [([delivery.pk], None)]  # committed (autocommit), then handed to the broker
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        for _ in range(2):  # a duplicated task
            app.send_task("channels.tasks.send_deliveries", args=[[delivery.pk]], queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status == Delivery.Status.SENT and len(receiver.received) >= 1:
                break
            time.sleep(0.2)
        time.sleep(0.5)
    assert delivery.status == Delivery.Status.SENT
    assert len(receiver.received) == 1
    assert "R-2023-0009" in receiver.received[0].json["markdown"]["content"]
