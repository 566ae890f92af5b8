"""Transactional outbox: every Celery task the portal must send survives a broker that is away.

Use it instead of ``task.delay()`` / ``apply_async`` / ``send_task`` for anything caused by a change::

    from common.outbox import enqueue

    with transaction.atomic():
        ...change the data...
        enqueue("common.tasks.send_notification_emails", {"notification_ids": ids}, key=f"mail:{ids[0]}")

- ``enqueue`` writes an ``OutboxMessage`` row **in the caller's transaction**: if the change rolls
  back, nothing is sent; if it commits, the row is there even when Redis is not.
- After the commit it tries once to hand the task to the broker (a short connection attempt; when
  the broker has just failed, it does not even try for ``OUTBOX_BROKER_BACKOFF`` seconds). A failure
  is logged and leaves the row pending: the user's request never fails because of the broker.
- The relay sends pending rows when the broker answers: the beat task ``common.relay_outbox``
  (every 30 s) and ``manage.py relay_outbox`` (by hand or from cron, e.g. right after a Redis restart).
- ``key`` (optional) is unique: a second ``enqueue`` with the same key is ignored (returns ``None``),
  so a retried job cannot queue the same thing twice. Rows are claimed with ``SELECT … FOR UPDATE SKIP
  LOCKED`` and marked sent in the transaction that publishes them, so two relays never send a row twice.
  One window remains: a process killed after the broker accepted the task and before the mark is
  committed sends it again later. The tasks themselves must therefore be idempotent (the e-mail task
  marks each notification as it sends it; jobs use ``remind_once``).
- The task is published with ``task_id`` derived from the key, and the key in the ``outbox_key``
  header, for tracing.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)

_NAMESPACE = uuid.UUID("5f7d0b9e-2d36-4c0e-9d8e-5f1b0a6c7e21")
_broker_down_until = 0.0  # monotonic time before which this process does not try the broker after commit


def enqueue(
    task_name: str,
    kwargs: dict | None = None,
    *,
    key: str | None = None,
    queue: str = "",
    dispatch_now: bool = True,
) -> OutboxMessage | None:
    """Record that ``task_name(**kwargs)`` must run, in the current transaction, and hand it to the
    broker after the commit. ``kwargs`` must be JSON-serialisable.

    ``key`` makes it once-only: a second ``enqueue`` with the same key is ignored and returns ``None``
    (use it when a retry could queue the same thing again, e.g. ``f"wecom:{notification.pk}"``).
    Without a key, a fresh one is made and no duplicate check is done (one INSERT, no savepoint)."""
    if key is None:
        message = OutboxMessage.objects.create(
            key=f"{task_name[:150]}:{uuid.uuid4().hex}", task=task_name, kwargs=kwargs or {}, queue=queue
        )
    else:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(
                    key=key[:200], task=task_name, kwargs=kwargs or {}, queue=queue
                )
        except IntegrityError:
            return None
    if dispatch_now:
        transaction.on_commit(lambda: dispatch(message.pk), robust=True)
    return message


def _publish(message: OutboxMessage) -> None:
    from jinbao_service.celery import app

    with app.producer_or_acquire() as producer:
        # one short attempt: a web request must not wait for a broker that is away
        producer.connection.ensure_connection(
            max_retries=0, timeout=getattr(settings, "OUTBOX_CONNECT_TIMEOUT", 2)
        )
        app.send_task(
            message.task,
            kwargs=message.kwargs,
            queue=message.queue or None,
            task_id=str(uuid.uuid5(_NAMESPACE, message.key)),
            headers={"outbox_key": message.key},
            retry=False,
            producer=producer,
        )


def dispatch(pk: int, *, force: bool = False) -> bool:
    """Send one pending row now; True when the broker took it. Never raises for a broker error."""
    global _broker_down_until
    if not force and time.monotonic() < _broker_down_until:
        return False
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:  # sent already, or another relay holds it
                return False
            _publish(message)
            OutboxMessage.objects.filter(pk=pk).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
        return True
    except Exception as exc:  # the broker is away (kombu OperationalError, OSError, …)
        _broker_down_until = time.monotonic() + getattr(settings, "OUTBOX_BROKER_BACKOFF", 10)
        log.warning("outbox: %s left pending: %s", pk, exc)
        try:
            OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
            )
        except Exception:  # the database is away too: the row is still pending, the relay sends it
            log.exception("outbox: could not record the failure of %s", pk)
        return False


def relay(*, limit: int = 500, min_age_seconds: float = 5) -> dict[str, int]:
    """Send pending rows, oldest first. Rows younger than ``min_age_seconds`` are left to their own
    after-commit dispatch. Stops at the first broker failure. Returns counts."""
    global _broker_down_until
    _broker_down_until = 0.0
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    pending = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        if dispatch(pk, force=True):
            sent += 1
        elif OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).exists() and (
            time.monotonic() < _broker_down_until
        ):
            break  # the broker failed: the rest waits for the next relay
    left = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    return {"sent": sent, "pending": left}


def purge_sent(*, older_than_days: int = 30) -> int:
    """Delete rows sent long ago (the relay calls it; the key only has to outlive any retry)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
