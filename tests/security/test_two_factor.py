"""The second factor (TOTP): required for the bureau admin, the three administrators and any
superuser; enrolment with a QR code drawn on the page; the code after the password; one use per
code; a limit on wrong codes; the security administrator's reset. A plain ``Client`` here: the
suite's ``client`` fixture passes the second factor by itself."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import LOGIN_ROLES, TWO_FACTOR_ROLES, Role
from common.models import AuditEntry
from security.twofactor import enrol_with_key, key_from_base32, token_at

from ..conftest import TEST_TOTP_KEY
from ..factories import make_user
from .helpers import PASSWORD, logged_in, real_login

KEY = TEST_TOTP_KEY


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """django-otp waits 1, 2, 4 … seconds after a wrong code; the tests need no waiting."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_the_roles_that_need_it_cannot_use_the_portal_without_it(db, role):
    user = make_user(role)
    client, response = real_login(user.username)
    assert logged_in(client)
    for url in [reverse("home"), reverse("security:password_change"), reverse("common:notifications")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("security:two_factor_setup")), url


def test_a_superuser_needs_it_too(db):
    User.objects.create_superuser("root", "root@test.local", PASSWORD)
    client, _response = real_login("root")
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("security:two_factor_setup"))


@pytest.mark.parametrize("role", sorted({r.value for r in LOGIN_ROLES} - {r.value for r in TWO_FACTOR_ROLES}))
def test_the_other_roles_are_not_asked(db, role):
    user = make_user(role)
    client, _response = real_login(user.username)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("security:two_factor_setup")).status_code == 302


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_right_code(db):
    user = make_user(Role.AUDITOR)
    client, _response = real_login(user.username)
    page = client.get(reverse("security:two_factor_setup") + "?next=/audit/")
    html = page.content.decode()
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert key_from_base32(secret) == device.key
    assert "otpauth" not in html  # the URL is only inside the QR image

    wrong = client.post(reverse("security:two_factor_setup"), {"token": "123 456", "next": "/audit/"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("common:audit_log")).status_code == 302
    letters = client.post(reverse("security:two_factor_setup"), {"token": "abcdef"})
    assert "6 位数字" in letters.content.decode()

    done = client.post(
        reverse("security:two_factor_setup"), {"token": token_at(device.key), "next": "/audit/"}
    )
    assert done.status_code == 302 and done["Location"] == "/audit/"
    assert client.get(reverse("common:audit_log")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = list(AuditEntry.objects.filter(actor=user).values_list("action", "success"))
    assert ("auth.2fa_enrol_failed", False) in actions and ("auth.2fa_enrolled", True) in actions


def test_an_enrolled_user_types_the_code_after_the_password(db):
    user = make_user(Role.SYSADMIN)
    enrol_with_key(user, KEY)
    client, _response = real_login(user.username)
    landing = client.get(reverse("security:users"))
    assert landing["Location"].startswith(reverse("security:two_factor_verify"))
    wrong = client.post(reverse("security:two_factor_verify"), {"token": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    code = token_at(KEY)
    ok = client.post(
        reverse("security:two_factor_verify"), {"token": code, "next": reverse("security:users")}
    )
    assert ok["Location"] == reverse("security:users")
    assert client.get(reverse("security:users")).status_code == 200
    # The same code cannot open a second session (it was used).
    other, _response = real_login(user.username)
    replay = other.post(reverse("security:two_factor_verify"), {"token": code})
    assert replay.status_code == 200
    # Issue 16 item 5: it says so, rather than "验证码不正确".
    assert "已经用过" in replay.content.decode() and "验证码不正确" not in replay.content.decode()
    assert other.get(reverse("security:users")).status_code == 302


def test_a_foreign_next_is_ignored(db):
    user = make_user(Role.SYSADMIN)
    enrol_with_key(user, KEY)
    client, _response = real_login(user.username)
    response = client.post(
        reverse("security:two_factor_verify"), {"token": token_at(KEY), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_too_many_wrong_codes_end_the_login(db, settings):
    settings.TWO_FACTOR_MAX_FAILURES = 3
    user = make_user(Role.BUREAU_ADMIN)
    enrol_with_key(user, KEY)
    client, _response = real_login(user.username)
    for _ in range(2):
        response = client.post(reverse("security:two_factor_verify"), {"token": "000000"})
        assert response.status_code == 200
    response = client.post(reverse("security:two_factor_verify"), {"token": "000000"})
    assert response.status_code == 302 and "expired=two_factor" in response["Location"]
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="auth.2fa_failed", actor=user, success=False).count() == 3


def test_wrong_codes_are_throttled(db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    user = make_user(Role.BUREAU_ADMIN)
    enrol_with_key(user, KEY)
    client, _response = real_login(user.username)
    client.post(reverse("security:two_factor_verify"), {"token": "000000"})
    response = client.post(reverse("security:two_factor_verify"), {"token": token_at(KEY)})
    # Right code, but within the wait after a wrong one: refused, and the page says to wait.
    assert response.status_code == 200 and "秒后再试" in response.content.decode()


def test_the_security_administrator_resets_a_lost_authenticator(db, client):
    user = make_user(Role.AUDITOR)
    enrol_with_key(user, KEY)
    secadmin = make_user(Role.SECADMIN)
    client.force_login(secadmin)
    detail = client.get(reverse("security:user_detail", args=[user.pk]))
    assert "已绑定身份验证器" in detail.content.decode()
    client.post(reverse("security:user_two_factor_reset", args=[user.pk]))
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="user.2fa_reset", actor=secadmin, object_id=str(user.pk)).exists()
    theirs, _response = real_login(user.username)
    assert theirs.get(reverse("home"))["Location"].startswith(reverse("security:two_factor_setup"))
    # Nothing left to reset: said so, nothing logged.
    response = client.post(reverse("security:user_two_factor_reset", args=[user.pk]), follow=True)
    assert "尚未绑定" in response.content.decode()


def test_nobody_resets_their_own_second_factor(db, client):
    secadmin = make_user(Role.SECADMIN)
    client.force_login(secadmin)
    response = client.post(reverse("security:user_two_factor_reset", args=[secadmin.pk]), follow=True)
    assert "不能重置自己" in response.content.decode()
    assert TOTPDevice.objects.filter(user=secadmin, confirmed=True).exists()


def test_the_suite_client_passes_the_second_factor_and_a_plain_one_does_not(db, client):
    user = make_user(Role.BUREAU_ADMIN)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    plain = Client()
    plain.force_login(user)
    assert plain.get(reverse("home")).status_code == 302


def test_the_admin_site_logs_in_through_the_portal(db):
    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302 and login["Location"].startswith(reverse("accounts:login"))


def test_the_suite_client_login_works_with_axes_and_the_second_factor(db, client):
    user = make_user(Role.AUDITOR)
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("common:audit_log")).status_code == 200
    assert not client.login(username=user.username, password="Wrong#1")
