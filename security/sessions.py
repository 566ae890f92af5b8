"""What a logged-in session remembers for the security checks, set once at login.

- when it started (absolute limit) and when it was last used (idle limit), wall-clock seconds;
- when the password expires and whether it must be changed, so the per-request check costs no query.

Django ends every other session of a user whose password changes (the session's auth hash no
longer matches), and ``logout`` flushes the session row.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.utils.translation import gettext as _

from .passwords import password_state

STARTED_AT = "_security_started_at"
SEEN_AT = "_security_seen_at"
PASSWORD = "_security_password"  # noqa: S105 - a session key
TOUCH_EVERY = 60  # seconds: the last-seen time is written at most once a minute


def start(request, user) -> None:
    now = time.time()
    request.session[STARTED_AT] = now
    request.session[SEEN_AT] = now
    remember_password_state(request, user, warn=True)


def remember_password_state(request, user, *, warn: bool = False) -> None:
    state = password_state(user)
    request.session[PASSWORD] = {
        "expires": state.expires_at.timestamp() if state.expires_at else None,
        "must_change": state.must_change,
    }
    days = state.days_left()
    if (
        warn
        and days is not None
        and not state.change_required()
        and days < settings.PASSWORD_EXPIRY_WARNING_DAYS
    ):
        messages.warning(
            request,
            _("您的密码将在 %(n)d 天后过期，请尽快修改。") % {"n": days},
            fail_silently=True,
        )


def orphaned(request) -> bool:
    """The session names a user that no longer may log in (deactivated, deleted, password changed)."""
    session = getattr(request, "session", None)
    return bool(session is not None and SESSION_KEY in session and not request.user.is_authenticated)


def expired_reason(request) -> str | None:
    """``"idle"`` or ``"absolute"`` when the logged-in session has run out, else None."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    now = time.time()
    started = session.get(STARTED_AT)
    if started is None:  # a session from before these checks: start counting now
        session[STARTED_AT] = session[SEEN_AT] = now
        return None
    if now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return "absolute"
    if now - session.get(SEEN_AT, started) > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return "idle"
    return None


def touch(request) -> None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return
    now = time.time()
    if now - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        session[SEEN_AT] = now


def password_change_required(request) -> str | None:
    """``"must_change"`` or ``"expired"`` when the user must change the password before going on."""
    state = request.session.get(PASSWORD)
    if not state:
        return None
    if state.get("must_change"):
        return "must_change"
    expires = state.get("expires")
    if expires is not None and time.time() >= expires:
        return "expired"
    return None
