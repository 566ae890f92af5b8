#!/usr/bin/env python
"""Run the audit tests connected as the runtime database role, as production runs (CI, issue 13).

With ``DATABASE_URL`` naming the owner (``postgres://owner@host:port/NAME``):

1. as the owner, create the database ``test_NAME_audit`` if missing, migrate it, and create the runtime
   role ``NAME_runtime`` with ``manage.py create_runtime_role`` (a fresh random password each run);
2. run the audit tests with ``DATABASE_URL=postgres://NAME_runtime:…@host:port/NAME_audit`` and
   ``--reuse-db`` (pytest-django then uses ``test_NAME_audit`` as it is: the runtime role cannot
   create databases or tables, and does not need to), ``JINBAO_EXPECT_RUNTIME_ROLE=1`` making the
   tests check that they really run without the owner's rights.

Tests that need to tamper with the tables (the owner's or a superuser's power) skip themselves in this
run; what is tested is that the portal works as that role and that every tampering is refused.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/common/test_audit.py",
    "tests/common/test_audit_tamper.py",
    "tests/security/test_audit_log.py",
]


def _with(
    url: str, *, dbname: str | None = None, user: str | None = None, password: str | None = None
) -> str:
    parts = urlsplit(url)
    user = user if user is not None else parts.username or "postgres"
    password = password if password is not None else parts.password
    netloc = f"{user}:{password}@" if password else f"{user}@"
    netloc += f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, netloc, f"/{dbname}" if dbname else parts.path, "", ""))


def run(args: list[str], env: dict) -> None:
    print("+", " ".join(args), flush=True)
    result = subprocess.run(args, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def main() -> None:
    owner_url = os.environ.get("DATABASE_URL", "")
    if not owner_url.startswith(("postgres://", "postgresql://")):
        sys.exit("audit_role_tests.py needs DATABASE_URL=postgres://owner@host:port/name")
    name = urlsplit(owner_url).path.lstrip("/") or "jinbao"
    base, role = f"{name}_audit", f"{name}_runtime"
    test_db = f"test_{base}"
    password = secrets.token_urlsafe(24)
    python = sys.executable
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.test"}
    owner_env = {**env, "DATABASE_URL": _with(owner_url, dbname=test_db), "JINBAO_RUNTIME_PASSWORD": password}
    run([python, "scripts/ensure_services.py"], {**owner_env, "CELERY_BROKER_URL": ""})
    run([python, "manage.py", "migrate", "--noinput", "-v", "0"], owner_env)
    run(
        [
            python,
            "manage.py",
            "create_runtime_role",
            "--role",
            role,
            "--password-env",
            "JINBAO_RUNTIME_PASSWORD",
        ],
        owner_env,
    )
    runtime_env = {
        **env,
        "DATABASE_URL": _with(owner_url, dbname=base, user=role, password=password),
        "JINBAO_EXPECT_RUNTIME_ROLE": "1",
    }
    run([python, "-m", "pytest", "--reuse-db", "-p", "no:xdist", "-q", *TESTS], runtime_env)


if __name__ == "__main__":
    main()
