"""Issue 13 item 2: the client address comes from ``X-Real-IP`` only when the request arrives from a
trusted proxy (``TRUSTED_PROXIES``, a CIDR list: the nginx of docker-compose.yml), and from the socket
otherwise. A forged header from anywhere else neither dodges the login lockout, nor locks somebody
else out, nor enters the audit log."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.roles import Role
from common.context import client_ip
from common.models import AuditEntry

from ..factories import make_user
from .helpers import PASSWORD, logged_in

ROOT = Path(__file__).resolve().parents[2]
NGINX = "172.30.0.10"  # the proxy's address on the internal network of docker-compose.yml
ATTACKER = "203.0.113.66"
ADMIN_DESK = "10.8.1.20"


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = ["172.30.0.10/32", "fd00:30::/64"]
    return settings


def _login(username, password, *, peer, header=None):
    client = Client()
    extra = {"REMOTE_ADDR": peer}
    if header is not None:
        extra["HTTP_X_REAL_IP"] = header
    response = client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)
    return client, response


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        (ATTACKER, ADMIN_DESK, ATTACKER),  # straight to the portal, forged: ignored
        ("172.30.0.11", ADMIN_DESK, "172.30.0.11"),  # another container on the network: not the proxy
        (NGINX, ADMIN_DESK, ADMIN_DESK),  # through nginx: the client's address
        (NGINX, "not-an-address", NGINX),  # nginx sends nonsense: the socket address
        (NGINX, None, NGINX),
        ("fd00:30::5", "2001:db8::7", "2001:db8::7"),  # IPv6 proxy inside the CIDR
        ("fd00:31::5", "2001:db8::7", "fd00:31::5"),
    ],
)
def test_the_header_counts_only_from_a_trusted_proxy(behind_nginx, peer, header, expected):
    extra = {"REMOTE_ADDR": peer}
    if header is not None:
        extra["HTTP_X_REAL_IP"] = header
    assert client_ip(RequestFactory().get("/", **extra)) == expected


def test_without_trusted_proxies_the_header_is_never_used(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=NGINX, HTTP_X_REAL_IP=ADMIN_DESK)
    assert client_ip(request) == NGINX


def test_forged_addresses_neither_dodge_the_lockout_nor_lock_out_the_admin(db, behind_nginx):
    """Five wrong passwords sent straight to the portal with five forged addresses lock the account at
    the attacker's real address; the admin, coming through nginx from the forged desk, still logs in."""
    admin = make_user(Role.SECADMIN, username="secadmin-proxy")
    for n in range(5):
        _login(admin.username, "Wrong#Pass1", peer=ATTACKER, header=f"{ADMIN_DESK[:-2]}{n + 20}")
    attempt = AccessAttempt.objects.get(username=admin.username)
    assert attempt.ip_address == ATTACKER and attempt.failures_since_start == 5
    assert set(
        AuditEntry.objects.filter(action="auth.login_failed", object_repr=admin.username).values_list(
            "ip", flat=True
        )
    ) == {ATTACKER}
    _client, response = _login(admin.username, PASSWORD, peer=ATTACKER, header=ADMIN_DESK)
    assert response.status_code == 429  # locked where the attempts really came from
    client, response = _login(admin.username, PASSWORD, peer=NGINX, header=ADMIN_DESK)
    assert logged_in(client), response.status_code
    assert AuditEntry.objects.filter(action="auth.login", actor=admin).latest("seq").ip == ADMIN_DESK


def _django_setup(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXIES", "TRUST_X_REAL_IP"}}
    environment.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_bad_cidr_or_the_old_switch_refuses_to_start():
    result = _django_setup(TRUSTED_PROXIES="172.30.0.10/33")
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr
    # TRUST_X_REAL_IP=1 trusted the header from every address: a deployment still setting it is told.
    result = _django_setup(TRUST_X_REAL_IP="1")
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr
    result = _django_setup(TRUSTED_PROXIES="172.30.0.10, fd00:30::/64")
    assert result.returncode == 0, result.stderr
    assert "172.30.0.10/32" in result.stdout and "fd00:30::/64" in result.stdout
