"""Fault 1 (issue 15): the broker is away. Filing a request still works and nothing it must send is
lost: the tasks wait in the outbox (common/outbox.py) and the relay sends them, once, when it is back."""

import time

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from common import outbox
from common.models import Notification, OutboxMessage
from common.tasks import send_notification_emails
from tickets.models import Ticket

from ..factories import make_user
from .conftest import ticket_form


def test_enqueue_is_part_of_the_transaction(db, django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("common.tasks.send_notification_emails", {"notification_ids": [1]}, key="k1")
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()  # rolled back with the change: nothing to send
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = outbox.enqueue("x.task", {"a": 1}, key="k2")
        again = outbox.enqueue("x.task", {"a": 1}, key="k2")
    assert first is not None and again is None and len(callbacks) == 1  # one key, one row


def test_filing_a_request_with_the_broker_away_succeeds_and_the_relay_sends_it_once(
    world, client, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    from channels.models import Robot

    # the department's group robot too: its delivery is handed to the broker after the commit as well
    Robot.objects.create(
        name="养老保险科工作群", webhook_url="http://127.0.0.1:9/robot", department=world.dept_a
    )
    client.force_login(world.staff)
    form = ticket_form(world)
    before = list(OutboxMessage.objects.values_list("pk", flat=True))
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tickets:create"), form)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]  # not a 500 after the save
    ticket = Ticket.objects.get(title="社保卡挂失模块报错")
    print(f"filing with the broker away took {elapsed:.2f} s")
    assert elapsed < 5, f"filing waited {elapsed:.1f} s for the broker"
    pending = OutboxMessage.objects.exclude(pk__in=before).get()
    assert pending.attempts == 1 and "OperationalError" in pending.last_error, pending.last_error
    heads = Notification.objects.filter(kind="ticket.submitted", url__contains=f"/{ticket.pk}/")
    assert pending.kwargs["notification_ids"] == list(heads.values_list("pk", flat=True))

    # The next request in the outage does not even try the broker (it failed seconds ago).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:create"), {**form, "title": "第二个请求"})
    second = OutboxMessage.objects.exclude(pk__in=before).exclude(pk=pending.pk).get()
    assert second.sent_at is None and second.attempts == 0

    # Still down: the relay leaves everything pending and says so.
    assert outbox.relay(min_age_seconds=0)["sent"] == 0


def test_the_relay_sends_pending_rows_once_when_the_broker_is_back(db, monkeypatch):
    published = []
    monkeypatch.setattr(outbox, "_publish", lambda message: published.append(message.key))
    user = make_user("pm")
    with transaction.atomic():
        note = Notification.objects.create(recipient=user, title="待发送")
        outbox.enqueue(
            "common.tasks.send_notification_emails",
            {"notification_ids": [note.pk]},
            key="mail:1",
            dispatch_now=False,
        )
    assert outbox.relay(min_age_seconds=0) == {"sent": 1, "pending": 0}
    assert outbox.relay(min_age_seconds=0) == {"sent": 0, "pending": 0}  # a second relay sends nothing
    assert outbox.dispatch(OutboxMessage.objects.get().pk) is False  # nor a late after-commit attempt
    assert published == ["mail:1"]
    # the task it carries is idempotent too: run twice (a redelivery), one e-mail
    message = OutboxMessage.objects.get()
    send_notification_emails(**message.kwargs)
    send_notification_emails(**message.kwargs)
    assert len(mail.outbox) == 1


def test_relay_command_exits_non_zero_while_rows_are_pending(db, broker_down):
    from django.core.management import call_command

    outbox.enqueue("x.task", {}, key="k", dispatch_now=False)
    with pytest.raises(SystemExit) as exit_info:
        call_command("relay_outbox")
    assert exit_info.value.code == 1
