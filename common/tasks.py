"""Thin tasks: they take ids, call a service, and are safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from . import clock
from .models import Notification

log = logging.getLogger(__name__)


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification once.

    Rows are locked while their mail is sent and marked in the same transaction: a worker that
    dies mid-way leaves them unmarked, so the redelivered task sends them; a second copy of the
    task skips rows already marked.
    """
    sent = 0
    with transaction.atomic():
        rows = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk__in=notification_ids, email=True, emailed_at__isnull=True)
        )
        for note in rows:
            context = {"note": note, "base_url": settings.PORTAL_BASE_URL}
            subject = (
                settings.EMAIL_SUBJECT_PREFIX
                + render_to_string("emails/notification_subject.txt", context).strip()
            )
            message = EmailMultiAlternatives(
                subject=" ".join(subject.split()),
                body=render_to_string("emails/notification.txt", context),
                to=[note.recipient.email],
            )
            message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
            message.send()
            note.emailed_at = clock.now()
            note.save(update_fields=["emailed_at"])
            sent += 1
    log.info("sent %s notification e-mails", sent)
    return sent
