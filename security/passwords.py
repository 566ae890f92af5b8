"""A password's age and whether the user must change it (expiry, or chosen by an administrator).

Ages are measured on the wall clock (``timezone.now``), not on the business clock that the demo
replays (``common.clock``): a password set today is fresh, whatever day the demo pretends it is.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import PasswordHistory


@dataclass(frozen=True)
class PasswordState:
    changed_at: dt.datetime | None
    expires_at: dt.datetime | None
    must_change: bool  # an administrator chose it: the user changes it at the next login

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at

    def change_required(self, now: dt.datetime | None = None) -> bool:
        return self.must_change or self.expired(now)

    def days_left(self, now: dt.datetime | None = None) -> int | None:
        if self.expires_at is None:
            return None
        return max(0, (self.expires_at - (now or timezone.now())).days)


def max_age() -> dt.timedelta | None:
    days = settings.PASSWORD_MAX_AGE_DAYS
    return dt.timedelta(days=days) if days > 0 else None


def record_password(user, *, keep: int) -> PasswordHistory:
    """Store the user's current hash as the newest password; keep only the last ``keep``."""
    record = PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    return record


def require_change(user) -> None:
    """The password was chosen by an administrator: the user must replace it at the next login."""
    latest = PasswordHistory.objects.filter(user=user).first()
    if latest is None:
        PasswordHistory.objects.create(user=user, password=user.password, must_change=True)
    else:
        PasswordHistory.objects.filter(pk=latest.pk).update(must_change=True)


def password_state(user) -> PasswordState:
    if not user.has_usable_password():  # cannot log in with a password at all
        return PasswordState(None, None, False)
    latest = PasswordHistory.objects.filter(user=user).first()
    changed_at = latest.created_at if latest else user.date_joined
    age = max_age()
    return PasswordState(
        changed_at=changed_at,
        expires_at=changed_at + age if age and changed_at else None,
        must_change=bool(latest and latest.must_change),
    )
