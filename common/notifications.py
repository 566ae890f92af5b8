"""In-app notifications, with an e-mail copy sent by a Celery task after the transaction commits."""

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.db import transaction

from .models import Notification

_email_muted: ContextVar[bool] = ContextVar("jinbao_email_muted", default=False)


@contextlib.contextmanager
def email_muted() -> Iterator[None]:
    """No e-mail for notifications created inside (the demo loader replays a year of history)."""
    token = _email_muted.set(True)
    try:
        yield
    finally:
        _email_muted.reset(token)


def notify(
    recipients: Iterable,
    *,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per distinct active recipient; e-mail them once the data is committed."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                title=title[:200],
                body=body,
                url=url[:300],
                kind=kind[:64],
                email=email and bool(user.email) and not _email_muted.get(),
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    from . import clock

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())
