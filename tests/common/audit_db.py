"""Helpers for the audit tests that play the attacker with database access.

On SQLite and on PostgreSQL as a superuser (the suite's usual connection) a test can tamper with the
tables behind the portal's back (``tamper``: on PostgreSQL with the triggers switched off, which only a
superuser can do) and check that verification finds it. Connected as the runtime role (CI's second
run, ``scripts/audit_role_tests.py``) nothing can be tampered with at all: those tests are skipped
there and the refusals are what is tested (``as_runtime_role``).
"""

import contextlib
import os

import pytest
from django.core.management import call_command
from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def current_role() -> tuple[str, bool]:
    """(role name, superuser?) of the connection; ("", True) on SQLite, where anybody can do anything."""
    if not is_postgresql():
        return "", True
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        name, superuser = cursor.fetchone()
    return name, bool(superuser)


def running_as_runtime_role() -> bool:
    return is_postgresql() and not current_role()[1]


def tamper(sql: str, params: list | None = None) -> None:
    """Change the audit tables behind the portal's back, as a superuser with the triggers off."""
    if running_as_runtime_role():
        pytest.skip("connected as the runtime role, which cannot tamper at all (see test_runtime_role_*)")
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])


def role_for_tests() -> str:
    """A role for this test process (roles are cluster-wide; created inside the test's transaction)."""
    return f"jinbao_i13_runtime_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"[:63]


@contextlib.contextmanager
def as_runtime_role():
    """Act as the runtime role: as a superuser, create it (``create_runtime_role``, in the test's
    transaction, so it is rolled back) and ``SET LOCAL ROLE`` to it; already connected as a
    non-superuser (CI's runtime-role run), simply go on as that role."""
    if not running_as_runtime_role():
        role = role_for_tests()
        call_command("create_runtime_role", role=role, no_login=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        try:
            yield role
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
    else:
        yield current_role()[0]
