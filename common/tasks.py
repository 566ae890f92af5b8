"""Thin tasks: they take ids, call a service, and are safe to run twice."""

import datetime as dt
import logging
import smtplib
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import outbox
from .models import Notification

log = logging.getLogger(__name__)

# Seconds before the n-th retry while the mail server is away (the last one repeats): 30 s, 1, 2, 5,
# 10, 20 min, then every 30 min until it answers. Nothing is given up; the jobs page shows them.
DEFAULT_RETRY_DELAYS = (30, 60, 120, 300, 600, 1200, 1800)
# A refused recipient will not be accepted later: recorded as failed, not retried.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)


def retry_delay(attempts: int) -> int:
    delays = getattr(settings, "EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)
    return int(delays[min(max(attempts, 1), len(delays)) - 1])


def _message(note: Notification, connection) -> EmailMultiAlternatives:
    context = {"note": note, "base_url": settings.PORTAL_BASE_URL}
    subject = (
        settings.EMAIL_SUBJECT_PREFIX + render_to_string("emails/notification_subject.txt", context).strip()
    )
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/notification.txt", context),
        to=[note.recipient.email],
        connection=connection,
        # the same Message-ID on every try: a mail system that got it twice can tell
        headers={
            "Message-ID": f"<notification-{note.pk}@{urlsplit(str(settings.PORTAL_BASE_URL)).hostname}>"
        },
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


def send_pending_emails(notification_ids: list[int]) -> tuple[int, list[int], int]:
    """Send the e-mail of each notification not yet e-mailed. Returns (sent, ids to retry, delay).

    Each row is locked while its mail is sent and marked in its own transaction: a worker that dies
    mid-way leaves only the unsent rows unmarked (the redelivered task sends those), a second copy of
    the task skips rows already marked, and a failure on the tenth mail does not unmark the nine sent.
    When the mail server does not answer, this row and the rest are marked pending (attempts, error,
    next try) and returned for a retry."""
    sent, retry, delay = 0, [], 0
    connection = get_connection()
    ids = list(dict.fromkeys(notification_ids))
    try:
        for index, pk in enumerate(ids):
            with transaction.atomic():
                note = (
                    Notification.objects.select_for_update()
                    .select_related("recipient")
                    .filter(pk=pk, email=True, emailed_at__isnull=True)
                    .first()
                )
                if note is None:
                    continue
                try:
                    _message(note, connection).send()
                except PERMANENT_ERRORS as exc:
                    Notification.objects.filter(pk=pk).update(
                        email_attempts=note.email_attempts + 1,
                        email_error=f"{type(exc).__name__}: {exc}"[:300],
                        email_retry_at=None,
                    )
                    continue
                except OSError as exc:  # smtplib.SMTPException is an OSError, so are refused connections
                    attempts = note.email_attempts + 1
                    delay = retry_delay(attempts)
                    retry = ids[index:]
                    Notification.objects.filter(pk__in=retry, emailed_at__isnull=True).update(
                        email_attempts=attempts,
                        email_error=f"{type(exc).__name__}: {exc}"[:300],
                        email_retry_at=timezone.now() + dt.timedelta(seconds=delay),
                    )
                    log.warning("mail server away, %s e-mails retried in %s s: %s", len(retry), delay, exc)
                    break
                Notification.objects.filter(pk=pk).update(
                    emailed_at=timezone.now(), email_error="", email_retry_at=None
                )
                sent += 1
    finally:
        connection.close()
    return sent, retry, delay


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail each notification once; while the mail server is away, retry with back-off
    (``EMAIL_RETRY_DELAYS``), without end. If the retry itself cannot be queued, the relay's sweep
    (``requeue_overdue_emails``) queues it again."""
    sent, retry, delay = send_pending_emails(notification_ids)
    log.info("sent %s notification e-mails", sent)
    if retry and not self.request.called_directly:
        raise self.retry(args=[retry], countdown=delay)
    return sent


def requeue_overdue_emails(*, grace_seconds: int = 600, limit: int = 1000) -> int:
    """E-mails whose retry is overdue by ``grace_seconds`` (their retry message was lost with a broker
    or worker), or never tried an hour after they were written: queue them again through the outbox."""
    now = timezone.now()
    overdue = list(
        Notification.objects.filter(email=True, emailed_at__isnull=True)
        .filter(
            Q(email_retry_at__lt=now - dt.timedelta(seconds=grace_seconds))
            | Q(email_retry_at__isnull=True, email_attempts=0, created_at__lt=now - dt.timedelta(hours=1))
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if overdue:
        with transaction.atomic():
            outbox.enqueue(
                "common.tasks.send_notification_emails",
                {"notification_ids": overdue},
                key=f"notification-mail-sweep:{overdue[0]}:{len(overdue)}:{now.isoformat()}",
            )
    return len(overdue)


@shared_task(name="common.relay_outbox", acks_late=True)
def relay_outbox() -> str:
    """Every 30 s (beat): send what waits in the outbox, queue overdue e-mails, drop old sent rows."""
    result = outbox.relay()
    requeued = requeue_overdue_emails()
    purged = outbox.purge_sent()
    summary = (
        f"sent {result['sent']}, pending {result['pending']}, e-mails requeued {requeued}, purged {purged}"
    )
    if result["sent"] or requeued or result["pending"]:
        log.info("outbox relay: %s", summary)
    return summary
