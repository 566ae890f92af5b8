"""Production settings refuse to start without a real secret; the environment configures the rest."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jinbao_service.settings.env import email_settings

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * 20 + "Zq8#t!pL0vWm2xR7yB4nC6eH9jU1sA3dF5gK"


def run_production(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS"}
    }
    base.update(DJANGO_SETTINGS_MODULE="jinbao_service.settings.production", **env)
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
