"""Personal data shown only to the roles that need it (等保 2.0: 个人信息保护).

Phone numbers of people are shown in full to the roles that work with them by phone and masked
(138****2301) for everyone else. Templates use ``{{ phone|phone_for:request.user }}``.

A page that shows personal data is sent with ``Cache-Control: no-store`` (security middleware):
``phone_for`` marks the request by itself; a view that shows other personal data (e-mail addresses,
full phone numbers in a form) is decorated with ``@personal_data``.
"""

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

# Who works with people by phone: the bureau's staff and admin call engineers; the vendor calls the bureau.
PHONE_VISIBLE_ROLES = frozenset({"staff", "dept_head", "bureau_admin", "engineer", "pm"})


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def can_see_phones(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in PHONE_VISIBLE_ROLES)


def phone_for(phone: str, viewer) -> str:
    if not phone:
        return ""
    mark_personal_data()
    return phone if can_see_phones(viewer) else mask_phone(phone)


@dataclass
class PersonalDataTracker:
    shown: bool = False


_tracker: ContextVar[PersonalDataTracker | None] = ContextVar("jinbao_personal_data", default=None)


@contextlib.contextmanager
def tracking() -> Iterator[PersonalDataTracker]:
    """Track, for one request, whether anything rendered personal data."""
    tracker = PersonalDataTracker()
    token = _tracker.set(tracker)
    try:
        yield tracker
    finally:
        _tracker.reset(token)


def mark_personal_data() -> None:
    tracker = _tracker.get()
    if tracker is not None:
        tracker.shown = True


def personal_data(view):
    """Mark a view whose pages show personal data: they are never stored by a browser or proxy."""
    view.shows_personal_data = True
    return view
