"""Fault 3 (issue 15): the mail server is away. E-mails are retried with back-off, shown as pending on
the jobs page, and when it is back each is sent once: none lost, none twice."""

import datetime as dt

from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.models import Notification, OutboxMessage
from common.notifications import notify
from common.tasks import requeue_overdue_emails, retry_delay, send_notification_emails, send_pending_emails

from .conftest import closed_port


def test_retry_delays_back_off_and_never_end():
    assert [retry_delay(n) for n in range(1, 10)] == [30, 60, 120, 300, 600, 1200, 1800, 1800, 1800]


def test_mail_server_away_then_back(world, client, settings, monkeypatch):
    people = [world.pm, world.bureau_admin, world.engineer]
    notes = notify(people, title="系统升级通知", body="今晚 20:00 升级")
    ids = [n.pk for n in notes]

    # away: a closed SMTP port (connection refused, an OSError)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    sent, retry, delay = send_pending_emails(ids)
    assert (sent, retry, delay) == (0, ids, 30)
    sent, retry, delay = send_pending_emails(ids)  # the first retry fails too: a longer wait
    assert (sent, delay) == (0, 60)
    for note in Notification.objects.filter(pk__in=ids):
        assert note.emailed_at is None and note.email_attempts == 2
        assert "ConnectionRefused" in note.email_error and note.email_retry_at > timezone.now()

    # the task asks Celery for a retry with that delay (not when called directly, as here)
    asked = []

    def fake_retry(*args, **kwargs):
        asked.append(kwargs)
        raise Retry("retry", None)

    monkeypatch.setattr(send_notification_emails, "retry", fake_retry)
    result = send_notification_emails.apply(args=[ids])
    assert result.state == "RETRY" and asked == [{"args": [ids], "countdown": 120}]

    # the jobs page shows them as pending, with the attempts and the error
    client.force_login(world.pm)
    body = client.get(reverse("jobs:list")).content.decode()
    assert 'data-testid="mail-pending">3<' in body and "ConnectionRefusedError" in body

    # back: each e-mail goes once, a late duplicate of the task sends nothing
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails(ids)[0] == 3
    assert send_pending_emails(ids)[0] == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3
    body = client.get(reverse("jobs:list")).content.decode()
    assert 'data-testid="mail-pending">0<' in body


def test_a_mail_server_failing_midway_keeps_the_ones_sent(world, settings, monkeypatch):
    """The third of five fails: the first two stay marked sent (no duplicates on the retry)."""
    from django.core.mail.backends.locmem import EmailBackend

    notes = notify([world.pm, world.bureau_admin, world.engineer, world.staff, world.dept_head], title="x")
    ids = [n.pk for n in notes]
    real = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionResetError("connection reset by peer")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    sent, retry, _ = send_pending_emails(ids)
    assert sent == 2 and retry == ids[2:]
    assert send_pending_emails(ids)[0] == 3
    assert len(mail.outbox) == 5


def test_a_lost_retry_is_queued_again_by_the_relay(world):
    note = notify([world.pm], title="逾期提醒")[0]
    Notification.objects.filter(pk=note.pk).update(
        email_attempts=3, email_retry_at=timezone.now() - dt.timedelta(minutes=30)
    )
    before = OutboxMessage.objects.count()
    assert requeue_overdue_emails() == 1
    row = OutboxMessage.objects.order_by("-pk").first()
    assert OutboxMessage.objects.count() == before + 1 and row.kwargs == {"notification_ids": [note.pk]}
