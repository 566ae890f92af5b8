"""Issue 13 item 8: anonymous noise (CSRF failures, logins of unknown users) must not grow the audit
log without bound. Per address and kind, the first event of a window is an entry as before; the
repeats are counted, and when the window closes one more entry records how many, the first and the
last. Failures against a real account are still each recorded (they matter to the lockout)."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.models import AuditEntry
from common.noise import flush_noise

from ..factories import make_user
from .helpers import real_login

START = clock.aware(dt.date(2026, 3, 2), 10, 0)


def _entries(action: str, ip: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith=action, ip=ip).order_by("seq"))


def test_csrf_failures_from_one_address_are_one_entry_and_a_count(db, settings):
    settings.AUDIT_NOISE_WINDOW_MINUTES = 10
    client = Client(enforce_csrf_checks=True)
    for n in range(50):
        with clock.frozen_at(START + dt.timedelta(seconds=n)):
            response = client.post(
                reverse("accounts:login"), {"username": f"x{n}"}, REMOTE_ADDR="198.51.100.7"
            )
            assert response.status_code == 403
    assert len(_entries("access.csrf_failed", "198.51.100.7")) == 1  # not fifty
    # Another address is another window: its first failure is recorded at once.
    with clock.frozen_at(START + dt.timedelta(seconds=60)):
        client.post(reverse("accounts:login"), {}, REMOTE_ADDR="198.51.100.8")
    assert len(_entries("access.csrf_failed", "198.51.100.8")) == 1
    with clock.frozen_at(START + dt.timedelta(minutes=11)):
        flush_noise()
    first, summary = _entries("access.csrf_failed", "198.51.100.7")
    assert summary.action == "access.csrf_failed.repeated" and not summary.success
    assert summary.changes["count"] == 50 and summary.changes["repeated"] == 49
    assert summary.changes["first_at"].startswith("2026-03-02T10:00:00")
    assert summary.changes["last_at"].startswith("2026-03-02T10:00:49")
    assert summary.changes["last"]["method"] == "POST"
    assert first.seq < summary.seq


def test_unknown_users_from_one_address_are_throttled_real_accounts_are_not(db, settings):
    settings.AUDIT_NOISE_WINDOW_MINUTES = 10
    user = make_user(Role.STAFF)
    with clock.frozen_at(START):
        for n in range(30):
            real_login(f"nobody-{n}", "Wrong#Pass1", ip="203.0.113.9")
        for _ in range(3):
            real_login(user.username, "Wrong#Pass1", ip="203.0.113.9")
    assert len(_entries("auth.login_failed", "203.0.113.9")) == 1 + 3
    assert AuditEntry.objects.filter(action="auth.login_failed", object_repr=user.username).count() == 3
    # The next event after the window closes the old window (no job needed) and opens a new one.
    with clock.frozen_at(START + dt.timedelta(minutes=15)):
        real_login("nobody-late", "Wrong#Pass1", ip="203.0.113.9")
    unknown = [e for e in _entries("auth.login_failed", "203.0.113.9") if e.object_repr != user.username]
    assert [e.action for e in unknown] == [
        "auth.login_failed",
        "auth.login_failed.repeated",
        "auth.login_failed",
    ]
    summary = unknown[1]
    assert summary.changes["count"] == 30
    assert (
        summary.changes["first"]["username"] == "nobody-0"
        and summary.changes["last"]["username"] == "nobody-29"
    )
    assert unknown[2].object_repr == "nobody-late"


def test_a_logged_in_users_csrf_failure_is_always_recorded(db, settings):
    user = make_user(Role.STAFF)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    for _ in range(3):
        client.post(reverse("common:notification_read"), {"all": "1"})
    assert AuditEntry.objects.filter(action="access.csrf_failed", actor=user).count() == 3
