import os
from dataclasses import dataclass, field

import pytest
from django.test import Client

from accounts.roles import LOGIN_ROLES, Role

from .factories import DepartmentFactory, make_contract, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    """Two departments and one user of every role; ``outsiders`` are the same roles in department B."""

    dept_a: object
    dept_b: object
    users: dict[str, object] = field(default_factory=dict)
    outsiders: dict[str, object] = field(default_factory=dict)
    contract: object = None
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    dept_a = DepartmentFactory(code="dept-a", name="养老保险科")
    dept_b = DepartmentFactory(code="dept-b", name="就业管理中心")
    world = World(dept_a=dept_a, dept_b=dept_b)
    for n, role in enumerate((r for r in Role if r in LOGIN_ROLES), start=1):
        dept = dept_a if role in {Role.STAFF, Role.DEPT_HEAD} else None
        world.users[role.value] = make_user(
            role, department=dept, username=f"{role.value}_a", phone=f"139 0000 {n:04d}"
        )
    world.outsiders["staff"] = make_user(
        Role.STAFF, department=dept_b, username="staff_b", phone="139 0000 0101"
    )
    world.outsiders["dept_head"] = make_user(
        Role.DEPT_HEAD, department=dept_b, username="dept_head_b", phone="139 0000 0102"
    )
    world.contract = make_contract()
    return world


class PortalClient(Client):
    """A test client whose ``force_login`` (and ``login``) also passes the second factor for the users
    who need one (it enrols a device if the user has none and marks the session verified), so that
    tests of pages are not about the login. Tests of the second factor itself use a plain ``Client``.

    ``login(username=…, password=…)`` hands django-axes the request it needs (a plain test client's
    ``login`` would make axes raise for the missing request)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        self._pass_second_factor(user)

    def login(self, **credentials):
        from django.test import RequestFactory

        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        if not super().login(**credentials):
            return False
        from django.contrib.auth import get_user_model

        username = credentials.get("username", "")
        self._pass_second_factor(get_user_model().objects.get_by_natural_key(username))
        return True

    def _pass_second_factor(self, user) -> None:
        from django_otp import DEVICE_ID_SESSION_KEY

        from security.twofactor import confirmed_device, enrol_with_key, requires_two_factor

        if requires_two_factor(user):
            device = confirmed_device(user) or enrol_with_key(user, TEST_TOTP_KEY)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key "12345678901234567890"


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def admin_client(db, admin_user):
    client = PortalClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def contract(db):
    return make_contract()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Figures of the security tests (tests/security/figures.py) --------------------------------------


def _flush_past_the_audit_triggers() -> None:
    """Tests that commit (live server, real workers) end with Django's flush, a TRUNCATE of every
    table; on PostgreSQL the audit log's TRUNCATE trigger refuses that, as it should in production.
    The suite connects as a superuser and switches triggers off for that one statement (test-only)."""
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # pragma: no cover - psycopg2 is a dependency
        return
    original = DatabaseOperations.sql_flush
    if getattr(original, "jinbao_audit", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if sql and any(table.startswith("common_audit") for table in tables):
            return ["SET LOCAL session_replication_role = replica", *sql]
        return sql

    sql_flush.jinbao_audit = True
    DatabaseOperations.sql_flush = sql_flush


def pytest_configure(config):
    import tempfile

    from .security.figures import ENV

    _flush_past_the_audit_triggers()

    if not hasattr(config, "workerinput"):  # the controlling process: xdist workers inherit the folder
        os.environ[ENV] = tempfile.mkdtemp(prefix="jinbao-figures-")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    import shutil

    from .security.figures import ENV, totals

    folder = os.environ.get(ENV)
    if hasattr(config, "workerinput") or not folder:
        return
    counts = totals(folder)
    shutil.rmtree(folder, ignore_errors=True)
    if counts:
        terminalreporter.section("security figures")
        for name, value in sorted(counts.items()):
            terminalreporter.write_line(f"{name}: {value}")
