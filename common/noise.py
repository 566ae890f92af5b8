"""Anonymous noise in the audit log, throttled per address (issue 13 item 8).

A CSRF failure without a logged-in user, or a login attempt for a username that does not exist, says
little one by one and, sent by a script, would grow the append-only log without bound. Per kind and
client address, the first event opens a window of ``AUDIT_NOISE_WINDOW_MINUTES`` (default 10) and is
written to the log as always; the repeats inside the window are only counted (``AuditNoise``). When
the window is over — at the next event from that address, at any later noisy event (every expired
window is closed then), or at the latest by the daily checkpoint job — one more entry,
``<action>.repeated``, records how many there were, the first and last times and the first and last
details. Nothing is lost but the rows in between; the log grows by at most two entries per address,
kind and window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from . import clock
from .audit import jsonable, log_action
from .models import AuditNoise


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=max(1, int(getattr(settings, "AUDIT_NOISE_WINDOW_MINUTES", 10))))


def _close(row: AuditNoise) -> None:
    """Write the summary of a window with repeats, and forget the window."""
    if row.count > 1:
        log_action(
            f"{row.action}.repeated"[:64],
            object_type="url" if row.action.startswith("access.") else "accounts.user",
            object_repr=f"{row.count} 次（{row.ip or '未知地址'}）",
            changes={
                "count": row.count,
                "repeated": row.count - 1,
                "first_at": jsonable(row.opened_at),
                "last_at": jsonable(row.last_at),
                "first": row.first_changes,
                "last": row.last_changes,
                "last_repr": row.last_repr,
                "window_minutes": int(_window().total_seconds() // 60),
            },
            success=False,
            ip=row.ip,
        )
    AuditNoise.objects.filter(pk=row.pk).delete()


def flush_noise(*, now: dt.datetime | None = None) -> int:
    """Close every window that is over; the number closed."""
    now = now or clock.now()
    closed = 0
    for row in AuditNoise.objects.filter(opened_at__lte=now - _window()).order_by("opened_at"):
        with transaction.atomic():
            locked = AuditNoise.objects.select_for_update().filter(pk=row.pk).first()
            if locked is not None:
                _close(locked)
                closed += 1
    return closed


def log_noise(
    action: str,
    *,
    ip: str,
    object_type: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
):
    """Record an anonymous failure, throttled per (action, address); the entry written, or None."""
    now = clock.now()
    data = jsonable(changes or {})
    flush_noise(now=now)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = AuditNoise.objects.select_for_update().filter(action=action, ip=ip).first()
                if row is not None:
                    row.count += 1
                    row.last_at = now
                    row.last_changes = data
                    row.last_repr = str(object_repr)[:200]
                    row.save(update_fields=["count", "last_at", "last_changes", "last_repr"])
                    return None
                entry = log_action(
                    action,
                    object_type=object_type,
                    object_repr=object_repr,
                    changes=data,
                    success=False,
                    ip=ip,
                )
                AuditNoise.objects.create(
                    action=action,
                    ip=ip,
                    opened_at=now,
                    last_at=now,
                    first_changes=data,
                    last_changes=data,
                    last_repr=str(object_repr)[:200],
                )
                return entry
        except IntegrityError:  # another request opened the same window at the same moment: count in it
            continue
    return None
