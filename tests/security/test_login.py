"""Login: generic error messages, lockout after 5 failures per user and address for 30 minutes
(django-axes), the security administrator's unlock, idle and absolute session limits, logout, and
every login event in the audit log."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from common.models import AuditEntry
from security import sessions

from ..factories import make_user
from .helpers import PASSWORD, logged_in, real_login

GENERIC = "请输入一个正确的用户名和密码"


def _fail(username: str, times: int, ip: str = "10.1.1.1"):
    response = None
    for _ in range(times):
        _client, response = real_login(username, "Wrong#Pass1", ip=ip)
    return response


def test_wrong_password_unknown_user_and_inactive_user_get_the_same_message(db):
    user = make_user(Role.STAFF)
    inactive = make_user(Role.STAFF)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    messages = []
    for username, password in [
        (user.username, "Wrong#1"),
        ("nobody-here", "Wrong#1"),
        (inactive.username, PASSWORD),
    ]:
        client, response = real_login(username, password)
        assert response.status_code == 200 and not logged_in(client)
        messages.append(GENERIC in response.content.decode())
    assert messages == [True, True, True]


def test_five_failures_lock_the_user_at_that_address_for_thirty_minutes(db, settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME) == (5, dt.timedelta(minutes=30))
    user = make_user(Role.STAFF)
    response = _fail(user.username, 4)
    assert GENERIC in response.content.decode()  # four failures: still the ordinary message
    response = _fail(user.username, 1)
    assert response.status_code == 429
    assert "已被暂时锁定 30 分钟" in response.content.decode()
    # Now even the right password is refused from that address...
    client, response = real_login(user.username, ip="10.1.1.1")
    assert response.status_code == 429 and not logged_in(client)
    # ...but the same user from another desk, and another user from that desk, are not locked out.
    client, _response = real_login(user.username, ip="10.1.1.2")
    assert logged_in(client)
    other = make_user(Role.STAFF)
    client, _response = real_login(other.username, ip="10.1.1.1")
    assert logged_in(client)
    locked = AuditEntry.objects.filter(action="auth.locked_out", object_repr=user.username)
    assert locked.exists() and locked.first().success is False
    assert locked.first().ip == "10.1.1.1"


def test_the_lockout_message_does_not_reveal_whether_the_account_exists(db):
    response = _fail("no-such-user", 5)
    assert response.status_code == 429 and "已被暂时锁定" in response.content.decode()


def test_the_lockout_ends_after_the_cool_off(db):
    user = make_user(Role.STAFF)
    _fail(user.username, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    client, _response = real_login(user.username, ip="10.1.1.1")
    assert logged_in(client)


def test_a_success_resets_the_count(db):
    user = make_user(Role.STAFF)
    _fail(user.username, 4)
    real_login(user.username, ip="10.1.1.1")
    response = _fail(user.username, 4)
    assert response.status_code == 200  # four fresh failures, not eight


def test_the_security_administrator_unlocks(db, client):
    user = make_user(Role.STAFF)
    _fail(user.username, 5)
    secadmin = make_user(Role.SECADMIN)
    client.force_login(secadmin)
    page = client.get(reverse("security:lockouts"))
    assert user.username in page.content.decode() and "锁定至" in page.content.decode()
    attempt = AccessAttempt.objects.get(username=user.username)
    response = client.post(reverse("security:lockout_unlock", args=[attempt.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    entry = AuditEntry.objects.filter(action="auth.unlock").latest("seq")
    assert entry.actor == secadmin and entry.changes["username"] == user.username
    again, _response = real_login(user.username, ip="10.1.1.1")
    assert logged_in(again)
    # Unlocking a record that is gone says so.
    response = client.post(reverse("security:lockout_unlock", args=[attempt.pk]), follow=True)
    assert "已不存在" in response.content.decode()


def test_a_forged_x_real_ip_neither_dodges_the_lockout_nor_enters_the_log(db, settings):
    settings.TRUSTED_PROXIES = []
    user = make_user(Role.STAFF)
    for n in range(5):
        Client().post(
            reverse("accounts:login"),
            {"username": user.username, "password": "Wrong#1"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_REAL_IP=f"192.0.2.{n}",
        )
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 5
    assert set(AuditEntry.objects.filter(action="auth.login_failed").values_list("ip", flat=True)) == {
        "10.9.9.9"
    }


def test_behind_the_trusted_proxy_the_real_address_counts(db, settings):
    settings.TRUSTED_PROXIES = ["172.16.0.2/32"]
    user = make_user(Role.STAFF)
    Client().post(
        reverse("accounts:login"),
        {"username": user.username, "password": "Wrong#1"},
        REMOTE_ADDR="172.16.0.2",
        HTTP_X_REAL_IP="10.20.30.40",
    )
    assert AccessAttempt.objects.get(username=user.username).ip_address == "10.20.30.40"
    Client().post(
        reverse("accounts:login"),
        {"username": user.username, "password": "Wrong#1"},
        REMOTE_ADDR="172.16.0.2",
        HTTP_X_REAL_IP="not-an-address",
    )
    assert AccessAttempt.objects.filter(username=user.username, ip_address="172.16.0.2").exists()


def test_logins_logouts_and_failures_are_audited(db):
    user = make_user(Role.FINANCE)
    real_login(user.username, "Wrong#1", ip="10.3.3.3")
    client, _response = real_login(user.username, ip="10.3.3.3")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.3.3.3")
    actions = list(
        AuditEntry.objects.filter(object_repr__in=[user.username, str(user)])
        .order_by("seq")
        .values_list("action", "success", "ip")
    )
    assert ("auth.login_failed", False, "10.3.3.3") in actions
    assert ("auth.login", True, "10.3.3.3") in actions
    assert ("auth.logout", True, "10.3.3.3") in actions


# --- Sessions --------------------------------------------------------------------------------


def _shift(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


@pytest.mark.parametrize(
    ("shift", "reason"),
    [
        ({sessions.SEEN_AT: 31 * 60}, "idle"),
        ({sessions.STARTED_AT: 8 * 3600 + 60, sessions.SEEN_AT: 10}, "absolute"),
    ],
)
def test_idle_and_absolute_limits_end_the_session(db, shift, reason):
    user = make_user(Role.ENGINEER)
    client, _response = real_login(user.username)
    _shift(client, **shift)
    response = client.get(reverse("contracts:calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert f"expired={reason}" in response["Location"]
    assert not logged_in(client)
    page = client.get(response["Location"])
    assert "自动退出" in page.content.decode()
    entry = AuditEntry.objects.filter(action="auth.session_expired").latest("seq")
    assert entry.actor == user and entry.changes == {"reason": reason}


def test_activity_within_the_limits_keeps_the_session(db):
    user = make_user(Role.ENGINEER)
    client, _response = real_login(user.username)
    _shift(client, **{sessions.SEEN_AT: 29 * 60, sessions.STARTED_AT: 7 * 3600})
    assert client.get(reverse("contracts:calendar")).status_code == 200
    assert time.time() - client.session[sessions.SEEN_AT] < 5  # the request counted as activity


def test_an_htmx_request_after_expiry_reloads_the_login_page(db):
    user = make_user(Role.ENGINEER)
    client, _response = real_login(user.username)
    _shift(client, **{sessions.SEEN_AT: 31 * 60})
    response = client.get(reverse("contracts:calendar"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_logout_ends_the_session_on_the_server(db):
    from django.contrib.sessions.models import Session

    user = make_user(Role.ENGINEER)
    client, _response = real_login(user.username)
    key = client.session.session_key
    stolen = client.cookies.__class__(client.cookies)
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies = stolen  # the old cookie, replayed
    assert client.get(reverse("home")).status_code == 302


def test_a_deactivated_account_is_logged_out_at_once(db, client):
    user = make_user(Role.ENGINEER)
    theirs, _response = real_login(user.username)
    client.force_login(make_user(Role.SYSADMIN))
    client.post(reverse("security:user_set_active", args=[user.pk]), {"active": "0"})
    assert theirs.get(reverse("home")).status_code == 302
    assert not logged_in(theirs)
