"""In-app notifications, with an e-mail copy sent by a Celery task after the transaction commits (through
the outbox, common/outbox.py: a broker that is away delays the e-mail, it does not lose it)."""

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from . import clock
from .models import Notification
from .outbox import enqueue

_email_muted: ContextVar[bool] = ContextVar("jinbao_email_muted", default=False)


@contextlib.contextmanager
def email_muted() -> Iterator[None]:
    """No e-mail for notifications created inside (the demo loader replays a year of history)."""
    token = _email_muted.set(True)
    try:
        yield
    finally:
        _email_muted.reset(token)


# Other channels (channels.services.fan_out, registered by its app): called with the new rows in the
# caller's transaction; a hook may turn a row's e-mail copy off (the recipient's choice).
_channel_hooks: list = []


def register_channel(hook) -> None:
    if hook not in _channel_hooks:
        _channel_hooks.append(hook)


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
    for hook in _channel_hooks if not _email_muted.get() else ():
        hook(created)
    ids = [n.pk for n in created if n.email]
    if ids:
        # written with the notifications (the outbox): sent after the commit, or by the relay when
        # the broker was away (no key: the ids are new, there is nothing to deduplicate)
        enqueue("common.tasks.send_notification_emails", {"notification_ids": ids})
    return created


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())
