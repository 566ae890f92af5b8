"""Response headers and settings: a Content-Security-Policy without inline code, HSTS and secure
cookies in production, Referrer-Policy, Permissions-Policy; no-store on pages with personal data;
``check --deploy`` clean on the production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from common.privacy import tracking

from ..factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def _production(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "jinbao.example.gov.cn",
        "EMAIL_URL": "smtp+tls://portal@mail.example.gov.cn:587",
        **env,
    }
    return subprocess.run(
        [sys.executable, *code.split()] if code.startswith("manage.py") else [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_on_production_settings():
    result = _production("manage.py check --deploy --fail-level WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_NAME)"
    )
    result = _production(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "__Host-sessionid"]


def test_every_page_carries_the_policy(db, client):
    client.force_login(make_user(Role.STAFF))
    for url in [reverse("home"), reverse("accounts:login"), "/no-such-page/"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'" and directives["form-action"] == "'self'"
        assert "unsafe" not in csp
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_with_personal_data_are_not_stored(db, client):
    client.force_login(make_user(Role.SYSADMIN))
    response = client.get(reverse("security:users"))  # marked @personal_data
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    plain = client.get(reverse("contracts:calendar"))  # no personal data
    assert "no-store" not in plain["Cache-Control"] and "private" in plain["Cache-Control"]


def test_a_phone_shown_through_the_privacy_filter_marks_the_page(db):
    viewer = make_user(Role.FINANCE)
    template = Template("{% load portal %}{{ phone|phone_for:viewer }}")
    with tracking() as tracker:
        assert template.render(Context({"phone": "", "viewer": viewer})) == ""
        assert not tracker.shown
        assert template.render(Context({"phone": "138 1500 2301", "viewer": viewer})) == "138****2301"
        assert tracker.shown


def test_the_privacy_filter_makes_any_view_no_store(db):
    """A view nobody marked, rendering a phone through ``phone_for``, is no-store all the same."""
    from django.http import HttpResponse

    from security.middleware import ResponseHeadersMiddleware

    def view(request):
        template = Template("{% load portal %}{{ p|phone_for:u }}")
        return HttpResponse(template.render(Context({"p": "13900001111", "u": request.user})))

    request = RequestFactory().get("/x/")
    request.user = make_user(Role.PM)
    response = ResponseHeadersMiddleware(view)(request)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/static/css/app.css"])
def test_static_files_are_not_marked_private(client, path):
    assert "private" not in client.get(path).get("Cache-Control", "")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("tickets:signoff_pdf", Role.PM),
        ("payments:notice_pdf", Role.FINANCE),
        ("reports:weekly_pdf", Role.PM),
    ],
)
def test_pdfs_with_names_are_never_stored(name, role, world, client):
    """Issue 13 item 11: the sign-off form and the payment notice carry people's names; a PDF shown
    inline (not only a download) is ``no-store`` like every other page with personal data."""
    from ..access import all_rules

    rule = all_rules()[name]
    client.force_login(world.users[role])
    response = client.get(reverse(name, kwargs=rule.kwargs(world)))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]
