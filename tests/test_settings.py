"""Production settings refuse to start without a real secret; the environment configures the rest."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jinbao_service.settings.env import email_settings

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * 20 + "Zq8#t!pL0vWm2xR7yB4nC6eH9jU1sA3dF5gK"
GOOD_AUDIT_KEY = "Vb3_Xr9-Lk2mQw8sTz5yHn4jPd7cFg6a"


def run_production(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "AUDIT_KEY", "AUDIT_KEY_FILE"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="jinbao_service.settings.production",
        EMAIL_URL="smtp+tls://portal@mail.example.gov.cn:587",
        AUDIT_KEY=GOOD_AUDIT_KEY,
    )
    base.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"ALLOWED_HOSTS": "portal.example"},
        {
            "ALLOWED_HOSTS": "portal.example",
            "SECRET_KEY": "django-insecure-jinbao-development-key-never-use-in-production",
        },
        {"ALLOWED_HOSTS": "portal.example", "SECRET_KEY": "short"},
        # issue 13 item 9: long enough, but no variety
        {"ALLOWED_HOSTS": "portal.example", "SECRET_KEY": "a" * 50},
        {"ALLOWED_HOSTS": "portal.example", "SECRET_KEY": "0123456789" * 6},
        {"ALLOWED_HOSTS": "portal.example", "SECRET_KEY": "Zq8#t!pL0vWm2xR7yB4n" * 3},
    ],
)
def test_production_refuses_missing_or_default_secret(env):
    result = run_production(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_reads_secret_from_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(GOOD_SECRET + "\n")
    result = run_production({"SECRET_KEY_FILE": str(secret), "ALLOWED_HOSTS": "a.example,b.example"})
    assert result.returncode == 0, result.stderr
    assert "['a.example', 'b.example']" in result.stdout


def test_production_needs_allowed_hosts():
    result = run_production({"SECRET_KEY": GOOD_SECRET})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_email_url():
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_settings("smtp+tls://user%40x:p%40ss@mail.example:2525")
    assert smtp["EMAIL_HOST"] == "mail.example" and smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "user@x" and smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings("smtps://mail.example")["EMAIL_PORT"] == 465
    with pytest.raises(Exception, match="not supported"):
        email_settings("ftp://x")


def test_database_and_broker_follow_the_environment():
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"
    expected_broker = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
    assert settings.CELERY_BROKER_URL == expected_broker


@pytest.mark.parametrize("hosts", ["*", "portal.example,*", " * "])
def test_production_refuses_any_host(hosts):
    """Issue 13 item 9: ``ALLOWED_HOSTS='*'`` would answer for any Host header (cache poisoning,
    password-reset links to another host)."""
    result = run_production({"SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr and "*" in result.stderr


@pytest.mark.parametrize("url", ["console://", "locmem://", "dummy://", ""])
def test_production_refuses_mail_that_goes_nowhere(url):
    """Issue 13 item 9: reminders and checkpoints must reach people; a console, in-memory or dummy
    backend (or none, which means console) loses them silently."""
    result = run_production({"SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "portal.example", "EMAIL_URL": url})
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


def test_production_accepts_a_real_configuration():
    result = run_production(
        {
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "portal.example,.example.gov.cn",
            "EMAIL_URL": "smtps://portal:pw@mail.example.gov.cn",
        }
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "AUDIT_KEY_FILE"),
        ("jinbao-development-audit-chain-key-never-use-in-production", "development"),
        (GOOD_SECRET, "SECRET_KEY"),
        ("short-key", "too weak"),
    ],
)
def test_production_needs_its_own_audit_key(key, message):
    """Issue 13 item 1 (d): the chain's HMAC key comes from outside the database, in production a real one."""
    result = run_production({"SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "portal.example", "AUDIT_KEY": key})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_reads_the_audit_key_from_a_file(tmp_path):
    path = tmp_path / "audit_key"
    path.write_text(GOOD_AUDIT_KEY + "\n")
    result = run_production(
        {
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "portal.example",
            "AUDIT_KEY": "",
            "AUDIT_KEY_FILE": str(path),
        }
    )
    assert result.returncode == 0, result.stderr


def test_without_sm3_the_portal_refuses_to_start():
    """Issue 13 item 1 (d): the chain is HMAC-SM3; a Python whose OpenSSL lacks SM3 must not start."""
    code = (
        "import hmac\n"
        "_new = hmac.new\n"
        "def new(key, msg=None, digestmod=''):\n"
        "    if str(digestmod).lower() == 'sm3':\n"
        "        raise ValueError('unsupported hash type sm3')\n"
        "    return _new(key, msg, digestmod)\n"
        "hmac.new = new\n"
        "import django; django.setup()\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SM3" in result.stderr
    ok = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "18801"}, "http://127.0.0.1:18801"),
        ({}, "http://127.0.0.1:8000"),
        (
            {"PORT": "18801", "PORTAL_BASE_URL": "https://jinbao.example.gov.cn"},
            "https://jinbao.example.gov.cn",
        ),
    ],
)
def test_links_in_e_mails_follow_the_port_make_run_serves(env, expected):
    """`PORT=18801 make run` sends e-mails linking to port 18801, not 8000 (issue 16 item 3)."""
    base = {k: v for k, v in os.environ.items() if k not in {"PORT", "HOST", "PORTAL_BASE_URL"}}
    base.update(env, DJANGO_SETTINGS_MODULE="jinbao_service.settings.local")
    code = "import django; django.setup(); from django.conf import settings; print(settings.PORTAL_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("True", True),
        (" yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("No", False),
    ],
)
def test_env_bool_reads_the_usual_words(monkeypatch, raw, expected):
    from jinbao_service.settings.env import env_bool

    monkeypatch.setenv("JINBAO_TEST_FLAG", raw)
    assert env_bool("JINBAO_TEST_FLAG", not expected) is expected


def test_env_bool_refuses_a_misspelt_value(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from jinbao_service.settings.env import env_bool

    monkeypatch.setenv("JINBAO_TEST_FLAG", "treu")
    with pytest.raises(ImproperlyConfigured, match="treu"):
        env_bool("JINBAO_TEST_FLAG")
    monkeypatch.setenv("JINBAO_TEST_FLAG", "")
    assert env_bool("JINBAO_TEST_FLAG", True) is True
